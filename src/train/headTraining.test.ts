import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { headKeys } from '../model/init';
import { linearOfData } from '../model/layers';
import { specMoEHead, specMoEHeadTrainingLogits } from '../model/specMoE';
import { seededRandom } from '../dsp/random';
import { initBackend } from '../runtime/backend';
import { ModelShapeError, specMoEConfig } from '../model/config';
import { KernelMemoryError, kernelMemory } from '../runtime/wasm/memory';
import { bandPowerReference, fitLogistic, logBandPowers, predictLogistic } from './bandPowerReference';
import type { HeadDataset } from './headDataset';
import { HeadTrainer } from './headTraining';
import { WasmHead } from './wasmHead';

const C = 2;
const D = 8;
const F = 101; // 1-s Welch bins at 200 Hz: 1 Hz apart

/** Synthetic embeddings: class 0 has an alpha (10 Hz) PSD peak and positive pooled[0]; class 1 beta (20 Hz), negative. */
function dataset(n: number, seed: number): HeadDataset {
  const r = seededRandom(seed);
  const pooled = new Float32Array(n * 3 * C * D);
  const psd = new Float32Array(n * C * F);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cls = i % 2;
    labels[i] = cls;
    for (let j = 0; j < 3 * C * D; j++) pooled[i * 3 * C * D + j] = r.next() - 0.5 + (j < D ? (cls === 0 ? 0.8 : -0.8) : 0);
    for (let c = 0; c < C; c++) for (let k = 0; k < F; k++) psd[(i * C + c) * F + k] = 1e-4 * (1 + r.next()) + (k === (cls === 0 ? 10 : 20) ? 5e-3 : 0);
  }
  return { n, nChannels: C, embeddingSize: D, nFreqs: F, pooled, psd, labels };
}

describe('band-power reference', () => {
  it('separates a 10 Hz vs 20 Hz problem perfectly from log band power', () => {
    const train = dataset(60, 1);
    const test = dataset(40, 2);
    const m = bandPowerReference(train, test, 2, 200);
    expect(m.balancedAccuracy).toBe(1);
    expect(logBandPowers(train, 200).length).toBe(60 * C * 5);
  });

  it('fits a hand-checkable 1-D logistic regression', () => {
    const features = Float64Array.from([-2, -1, -0.5, 0.5, 1, 2]);
    const labels = Int32Array.from([0, 0, 0, 1, 1, 1]);
    const model = fitLogistic(features, labels, 2, { l2: 1e-3 });
    expect(predictLogistic(model, Float64Array.from([-3, -0.1, 0.1, 3]))).toEqual([0, 0, 1, 1]);
    // Symmetric data: the fitted boundary sits at 0, so the biases are equal.
    expect(model.biases[0]).toBeCloseTo(model.biases[1]!, 3);
  });
});

