// Segments anchored at annotations (fine-tuning labels and `predict --annotations`): one segment per annotation
// whose text the label map knows, starting at its onset, in the recording's data time.
import type { Recording } from '../io/recording';
import { dataTime } from '../io/recordTimes';

export type AnnotationSegments = { readonly dataSec: number; readonly label: string }[];

export function annotationSegments(recording: Recording, labels: Readonly<Record<string, string>>, offsetSec = 0): AnnotationSegments {
  return recording.annotations
    .filter((a) => Object.hasOwn(labels, a.description.trim()))
    .map((a) => ({ dataSec: dataTime(recording, a.onsetSec) + offsetSec, label: a.description.trim() }));
}
