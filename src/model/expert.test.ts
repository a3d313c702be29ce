import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { relToAbsMax } from '../testing/compare';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { expertStateDictShapes } from './architecture';
import { initBackend } from '../runtime/backend';
import { AUTHORS_EXPERT } from './config';
import { Expert, type ExpertIntermediates } from './expert';
import { ParamStore } from './params';

const TOLERANCE = 1e-4;

for (const backend of ['wasm', 'cpu'] as const) {
  describeShared(`expert parity on ${backend} (expert_small_io)`, () => {
    let expert: Expert;
    const io = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small_io.safetensors`)).tensors;
    const input = (name: string) => tf.tensor3d(io.get(name)!.data as Float32Array, io.get(name)!.shape as [number, number, number]);

    beforeAll(async () => {
      await initBackend([backend]);
      const weights = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
      expert = new Expert(AUTHORS_EXPERT, ParamStore.fromTensors(weights, expertStateDictShapes(AUTHORS_EXPERT)));
    });
    afterAll(() => expert.params.dispose());

    it('reproduces the 4 outputs and 14 intermediates within 1e-4 of each tensor\'s max', () => {
      const x = input('x');
      const times = input('times');
      const intermediates: ExpertIntermediates = {};
      const out = expert.forward(x, times, { intermediates });
      const produced: Record<string, tf.Tensor> = { ...out, ...intermediates };
      const names = [...io.keys()].filter((n) => n !== 'x' && n !== 'times');
      expect(names.length).toBe(18);
      const worst: Record<string, number> = {};
      for (const name of names) {
        const t = produced[name];
        expect(t, name).toBeDefined();
        expect(t!.shape, name).toEqual(io.get(name)!.shape);
        worst[name] = relToAbsMax(t!.dataSync(), io.get(name)!.data);
      }
      for (const [name, err] of Object.entries(worst)) expect(err, `${name}: ${err}`).toBeLessThan(TOLERANCE);
      tf.dispose([x, times, ...Object.values(produced)]);
    });

    it('encode() equals the full forward\'s enc_x_bot2 bit for bit', () => {
      const x = input('x');
      const times = input('times');
      const enc = expert.encode(x, times);
      const intermediates: ExpertIntermediates = {};
      const out = expert.forward(x, times, { intermediates });
      expect(Array.from(enc.dataSync())).toEqual(Array.from(intermediates.enc_x_bot2!.dataSync()));
      tf.dispose([x, times, enc, ...Object.values(out), ...Object.values(intermediates)]);
    });
  });
}
