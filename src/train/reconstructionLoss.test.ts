import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { rfft } from '../dsp/fft';
import { initBackend } from '../runtime/backend';
import { relToAbsMax } from '../testing/compare';
import { interpolateLinear, stftMagnitude } from './reconstructionLoss';

describe('pretraining loss pieces', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('|STFT| equals torch.stft(n_fft 512, hop 256, periodic Hann, center reflect) computed independently', () => {
    const length = 1300;
    const x = new Float32Array(length).map((_, i) => Math.sin(0.05 * i) + 0.3 * Math.cos(0.9 * i) + ((i * 7919) % 13) / 13);
    const got = stftMagnitude(tf.tensor2d(x, [1, length]));
    // Reference: reflect-pad 256 on both sides, frames every 256, Hann window, rfft through src/dsp/fft.
    const padded = new Float64Array(length + 512);
    for (let i = 0; i < padded.length; i++) {
      const j = i - 256;
      padded[i] = x[j < 0 ? -j : j >= length ? 2 * (length - 1) - j : j]!;
    }
    const frames = 1 + Math.floor((padded.length - 512) / 256);
    expect(got.shape).toEqual([1, frames, 257]);
    const want: number[] = [];
    for (let f = 0; f < frames; f++) {
      const frame = new Float64Array(512).map((_, n) => padded[f * 256 + n]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * n) / 512)));
      const { re, im } = rfft(frame);
      for (let k = 0; k < 257; k++) want.push(Math.hypot(re[k]!, im[k]!));
    }
    expect(relToAbsMax(got.dataSync(), want)).toBeLessThan(1e-5);
  });

  it('linear interpolation follows align_corners=False (edges clamp, centres shift by half a sample)', () => {
    const x = new Float32Array([0, 10, 20, 30]);
    expect(Array.from(interpolateLinear(x, 1, 4, 8))).toEqual([0, 2.5, 7.5, 12.5, 17.5, 22.5, 27.5, 30]);
    expect(Array.from(interpolateLinear(x, 1, 4, 2))).toEqual([5, 25]);
  });
});
