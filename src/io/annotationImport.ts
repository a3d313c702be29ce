// Annotations from a separate file laid over an open recording, as Sleep-EDF ships its hypnograms: an EDF+/BDF+
// annotation file (aligned by the two header start times) or a CSV/TSV table (annotationTable.ts). Annotations that
// overlap nothing of the recording are a clear error (the file belongs to another recording); the rest are kept,
// those outside the recording with a warning, as the reader keeps a file's own annotations outside its data.
import { AnnotationFileError, readAnnotationTable, type TableAnnotation } from './annotationTable';
import { openRecording } from './open';
import type { Annotation, ByteSource, Recording } from './recording';

/** What the annotations are aligned to: the open recording's header start and its span on the clock. */
export interface AnnotationTarget {
  readonly startDate: Date | null;
  /** Clock seconds (after the header start) of the first record's start and of the last record's end. */
  readonly clockStartSec: number;
  readonly clockEndSec: number;
}

export interface ImportedAnnotations {
  /** Onsets on the target's clock. */
  readonly annotations: Annotation[];
  /** Seconds added to the file's own onsets (its header start minus the recording's; 0 for tables). */
  readonly shiftSec: number;
  /** Annotations that lie wholly outside the recording. */
  readonly outside: number;
  readonly warnings: string[];
}

/** A text file larger than this is not an annotation table. */
const MAX_TABLE_BYTES = 64 << 20;

/** The recording's span on the clock, for AnnotationTarget. */
export function annotationTarget(recording: Recording): AnnotationTarget {
  const starts = [...recording.recordStartTimesSec].filter(Number.isFinite);
  const first = starts[0] ?? 0;
  const last = starts[starts.length - 1] ?? first;
  const dataEnd = first + recording.durationSec;
  return { startDate: recording.header.startDate, clockStartSec: first, clockEndSec: Math.max(dataEnd, last + recording.header.recordDurationSec) };
}

function looksLikeEdf(head: Uint8Array): boolean {
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const edf = String.fromCharCode(...head.subarray(0, 8)) === '0       ';
  const bdf = head[0] === 0xff && String.fromCharCode(...head.subarray(1, 8)) === 'BIOSEMI';
  return gzip || edf || bdf;
}

const clock = (date: Date | null, sec: number) => (date ? new Date(date.getTime() + sec * 1000).toISOString().replace('T', ' ').slice(0, 19) : `${sec.toFixed(1)} s`);

async function fromEdf(source: ByteSource, target: AnnotationTarget): Promise<{ annotations: Annotation[]; shiftSec: number; warnings: string[] }> {
  const file = await openRecording(source);
  try {
    if (file.annotations.length === 0) throw new AnnotationFileError(`${source.name} holds no annotations (${file.header.channels.length} data channels, format ${file.header.format}): choose its EDF+ annotation file`);
    const warnings: string[] = [];
    let shiftSec = 0;
    if (file.header.startDate && target.startDate) shiftSec = (file.header.startDate.getTime() - target.startDate.getTime()) / 1000;
    else warnings.push(`${source.name}: ${file.header.startDate ? "the recording's" : "the annotation file's"} start date is unknown, so its onsets are taken as seconds after the recording's start`);
    return { annotations: file.annotations.map((a) => ({ ...a, onsetSec: a.onsetSec + shiftSec })), shiftSec, warnings };
  } finally {
    await file.close();
  }
}

function tableOnsetSec(row: TableAnnotation, target: AnnotationTarget, name: string): number {
  const { onset } = row;
  if (onset.kind === 'seconds') return onset.sec;
  if (!target.startDate) throw new AnnotationFileError(`${name} line ${row.line}: onsets are clock times, but the recording's start date is unknown (write them as seconds after the start)`);
  if (onset.kind === 'datetime') return (onset.date.getTime() - target.startDate.getTime()) / 1000;
  // A time of day: its first occurrence at or after the recording's start (a night runs past midnight).
  const start = target.startDate;
  const startOfDay = start.getUTCHours() * 3600 + start.getUTCMinutes() * 60 + start.getUTCSeconds() + start.getUTCMilliseconds() / 1000;
  return (((onset.secOfDay - startOfDay) % 86_400) + 86_400) % 86_400;
}

function fromTable(text: string, name: string, target: AnnotationTarget): Annotation[] {
  return readAnnotationTable(text, name).map((row) => ({ onsetSec: tableOnsetSec(row, target, name), durationSec: row.durationSec, description: row.description }));
}

/**
 * Reads the annotations of an EDF+/BDF+ file (also .gz) or a CSV/TSV table and puts them on the target recording's
 * clock. Throws AnnotationFileError (what and where) when the file cannot be read or overlaps nothing of the recording.
 */
export async function importAnnotations(source: ByteSource, target: AnnotationTarget): Promise<ImportedAnnotations> {
  const head = await source.read(0, 8);
  let read: { annotations: Annotation[]; shiftSec: number; warnings: string[] };
  if (looksLikeEdf(head)) read = await fromEdf(source, target);
  else {
    if (source.size > MAX_TABLE_BYTES) throw new AnnotationFileError(`${source.name} is ${source.size} bytes: too large for an annotation table, and not an EDF/BDF file`);
    const text = new TextDecoder().decode(await source.read(0, source.size));
    read = { annotations: fromTable(text, source.name, target), shiftSec: 0, warnings: [] };
  }
  const inside = (a: Annotation) => a.onsetSec <= target.clockEndSec && a.onsetSec + Math.max(0, a.durationSec ?? 0) >= target.clockStartSec;
  const outside = read.annotations.filter((a) => !inside(a)).length;
  if (outside === read.annotations.length) {
    const from = Math.min(...read.annotations.map((a) => a.onsetSec));
    const to = Math.max(...read.annotations.map((a) => a.onsetSec + Math.max(0, a.durationSec ?? 0)));
    throw new AnnotationFileError(
      `the ${read.annotations.length} annotations of ${source.name} (${clock(target.startDate, from)} to ${clock(target.startDate, to)}) do not overlap the recording ` +
        `(${clock(target.startDate, target.clockStartSec)} to ${clock(target.startDate, target.clockEndSec)}): is the file for another recording?`,
    );
  }
  const warnings = [...read.warnings];
  if (outside > 0) warnings.push(`${outside} of the ${read.annotations.length} annotations of ${source.name} lie outside the recording (kept, not drawn)`);
  const annotations = [...read.annotations].sort((a, b) => a.onsetSec - b.onsetSec);
  return { annotations, shiftSec: read.shiftSec, outside, warnings };
}

/** The recording with more annotations merged in (sorted by onset); samples are read from the same source. */
export function withAnnotations(recording: Recording, extra: readonly Annotation[]): Recording {
  const annotations = [...recording.annotations, ...extra].sort((a, b) => a.onsetSec - b.onsetSec);
  return {
    source: recording.source,
    header: recording.header,
    annotations,
    recordStartTimesSec: recording.recordStartTimesSec,
    hasGaps: recording.hasGaps,
    warnings: recording.warnings,
    durationSec: recording.durationSec,
    readSamples: (channel, start, count) => recording.readSamples(channel, start, count),
    readChannels: (channels, startSec, durationSec) => recording.readChannels(channels, startSec, durationSec),
    close: () => recording.close(),
  };
}
