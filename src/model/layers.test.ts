import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ConvSpec, ConvTSpec } from './architecture';
import { initBackend } from '../runtime/backend';
import { conv1d, convTranspose1d, type LayerContext } from './layers';
import { ParamStore } from './params';
import { relToAbsMax } from '../testing/compare';

/** Reference: dense (zero-dilated) kernel and tf's own conv1d gradient, which exists for dilation 1 on cpu. */
function referenceConv(x: tf.Tensor3D, weight: tf.Tensor3D, spec: ConvSpec): tf.Tensor3D {
  const [out, inCh, k] = weight.shape;
  const d = spec.dilation;
  const taps = tf.reshape(tf.transpose(weight, [2, 1, 0]), [k, 1, inCh, out]);
  const dense = tf.slice(tf.reshape(tf.pad(taps, [[0, 0], [0, d - 1], [0, 0], [0, 0]]), [k * d, inCh, out]), [0, 0, 0], [d * (k - 1) + 1, inCh, out]);
  const padded = tf.pad(x, [[0, 0], [spec.pad[0], spec.pad[1]], [0, 0]]);
  return tf.conv1d(padded, dense as tf.Tensor3D, spec.stride, 'valid');
}

describe('trainable convolution (hand-written gradient)', () => {
  const cases: ConvSpec[] = [
    { kind: 'conv', idx: 0, inCh: 3, outCh: 4, k: 5, stride: 1, dilation: 1, pad: [2, 2], bias: false },
    { kind: 'conv', idx: 0, inCh: 2, outCh: 3, k: 4, stride: 1, dilation: 2, pad: [3, 4], bias: false },
    { kind: 'conv', idx: 0, inCh: 1, outCh: 3, k: 7, stride: 3, dilation: 4, pad: [9, 9], bias: false },
    { kind: 'conv', idx: 0, inCh: 2, outCh: 3, k: 8, stride: 2, dilation: 3, pad: [5, 4], bias: false },
    { kind: 'conv', idx: 0, inCh: 2, outCh: 2, k: 3, stride: 2, dilation: 1, pad: [1, 1], bias: false },
  ];
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const spec of cases) {
      it(`matches tf's gradients on ${backend}: k${spec.k} s${spec.stride} d${spec.dilation}`, async () => {
        await initBackend([backend]);
        const x = tf.randomNormal([2, 37, spec.inCh], 0, 1, 'float32', 3) as tf.Tensor3D;
        const weight = tf.randomNormal([spec.outCh, spec.inCh, spec.k], 0, 1, 'float32', 4) as tf.Tensor3D;
        const xVar = tf.variable(x);
        const wVar = tf.variable(weight);
        const params = new ParamStore();
        params.set('c.0.weight', wVar);
        const ctx: LayerContext = { params, training: true };
        const probe = (y: tf.Tensor) => tf.sum(tf.mul(y, tf.sin(tf.reshape(tf.range(0, y.size), y.shape))));
        const ours = tf.variableGrads(() => probe(conv1d(xVar, spec, 'c', ctx)) as tf.Scalar, [xVar, wVar]);
        const [dxOurs, dwOurs] = [ours.grads[xVar.name], ours.grads[wVar.name]];
        await initBackend(['cpu']);
        const ref = tf.variableGrads(() => probe(referenceConv(xVar, wVar, spec)) as tf.Scalar, [xVar, wVar]);
        const [dxRef, dwRef] = [ref.grads[xVar.name], ref.grads[wVar.name]];
        expect(dxOurs!.shape).toEqual(x.shape);
        expect(dwOurs!.shape).toEqual(weight.shape);
        expect(relToAbsMax(dxOurs!.dataSync(), dxRef!.dataSync())).toBeLessThan(1e-5);
        expect(relToAbsMax(dwOurs!.dataSync(), dwRef!.dataSync())).toBeLessThan(1e-5);
      });
    }
  }
});

describe('transposed convolution (polyphase)', () => {
  beforeAll(async () => {
    await initBackend(['cpu']);
  });
  /** Direct definition (§2): y[o, n] = b[o] + Σ x[i, l]·W[i, o, m] over n = l·s − p + m·d. */
  function direct(x: number[][], w: number[][][], bias: number[], spec: ConvTSpec): number[][] {
    const L = x.length;
    const outLength = (L - 1) * spec.stride - 2 * spec.pad + spec.dilation * (spec.k - 1) + spec.outputPadding + 1;
    const y = Array.from({ length: outLength }, () => [...bias]);
    for (let l = 0; l < L; l++)
      for (let m = 0; m < spec.k; m++) {
        const n = l * spec.stride - spec.pad + m * spec.dilation;
        if (n < 0 || n >= outLength) continue;
        for (let i = 0; i < spec.inCh; i++) for (let o = 0; o < spec.outCh; o++) y[n]![o]! += x[l]![i]! * w[i]![o]![m]!;
      }
    return y;
  }
  const cases: ConvTSpec[] = [
    { kind: 'convT', idx: 0, inCh: 3, outCh: 2, k: 8, stride: 2, dilation: 1, pad: 3, outputPadding: 0 },
    { kind: 'convT', idx: 0, inCh: 2, outCh: 2, k: 16, stride: 2, dilation: 2, pad: 16, outputPadding: 1 },
    { kind: 'convT', idx: 0, inCh: 2, outCh: 1, k: 65, stride: 3, dilation: 4, pad: 127, outputPadding: 0 },
    { kind: 'convT', idx: 0, inCh: 2, outCh: 3, k: 18, stride: 5, dilation: 1, pad: 9, outputPadding: 0 },
    { kind: 'convT', idx: 0, inCh: 2, outCh: 2, k: 8, stride: 1, dilation: 1, pad: 4, outputPadding: 0 },
  ];
  for (const spec of cases) {
    it(`equals the definition: k${spec.k} s${spec.stride} d${spec.dilation} p${spec.pad} op${spec.outputPadding}`, () => {
      const L = 90;
      const x = tf.randomNormal([1, L, spec.inCh], 0, 1, 'float32', 5) as tf.Tensor3D;
      const w = tf.randomNormal([spec.inCh, spec.outCh, spec.k], 0, 1, 'float32', 6) as tf.Tensor3D;
      const b = tf.randomNormal([spec.outCh], 0, 1, 'float32', 7) as tf.Tensor1D;
      const params = new ParamStore();
      params.set('t.0.weight', w);
      params.set('t.0.bias', b);
      for (const training of [false, true]) {
        const y = convTranspose1d(x, spec, 't', { params, training });
        const want = direct((x.arraySync() as number[][][])[0]!, w.arraySync() as number[][][], b.arraySync() as number[], spec);
        expect(y.shape).toEqual([1, want.length, spec.outCh]);
        expect(relToAbsMax(y.dataSync(), want.flat())).toBeLessThan(1e-5);
      }
    });
  }
});
