import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend';
import type { ExpertConfig } from './config';
import { Expert } from './expert';
import { initExpertParams } from './init';

const TINY: ExpertConfig = { d1: 4, d2: 8, d3: 8, up3Mid: 4, heads: 2, auxChannels: 19 };

describe('expert training path (tfjs cpu back-end)', () => {
  beforeAll(async () => {
    await initBackend(['cpu']);
  });

  it('gives finite, non-zero gradients for every trainable parameter of an MSE reconstruction loss', () => {
    const expert = new Expert(TINY, initExpertParams(TINY, 1));
    const [C, T] = [2, 240];
    const x = tf.randomNormal([2, C, T], 0, 1, 'float32', 7) as tf.Tensor3D;
    const times = tf.tile(tf.reshape(tf.linspace(1, 10, T), [1, 1, T]), [2, 1, 1]) as tf.Tensor3D;
    const trainable = [...expert.params.entries()].filter(([k]) => !k.includes('running_')).map(([, v]) => v as tf.Variable);
    const { value, grads } = tf.variableGrads(() => {
      const out = expert.forward(x, times, { training: true });
      return tf.add(tf.losses.meanSquaredError(x, out.U3_Dec1), tf.losses.meanSquaredError(x, out.U3_Dec2)) as tf.Scalar;
    }, trainable);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    const keyOf = new Map([...expert.params.entries()].map(([k, v]) => [(v as tf.Variable).name, k]));
    const dead: string[] = [];
    for (const v of trainable) {
      const key = keyOf.get(v.name)!;
      const g = grads[v.name];
      if (!g) {
        dead.push(key);
        continue;
      }
      const values = g.dataSync();
      expect(values.every(Number.isFinite), key).toBe(true);
      if (!values.some((x) => x !== 0)) dead.push(key);
    }
    // The aux heads do not enter this loss; every other parameter must receive a gradient.
    expect(dead.filter((k) => !k.startsWith('aux_head'))).toEqual([]);
    expect(dead.length).toBe(4);
    tf.dispose([x, times, value, ...Object.values(grads)]);
    expert.params.dispose();
  });
});

describe('no tensor leaks', () => {
  it('100 forwards of a small expert leave tf.memory().numTensors where it started (wasm)', async () => {
    await initBackend(['wasm']);
    const expert = new Expert(TINY, initExpertParams(TINY, 1));
    const x = tf.randomNormal([1, 3, 240]) as tf.Tensor3D;
    const times = tf.zeros([1, 1, 240]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    for (let i = 0; i < 100; i++) {
      const out = expert.forward(x, times);
      tf.dispose(Object.values(out));
      expert.encode(x, times).dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, times]);
    expert.params.dispose();
  });
});
