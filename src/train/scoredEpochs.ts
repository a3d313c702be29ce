// Fine-tuning segments from scored spans (sleep hypnograms): a labelled annotation with a duration gives one
// segment per whole segment length inside it (a 30-min "Sleep stage W" span gives 60 epochs of 30 s), where
// annotationSegments gives one segment at its onset (a motor-imagery cue). Segments outside the data are left out.
import type { Recording } from '../io/recording';
import { dataTime } from '../io/recordTimes';
import type { AnnotationSegments } from '../pipeline/annotationSegments';

export function scoredEpochSegments(recording: Recording, labels: Readonly<Record<string, string>>, segmentSec: number, offsetSec = 0): AnnotationSegments {
  const segments: { dataSec: number; label: string }[] = [];
  const lastStart = recording.durationSec - segmentSec;
  for (const a of recording.annotations) {
    const label = a.description.trim();
    if (!Object.hasOwn(labels, label)) continue;
    const count = a.durationSec !== null && a.durationSec > 0 ? Math.floor((a.durationSec - offsetSec) / segmentSec + 1e-9) : 1;
    for (let k = 0; k < count; k++) {
      const dataSec = dataTime(recording, a.onsetSec + offsetSec + k * segmentSec);
      if (dataSec >= -1e-9 && dataSec <= lastStart + 1e-9) segments.push({ dataSec: Math.max(0, dataSec), label });
    }
  }
  return segments;
}
