// Decoding a recording with a SpecMoE: the recording is read in chunks of whole segments (with a margin on each side
// so resampling and filtering have no edge effects inside the chunk), cut into model-ready segments, run through the
// model in batches, and every segment's class, probabilities and gate values reported as it is done.
import * as tf from '@tensorflow/tfjs';
import type { SpecMoEConfig } from './config';
import { type ChannelMap, cutSegments, mapChannels, type PrepareOptions, prepareChannels } from '../dsp/segments';
import type { Recording } from '../io/recording';
import type { SpecMoE } from './specMoE';
import { specMoETensors } from './specMoE';
import type { TaskDefinition } from './tasks';

export interface SegmentPrediction {
  /** Seconds after the header start time (record start times applied, so EDF+D gaps are respected). */
  readonly onsetSec: number;
  readonly durationSec: number;
  readonly classIndex: number;
  readonly className: string;
  readonly probabilities: readonly number[];
  /** Mean gate value of each of the three experts (mode 1). */
  readonly gates: readonly [number, number, number];
  /** Mean gate value per expert and model channel [3][C]. */
  readonly channelGates: readonly (readonly number[])[];
  /** Annotation text the segment was cut at (annotation mode). */
  readonly label?: string;
}

/**
 * Segments per forward on tfjs-wasm: full-size experts run ~25 % faster per segment one at a time than in batches
 * of 2–8 (SpecMoE on 4 × 6 000: 0.55 s vs 0.75 s; cache effects), small ones gain from batching (per-call overhead).
 */
export function preferredBatchSize(config: SpecMoEConfig): number {
  return config.expert.d3 >= 64 ? 1 : 4;
}

export interface DecodeOptions {
  readonly task: Pick<TaskDefinition, 'classes' | 'channels' | 'montage' | 'segmentSec'>;
  readonly channelOverrides?: Readonly<Record<string, string>>;
  readonly filter: PrepareOptions['filter'];
  readonly batchSize?: number;
  /** Segments per chunk read from the recording. */
  readonly chunkSegments?: number;
  /** Explicit segment onsets in data seconds (annotation mode) with their labels; default: back to back. */
  readonly segments?: readonly { readonly dataSec: number; readonly label?: string }[];
  /** At most this fraction of model channels may be missing (filled with zeros); above it, decoding refuses. */
  readonly maxMissingFraction?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (done: number, total: number, rows: readonly SegmentPrediction[]) => void;
}

export interface DecodeResult {
  readonly rows: SegmentPrediction[];
  readonly channelMap: ChannelMap;
  readonly warnings: string[];
  readonly cancelled: boolean;
}

export class DecodeError extends Error {
  override readonly name = 'DecodeError';
}

/** Margin read on each side of a chunk (s): longer than the filter and resampler's edge transients. */
const MARGIN_SEC = 4;

/** Data seconds (gaps excluded) → seconds after the header start time, through the record start times. */
export function clockTime(recording: Recording, dataSec: number): number {
  const { recordDurationSec } = recording.header;
  const starts = recording.recordStartTimesSec;
  if (recordDurationSec <= 0 || starts.length === 0) return dataSec;
  const r = Math.min(starts.length - 1, Math.max(0, Math.floor(dataSec / recordDurationSec)));
  const start = Number.isFinite(starts[r]!) ? starts[r]! : r * recordDurationSec;
  return start + (dataSec - r * recordDurationSec);
}

export function planChannels(recording: Recording, options: Pick<DecodeOptions, 'task' | 'channelOverrides' | 'maxMissingFraction'>): { map: ChannelMap; warnings: string[] } {
  const channels = recording.header.channels;
  const map = mapChannels(channels, options.task.channels, options.task.montage, options.channelOverrides);
  const warnings: string[] = [];
  const allowed = options.maxMissingFraction ?? 0.25;
  if (map.missing.length > allowed * options.task.channels.length) {
    throw new DecodeError(
      `the recording lacks ${map.missing.length} of the model's ${options.task.channels.length} channels (${map.missing.join(', ')}); ` +
        `it has ${channels.map((c) => c.label).join(', ')}. Map them by hand or use a model for these channels.`,
    );
  }
  if (map.missing.length > 0) warnings.push(`missing channels filled with zeros: ${map.missing.join(', ')}`);
  const rates = new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])).map((i) => channels[i]!.sampleRateHz));
  for (const rate of rates) if (rate !== 200) warnings.push(`resampled ${rate} Hz → 200 Hz`);
  return { map, warnings };
}

/** One batch of model-ready segments from a recording (µV/100, padded, positions shared by the batch). */
export interface SegmentBatch {
  readonly x: tf.Tensor3D;
  readonly times: tf.Tensor3D;
  readonly segments: readonly { readonly dataSec: number; readonly label?: string }[];
}

