// The fixed-size header of an EDF / EDF+ / BDF / BDF+ file: 256 bytes, then 256 bytes per signal, the fields of
// each kind stored one after another for all signals (EDF spec, "header record"). Everything here is bounded by
// the file size, so a hostile header cannot make us allocate or loop without limit.
import { EdfFormatError } from './errors';
import type { ByteSource, RecordingFormat, RecordingHeaderFields } from './recording';

/** One signal as the header describes it, annotation signals included. */
export interface EdfSignal {
  readonly label: string;
  readonly transducer: string;
  readonly unit: string;
  readonly prefiltering: string;
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly digitalMin: number;
  readonly digitalMax: number;
  readonly samplesPerRecord: number;
  /** An "EDF Annotations" / "BDF Annotations" signal (EDF+ spec section 2.2): TAL bytes, not samples. */
  readonly isAnnotation: boolean;
  /** Where this signal's samples start inside a data record, in bytes. */
  readonly byteOffsetInRecord: number;
  /** physical = digital × gain + offset. */
  readonly gain: number;
  readonly offset: number;
}

export interface EdfLayout extends RecordingHeaderFields {
  readonly bytesPerSample: 2 | 3;
  readonly recordBytes: number;
  readonly signals: readonly EdfSignal[];
  readonly warnings: string[];
}

const FIXED_BYTES = 256;
const BYTES_PER_SIGNAL = 256;

/** The per-signal fields in file order: name and width in bytes. */
const SIGNAL_FIELDS = [
  ['label', 16],
  ['transducer type', 80],
  ['physical dimension', 8],
  ['physical minimum', 8],
  ['physical maximum', 8],
  ['digital minimum', 8],
  ['digital maximum', 8],
  ['prefiltering', 80],
  ['number of samples in data record', 8],
  ['reserved', 32],
] as const;

type SignalFieldName = (typeof SIGNAL_FIELDS)[number][0];

