import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { relToAbsMax } from '../testing/compare';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { expertStateDictShapes, specMoEStateDictShapes } from './architecture';
import { initBackend } from '../runtime/backend';
import { AUTHORS_EXPERT, specMoEConfig } from './config';
import { Expert } from './expert';
import { ParamStore } from './params';
import { SpecMoE, specMoETensors } from './specMoE';

// 30 s × 19 channels (attention over 3 800 tokens): wasm only, the cpu back-end takes minutes here.
describeShared('full-size parity on wasm (full_size_io, C = 19, T = 6000)', () => {
  const io = () => readSafetensors(readFileSync(`${REFERENCE_DIR}/full_size_io.safetensors`)).tensors;
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('expert encoder output enc_x_bot2 and SpecMoE logits within 1e-4 of max', () => {
    const t = io();
    const x = tf.tensor3d(t.get('x')!.data as Float32Array, [1, 19, 6000]);
    const times = tf.tensor3d(t.get('times')!.data as Float32Array, [1, 1, 6000]);
    const expertWeights = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
    const expert = new Expert(AUTHORS_EXPERT, ParamStore.fromTensors(expertWeights, expertStateDictShapes(AUTHORS_EXPERT, true)));
    const enc = expert.encode(x, times);
    expect(enc.shape).toEqual([1, 128, 1900]);
    const encErr = relToAbsMax(enc.dataSync(), t.get('enc_x_bot2')!.data);
    expect(encErr, `enc_x_bot2 ${encErr}`).toBeLessThan(1e-4);
    enc.dispose();
    expert.params.dispose();

    const config = specMoEConfig({ nClasses: 4, segmentSec: 6 });
    const moeWeights = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;
    const moe = new SpecMoE(config, ParamStore.fromTensors(moeWeights, specMoEStateDictShapes(config)));
    const out = moe.forward(x, times);
    const logitErr = relToAbsMax(out.logits.dataSync(), t.get('moe_logits')!.data);
    expect(logitErr, `moe_logits ${logitErr}`).toBeLessThan(1e-4);
    tf.dispose([x, times, ...specMoETensors(out)]);
    moe.params.dispose();
  }, 300_000);
});
