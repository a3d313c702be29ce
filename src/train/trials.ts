// Labelled trials for training the whole model: one window per annotation the label map knows, cut from the
// recording prepared exactly as decoding prepares it (channel map, 200 Hz, band-pass, the bundle's alignment), with
// a margin on each side so training can shift the window in time (augmentation). Values are µV/100.
import { prepareChannels, type PrepareOptions } from '../dsp/segments';
import type { Recording } from '../io/recording';
import { annotationSegments } from '../pipeline/annotationSegments';
import { recordingAlignment } from '../pipeline/batches';
import { planChannels } from '../pipeline/plan';
import type { TaskDefinition } from '../model/tasks';

export interface TrialSet {
  readonly n: number;
  readonly nChannels: number;
  /** Samples of a segment (segmentSec × rate), before padding to a multiple of 120. */
  readonly length: number;
  /** Samples read before and after each segment. */
  readonly margin: number;
  /** [n, C, length + 2·margin] row-major, µV/100. */
  readonly x: Float32Array;
  readonly labels: Int32Array;
  /** Per trial: recording, subject, data seconds of the segment's start, annotation text. */
  readonly recordingIds: readonly string[];
  readonly subjects: readonly string[];
  readonly onsetsSec: readonly number[];
  readonly annotations: readonly string[];
}

export class TrialError extends Error {
  override readonly name = 'TrialError';
}

export interface TrialOptions {
  readonly sampleRateHz: number;
  readonly preprocessing: PrepareOptions['filter'];
  /** Seconds read on each side of a segment (0 for evaluation sets). */
  readonly marginSec: number;
}

/** The recording's labelled trials; `classOf` maps annotation text to a class index (others are left out). */
export async function recordingTrials(
  recording: Recording,
  ids: { readonly recordingId: string; readonly subject: string },
  task: Pick<TaskDefinition, 'channels' | 'montage' | 'segmentSec'>,
  classOf: ReadonlyMap<string, number>,
  options: TrialOptions,
): Promise<TrialSet> {
  const { map } = planChannels(recording, { task });
  const fs = options.sampleRateHz;
  const spatial = await recordingAlignment(recording, map, fs, options.preprocessing);
  const sourceIndices = [...new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])))];
  const data = await recording.readChannels(sourceIndices, 0, recording.durationSec);
  const byIndex = new Map(sourceIndices.map((idx, i) => [idx, data[i]!]));
  const signals = await prepareChannels(recording.header.channels, map, async (i) => byIndex.get(i)!, { sampleRateHz: fs, filter: options.preprocessing, spatial });
  const total = signals[0]!.length;
  const length = Math.round(task.segmentSec * fs);
  const margin = Math.round(options.marginSec * fs);
  const span = length + 2 * margin;
  const labels = Object.fromEntries([...classOf.keys()].map((k) => [k, k]));
  const picked = annotationSegments(recording, labels).filter((s) => {
    const start = Math.round(s.dataSec * fs);
    return start >= 0 && start + length <= total;
  });
  const c = signals.length;
  const x = new Float32Array(picked.length * c * span);
  picked.forEach((s, k) => {
    const first = Math.round(s.dataSec * fs) - margin;
    for (let ch = 0; ch < c; ch++) {
      const src = signals[ch]!;
      const base = (k * c + ch) * span;
      // Margins that fall outside the recording stay zero (only the first or last trial, and only when shifted).
      for (let t = Math.max(0, -first); t < span && first + t < total; t++) x[base + t] = src[first + t]! / 100;
    }
  });
  return {
    n: picked.length,
    nChannels: c,
    length,
    margin,
    x,
    labels: Int32Array.from(picked, (s) => classOf.get(s.label)!),
    recordingIds: picked.map(() => ids.recordingId),
    subjects: picked.map(() => ids.subject),
    onsetsSec: picked.map((s) => s.dataSec),
    annotations: picked.map((s) => s.label),
  };
}

/** One set from several (same channels, length and margin). */
export function concatTrials(sets: readonly TrialSet[]): TrialSet {
  const first = sets[0];
  if (!first) throw new TrialError('no trials: none of the recordings has a labelled annotation');
  for (const s of sets) {
    if (s.nChannels !== first.nChannels || s.length !== first.length || s.margin !== first.margin) {
      throw new TrialError(`trials of ${s.nChannels} channels × ${s.length} (+2×${s.margin}) samples do not stack with ${first.nChannels} × ${first.length} (+2×${first.margin})`);
    }
  }
  const x = new Float32Array(sets.reduce((a, s) => a + s.x.length, 0));
  let o = 0;
  for (const s of sets) {
    x.set(s.x, o);
    o += s.x.length;
  }
  return {
    n: sets.reduce((a, s) => a + s.n, 0),
    nChannels: first.nChannels,
    length: first.length,
    margin: first.margin,
    x,
    labels: Int32Array.from(sets.flatMap((s) => [...s.labels])),
    recordingIds: sets.flatMap((s) => s.recordingIds),
    subjects: sets.flatMap((s) => s.subjects),
    onsetsSec: sets.flatMap((s) => s.onsetsSec),
    annotations: sets.flatMap((s) => s.annotations),
  };
}
