// Reads the annotation signals of every data record, and only those bytes: one targeted slice per record and
// annotation block, issued in concurrent batches, unless the annotations are most of each record (annotation-only
// files), where whole runs of records are read at once (at most twice the annotation bytes).
import type { EdfLayout } from './edfHeader';
import type { Annotation, ByteSource } from './recording';
import { parseRecordTals } from './tal';

export interface EdfAnnotations {
  /** Every annotation of every annotation signal, sorted by onset (stable: file order among equal onsets). */
  readonly annotations: Annotation[];
  /** Start of each record from its time-keeping TAL (NaN where unreadable), or r × record duration without TALs. */
  readonly recordStartTimesSec: Float64Array;
  readonly warnings: string[];
}

/** Bytes read per batch, and slices in flight per batch. */
const BATCH_BYTES = 4 << 20;
const BATCH_READS = 512;

/** Annotation signals that sit side by side in a record are read as one block. */
interface Block {
  readonly start: number;
  readonly length: number;
  /** Each annotation signal in the block: offset inside the block and length. */
  readonly parts: { readonly offset: number; readonly length: number }[];
}

function annotationBlocks(layout: EdfLayout): Block[] {
  const blocks: { start: number; length: number; parts: { offset: number; length: number }[] }[] = [];
  for (const s of layout.signals) {
    if (!s.isAnnotation) continue;
    const length = s.samplesPerRecord * layout.bytesPerSample;
    const last = blocks[blocks.length - 1];
    if (last && last.start + last.length === s.byteOffsetInRecord) {
      last.parts.push({ offset: last.length, length });
      last.length += length;
    } else blocks.push({ start: s.byteOffsetInRecord, length, parts: [{ offset: 0, length }] });
  }
  return blocks;
}

function quote(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}

export async function readEdfAnnotations(source: ByteSource, layout: EdfLayout): Promise<EdfAnnotations> {
  const { nRecords, recordBytes, headerBytes, recordDurationSec } = layout;
  const starts = new Float64Array(nRecords);
  const blocks = annotationBlocks(layout);
  if (blocks.length === 0) {
    for (let r = 0; r < nRecords; r++) starts[r] = r * recordDurationSec;
    return { annotations: [], recordStartTimesSec: starts, warnings: [] };
  }
  const annotationBytes = blocks.reduce((sum, b) => sum + b.length, 0);
  const wholeRecords = recordBytes - annotationBytes <= annotationBytes;
  const recordsPerBatch = wholeRecords
    ? Math.max(1, Math.floor(BATCH_BYTES / recordBytes))
    : Math.max(1, Math.min(Math.floor(BATCH_BYTES / annotationBytes), Math.floor(BATCH_READS / blocks.length)));

  const annotations: Annotation[] = [];
  const latin1Texts: string[] = [];
  let unreadableTals = 0;
  const parseRecord = (r: number, blockBytes: (blockIndex: number) => Uint8Array) => {
    blocks.forEach((block, b) => {
      const bytes = blockBytes(b);
      block.parts.forEach((part, p) => {
        const tals = parseRecordTals(bytes.subarray(part.offset, part.offset + part.length));
        if (b === 0 && p === 0) starts[r] = tals.firstOnsetSec;
        for (const a of tals.annotations) annotations.push(a);
        unreadableTals += tals.unreadableTals;
        for (const t of tals.latin1Texts) latin1Texts.push(t);
      });
    });
  };

  for (let r0 = 0; r0 < nRecords; r0 += recordsPerBatch) {
    const r1 = Math.min(nRecords, r0 + recordsPerBatch);
    if (wholeRecords) {
      const run = await source.read(headerBytes + r0 * recordBytes, (r1 - r0) * recordBytes);
      for (let r = r0; r < r1; r++) {
        const base = (r - r0) * recordBytes;
        parseRecord(r, (b) => run.subarray(base + blocks[b]!.start, base + blocks[b]!.start + blocks[b]!.length));
      }
    } else {
      const reads: Promise<Uint8Array>[] = [];
      for (let r = r0; r < r1; r++) for (const block of blocks) reads.push(source.read(headerBytes + r * recordBytes + block.start, block.length));
      const slices = await Promise.all(reads);
      for (let r = r0; r < r1; r++) parseRecord(r, (b) => slices[(r - r0) * blocks.length + b]!);
    }
  }

  const warnings: string[] = [];
  const unknownStarts = starts.reduce((n, s) => n + (Number.isNaN(s) ? 1 : 0), 0);
  if (unknownStarts > 0) {
    warnings.push(
      `the time-keeping annotation of ${unknownStarts} of ${nRecords} data records is unreadable, so their start times are unknown (NaN); ` +
        'a file damaged by LF→CRLF text conversion looks like this',
    );
  }
  if (unreadableTals > 0) warnings.push(`${unreadableTals} annotations (TALs) with an unreadable onset or duration were skipped`);
  if (latin1Texts.length > 0) {
    warnings.push(`${latin1Texts.length} annotation texts are not valid UTF-8 and were read as Latin-1, e.g. ${quote(latin1Texts[0]!)}`);
  }
  annotations.sort((a, b) => a.onsetSec - b.onsetSec);
  return { annotations, recordStartTimesSec: starts, warnings };
}
