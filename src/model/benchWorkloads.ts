// Benchmark workloads that run the same in Node and in the browser's model worker (`npm run bench -- model`,
// `model-browser`, `finetune`): model forwards on seeded random weights (timing does not depend on values), and head
// training on synthetic cached embeddings.
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_HEAD_SETTINGS } from '../train/headSettings';
import { HeadTrainer, type HeadDataset } from '../train/headTraining';
import { AUTHORS_EXPERT, specMoEConfig } from './config';
import { Expert } from './expert';
import { initExpertParams, initHeadParams } from './init';
import { ParamStore } from './params';
import { SpecMoE, specMoETensors } from './specMoE';
import { welchSettings } from '../dsp/welch';

export type ModelWorkload = 'encoder' | 'expert' | 'specmoe';

export interface ModelBenchRequest {
  readonly workload: ModelWorkload;
  readonly batch: number;
  readonly channels: number;
  readonly samples: number;
  readonly repeats: number;
}

export interface BenchResult {
  readonly backend: string;
  /** Wall milliseconds of each timed run (after one warm-up run). */
  readonly runsMs: number[];
  readonly note: string;
}

/** One warm-up and `repeats` timed forwards of the authors' full-size expert / encoder / 3-expert SpecMoE. */
export async function runModelBench(r: ModelBenchRequest): Promise<BenchResult> {
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
  try {
    await step();
    const runsMs: number[] = [];
    for (let i = 0; i < r.repeats; i++) {
      const start = performance.now();
      await step();
      runsMs.push(performance.now() - start);
    }
    return { backend: tf.getBackend(), runsMs, note: `${r.workload}, B=${r.batch}, C=${r.channels}, T=${r.samples}` };
  } finally {
    params.dispose();
    tf.dispose([x, times]);
  }
}

export interface HeadBenchRequest {
  readonly segments: number;
  readonly epochs: number;
  readonly channels: number;
  readonly classes: number;
}

/** Synthetic cached embeddings (class-dependent means, seeded) of the full-size model's shapes. */
function syntheticDataset(n: number, channels: number, classes: number, seed: number): HeadDataset {
  const embeddingSize = AUTHORS_EXPERT.d3;
  const nFreqs = welchSettings(4, 200).nFreqs;
  let s = seed >>> 0;
  const rand = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
  const pooled = new Float32Array(n * 3 * channels * embeddingSize);
  const psd = new Float32Array(n * channels * nFreqs);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % classes;
    labels[i] = cls;
    for (let j = 0; j < 3 * channels * embeddingSize; j++) pooled[i * 3 * channels * embeddingSize + j] = rand() + (j % (classes + 1) === cls ? 0.3 : 0);
    for (let j = 0; j < channels * nFreqs; j++) psd[i * channels * nFreqs + j] = Math.abs(rand()) + (j % nFreqs === 10 * cls ? 1 : 0);
  }
  return { n, nChannels: channels, embeddingSize, nFreqs, pooled, psd, labels };
}

/** Trains the gate + classifier head for `epochs` epochs (no early stop) on `segments` cached embeddings. */
export async function runHeadBench(r: HeadBenchRequest): Promise<BenchResult & { finalTrainBalancedAccuracy: number }> {
  const config = specMoEConfig({ nClasses: r.classes, segmentSec: 4 });
  const train = syntheticDataset(r.segments, r.channels, r.classes, 1);
  const validation = syntheticDataset(Math.max(r.classes, Math.round(r.segments / 5)), r.channels, r.classes, 2);
  const trainer = new HeadTrainer(config, { ...DEFAULT_HEAD_SETTINGS, epochs: r.epochs, patience: r.epochs + 1 });
  const start = performance.now();
  const history = await trainer.train(train, validation);
  const ms = performance.now() - start;
  trainer.params.dispose();
  return {
    backend: tf.getBackend(),
    runsMs: [ms],
    note: `${r.segments} cached segments × ${history.length} epochs (batch ${DEFAULT_HEAD_SETTINGS.batchSize}), ${r.channels} channels, ${r.classes} classes, + ${validation.n} validation segments each epoch`,
    finalTrainBalancedAccuracy: history[history.length - 1]?.trainBalancedAccuracy ?? NaN,
  };
}
