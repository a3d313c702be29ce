// Decoding a recording with a SpecMoE: the recording is read in chunks of whole segments (with a margin on each side
// so resampling and filtering have no edge effects inside the chunk), cut into model-ready segments, run through the
// model in batches, and every segment's class, probabilities and gate values reported as it is done.
import * as tf from '@tensorflow/tfjs';
import type { SpecMoEConfig } from './config';
import { checkChannelMap } from '../dsp/mappingChecks';
import { type ChannelMap, cutSegments, mapChannels, type PrepareOptions, prepareChannels } from '../dsp/segments';
import type { Recording } from '../io/recording';
import { type BatchOutputs, type ForwardLane, LaneError, localLane, type SegmentArrays } from './lanes';
import { nextTask } from './nextTask';
import type { SpecMoE } from './specMoE';
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
  /** Where batches run (see lanes.ts); default: this thread only. */
  readonly lanes?: readonly ForwardLane[];
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

/**
 * The task's channels mapped onto a recording, with what refuses the mapping (errors: too many channels missing,
 * one channel copied to several inputs, non-EEG channels on EEG inputs; see mappingChecks.ts) and what to know
 * (warnings: zero-filled channels, resampling, a rate too low for the model's band).
 */
export function channelPlan(
  recording: Recording,
  options: Pick<DecodeOptions, 'task' | 'channelOverrides' | 'maxMissingFraction'> & { readonly filter?: PrepareOptions['filter'] },
): { map: ChannelMap; errors: string[]; warnings: string[] } {
  const channels = recording.header.channels;
  const map = mapChannels(channels, options.task.channels, options.task.montage, options.channelOverrides);
  // Without a declared band-pass, the model's data span everything its 200-Hz input holds (tasks.ts: always 200 Hz).
  const band = options.filter ? { lowHz: options.filter.lowHz, highHz: options.filter.highHz } : { lowHz: null, highHz: 100 };
  const { errors, warnings } = checkChannelMap(channels, options.task.channels, map, band, options.channelOverrides);
  const allowed = options.maxMissingFraction ?? 0.25;
  if (map.missing.length > allowed * options.task.channels.length) {
    errors.unshift(
      `the recording lacks ${map.missing.length} of the model's ${options.task.channels.length} channels (${map.missing.join(', ')}); ` +
        `it has ${channels.map((c) => c.label).join(', ')}. Map them by hand or use a model for these channels.`,
    );
  }
  if (map.missing.length > 0) warnings.push(`missing channels filled with zeros: ${map.missing.join(', ')}`);
  const rates = new Set(map.sources.flatMap((s) => (s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [])).map((i) => channels[i]!.sampleRateHz));
  for (const rate of rates) if (rate !== 200) warnings.push(`resampled ${rate} Hz → 200 Hz`);
  return { map, errors, warnings };
}

/** channelPlan, refused with a DecodeError that gives every reason. */
export function planChannels(
  recording: Recording,
  options: Pick<DecodeOptions, 'task' | 'channelOverrides' | 'maxMissingFraction'> & { readonly filter?: PrepareOptions['filter'] },
): { map: ChannelMap; warnings: string[] } {
  const { map, errors, warnings } = channelPlan(recording, options);
  if (errors.length > 0) throw new DecodeError(errors.join('; '));
  return { map, warnings };
}

/** One batch of model-ready segments from a recording (µV/100, padded, positions shared by the batch). */
export interface SegmentBatch {
  readonly x: tf.Tensor3D;
  readonly times: tf.Tensor3D;
  readonly segments: readonly { readonly dataSec: number; readonly label?: string }[];
}

interface BatchPlan {
  segmentSec: number;
  sampleRateHz: number;
  filter: PrepareOptions['filter'];
  batchSize: number;
  chunkSegments: number;
  signal?: AbortSignal;
}

/**
 * Reads the recording in chunks of whole segments (with margins), prepares the model channels and yields batches of
 * segments as arrays. Stops early when `signal` aborts.
 */
