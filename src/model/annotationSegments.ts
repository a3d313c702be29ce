// Segments anchored at annotations (fine-tuning labels and `predict --annotations`): one segment per annotation
// whose text the label map knows, starting at its onset, in the recording's data time.
import type { Recording } from '../io/recording';

export type AnnotationSegments = { readonly dataSec: number; readonly label: string }[];

/** Clock seconds after the header start → data seconds (gaps excluded), through the record start times. */
export function dataTime(recording: Recording, clockSec: number): number {
  const starts = recording.recordStartTimesSec;
  const dur = recording.header.recordDurationSec;
  let r = 0;
  while (r + 1 < starts.length && Number.isFinite(starts[r + 1]!) && starts[r + 1]! <= clockSec) r++;
  const start = Number.isFinite(starts[r]!) ? starts[r]! : r * dur;
  return r * dur + (clockSec - start);
}

export function annotationSegments(recording: Recording, labels: Readonly<Record<string, string>>, offsetSec = 0): AnnotationSegments {
  return recording.annotations
    .filter((a) => Object.hasOwn(labels, a.description.trim()))
    .map((a) => ({ dataSec: dataTime(recording, a.onsetSec) + offsetSec, label: a.description.trim() }));
}
