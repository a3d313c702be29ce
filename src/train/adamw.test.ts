import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend';
import { AdamW, ArrayAdamW } from './adamw';

describe('AdamW', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  const options = { learningRate: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 };
  const start = { a: [0.5, -1, 2, 0.25, -0.75, 1.5], b: [3, -2] };
  const gradsAt = (step: number) => ({ a: start.a.map((_, i) => Math.sin(step + i)), b: [0.1 * step, -0.3] });
  // torch.optim.AdamW's update written out per element, in float64, over three steps.
  const ref = { a: [...start.a], b: [...start.b] };
  const mom = { a: { m: start.a.map(() => 0), v: start.a.map(() => 0) }, b: { m: [0, 0], v: [0, 0] } };
  for (let t = 1; t <= 3; t++) {
    const g = gradsAt(t);
    for (const key of ['a', 'b'] as const) {
      ref[key] = ref[key].map((p, i) => {
        mom[key].m[i] = 0.9 * mom[key].m[i]! + 0.1 * g[key][i]!;
        mom[key].v[i] = 0.999 * mom[key].v[i]! + 0.001 * g[key][i]! ** 2;
        const mHat = mom[key].m[i]! / (1 - 0.9 ** t);
        const vHat = mom[key].v[i]! / (1 - 0.999 ** t);
        return p * (1 - 0.01 * 0.05) - (0.01 * mHat) / (Math.sqrt(vHat) + 1e-8);
      });
    }
  }

  it('matches torch.optim.AdamW written out per element over a few steps, for tensors of several shapes, without leaking', () => {
    const variables = new Map<string, tf.Variable>([
      ['a', tf.variable(tf.tensor2d(start.a, [2, 3]))],
      ['b', tf.variable(tf.tensor1d(start.b))],
    ]);
    const optimizer = new AdamW(options);
    const before = tf.memory().numTensors;
    for (let t = 1; t <= 3; t++) {
      const g = gradsAt(t);
      const grads = { a: tf.tensor2d(g.a, [2, 3]), b: tf.tensor1d(g.b) };
      optimizer.apply(variables, grads, options.learningRate);
      tf.dispose(Object.values(grads));
    }
    // Two moments per variable are the only tensors the optimizer keeps.
    expect(tf.memory().numTensors - before).toBe(4);
    expect(variables.get('a')!.shape).toEqual([2, 3]);
    Array.from(variables.get('a')!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.a[i]!, 5));
    Array.from(variables.get('b')!.dataSync()).forEach((v, i) => expect(v).toBeCloseTo(ref.b[i]!, 5));
    expect(optimizer.moments.get('a')!.m.shape).toEqual([2, 3]);
    optimizer.dispose();
    tf.dispose([...variables.values()]);
  });

  it('a step scale s on W is the same as training V = W/s on gradients s times larger (decay unchanged)', () => {
    const s = 10;
    const scaled = new Map([['a', tf.variable(tf.tensor1d(start.a))]]);
    const reparametrised = new Map([['a', tf.variable(tf.tensor1d(start.a.map((w) => w / s)))]]);
    const [byScale, byReparametrisation] = [new AdamW(options), new AdamW(options)];
    for (let t = 1; t <= 3; t++) {
      const g = gradsAt(t).a;
      const grads = { plain: tf.tensor1d(g), times: tf.tensor1d(g.map((v) => v * s)) };
      byScale.apply(scaled, { a: grads.plain }, options.learningRate, (name) => (name === 'a' ? s : 1));
      byReparametrisation.apply(reparametrised, { a: grads.times }, options.learningRate);
      tf.dispose(Object.values(grads));
    }
    const w = Array.from(scaled.get('a')!.dataSync());
    Array.from(reparametrised.get('a')!.dataSync()).forEach((v, i) => expect(w[i]!).toBeCloseTo(v * s, 4));
    // …and it is not the unscaled update.
    expect(w[0]).not.toBeCloseTo(ref.a[0]!, 2);
    for (const o of [byScale, byReparametrisation]) o.dispose();
    tf.dispose([...scaled.values(), ...reparametrised.values()]);
  });

  it('ArrayAdamW (parameters as Float32Arrays) makes the same updates', () => {
    const params = new Map([['a', Float32Array.from(start.a)], ['b', Float32Array.from(start.b)], ['frozen', Float32Array.from([7])]]);
    const optimizer = new ArrayAdamW(options);
    for (let t = 1; t <= 3; t++) {
      const g = gradsAt(t);
      optimizer.apply(params, new Map([['a', g.a], ['b', g.b]]), options.learningRate);
    }
    Array.from(params.get('a')!).forEach((v, i) => expect(v).toBeCloseTo(ref.a[i]!, 5));
    Array.from(params.get('b')!).forEach((v, i) => expect(v).toBeCloseTo(ref.b[i]!, 5));
    expect(params.get('frozen')![0]).toBe(7);
    expect(optimizer.step).toBe(3);
    expect(() => optimizer.apply(params, new Map([['b', [1, 2, 3]]]), 0.01)).toThrow(/gradient of b has 3 values, the parameter 2/);
  });
});