async function* segmentArrays(
  recording: Recording,
  map: ChannelMap,
  wanted: readonly { readonly dataSec: number; readonly label?: string }[],
  options: BatchPlan,
): AsyncGenerator<SegmentArrays & { readonly segments: readonly { readonly dataSec: number; readonly label?: string }[] }> {
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
      yield { x: segments.x.slice(b * size, (b + n) * size), shape: [n, nChannels, paddedLength], times: segments.times, segments: chunk.slice(b, b + n) };
    }
  }
}

/** segmentArrays as tensors; the consumer must dispose each batch's tensors. */
export async function* segmentBatches(
  recording: Recording,
  map: ChannelMap,
  wanted: readonly { readonly dataSec: number; readonly label?: string }[],
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
  const batches = segmentArrays(recording, map, wanted, {
    segmentSec,
    sampleRateHz: model.config.sampleRateHz,
    filter: options.filter,
    batchSize: options.batchSize ?? 4,
    chunkSegments: options.chunkSegments ?? 32,
    signal: options.signal,
  });
  // Every free lane takes the next batch; results are reported in recording order. A lane that dies (a replica's
  // worker crashed) is dropped with a warning and its batch goes to another lane; the run fails only with none left.
  type Job = { index: number; batch: SegmentArrays & { readonly segments: readonly { readonly dataSec: number; readonly label?: string }[] } };
  const lanes = options.lanes && options.lanes.length > 0 ? [...options.lanes] : [localLane(model)];
  const free = lanes.flatMap((lane) => Array.from({ length: Math.max(1, lane.depth ?? 1) }, () => lane));
  let alive = lanes.length;
  const dead = new Set<ForwardLane>();
  const inFlight = new Set<Promise<void>>();
  const retry: Job[] = [];
  const done = new Map<number, { job: Job; outputs: BatchOutputs }>();
  const iterator = batches[Symbol.asyncIterator]();
  let exhausted = false;
  let issued = 0;
  let reported = 0;
  let failure: Error | null = null;
  const flush = () => {
    for (let next = done.get(reported); next; next = done.get(reported)) {
      done.delete(reported++);
      const { job, outputs } = next;
      job.batch.segments.forEach((seg, i) => {
        const p = outputs.probabilities[i]!;
        const classIndex = p.indexOf(Math.max(...p));
        const perExpert = outputs.channelGates.map((g) => g[i]!);
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
  };
  const dispatch = (lane: ForwardLane, job: Job) => {
    const task = lane
      .forward(job.batch)
      .then((outputs) => {
        done.set(job.index, { job, outputs });
        free.push(lane);
        flush();
      })
      .catch((e: Error) => {
        if (!(e instanceof LaneError)) failure ??= e;
        else {
          if (!dead.has(lane)) {
            dead.add(lane);
            alive--;
            if (alive > 0) warnings.push(`${e.message}; decoding went on with ${alive} lane${alive > 1 ? 's' : ''}`);
          }
          if (alive > 0) retry.push(job);
          else failure ??= e;
        }
      })
      .finally(() => inFlight.delete(task));
    inFlight.add(task);
  };
  const nextJob = async (): Promise<Job | null> => {
    if (retry.length > 0) return retry.shift()!;
    if (exhausted) return null;
    const r = await iterator.next();
    if (r.done) {
      exhausted = true;
      return null;
    }
    return { index: issued++, batch: r.value };
  };
  for (;;) {
    for (let i = free.length - 1; i >= 0; i--) if (dead.has(free[i]!)) free.splice(i, 1);
    while (free.length === 0 && !failure) {
      await Promise.race(inFlight);
      for (let i = free.length - 1; i >= 0; i--) if (dead.has(free[i]!)) free.splice(i, 1);
    }
    if (failure) break;
    const job = await nextJob();
    if (job) {
      dispatch(free.shift()!, job);
      // A turn of the event loop: tfjs-wasm's read-backs and in-memory reads settle as microtasks, so without it the
      // replicas' results (message events) would wait until this thread runs out of work.
      if (lanes.length > 1) await nextTask();
      continue;
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight); // a failing lane may hand its batch back
  }
  await Promise.all(inFlight);
  if (!exhausted) await iterator.return(undefined);
  if (failure) throw failure;
  return { rows, channelMap: map, warnings, cancelled: options.signal?.aborted ?? false };
}
