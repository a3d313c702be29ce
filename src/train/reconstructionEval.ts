// Is a pretrained expert's reconstruction closer to the original than its masked input? Per EEG band, the waveform
// error power and the STFT-magnitude error of the reconstruction and of the masked input against the original, over
// held-out windows, each masked with its own seeded Gaussian mask.
import * as tf from '@tensorflow/tfjs';
import { type ReconstructionBandErrors, type ReconstructionSignals, reconstructionBandErrors } from '../dsp/bandErrors';
import type { MaskParams } from '../dsp/masks';
import { seededRandom } from '../dsp/random';
import type { Expert } from '../model/expert';
import { makeBatch } from './pretrain';
import type { PretrainWindow } from './pretrainData';

/** Every channel of every window: original, masked input and both branches (µV/100). */
function* reconstructedChannels(expert: Expert, windows: readonly PretrainWindow[], nChannels: number, mask: MaskParams, seed: number, sampleRateHz: number): Generator<ReconstructionSignals> {
  const random = seededRandom(seed);
  for (const window of windows) {
    const batch = makeBatch([window], nChannels, mask, sampleRateHz, random);
    const [, , length] = batch.shape;
    const x = tf.tensor3d(batch.x, batch.shape as [number, number, number]);
    const times = tf.tensor3d(batch.times, [1, 1, length]);
    const out = expert.forward(x, times);
    const dec1 = out.U3_Dec1.dataSync() as Float32Array;
    const dec2 = out.U3_Dec2.dataSync() as Float32Array;
    tf.dispose([x, times, ...Object.values(out)]);
    for (let c = 0; c < nChannels; c++) {
      const row = (a: Float32Array) => a.subarray(c * length, (c + 1) * length);
      yield { original: row(batch.target), masked: row(batch.x), dec1: row(dec1), dec2: row(dec2), mask: batch.masks[0]!.map };
    }
  }
}

export function evaluateReconstruction(expert: Expert, windows: readonly PretrainWindow[], nChannels: number, mask: MaskParams, seed: number, sampleRateHz = 200): ReconstructionBandErrors[] {
  return reconstructionBandErrors(reconstructedChannels(expert, windows, nChannels, mask, seed, sampleRateHz), sampleRateHz);
}
