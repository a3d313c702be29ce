// A long EDF+ recording made from a real one by repeating its data records: record r is the real record
// r mod n, with its time-keeping TAL rewritten to "+r×duration" (and the real annotations dropped). Bytes are
// produced on demand, so tests can open a "1 GB" file without the disk, and the edf bench writes one to disk.
import { readEdfHeader } from '../io/edfHeader';
import type { ByteSource } from '../io/recording';

export interface RepeatedEdf extends ByteSource {
  readonly headerBytes: number;
  readonly recordBytes: number;
  readonly nRecords: number;
}

function memorySource(bytes: Uint8Array, name: string): ByteSource {
  return { name, size: bytes.length, read: async (offset, length) => bytes.subarray(offset, offset + length) };
}

/** `base` is a complete EDF+/BDF+ file with one annotation signal; the result has `nRecords` records. */
export async function repeatedEdf(base: Uint8Array, nRecords: number, name = 'repeated.edf'): Promise<RepeatedEdf> {
  const layout = await readEdfHeader(memorySource(base, name));
  const { headerBytes, recordBytes, recordDurationSec } = layout;
  const annotation = layout.signals.find((s) => s.isAnnotation);
  if (!annotation) throw new Error(`${name}: the base recording needs an annotation signal`);
  const header = new Uint8Array(base.subarray(0, headerBytes));
  header.set(new TextEncoder().encode(String(nRecords).padEnd(8)), 236);
  const annotationBytes = annotation.samplesPerRecord * layout.bytesPerSample;
  const record = (r: number, out: Uint8Array) => {
    const from = headerBytes + (r % layout.nRecords) * recordBytes;
    out.set(base.subarray(from, from + recordBytes));
    const tal = new TextEncoder().encode(`+${r * recordDurationSec}\x14\x14`);
    out.fill(0, annotation.byteOffsetInRecord, annotation.byteOffsetInRecord + annotationBytes);
    out.set(tal.subarray(0, annotationBytes), annotation.byteOffsetInRecord);
  };
  const size = headerBytes + nRecords * recordBytes;
  const scratch = new Uint8Array(recordBytes);
  return {
    name,
    size,
    headerBytes,
    recordBytes,
    nRecords,
    async read(offset, length) {
      const end = Math.min(size, offset + length);
      const out = new Uint8Array(Math.max(0, end - offset));
      if (offset < headerBytes) out.set(header.subarray(offset, Math.min(headerBytes, end)));
      for (let r = Math.max(0, Math.floor((offset - headerBytes) / recordBytes)); headerBytes + r * recordBytes < end; r++) {
        const recordStart = headerBytes + r * recordBytes;
        record(r, scratch);
        const from = Math.max(offset, recordStart);
        const to = Math.min(end, recordStart + recordBytes);
        out.set(scratch.subarray(from - recordStart, to - recordStart), from - offset);
      }
      return out;
    },
  };
}
