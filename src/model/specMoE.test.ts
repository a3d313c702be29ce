import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { relToAbsMax } from '../testing/compare';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { specMoEStateDictShapes } from './architecture';
import { initBackend } from '../runtime/backend';
import { specMoEConfig } from './config';
import { ParamStore } from './params';
import { SpecMoE, specMoETensors } from './specMoE';

const TOLERANCE = 1e-4;
const config = specMoEConfig({ nClasses: 4, segmentSec: 6, lPool: 'mean', cPool: 'max' });

for (const backend of ['wasm', 'cpu'] as const) {
  describeShared(`SpecMoE parity on ${backend} (moe_small_io)`, () => {
    let model: SpecMoE;
    beforeAll(async () => {
      await initBackend([backend]);
      const weights = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;
      model = new SpecMoE(config, ParamStore.fromTensors(weights, specMoEStateDictShapes(config)));
    });
    afterAll(() => model.params.dispose());

    it('reproduces psd, gates, pooled embeddings, fusion and logits within 1e-4 of max', () => {
      const io = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small_io.safetensors`)).tensors;
      const x = tf.tensor3d(io.get('x')!.data as Float32Array, io.get('x')!.shape as [number, number, number]);
      const times = tf.tensor3d(io.get('times')!.data as Float32Array, io.get('times')!.shape as [number, number, number]);
      const out = model.forward(x, times);
      const produced: Record<string, tf.Tensor> = {
        psd_x: out.psd,
        logits: out.logits,
        h_cat: out.hCat,
        h_fused: out.hFused,
        expert1_x_bot2: out.expert1Encoded,
      };
      out.gatePre.forEach((t, i) => (produced[`gate_pre${i + 1}`] = t));
      out.gates.forEach((t, i) => (produced[`gate${i + 1}`] = t));
      out.pooled.forEach((t, i) => (produced[`pooled${i + 1}`] = t));
      const names = [...io.keys()].filter((n) => n !== 'x' && n !== 'times');
      expect(names.sort()).toEqual(Object.keys(produced).sort());
      for (const name of names) {
        expect(produced[name]!.shape, name).toEqual(io.get(name)!.shape);
        const err = relToAbsMax(produced[name]!.dataSync(), io.get(name)!.data);
        expect(err, `${name}: ${err}`).toBeLessThan(TOLERANCE);
      }
      const p = out.probabilities.arraySync() as number[][];
      for (const row of p) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      tf.dispose([x, times, ...specMoETensors(out)]);
    });
  });
}
