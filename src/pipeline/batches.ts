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

/** The recording channels a channel map reads (each once): mapped channels and both sides of derivations. */
function recordingChannelsOf(map: ChannelMap): number[] {
  return [...new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])))];
}

/** Length of the windows the alignment pass reads (s). */
const ALIGNMENT_CHUNK_SEC = 300;
/** Most signal the alignment pass reads (s): longer recordings are sampled in windows spread evenly over them. */
export const ALIGNMENT_MAX_SEC = 1800;

/** Starts (s) of the windows the alignment pass reads: the whole recording up to ALIGNMENT_MAX_SEC, else evenly spread. */
export function alignmentWindows(durationSec: number): number[] {
  if (durationSec <= ALIGNMENT_MAX_SEC) {
    return Array.from({ length: Math.ceil(durationSec / ALIGNMENT_CHUNK_SEC) }, (_, i) => i * ALIGNMENT_CHUNK_SEC);
  }
  const n = Math.floor(ALIGNMENT_MAX_SEC / ALIGNMENT_CHUNK_SEC);
  const stride = (durationSec - ALIGNMENT_CHUNK_SEC) / (n - 1);
  return Array.from({ length: n }, (_, i) => i * stride);
}

/**
 * The recording's alignment matrix when the preprocessing asks for one (dsp/alignment.ts), else null. The covariance
 * is taken over the whole recording when it lasts at most ALIGNMENT_MAX_SEC (every training run does), else over
 * windows spread evenly across it, so a multi-day file is not read twice. Each window is prepared (resampled,
 * band-passed) with margins that are read but not counted, so the covariance sees the same signal as the segments.
 * Returns null early when `signal` aborts.
 */
export async function recordingAlignment(
  recording: Recording,
  map: ChannelMap,
  sampleRateHz: number,
  filter: PrepareOptions['filter'],
  signal?: AbortSignal,
): Promise<Float64Array | null> {
  const spec = filter?.alignment;
  if (!spec) return null;
  const duration = recording.durationSec;
  const sourceIndices = recordingChannelsOf(map);
  const accumulator = new CovarianceAccumulator(map.sources.length);
  for (const start of alignmentWindows(duration)) {
    if (signal?.aborted) return null;
    const end = Math.min(duration, start + ALIGNMENT_CHUNK_SEC);
    const from = Math.max(0, start - MARGIN_SEC);
    const to = Math.min(duration, end + MARGIN_SEC);
    const data = await recording.readChannels(sourceIndices, from, to - from);
    const byIndex = new Map(sourceIndices.map((idx, i) => [idx, data[i]!]));
    const signals = await prepareChannels(recording.header.channels, map, async (i) => byIndex.get(i)!, { sampleRateHz, filter });
    const first = Math.round((start - from) * sampleRateHz);
    const last = Math.min(signals[0]!.length, Math.round((end - from) * sampleRateHz));
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
  const sourceIndices = recordingChannelsOf(map);
  const spatial = wanted.length > 0 ? await recordingAlignment(recording, map, sampleRateHz, options.filter, options.signal) : null;
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