/**
 * Reads the recording in chunks of whole segments (with margins), prepares the model channels and yields batches of
 * segments; the consumer must dispose each batch's tensors. Stops early when `signal` aborts.
 */
export async function* segmentBatches(
  recording: Recording,
  map: ChannelMap,
  wanted: readonly { readonly dataSec: number; readonly label?: string }[],
  options: { segmentSec: number; sampleRateHz: number; filter: PrepareOptions['filter']; batchSize: number; chunkSegments: number; signal?: AbortSignal },
): AsyncGenerator<SegmentBatch> {
  const { segmentSec, sampleRateHz } = options;
  const duration = recording.durationSec;
  const sourceIndices = [...new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])))];
  for (let first = 0; first < wanted.length; first += options.chunkSegments) {
    if (options.signal?.aborted) return;
    const chunk = wanted.slice(first, first + options.chunkSegments);
    const chunkStart = Math.max(0, chunk[0]!.dataSec - MARGIN_SEC);
    const chunkEnd = Math.min(duration, chunk[chunk.length - 1]!.dataSec + segmentSec + MARGIN_SEC);
    const data = await recording.readChannels(sourceIndices, chunkStart, chunkEnd - chunkStart);
    const byIndex = new Map(sourceIndices.map((idx, i) => [idx, data[i]!]));
    const signals = await prepareChannels(recording.header.channels, map, async (i) => byIndex.get(i)!, { sampleRateHz, filter: options.filter });
    const segments = cutSegments(signals, sampleRateHz, segmentSec, chunk.map((s) => s.dataSec - chunkStart));
    const { nChannels, paddedLength } = segments;
    const size = nChannels * paddedLength;
    for (let b = 0; b < segments.nSegments; b += options.batchSize) {
      if (options.signal?.aborted) return;
      const n = Math.min(options.batchSize, segments.nSegments - b);
      yield {
        x: tf.tensor3d(segments.x.subarray(b * size, (b + n) * size), [n, nChannels, paddedLength]),
        times: tf.tidy(() => tf.tile(tf.tensor3d(segments.times, [1, 1, paddedLength]), [n, 1, 1]) as tf.Tensor3D),
        segments: chunk.slice(b, b + n),
      };
    }
  }
}

/** Segments that fit in the recording: the given ones, or back to back from 0. */
export function plannedSegments(recording: Recording, segmentSec: number, given?: DecodeOptions['segments']): { readonly dataSec: number; readonly label?: string }[] {
  const duration = recording.durationSec;
  const planned: readonly { readonly dataSec: number; readonly label?: string }[] =
    given ?? Array.from({ length: Math.max(0, Math.floor(duration / segmentSec + 1e-9)) }, (_, i) => ({ dataSec: i * segmentSec }));
  return planned.filter((s) => s.dataSec >= 0 && s.dataSec + segmentSec <= duration + 1e-9);
}

export async function decodeRecording(recording: Recording, model: SpecMoE, options: DecodeOptions): Promise<DecodeResult> {
  const { map, warnings } = planChannels(recording, options);
  const { segmentSec, classes } = options.task;
  if (classes.length !== model.config.nClasses) throw new DecodeError(`the task has ${classes.length} classes but the model outputs ${model.config.nClasses}`);
  const wanted = plannedSegments(recording, segmentSec, options.segments);
  const rows: SegmentPrediction[] = [];
  const batches = segmentBatches(recording, map, wanted, {
    segmentSec,
    sampleRateHz: model.config.sampleRateHz,
    filter: options.filter,
    batchSize: options.batchSize ?? 4,
    chunkSegments: options.chunkSegments ?? 32,
    signal: options.signal,
  });
  for await (const { x, times, segments } of batches) {
    const out = model.forward(x, times);
    const probabilities = (await out.probabilities.array()) as number[][];
    const channelGates = await Promise.all(
      out.gates.map(async (g) => {
        const mean = tf.mean(g, 2);
        try {
          return (await mean.array()) as number[][];
        } finally {
          mean.dispose();
        }
      }),
    );
    tf.dispose([x, times, ...specMoETensors(out)]);
    segments.forEach((seg, i) => {
      const p = probabilities[i]!;
      const classIndex = p.indexOf(Math.max(...p));
      const perExpert = channelGates.map((g) => g[i]!);
      rows.push({
        onsetSec: clockTime(recording, seg.dataSec),
        durationSec: segmentSec,
        classIndex,
        className: classes[classIndex]!,
        probabilities: p,
        gates: perExpert.map((g) => g.reduce((a, v) => a + v, 0) / g.length) as [number, number, number],
        channelGates: perExpert,
        ...(seg.label !== undefined ? { label: seg.label } : {}),
      });
    });
    options.onProgress?.(rows.length, wanted.length, rows);
  }
  return { rows, channelMap: map, warnings, cancelled: options.signal?.aborted ?? false };
}