/** Header text is ASCII by the spec; other bytes are read as Latin-1 (one byte, one character) like MNE does. */
function latin1(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

class HeaderFields {
  constructor(
    private readonly bytes: Uint8Array,
    private readonly nSignals: number,
  ) {}

  text(offset: number, width: number): string {
    return latin1(this.bytes.subarray(offset, offset + width)).replace(/\0+$/, '').trim();
  }

  /** Byte offset of a per-signal field of signal `index`. */
  signalFieldOffset(name: SignalFieldName, index: number): number {
    let offset = FIXED_BYTES;
    for (const [field, width] of SIGNAL_FIELDS) {
      if (field === name) return offset + index * width;
      offset += width * this.nSignals;
    }
    throw new Error(`unknown signal field ${name}`);
  }

  signalText(name: SignalFieldName, index: number): string {
    const width = SIGNAL_FIELDS.find(([field]) => field === name)![1];
    return this.text(this.signalFieldOffset(name, index), width);
  }
}

/** A number as EDF writes it: ASCII, space padded; some writers use a decimal comma. NaN when unreadable. */
export function parseEdfNumber(text: string): number {
  const t = text.trim().replace(',', '.');
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

function requireNumber(text: string, what: string, offset: number): number {
  const n = parseEdfNumber(text);
  if (!Number.isFinite(n)) throw new EdfFormatError(`${what} is not a number: "${text}"`, what, offset);
  return n;
}

function requireCount(text: string, what: string, offset: number): number {
  const n = requireNumber(text, what, offset);
  if (!Number.isInteger(n) || n < 0) throw new EdfFormatError(`${what} must be a whole number ≥ 0, found "${text}"`, what, offset);
  return n;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];

/**
 * Start date and time. The dd.mm.yy field has a two-digit year (85–99 → 19xx, 00–84 → 20xx, EDF spec); an EDF+
 * recording field "Startdate dd-MMM-yyyy ..." carries all four digits and wins when it is a real date, as MNE does.
 * Clock fields are taken as UTC (EDF stores local time without a zone).
 */
export function parseStartDate(dateField: string, timeField: string, recordingId: string): Date | null {
  const date = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(dateField);
  const time = /^(\d\d)\.(\d\d)\.(\d\d)$/.exec(timeField);
  if (!date || !time) return null;
  let [day, month, year] = [Number(date[1]), Number(date[2]), Number(date[3])];
  year += year >= 85 ? 1900 : 2000;
  const plus = /^Startdate (\d\d)-([A-Z]{3})-(\d{4})\b/.exec(recordingId);
  if (plus && MONTHS.includes(plus[2]!)) [day, month, year] = [Number(plus[1]), MONTHS.indexOf(plus[2]!) + 1, Number(plus[3])];
  const [hour, minute, second] = [Number(time[1]), Number(time[2]), Number(time[3])];
  const d = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real =
    d.getUTCFullYear() === year && d.getUTCMonth() === month - 1 && d.getUTCDate() === day && hour < 24 && minute < 60 && second < 60;
  return real ? d : null;
}

function formatOf(versionBytes: Uint8Array, reserved: string, warnings: string[]): RecordingFormat {
  let base: 'EDF' | 'BDF';
  if (versionBytes[0] === 0xff) base = 'BDF';
  else if (latin1(versionBytes).trim() === '0') base = 'EDF';
  else {
    const shown = latin1(versionBytes).replace(/[^\x20-\x7e]/g, '?');
    throw new EdfFormatError(`not an EDF or BDF file: version is "${shown}", expected "0" (EDF) or 0xFF "BIOSEMI" (BDF)`, 'version', 0);
  }
  const plus = /^(EDF|BDF)\+([CD])/.exec(reserved);
  if (!plus) return base;
  if (plus[1] !== base) warnings.push(`the reserved field says "${plus[0]}" in a ${base} file; read as ${base}+${plus[2]}`);
  return `${base}+${plus[2] as 'C' | 'D'}`;
}

function isAnnotationLabel(label: string): boolean {
  return label === 'EDF Annotations' || label === 'BDF Annotations';
}

/** Scale of one data signal; degenerate ranges are handled as MNE does (a range of 0 counts as 1), with a warning. */
function scaling(signal: { label: string; physicalMin: number; physicalMax: number; digitalMin: number; digitalMax: number }, warnings: string[]) {
  let physicalRange = signal.physicalMax - signal.physicalMin;
  let digitalRange = signal.digitalMax - signal.digitalMin;
  if (digitalRange === 0) {
    warnings.push(`signal "${signal.label}": digital minimum = maximum (${signal.digitalMin}); digital range taken as 1, as MNE does`);
    digitalRange = 1;
  }
  if (physicalRange === 0) {
    warnings.push(`signal "${signal.label}": physical minimum = maximum (${signal.physicalMin}); physical range taken as 1, as MNE does`);
    physicalRange = 1;
  }
  const gain = physicalRange / digitalRange;
  return { gain, offset: signal.physicalMin - signal.digitalMin * gain };
}

/** How many records to read, given the header's count and what the file holds; explains any mismatch. */
function recordCount(field: string, complete: number, trailingBytes: number, warnings: string[]): number {
  const declared = parseEdfNumber(field);
  if (declared === -1 || !Number.isInteger(declared) || declared < 0) {
    warnings.push(
      declared === -1
        ? `number of data records is -1 (recording not closed); ${complete} complete records found in the file`
        : `number of data records "${field}" is unreadable; ${complete} complete records found in the file`,
    );
    if (trailingBytes > 0) warnings.push(`a trailing partial data record (${trailingBytes} bytes) is ignored`);
    return complete;
  }
  if (declared > complete) {
    warnings.push(
      `the header declares ${declared} data records but the file holds ${complete} complete ones (truncated file)` +
        (trailingBytes > 0 ? `; a trailing partial record (${trailingBytes} bytes) is ignored` : ''),
    );
    return complete;
  }
  if (declared < complete) {
    warnings.push(`the file holds ${complete} complete data records, more than the ${declared} the header declares; the extra records are ignored`);
  } else if (trailingBytes > 0) {
    warnings.push(`${trailingBytes} trailing bytes after the last data record are ignored`);
  }
  return declared;
}

/** Reads and checks the header. Throws EdfFormatError (field and byte offset) where the file cannot be read. */
export async function readEdfHeader(source: ByteSource): Promise<EdfLayout> {
  const warnings: string[] = [];
  if (source.size < FIXED_BYTES) {
    throw new EdfFormatError(`file is ${source.size} bytes, shorter than the 256-byte EDF header`, 'header', source.size);
  }
  const fixed = await source.read(0, FIXED_BYTES);
  const head = new HeaderFields(fixed, 0);
  const reserved = head.text(192, 44);
  const format = formatOf(fixed.subarray(0, 8), reserved, warnings);
  const nSignalsField = head.text(252, 4);
  const nSignals = requireCount(nSignalsField, 'number of signals', 252);
  const headerBytes = FIXED_BYTES + BYTES_PER_SIGNAL * nSignals;
  if (nSignals === 0) throw new EdfFormatError('the file declares no signals', 'number of signals', 252);
  if (headerBytes > source.size) {
    throw new EdfFormatError(
      `${nSignals} signals need a ${headerBytes}-byte header but the file has ${source.size} bytes`,
      'number of signals',
      252,
    );
  }
  const headerBytesField = head.text(184, 8);
  if (parseEdfNumber(headerBytesField) !== headerBytes) {
    warnings.push(`header-bytes field says "${headerBytesField}" but ${nSignals} signals make a ${headerBytes}-byte header; data read from byte ${headerBytes}`);
  }
  const bytes = new Uint8Array(headerBytes);
  bytes.set(fixed);
  bytes.set(await source.read(FIXED_BYTES, headerBytes - FIXED_BYTES), FIXED_BYTES);
  const fields = new HeaderFields(bytes, nSignals);

  const bytesPerSample = format.startsWith('BDF') ? 3 : 2;
  const signals: EdfSignal[] = [];
  let byteOffsetInRecord = 0;
  for (let i = 0; i < nSignals; i++) {
    const label = fields.signalText('label', i);
    const isAnnotation = isAnnotationLabel(label);
    const number = (name: SignalFieldName) => {
      const text = fields.signalText(name, i);
      // Annotation signals carry no samples, so writers leave their ranges sloppy; only data signals need them.
      return isAnnotation ? parseEdfNumber(text) : requireNumber(text, `${name} of signal ${i + 1} "${label}"`, fields.signalFieldOffset(name, i));
    };
    const spr = fields.signalText('number of samples in data record', i);
    const samplesPerRecord = requireCount(spr, `number of samples in data record of signal ${i + 1} "${label}"`, fields.signalFieldOffset('number of samples in data record', i));
    const ranges = { label, physicalMin: number('physical minimum'), physicalMax: number('physical maximum'), digitalMin: number('digital minimum'), digitalMax: number('digital maximum') };
    signals.push({
      ...ranges,
      transducer: fields.signalText('transducer type', i),
      unit: fields.signalText('physical dimension', i),
      prefiltering: fields.signalText('prefiltering', i),
      samplesPerRecord,
      isAnnotation,
      byteOffsetInRecord,
      ...(isAnnotation ? { gain: 1, offset: 0 } : scaling(ranges, warnings)),
    });
    byteOffsetInRecord += samplesPerRecord * bytesPerSample;
  }
  const recordBytes = byteOffsetInRecord;
  if (recordBytes === 0) throw new EdfFormatError('every signal has 0 samples per data record', 'number of samples in data record', fields.signalFieldOffset('number of samples in data record', 0));

  let recordDurationSec = requireNumber(head.text(244, 8), 'duration of a data record', 244);
  if (recordDurationSec < 0) throw new EdfFormatError(`duration of a data record is negative (${recordDurationSec})`, 'duration of a data record', 244);
  if (recordDurationSec === 0 && signals.some((s) => !s.isAnnotation)) {
    warnings.push('duration of a data record is 0 in a file with data signals; taken as 1 s, as MNE does');
    recordDurationSec = 1;
  }

  const dataBytes = source.size - headerBytes;
  const complete = Math.floor(dataBytes / recordBytes);
  const nRecords = recordCount(head.text(236, 8), complete, dataBytes - complete * recordBytes, warnings);

  const startDateField = head.text(168, 8);
  const startTimeField = head.text(176, 8);
  const recordingId = head.text(88, 80);
  const startDate = parseStartDate(startDateField, startTimeField, recordingId);
  if (!startDate) warnings.push(`impossible start date/time "${startDateField}" "${startTimeField}"; the start date is unknown`);
  if (format.endsWith('+C') || format.endsWith('+D')) {
    if (!signals.some((s) => s.isAnnotation)) warnings.push(`an ${format} file without an annotation signal; record start times assumed back to back`);
  }
  return {
    format,
    patientId: head.text(8, 80),
    recordingId,
    startDateField,
    startTimeField,
    startDate,
    headerBytes,
    bytesPerSample,
    recordBytes,
    nRecords,
    recordDurationSec,
    signals,
    warnings,
  };
}
