// Writes an annotation-only EDF+C file (one "EDF Annotations" signal, one data record of duration 0, the layout of
// PhysioNet's hypnogram files), so predictions open as annotations in EDF viewers, MNE and our own reader.
import type { Annotation } from './recording';

export interface AnnotationFileHeader {
  /** EDF+ patient field ("code sex birthdate name"); "X X X X" when unknown or de-identified. */
  readonly patientId: string;
  /** Recording field; must start with "Startdate". */
  readonly recordingId: string;
  /** Start of the annotated recording (onsets are relative to it). */
  readonly startDate: Date | null;
}

const ascii = (text: string, width: number): string => {
  const clean = text.replace(/[^\x20-\x7e]/g, '_');
  return clean.length >= width ? clean.slice(0, width) : clean + ' '.repeat(width - clean.length);
};

const two = (n: number) => String(n).padStart(2, '0');

/** "+12.5" style onset/duration text with up to 6 decimals and no trailing zeros. */
function seconds(value: number, signed: boolean): string {
  const text = Number(value.toFixed(6)).toString();
  return signed && value >= 0 ? `+${text}` : text;
}

export function writeAnnotationEdf(annotations: readonly Annotation[], header: AnnotationFileHeader): Uint8Array {
  const encoder = new TextEncoder();
  const parts: Uint8Array[] = [encoder.encode('+0\x14\x14\x00')]; // time-keeping TAL of the single record
  for (const a of [...annotations].sort((x, y) => x.onsetSec - y.onsetSec)) {
    const duration = a.durationSec === null ? '' : `\x15${seconds(a.durationSec, false)}`;
    // TAL texts may not contain the separators (0x14, 0x15, 0x00).
    const text = a.description.replace(/[\x00\x14\x15]/g, ' ');
    parts.push(encoder.encode(`${seconds(a.onsetSec, true)}${duration}\x14${text}\x14\x00`));
  }
  const talBytes = parts.reduce((n, p) => n + p.length, 0);
  const samples = Math.ceil(talBytes / 2);
  const d = header.startDate;
  const date = d ? `${two(d.getUTCDate())}.${two(d.getUTCMonth() + 1)}.${two(d.getUTCFullYear() % 100)}` : '01.01.85';
  const time = d ? `${two(d.getUTCHours())}.${two(d.getUTCMinutes())}.${two(d.getUTCSeconds())}` : '00.00.00';
  const headerText =
    ascii('0', 8) +
    ascii(header.patientId || 'X X X X', 80) +
    ascii(header.recordingId.startsWith('Startdate') ? header.recordingId : 'Startdate X X X X', 80) +
    date +
    time +
    ascii(String(512), 8) +
    ascii('EDF+C', 44) +
    ascii('1', 8) + // one data record
    ascii('0', 8) + // of duration 0: an annotation-only file
    ascii('1', 4) +
    ascii('EDF Annotations', 16) +
    ascii('', 80) +
    ascii('', 8) +
    ascii('-1', 8) +
    ascii('1', 8) +
    ascii('-32768', 8) +
    ascii('32767', 8) +
    ascii('', 80) +
    ascii(String(samples), 8) +
    ascii('', 32);
  const out = new Uint8Array(512 + samples * 2);
  out.set(encoder.encode(headerText), 0);
  let pos = 512;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
