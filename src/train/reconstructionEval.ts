// Is a pretrained expert's reconstruction closer to the original than its masked input? Per EEG band, the error
// power of the reconstruction and of the masked input against the original, over held-out windows, each masked
// with its own seeded Gaussian mask.
import * as tf from '@tensorflow/tfjs';
import { type BandName, bandErrorPower, REPORT_BANDS } from '../dsp/bandErrors';
import type { MaskParams } from '../dsp/masks';
import { seededRandom } from '../dsp/random';
import type { Expert } from '../model/expert';
import { makeBatch } from './pretrain';
import type { PretrainWindow } from './pretrainData';

export interface BandErrorReport {
  readonly band: BandName;
  /** Mean error power of the masked input (µV²/100² per band). */
  readonly masked: number;
  /** Same for the expert's first and second decoder branches. */
  readonly dec1: number;
  readonly dec2: number;
  /** dec1 / masked: below 1 means the reconstruction is closer to the original than the masked input. */
  readonly ratioDec1: number;
  readonly ratioDec2: number;
}

export function evaluateReconstruction(expert: Expert, windows: readonly PretrainWindow[], nChannels: number, mask: MaskParams, seed: number, sampleRateHz = 200): BandErrorReport[] {
  const random = seededRandom(seed);
  const sums = new Map<BandName, { masked: number; dec1: number; dec2: number }>(REPORT_BANDS.map((b) => [b.name, { masked: 0, dec1: 0, dec2: 0 }]));
  let count = 0;
  for (const window of windows) {
    const batch = makeBatch([window], nChannels, mask, sampleRateHz, random);
    const [, , length] = batch.shape;
    const x = tf.tensor3d(batch.x, batch.shape as [number, number, number]);
    const times = tf.tensor3d(batch.times, [1, 1, length]);
    const out = expert.forward(x, times);
    const dec1 = out.U3_Dec1.dataSync();
    const dec2 = out.U3_Dec2.dataSync();
    tf.dispose([x, times, ...Object.values(out)]);
    for (let c = 0; c < nChannels; c++) {
      const row = (a: ArrayLike<number>) => (a as Float32Array).subarray(c * length, (c + 1) * length);
      const reference = row(batch.target);
      const errs = { masked: bandErrorPower(reference, row(batch.x), sampleRateHz), dec1: bandErrorPower(reference, row(dec1), sampleRateHz), dec2: bandErrorPower(reference, row(dec2), sampleRateHz) };
      for (const band of REPORT_BANDS) {
        const s = sums.get(band.name)!;
        s.masked += errs.masked[band.name];
        s.dec1 += errs.dec1[band.name];
        s.dec2 += errs.dec2[band.name];
      }
      count++;
    }
  }
  return REPORT_BANDS.map(({ name }) => {
    const s = sums.get(name)!;
    return { band: name, masked: s.masked / count, dec1: s.dec1 / count, dec2: s.dec2 / count, ratioDec1: s.dec1 / s.masked, ratioDec2: s.dec2 / s.masked };
  });
}
