// The head-training benchmark workload (`npm run bench -- finetune`), run the same in Node and in the browser's model
// worker: the gate + classifier trained on synthetic cached embeddings of the full-size model's shapes.
import * as tf from '@tensorflow/tfjs';
import { welchSettings } from '../../src/dsp/welch';
import type { BenchResult } from './model';
import { AUTHORS_EXPERT, specMoEConfig } from '../../src/model/config';
import { DEFAULT_HEAD_SETTINGS } from '../../src/train/headSettings';
import type { PoolMode } from '../../src/model/tasks';
import type { HeadDataset } from '../../src/train/headDataset';
import { HeadTrainer } from '../../src/train/headTraining';
import type { KernelThreadFactory } from '../../src/runtime/wasm/kernelThread';

export interface HeadBenchRequest {
  readonly segments: number;
  readonly epochs: number;
  readonly channels: number;
  readonly classes: number;
  /** Threads for the WebAssembly kernels: 1, or 2 where the host can start a kernel thread (default). */
  readonly kernelThreads?: 1 | 2;
  /** Pooling over channels (default: max, as the sleep and motor-imagery tasks). */
  readonly cPool?: PoolMode;
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
export async function runHeadBench(r: HeadBenchRequest, kernelThread?: KernelThreadFactory): Promise<BenchResult & { finalTrainBalancedAccuracy: number }> {
  const config = { ...specMoEConfig({ nClasses: r.classes, segmentSec: 4 }), cPool: r.cPool ?? 'max' };
  const train = syntheticDataset(r.segments, r.channels, r.classes, 1);
  const validation = syntheticDataset(Math.max(r.classes, Math.round(r.segments / 5)), r.channels, r.classes, 2);
  const trainer = new HeadTrainer(config, { ...DEFAULT_HEAD_SETTINGS, epochs: r.epochs, patience: r.epochs + 1 }, undefined, kernelThread);
  const start = performance.now();
  const history = await trainer.train(train, validation);
  const ms = performance.now() - start;
  trainer.params.dispose();
  return {
    backend: tf.getBackend(),
    runsMs: [ms],
    note: `kernels on ${trainer.kernelThreads} thread${trainer.kernelThreads === 1 ? '' : 's'}, ${r.segments} cached segments × ${history.length} epochs (batch ${DEFAULT_HEAD_SETTINGS.batchSize}), ${r.channels} channels, ${config.cPool} over channels, ${r.classes} classes, + ${validation.n} validation segments each epoch`,
    finalTrainBalancedAccuracy: history[history.length - 1]?.trainBalancedAccuracy ?? NaN,
  };
}
