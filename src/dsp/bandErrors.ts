// How far a signal is from a reference, band by band: the power of the difference in each EEG band (Welch PSD
// of reference − candidate, summed over the band's bins). Used to show whether an expert's reconstruction is closer
// to the original than the masked input is.
import { welchPsd } from './welch';

/** Bands for reporting errors (Hz, lo ≤ f < hi). */
export const REPORT_BANDS = [
  { name: 'delta', loHz: 0.5, hiHz: 4 },
  { name: 'theta', loHz: 4, hiHz: 8 },
  { name: 'alpha', loHz: 8, hiHz: 13 },
  { name: 'beta', loHz: 13, hiHz: 30 },
  { name: 'gamma', loHz: 30, hiHz: 45 },
] as const;

export type BandName = (typeof REPORT_BANDS)[number]['name'];

/** Error power per band (units² of the input), for one channel. */
export function bandErrorPower(reference: ArrayLike<number>, candidate: ArrayLike<number>, sampleRateHz: number): Record<BandName, number> {
  const n = Math.min(reference.length, candidate.length);
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = reference[i]! - candidate[i]!;
  const nperseg = Math.min(n, 2 * sampleRateHz);
  const psd = welchPsd(diff, sampleRateHz, nperseg, Math.floor(nperseg / 2));
  const out = {} as Record<BandName, number>;
  for (const band of REPORT_BANDS) {
    let sum = 0;
    for (let k = 0; k < psd.length; k++) {
      const f = (k * sampleRateHz) / nperseg;
      if (f >= band.loHz && f < band.hiHz) sum += psd[k]!;
    }
    out[band.name] = sum;
  }
  return out;
}
