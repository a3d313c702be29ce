// Benchmark workloads that run the same in Node and in the browser's model worker (`npm run bench -- model`,
// `model-browser`): model forwards on seeded random weights (timing does not depend on values). Head training's
// workload is in bench/workloads/head.ts.
import * as tf from '@tensorflow/tfjs';
import { AUTHORS_EXPERT, specMoEConfig } from '../../src/model/config';
import { Expert } from '../../src/model/expert';
import { initExpertParams, initHeadParams } from '../../src/model/init';
import { ParamStore } from '../../src/model/params';
import { SpecMoE, specMoETensors } from '../../src/model/specMoE';
import { attentionRuntime } from '../../src/runtime/wasm/wasmAttention';
import { setFusedConv } from '../../src/model/fusedConv';

export type ModelWorkload = 'encoder' | 'expert' | 'specmoe';

export interface ModelBenchRequest {
  readonly workload: ModelWorkload;
  readonly batch: number;
  readonly channels: number;
  readonly samples: number;
  readonly repeats: number;
  /** False runs the convolutions on tfjs's kernels instead of the generated ones (A/B in one page). */
  readonly generatedConv?: boolean;
}

export interface BenchResult {
  readonly backend: string;
  /** Wall milliseconds of each timed run (after one warm-up run). */
  readonly runsMs: number[];
  readonly note: string;
}

/** A prepared workload: one forward per step() (awaited until its output is read back); dispose() frees it. */
export interface PreparedModelBench {
  step(): Promise<void>;
  dispose(): void;
}

/** The authors' full-size expert / encoder / 3-expert SpecMoE on seeded random weights and input. */
export function prepareModelBench(r: Omit<ModelBenchRequest, 'repeats'>): PreparedModelBench {
  const x = tf.randomNormal([r.batch, r.channels, r.samples], 0, 0.2, 'float32', 1) as tf.Tensor3D;
  const times = tf.tile(tf.reshape(tf.linspace(0.1, 1.1, r.samples), [1, 1, r.samples]), [r.batch, 1, 1]) as tf.Tensor3D;
  let step: () => Promise<void>;
  let params: ParamStore;
  if (r.workload === 'specmoe') {
    const config = specMoEConfig({ nClasses: 4, segmentSec: r.samples / 200 });
    params = new ParamStore();
    for (let k = 0; k < 3; k++) initExpertParams(AUTHORS_EXPERT, 10 * k + 1, params, `experts.${k}.`);
    const head = initHeadParams(config, 7);
    for (const [key, t] of head.entries()) params.set(key, t);
    const model = new SpecMoE(config, params);
    step = async () => {
      const out = model.forward(x, times);
      await out.logits.data();
      tf.dispose(specMoETensors(out));
    };
  } else {
    params = initExpertParams(AUTHORS_EXPERT, 1);
    const expert = new Expert(AUTHORS_EXPERT, params);
    step =
      r.workload === 'encoder'
        ? async () => {
            const e = expert.encode(x, times);
            await e.data();
            e.dispose();
          }
        : async () => {
            const out = expert.forward(x, times);
            await out.U3_Dec1.data();
            tf.dispose(Object.values(out));
          };
  }
  return {
    step,
    dispose: () => {
      params.dispose();
      tf.dispose([x, times]);
    },
  };
}

/** One warm-up and `repeats` timed forwards of prepareModelBench's workload. */
export async function runModelBench(r: ModelBenchRequest): Promise<BenchResult> {
  const bench = prepareModelBench(r);
  try {
    await bench.step();
    const runsMs: number[] = [];
    for (let i = 0; i < r.repeats; i++) {
      const start = performance.now();
      await bench.step();
      runsMs.push(performance.now() - start);
    }
    return { backend: tf.getBackend(), runsMs, note: `${r.workload}, B=${r.batch}, C=${r.channels}, T=${r.samples}` };
  } finally {
    bench.dispose();
  }
}

let prepared: { key: string; bench: PreparedModelBench } | null = null;

/**
 * One timed forward of a workload that is prepared (and warmed up) on its first call and kept for the next ones, so
 * that a driver can alternate single runs of ours with a peer's; another workload replaces it.
 */
export async function stepModelBench(r: Omit<ModelBenchRequest, 'repeats'>): Promise<BenchResult> {
  const key = JSON.stringify([r.workload, r.batch, r.channels, r.samples]);
  if (prepared?.key !== key) {
    prepared?.bench.dispose();
    prepared = { key, bench: prepareModelBench(r) };
    await prepared.bench.step();
  }
  const attention = attentionRuntime();
  setFusedConv(r.generatedConv ?? true);
  const [attentionBefore, convBefore] = [attention.elapsedMs, attention.elapsedConvMs];
  const start = performance.now();
  await prepared.bench.step();
  const ms = performance.now() - start;
  const [attentionMs, convMs] = [attention.elapsedMs - attentionBefore, attention.elapsedConvMs - convBefore];
  return {
    backend: tf.getBackend(),
    runsMs: [ms],
    note: `${r.workload}, B=${r.batch}, C=${r.channels}, T=${r.samples}: of ${ms.toFixed(0)} ms, generated kernels on ${attention.threads} thread(s): attention ${attentionMs.toFixed(0)} ms, convolutions ${convMs.toFixed(0)} ms`,
  };
}