describe('head training on embeddings', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });
  const config = specMoEConfig({ nClasses: 2, segmentSec: 1, expert: { d1: 4, d2: 8, d3: D, up3Mid: 4, heads: 2, auxChannels: 19 }, clfHidden: 8 });

  it('trains the same function it evaluates: the fused training logits equal specMoEHead\'s, and every head weight gets a gradient', () => {
    const trainer = new HeadTrainer(config, { epochs: 1, batchSize: 16, learningRate: 1e-3, weightDecay: 0, patience: 1, dropout: 0, seed: 9 });
    const data = dataset(6, 11);
    const pooled = [0, 1, 2].map((e) => tf.tensor3d(Array.from({ length: data.n * C * D }, (_, i) => data.pooled[((Math.floor(i / (C * D)) * 3 + e) * C * D) + (i % (C * D))]!), [data.n, C, D]));
    const psd = tf.tensor3d(data.psd, [data.n, C, F]);
    const reference = specMoEHead(pooled, psd, config, trainer.params).logits.arraySync() as number[][];
    const psdRows = tf.reshape(psd, [data.n * C, F]) as tf.Tensor2D;
    const psdT = tf.transpose(psdRows) as tf.Tensor2D;
    const fused = specMoEHeadTrainingLogits(tf.concat(pooled, -1) as tf.Tensor3D, psdRows, psdT, config, trainer.params, 0).arraySync() as number[][];
    fused.flat().forEach((v, i) => expect(v).toBeCloseTo(reference.flat()[i]!, 5));
    const vars = headKeys(config).map((k) => trainer.params.get(k) as tf.Variable);
    const { grads } = tf.variableGrads(() => tf.sum(specMoEHeadTrainingLogits(tf.concat(pooled, -1) as tf.Tensor3D, psdRows, psdT, config, trainer.params, 0)) as tf.Scalar, vars);
    // The gate weights' gradient from the caller's xᵀ equals tfjs's own gradient of the same function.
    const gateKey = 'gate_LinearT_2.weight';
    const own = tf.grad((w: tf.Tensor) => {
      const weights = [1, 2, 3].map((k) => (k === 2 ? w : trainer.params.get(`gate_LinearT_${k}.weight`)));
      const biases = [1, 2, 3].map((k) => trainer.params.get(`gate_LinearT_${k}.bias`));
      const gates = tf.sigmoid(tf.add(tf.matMul(psdRows, tf.transpose(tf.concat(weights, 0))), tf.concat(biases, 0)));
      const h = tf.mul(tf.concat(pooled, -1), tf.reshape(gates, [data.n, C, 3 * D]));
      return tf.sum(tf.mul(h, tf.reshape(tf.range(0, 3 * D), [1, 1, 3 * D])));
    })(trainer.params.get(gateKey));
    const ours = tf.grad((w: tf.Tensor) => {
      const weights = [1, 2, 3].map((k) => (k === 2 ? w : trainer.params.get(`gate_LinearT_${k}.weight`)));
      const biases = [1, 2, 3].map((k) => trainer.params.get(`gate_LinearT_${k}.bias`));
      const gates = tf.sigmoid(linearOfData(psdRows, psdT, tf.concat(weights, 0) as tf.Tensor2D, tf.concat(biases, 0) as tf.Tensor1D));
      const h = tf.mul(tf.concat(pooled, -1), tf.reshape(gates, [data.n, C, 3 * D]));
      return tf.sum(tf.mul(h, tf.reshape(tf.range(0, 3 * D), [1, 1, 3 * D])));
    })(trainer.params.get(gateKey));
    const [a, b] = [own.dataSync(), ours.dataSync()];
    const scale = Math.max(...Array.from(a, Math.abs));
    a.forEach((v, i) => expect(Math.abs(v - b[i]!)).toBeLessThan(1e-5 * scale));
    for (const v of vars) expect(Math.max(...Array.from(grads[v.name]!.dataSync(), Math.abs)), v.name).toBeGreaterThan(0);
    trainer.params.dispose();
  });

  it('learns a separable problem, reports per-epoch curves, stops early and keeps the best epoch', async () => {
    const trainer = new HeadTrainer(config, { epochs: 40, batchSize: 16, learningRate: 3e-3, weightDecay: 0.01, patience: 5, dropout: 0.2, seed: 3 });
    const seen: number[] = [];
    await trainer.train(dataset(128, 3), dataset(48, 4), (r) => void seen.push(r.epoch));
    expect(seen.length).toBe(trainer.history.length);
    expect(trainer.history[0]!.epoch).toBe(1);
    const result = trainer.evaluate(dataset(64, 5));
    expect(result.metrics.balancedAccuracy).toBeGreaterThan(0.95);
    expect(result.probabilities[0]!.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(trainer.bestEpoch).toBeGreaterThan(0);
    expect(trainer.kernelThreads).toBe(1);
    trainer.params.dispose();
  });

  it("learns it through tfjs's autograd too, where WebAssembly SIMD is missing", async () => {
    const supports = vi.spyOn(WasmHead, 'supports').mockReturnValue(false);
    try {
      const trainer = new HeadTrainer(config, { epochs: 40, batchSize: 16, learningRate: 3e-3, weightDecay: 0.01, patience: 5, dropout: 0.2, seed: 3 });
      await trainer.train(dataset(128, 3), dataset(48, 4));
      expect(trainer.kernelThreads).toBe(0);
      expect(trainer.evaluate(dataset(64, 5)).metrics.balancedAccuracy).toBeGreaterThan(0.95);
      trainer.params.dispose();
    } finally {
      supports.mockRestore();
    }
  });

  it('falls back to tfjs only when the kernels\' memory cannot be had, not on other errors', async () => {
    const settings = { epochs: 2, batchSize: 16, learningRate: 1e-3, weightDecay: 0, patience: 2, dropout: 0, seed: 1 };
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const memory = vi.spyOn(WebAssembly, 'Memory').mockImplementation(function () {
      throw new RangeError('WebAssembly.Memory(): could not allocate memory');
    });
    try {
      const trainer = new HeadTrainer(config, settings);
      await trainer.train(dataset(32, 6), dataset(16, 7));
      expect(trainer.kernelThreads).toBe(0);
      expect(trainer.history).toHaveLength(2);
      expect(String(warn.mock.calls[0]?.[0])).toMatch(/^head training without its WebAssembly kernels: the WebAssembly kernels' \d+ MiB of memory could not be had \(WebAssembly.Memory\(\): could not allocate memory\)/);
      trainer.params.dispose();
    } finally {
      memory.mockRestore();
      warn.mockRestore();
    }
    // Data of another shape is an error to report, not a reason to train another way.
    const other = { ...dataset(16, 7), nFreqs: 51, psd: new Float32Array(16 * C * 51) };
    const trainer = new HeadTrainer(config, settings);
    await expect(trainer.train(dataset(32, 6), other)).rejects.toThrow(ModelShapeError);
    trainer.params.dispose();
  });

  it('kernel memory beyond what WebAssembly allows is a KernelMemoryError naming the size', () => {
    expect(() => kernelMemory(2 ** 33, false)).toThrow(KernelMemoryError);
    expect(() => kernelMemory(2 ** 33, false)).toThrow(/the WebAssembly kernels' 8192 MiB of memory could not be had/);
  });

  it('stops at once when cancelled', async () => {
    const trainer = new HeadTrainer(config, { epochs: 40, batchSize: 16, learningRate: 1e-3, weightDecay: 0, patience: 40, dropout: 0, seed: 1 });
    const abort = new AbortController();
    await trainer.train(dataset(64, 6), dataset(16, 7), (r) => {
      if (r.epoch === 2) abort.abort();
    }, abort.signal);
    expect(trainer.history.length).toBe(2);
    trainer.params.dispose();
  });

  it('repeats a run exactly from the same seed, dropout included', async () => {
    const settings = { epochs: 3, batchSize: 16, learningRate: 1e-3, weightDecay: 0.01, patience: 3, dropout: 0.5, seed: 4 };
    const losses = async (seed: number) => {
      const trainer = new HeadTrainer(config, { ...settings, seed });
      await trainer.train(dataset(64, 6), dataset(16, 7));
      trainer.params.dispose();
      return trainer.history.map((r) => r.trainLoss);
    };
    const first = await losses(4);
    expect(await losses(4)).toEqual(first);
    expect(await losses(5)).not.toEqual(first);
  });
});
