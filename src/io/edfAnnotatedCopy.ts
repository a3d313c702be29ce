// A recording copied whole with annotations added, as EDF+/BDF+: every data signal's bytes unchanged, the original
// annotation signals replaced by one that holds each record's time-keeping TAL, the recording's own annotations
// and the new ones (e.g. a decode's predicted classes), each in the record where its onset falls. MNE's
// `read_raw_edf` reads it whole: signals and annotations together.
import { annotationTal, type AnnotationFileHeader, asciiField, identificationFields, timeKeepingTal } from './edfAnnotationWriter';
import { readEdfHeader } from './edfHeader';
import type { Annotation, ByteSource } from './recording';

/** Data records copied per read (bounded so a multi-GB recording never sits in memory at once). */
const READ_BYTES = 8 << 20;

/** Widths of the per-signal header fields, in file order (label … reserved). */
const SIGNAL_FIELD_WIDTHS = [16, 80, 8, 8, 8, 8, 8, 80, 8, 32] as const;

export interface AnnotatedCopyRequest {
  /** Start of every data record in seconds after the header start (Recording.recordStartTimesSec). */
  readonly recordStartTimesSec: Float64Array;
  /** All annotations to write (the recording's own and the added ones), onsets in seconds after the header start. */
  readonly annotations: readonly Annotation[];
  /** Identification and start written to the copy (de-identified: "X X X X", no start date). */
  readonly header: AnnotationFileHeader;
}

/** The copy as Blob parts (a Blob keeps a large copy out of the JS heap). */
export async function edfWithAnnotations(source: ByteSource, request: AnnotatedCopyRequest): Promise<Blob> {
  const layout = await readEdfHeader(source);
  const kept = layout.signals.map((s, i) => ({ s, i })).filter(({ s }) => !s.isAnnotation);
  if (kept.length === 0 || layout.nRecords === 0) throw new RangeError(`${source.name} holds no data records to copy`);
  const bdf = layout.bytesPerSample === 3;
  const encoder = new TextEncoder();
  const { nRecords, recordDurationSec } = layout;
  const starts = Float64Array.from({ length: nRecords }, (_, r) => {
    const t = request.recordStartTimesSec[r];
    return t !== undefined && Number.isFinite(t) ? t : (request.recordStartTimesSec[0] ?? 0) + r * recordDurationSec;
  });
  // Each annotation goes into the last record starting at or before its onset (the first record for earlier ones).
  const perRecord: string[] = Array.from({ length: nRecords }, (_, r) => timeKeepingTal(starts[r]!));
  let r = 0;
  for (const a of [...request.annotations].sort((x, y) => x.onsetSec - y.onsetSec)) {
    while (r + 1 < nRecords && starts[r + 1]! <= a.onsetSec) r++;
    perRecord[r] += annotationTal(a);
  }
  const tals = perRecord.map((t) => encoder.encode(t));
  const talSamples = Math.ceil(Math.max(...tals.map((t) => t.length)) / layout.bytesPerSample);
  const talBytes = talSamples * layout.bytesPerSample;

  const original = await source.read(0, layout.headerBytes);
  const nOriginal = layout.signals.length;
  const n = kept.length + 1;
  const field = (f: number, i: number) => {
    let offset = 256;
    for (let k = 0; k < f; k++) offset += SIGNAL_FIELD_WIDTHS[k]! * nOriginal;
    const width = SIGNAL_FIELD_WIDTHS[f]!;
    return original.subarray(offset + i * width, offset + (i + 1) * width);
  };
  const annotationFields = [
    asciiField(bdf ? 'BDF Annotations' : 'EDF Annotations', 16),
    asciiField('', 80),
    asciiField('', 8),
    asciiField('-1', 8),
    asciiField('1', 8),
    asciiField(bdf ? '-8388608' : '-32768', 8),
    asciiField(bdf ? '8388607' : '32767', 8),
    asciiField('', 80),
    asciiField(String(talSamples), 8),
    asciiField('', 32),
  ];
  const header = new Uint8Array(256 * (n + 1));
  header.set(original.subarray(0, 8)); // version: "0" or 0xFF "BIOSEMI"
  const gapped = layout.format.endsWith('+D');
  const fixed = identificationFields(request.header) + asciiField(String(256 * (n + 1)), 8) + asciiField(`${bdf ? 'BDF' : 'EDF'}${gapped ? '+D' : '+C'}`, 44) + asciiField(String(nRecords), 8);
  header.set(encoder.encode(fixed), 8);
  header.set(original.subarray(244, 252), 244); // duration of a data record, as written
  header.set(encoder.encode(asciiField(String(n), 4)), 252);
  let pos = 256;
  SIGNAL_FIELD_WIDTHS.forEach((width, f) => {
    for (const { i } of kept) {
      header.set(field(f, i), pos);
      pos += width;
    }
    header.set(encoder.encode(annotationFields[f]!), pos);
    pos += width;
  });

  const parts: BlobPart[] = [header];
  const dataBytes = kept.reduce((a, { s }) => a + s.samplesPerRecord * layout.bytesPerSample, 0);
  const perRead = Math.max(1, Math.floor(READ_BYTES / layout.recordBytes));
  for (let first = 0; first < nRecords; first += perRead) {
    const count = Math.min(perRead, nRecords - first);
    const records = await source.read(layout.headerBytes + first * layout.recordBytes, count * layout.recordBytes);
    const out = new Uint8Array(count * (dataBytes + talBytes));
    for (let k = 0; k < count; k++) {
      const from = k * layout.recordBytes;
      let to = k * (dataBytes + talBytes);
      for (const { s } of kept) {
        const length = s.samplesPerRecord * layout.bytesPerSample;
        out.set(records.subarray(from + s.byteOffsetInRecord, from + s.byteOffsetInRecord + length), to);
        to += length;
      }
      out.set(tals[first + k]!, to); // the rest of the signal stays 0 (TAL padding)
    }
    parts.push(out);
  }
  return new Blob(parts);
}
