import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { seededRandom } from '../dsp/random';
import { initBackend } from '../runtime/backend';
import { type SpecMoEConfig, specMoEConfig } from '../model/config';
import { headKeys, initHeadParams } from '../model/init';
import { specMoEHeadTrainingLogits } from '../model/specMoE';
import type { PoolMode } from '../model/tasks';
import { ArrayAdamW } from './adamw';
import type { HeadDataset } from './headDataset';
import { BatchAssembler } from './tfjsHead';
import type { KernelThreadFactory } from '../runtime/wasm/kernelThread';
import { nodeKernelThread } from '../runtime/wasm/nodeKernelThread';
import { WasmHead } from './wasmHead';

const C = 3;
const D = 4;
const F = 101; // the gate's Welch bins for 1-s segments at 200 Hz

function dataset(n: number, seed: number): HeadDataset {
  const r = seededRandom(seed);
  const pooled = Float32Array.from({ length: n * 3 * C * D }, () => 2 * r.next() - 1);
  const psd = Float32Array.from({ length: n * C * F }, () => r.next());
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return { n, nChannels: C, embeddingSize: D, nFreqs: F, pooled, psd, labels };
}

/** The head's initial values for `config` (PyTorch's defaults, seeded), by state-dict key. */
function initialValues(config: SpecMoEConfig, seed: number): Map<string, Float32Array> {
  const params = initHeadParams(config, seed);
  const values = new Map(headKeys(config).map((k) => [k, Float32Array.from(params.get(k).dataSync() as Float32Array)]));
  params.dispose();
  return values;
}

// Small widths with a hidden layer of 15 units: the products' column tails (one f32x4 and scalar columns) run too.
const smallConfig = (cPool: PoolMode) => ({ ...specMoEConfig({ nClasses: 3, segmentSec: 1, expert: { d1: 4, d2: 8, d3: D, up3Mid: 4, heads: 2, auxChannels: 19 }, clfHidden: 5 }), cPool });

