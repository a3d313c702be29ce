// Decoding a recording with a SpecMoE: its planned segments (plan.ts) read in batches (batches.ts), run through the
// model on lanes (decodeLanes.ts), and every segment's class, probabilities and gate values reported, in recording
// order, as it is done.
import type { ChannelMap, PrepareOptions } from '../dsp/segments';
import type { Recording } from '../io/recording';
import { segmentArrays } from './batches';
import { type ChannelPlanOptions, DecodeError, type PlannedSegment, planChannels, plannedSegments, type SegmentRequest } from './plan';
import { type BatchOutputs, type ForwardLane, localLane, type SegmentArrays } from './decodeLanes';
import { LaneError } from '../runtime/lanes';
import { nextTask } from '../runtime/nextTask';
import type { SpecMoE, SpecMoEConfig, TaskDefinition } from '../model';

export interface SegmentPrediction extends PlannedSegment {
  readonly durationSec: number;
  readonly classIndex: number;
  readonly className: string;
  readonly probabilities: readonly number[];
  /** Mean gate value of each of the three experts (mode 1). */
  readonly gates: readonly [number, number, number];
  /** Mean gate value per expert and model channel [3][C]. */
  readonly channelGates: readonly (readonly number[])[];
}

/**
 * Segments per forward on tfjs-wasm: full-size experts run ~25 % faster per segment one at a time than in batches
 * of 2–8 (SpecMoE on 4 × 6 000: 0.55 s vs 0.75 s; cache effects), small ones gain from batching (per-call overhead).
 */
export function preferredBatchSize(config: SpecMoEConfig): number {
  return config.expert.d3 >= 64 ? 1 : 4;
}

export interface DecodeOptions extends ChannelPlanOptions {
  readonly task: Pick<TaskDefinition, 'classes' | 'channels' | 'montage' | 'segmentSec'>;
  readonly filter: PrepareOptions['filter'];
  readonly batchSize?: number;
  /** Segments per chunk read from the recording. */
  readonly chunkSegments?: number;
  /** Explicit segment onsets in data seconds (annotation mode) with their labels; default: back to back. */
  readonly segments?: readonly SegmentRequest[];
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
  type Job = { index: number; batch: SegmentArrays & { readonly segments: readonly PlannedSegment[] } };
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
          ...seg,
          durationSec: segmentSec,
          classIndex,
          className: classes[classIndex]!,
          probabilities: p,
          gates: perExpert.map((g) => g.reduce((a, v) => a + v, 0) / g.length) as [number, number, number],
          channelGates: perExpert,
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
