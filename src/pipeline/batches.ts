// Model-ready batches from a recording: read in chunks of whole segments (with a margin on each side so resampling
// and filtering have no edge effects inside the chunk), the model's channels prepared, cut into segments.
import * as tf from '@tensorflow/tfjs';
import { alignmentMatrix, CovarianceAccumulator } from '../dsp/alignment';
import { type ChannelMap, cutSegments, type PrepareOptions, prepareChannels } from '../dsp/segments';
import type { Recording } from '../io/recording';
import type { SegmentArrays } from './decodeLanes';
import type { PlannedSegment } from './plan';

/** Margin read on each side of a chunk (s): longer than the filter and resampler's edge transients. */
const MARGIN_SEC = 4;

/** One batch of model-ready segments from a recording (µV/100, padded, positions shared by the batch). */
export interface SegmentBatch {
  readonly x: tf.Tensor3D;
  readonly times: tf.Tensor3D;
  readonly segments: readonly PlannedSegment[];
}

export interface BatchPlan {
  segmentSec: number;
  sampleRateHz: number;
  filter: PrepareOptions['filter'];
  batchSize: number;
  chunkSegments: number;
  signal?: AbortSignal;
}

/** Length of the chunks the alignment pass reads (s). */
const ALIGNMENT_CHUNK_SEC = 600;

/**
 * The recording's alignment matrix when the preprocessing asks for one (dsp/alignment.ts), else null: one pass over
 * the whole recording in chunks, each prepared (resampled, band-passed) with margins that are read but not counted,
 * so the covariance sees the same signal as the segments.
 */
export async function recordingAlignment(recording: Recording, map: ChannelMap, sampleRateHz: number, filter: PrepareOptions['filter']): Promise<Float64Array | null> {
  const spec = filter?.alignment;
  if (!spec) return null;
  const duration = recording.durationSec;
  const sourceIndices = [...new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])))];
  const accumulator = new CovarianceAccumulator(map.sources.length);
  for (let start = 0; start < duration; start += ALIGNMENT_CHUNK_SEC) {
    const from = Math.max(0, start - MARGIN_SEC);
    const to = Math.min(duration, start + ALIGNMENT_CHUNK_SEC + MARGIN_SEC);
    const data = await recording.readChannels(sourceIndices, from, to - from);
    const byIndex = new Map(sourceIndices.map((idx, i) => [idx, data[i]!]));
    const signals = await prepareChannels(recording.header.channels, map, async (i) => byIndex.get(i)!, { sampleRateHz, filter });
    const first = Math.round((start - from) * sampleRateHz);
    const last = Math.min(signals[0]!.length, Math.round((Math.min(duration, start + ALIGNMENT_CHUNK_SEC) - from) * sampleRateHz));
    accumulator.add(signals, first, last);
  }
  return alignmentMatrix(accumulator.covariance(), map.sources.length, spec);
}

/**
 * Reads the recording in chunks of whole segments (with margins), prepares the model channels (aligned when the
 * preprocessing asks for it) and yields batches of segments as arrays. Stops early when `signal` aborts.
 */
export async function* segmentArrays(
  recording: Recording,
  map: ChannelMap,
  wanted: readonly PlannedSegment[],
  options: BatchPlan,
): AsyncGenerator<SegmentArrays & { readonly segments: readonly PlannedSegment[] }> {
  const { segmentSec, sampleRateHz } = options;
  const duration = recording.durationSec;
  const sourceIndices = [...new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])))];
  const spatial = wanted.length > 0 ? await recordingAlignment(recording, map, sampleRateHz, options.filter) : null;
  for (let first = 0; first < wanted.length; first += options.chunkSegments) {
    if (options.signal?.aborted) return;
    const chunk = wanted.slice(first, first + options.chunkSegments);
    const chunkStart = Math.max(0, chunk[0]!.dataSec - MARGIN_SEC);
    const chunkEnd = Math.min(duration, chunk[chunk.length - 1]!.dataSec + segmentSec + MARGIN_SEC);
    const data = await recording.readChannels(sourceIndices, chunkStart, chunkEnd - chunkStart);
    const byIndex = new Map(sourceIndices.map((idx, i) => [idx, data[i]!]));
    const signals = await prepareChannels(recording.header.channels, map, async (i) => byIndex.get(i)!, { sampleRateHz, filter: options.filter, spatial });
    const segments = cutSegments(signals, sampleRateHz, segmentSec, chunk.map((s) => s.dataSec - chunkStart));
    const { nChannels, paddedLength } = segments;
    const size = nChannels * paddedLength;
    for (let b = 0; b < segments.nSegments; b += options.batchSize) {
      if (options.signal?.aborted) return;
      const n = Math.min(options.batchSize, segments.nSegments - b);
      yield { x: segments.x.slice(b * size, (b + n) * size), shape: [n, nChannels, paddedLength], times: segments.times, segments: chunk.slice(b, b + n) };
    }
  }
}

/** segmentArrays as tensors; the consumer must dispose each batch's tensors. */
export async function* segmentBatches(
  recording: Recording,
  map: ChannelMap,
  wanted: readonly PlannedSegment[],
  options: BatchPlan,
): AsyncGenerator<SegmentBatch> {
  for await (const { x, shape, times, segments } of segmentArrays(recording, map, wanted, options)) {
    const [n, , length] = shape;
    yield {
      x: tf.tensor3d(x, [...shape]),
      times: tf.tidy(() => tf.tile(tf.tensor3d(times, [1, 1, length]), [n, 1, 1]) as tf.Tensor3D),
      segments,
    };
  }
}