describe('the head step on WebAssembly kernels', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  for (const cPool of ['max', 'mean'] as PoolMode[]) {
    it(`gives tfjs's loss, probabilities and gradients for every head parameter (${cPool} pooling over channels)`, async () => {
      const config = smallConfig(cPool);
      const params = initHeadParams(config, 7);
      const keys = headKeys(config);
      expect(keys).toHaveLength(12);
      // Non-trivial LayerNorm parameters, so their gradients and uses are checked too.
      for (const key of ['classifier.net.0.weight', 'classifier.net.0.bias']) (params.get(key) as tf.Variable).assign(tf.randomUniform(params.get(key).shape, 0.5, 1.5, 'float32', 3));
      const data = dataset(7, 1);
      const indices = [4, 0, 5, 2, 6];
      const classWeights = [1, 2, 0.5];
      const { pooledCat, psd, psdT } = new BatchAssembler(data).tensors(indices);
      const labels = tf.tensor1d(Int32Array.from(indices, (i) => data.labels[i]!), 'int32');
      const lossOf = () => {
        const logits = specMoEHeadTrainingLogits(pooledCat, psd, psdT, config, params, 0);
        const w = tf.gather(tf.tensor1d(classWeights), labels);
        const nll = tf.neg(tf.sum(tf.mul(tf.oneHot(labels, 3), tf.logSoftmax(logits)), 1));
        return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tf.Scalar;
      };
      const variables = keys.map((k) => params.get(k) as tf.Variable);
      const { value, grads } = tf.variableGrads(lossOf, variables);
      const referenceLogits = specMoEHeadTrainingLogits(pooledCat, psd, psdT, config, params, 0).arraySync() as number[][];

      const values = new Map(keys.map((k) => [k, Float32Array.from(params.get(k).dataSync() as Float32Array)]));
      const head = await WasmHead.create(config, [dataset(2, 9), data], 6, values);
      // The state-dict layouts come back as they went in.
      for (const [key, v] of head.torchValues()) expect(Array.from(v), key).toEqual(Array.from(values.get(key)!));
      const result = head.step(1, indices, classWeights, 0, 1);
      expect(result.loss).toBeCloseTo(value.dataSync()[0]!, 5);
      const probabilities = head.probabilities(1, indices);
      referenceLogits.forEach((row, s) => {
        const e = row.map(Math.exp);
        const sum = e.reduce((a, b) => a + b, 0);
        e.forEach((v, y) => expect(probabilities[s * 3 + y]).toBeCloseTo(v / sum, 5));
        expect(result.predicted[s]).toBe(row.indexOf(Math.max(...row)));
      });
      // Gradients, mapped back to state-dict keys by the same conversion as the values.
      const saved = new Map(head.params);
      const copies = new Map([...saved].map(([k, v]) => [k, v.slice()]));
      for (const [name, g] of head.grads) head.params.get(name)!.set(g);
      const ours = head.torchValues();
      for (const [name, v] of copies) saved.get(name)!.set(v);
      for (const [key, v] of keys.map((k, i) => [k, variables[i]!] as const)) {
        const reference = grads[v.name]!.dataSync();
        const scale = Math.max(...Array.from(reference, Math.abs));
        expect(scale, key).toBeGreaterThan(0);
        ours.get(key)!.forEach((g, i) => expect(Math.abs(g - reference[i]!) / scale, `${key}[${i}]`).toBeLessThan(1e-4));
      }
      params.dispose();
    });
  }

  it("updates every parameter as ArrayAdamW (torch.optim.AdamW's formula) does, over several steps", async () => {
    const config = smallConfig('mean');
    const values = initialValues(config, 3);
    const head = await WasmHead.create(config, [dataset(6, 4)], 6, values);
    const options = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 };
    const reference = new ArrayAdamW(options);
    const copies = new Map([...head.params].map(([k, v]) => [k, v.slice()]));
    for (let t = 0; t < 3; t++) {
      head.step(0, [0, 1, 2, 3, 4, 5], [1, 1, 1], 0, 1);
      reference.apply(copies, head.grads, 0.01);
      head.adamW(options, 0.01);
      for (const [name, v] of head.params) {
        v.forEach((x, i) => expect(Math.abs(x - copies.get(name)![i]!), `${name}[${i}] at step ${t + 1}`).toBeLessThan(1e-6 + 1e-5 * Math.abs(x)));
      }
    }
    expect(Array.from(head.params.get('w1T')!)).not.toEqual(Array.from((await WasmHead.create(config, [dataset(6, 4)], 6, values)).params.get('w1T')!));
  });

  it('splits the products and gate passes with a kernel thread and gets the same numbers', async () => {
    const config = smallConfig('max');
    const values = initialValues(config, 5);
    const data = dataset(9, 6);
    const one = await WasmHead.create(config, [data], 9, values);
    const two = await WasmHead.create(config, [data], 9, values, nodeKernelThread);
    try {
      expect(two.threads).toBe(2);
      const indices = [8, 1, 4, 0, 7, 2, 5];
      const a = one.step(0, indices, [1, 2, 1], 0.2, 11);
      const b = two.step(0, indices, [1, 2, 1], 0.2, 11);
      expect(b.loss).toBe(a.loss);
      expect(Array.from(b.predicted)).toEqual(Array.from(a.predicted));
      for (const [name, g] of one.grads) {
        // Only the gate biases' sums are grouped differently (two partial sums).
        const other = two.grads.get(name)!;
        g.forEach((v, i) => expect(Math.abs(other[i]! - v), `${name}[${i}]`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(v))));
      }
      expect(Array.from(two.probabilities(0, indices))).toEqual(Array.from(one.probabilities(0, indices)));
    } finally {
      two.dispose();
    }
  });

  it('trains on one thread when the kernel thread cannot start, and says why', async () => {
    const config = smallConfig('mean');
    const values = initialValues(config, 5);
    let terminated = false;
    const broken: KernelThreadFactory = () => ({
      post: () => {},
      listen: (handler) => queueMicrotask(() => handler({ error: 'no WebAssembly here' })),
      terminate: () => {
        terminated = true;
      },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const head = await WasmHead.create(config, [dataset(4, 1)], 4, values, broken);
      expect(head.threads).toBe(1);
      expect(terminated).toBe(true);
      expect(warn).toHaveBeenCalledWith('head-training kernel thread did not start: no WebAssembly here; head training runs on one thread');
      expect(Number.isFinite(head.step(0, [0, 1, 2, 3], [1, 1, 1], 0, 1).loss)).toBe(true);
    } finally {
      warn.mockRestore();
    }
  });

  it('names both shapes when data sets do not fit together', async () => {
    const config = smallConfig('max');
    const other = { ...dataset(2, 3), nFreqs: 51, psd: new Float32Array(2 * C * 51) };
    await expect(WasmHead.create(config, [dataset(2, 1), other], 2, initialValues(config, 1))).rejects.toThrow(`head training data of ${C} channels × 51 PSD bins × ${D} features, where the model and the first data set have ${C} × ${F} × ${D}`);
  });

  it('draws the dropout masks from the seed: the same seed repeats a step, another changes it', async () => {
    const config = smallConfig('max');
    const values = initialValues(config, 7);
    const head = await WasmHead.create(config, [dataset(6, 2)], 6, values);
    const loss = (seed: number) => head.step(0, [0, 1, 2, 3, 4, 5], [1, 1, 1], 0.5, seed).loss;
    expect(loss(3)).toBe(loss(3));
    expect(loss(4)).not.toBe(loss(3));
  });
});
