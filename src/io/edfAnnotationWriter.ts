// Writes an annotation-only EDF+C file (one "EDF Annotations" signal, one data record of duration 0, the layout of
// PhysioNet's hypnogram files), so predictions open as annotations in EDF viewers, MNE (`mne.read_annotations`) and
// our own reader. The TAL and header-field helpers are shared with edfAnnotatedCopy.ts.
import type { Annotation } from './recording';

export interface AnnotationFileHeader {
  /** EDF+ patient field ("code sex birthdate name"); "X X X X" when unknown or de-identified. */
  readonly patientId: string;
  /** Recording field; must start with "Startdate". */
  readonly recordingId: string;
  /**
   * Start of the annotated recording (onsets are seconds after it). Null writes EDF+'s "unknown" start, 01.01.85
   * 00.00.00 with "Startdate X" (de-identified): the onsets are then relative to an unstated start.
   */
  readonly startDate: Date | null;
}

/** ASCII text padded with spaces (or cut) to a header field's width; other characters become "_". */
export const asciiField = (text: string, width: number): string => {
  const clean = text.replace(/[^\x20-\x7e]/g, '_');
  return clean.length >= width ? clean.slice(0, width) : clean + ' '.repeat(width - clean.length);
};

const two = (n: number) => String(n).padStart(2, '0');

/** "+12.5" style onset/duration text with up to 6 decimals and no trailing zeros. */
function seconds(value: number, signed: boolean): string {
  const text = Number(value.toFixed(6)).toString();
  return signed && value >= 0 ? `+${text}` : text;
}

/** A record's time-keeping TAL: its start in seconds after the header start, with no text. */
export const timeKeepingTal = (startSec: number): string => `${seconds(startSec, true)}\x14\x14\x00`;

/** One annotation as a TAL (its text may not contain the separators 0x14, 0x15, 0x00: they become spaces). */
export function annotationTal(a: Annotation): string {
  const duration = a.durationSec === null ? '' : `\x15${seconds(a.durationSec, false)}`;
  return `${seconds(a.onsetSec, true)}${duration}\x14${a.description.replace(/[\x00\x14\x15]/g, ' ')}\x14\x00`;
}

/** The fixed header's identification, start date and start time fields (bytes 8–183). */
export function identificationFields(header: AnnotationFileHeader): string {
  const d = header.startDate;
  const date = d ? `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${two(d.getUTCFullYear() % 100)}` : '01.01.85';
  const time = d ? `${two(d.getUTCHours())}.${two(d.getUTCMinutes())}.${two(d.getUTCSeconds())}` : '00.00.00';
  const recordingId = d && header.recordingId.startsWith('Startdate') ? header.recordingId : 'Startdate X X X X';
  return asciiField(header.patientId || 'X X X X', 80) + asciiField(recordingId, 80) + date + time;
}

export function writeAnnotationEdf(annotations: readonly Annotation[], header: AnnotationFileHeader): Uint8Array {
  const encoder = new TextEncoder();
  const parts = [timeKeepingTal(0), ...[...annotations].sort((x, y) => x.onsetSec - y.onsetSec).map(annotationTal)].map((t) => encoder.encode(t));
  const talBytes = parts.reduce((n, p) => n + p.length, 0);
  const samples = Math.ceil(talBytes / 2);
  const headerText =
    asciiField('0', 8) +
    identificationFields(header) +
    asciiField(String(512), 8) +
    asciiField('EDF+C', 44) +
    asciiField('1', 8) + // one data record
    asciiField('0', 8) + // of duration 0: an annotation-only file
    asciiField('1', 4) +
    asciiField('EDF Annotations', 16) +
    asciiField('', 80) +
    asciiField('', 8) +
    asciiField('-1', 8) +
    asciiField('1', 8) +
    asciiField('-32768', 8) +
    asciiField('32767', 8) +
    asciiField('', 80) +
    asciiField(String(samples), 8) +
    asciiField('', 32);
  const out = new Uint8Array(512 + samples * 2);
  out.set(encoder.encode(headerText), 0);
  let pos = 512;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
