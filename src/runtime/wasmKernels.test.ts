import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { seededRandom } from '../dsp/random';

/** Slices of every rank and shape kind (whole trailing axes, single rows, empty) on wasm equal tfjs cpu's. */
describe('wasm Slice kernel (copies only the slice)', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('agrees with the cpu back-end on 300 random slices of rank 1–5, float32, int32 and bool', async () => {
    const random = seededRandom(7);
    const int = (n: number) => random.int(n);
    for (let c = 0; c < 300; c++) {
      const rank = 1 + int(5);
      const shape = Array.from({ length: rank }, () => 1 + int(6));
      const begin = shape.map((n) => int(n));
      const size = shape.map((n, a) => (random.next() < 0.3 ? -1 : int(n - begin[a]! + 1)));
      const dtype = (['float32', 'int32', 'bool'] as const)[c % 3]!;
      const values = Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => (dtype === 'bool' ? i % 2 : dtype === 'int32' ? i - 50 : i * 0.5 - 7));
      await tf.setBackend('wasm');
      const onWasm = tf.tidy(() => tf.slice(tf.tensor(values, shape, dtype), begin, size));
      const got = { shape: onWasm.shape, values: Array.from(await onWasm.data()) };
      onWasm.dispose();
      await tf.setBackend('cpu');
      const onCpu = tf.tidy(() => tf.slice(tf.tensor(values, shape, dtype), begin, size));
      const want = { shape: onCpu.shape, values: Array.from(await onCpu.data()) };
      onCpu.dispose();
      expect(got, `case ${c}: shape ${shape} begin ${begin} size ${size} ${dtype}`).toEqual(want);
    }
    await tf.setBackend('wasm');
  });

  it('differentiates through slices on wasm (gradient = zero-padded dy)', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor3d(Array.from({ length: 24 }, (_, i) => i), [2, 3, 4]);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.slice(t, [1, 0, 1], [1, 2, 2]), 2)))(x);
    const expected = new Float32Array(24);
    for (const i of [13, 14, 17, 18]) expected[i] = 2;
    expect(Array.from(await g.data())).toEqual(Array.from(expected));
    tf.dispose([x, g]);
  });
});
