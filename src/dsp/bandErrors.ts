// How far a signal is from a reference, band by band, in two senses:
// - waveform: the power of the difference in each EEG band (Welch PSD of reference − candidate, summed over the
//   band's bins); it needs the phase right;
// - magnitude: the mean squared difference of the STFT magnitudes over the band's cells, on the masking grid
//   (nperseg 2·fs, noverlap fs); phase-blind, like the spectral term that dominates the pretraining loss; also
//   weighted by how much each cell was masked (1 − M), i.e. in the regions a masked model is asked to fill in.
// Used to show whether an expert's reconstruction is closer to the original than the masked input is.
import { mapPower, stft } from './stft';
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

function bandOf(f: number): BandName | null {
  return REPORT_BANDS.find((b) => f >= b.loHz && f < b.hiHz)?.name ?? null;
}

function zeroBands(): Record<BandName, number> {
  return { delta: 0, theta: 0, alpha: 0, beta: 0, gamma: 0 };
}

/** Waveform error power per band (units² of the input), for one channel. */
export function bandErrorPower(reference: ArrayLike<number>, candidate: ArrayLike<number>, sampleRateHz: number): Record<BandName, number> {
  const n = Math.min(reference.length, candidate.length);
  const diff = new Float64Array(n);
  for (let i = 0; i < n; i++) diff[i] = reference[i]! - candidate[i]!;
  const nperseg = Math.min(n, 2 * sampleRateHz);
  const psd = welchPsd(diff, sampleRateHz, nperseg, Math.floor(nperseg / 2));
  const out = zeroBands();
  for (let k = 0; k < psd.length; k++) {
    const band = bandOf((k * sampleRateHz) / nperseg);
    if (band) out[band] += psd[k]!;
  }
  return out;
}

function stftMagnitudes(x: ArrayLike<number>, sampleRateHz: number): { magnitude: Float64Array; freqs: Float64Array; nFrames: number } {
  const nperseg = Math.min(x.length, 2 * sampleRateHz);
  const s = stft(x, { sampleRateHz, nperseg, noverlap: Math.floor(nperseg / 2) });
  const magnitude = mapPower(s, new Float64Array(s.nFreqs * s.nFrames), Math.sqrt);
  return { magnitude, freqs: Float64Array.from(s.freqs), nFrames: s.nFrames };
}

/**
 * Mean squared STFT-magnitude difference per band (units² of the input), for one channel; with `weights` (one per
 * cell of the [F, frames] grid, row-major) a weighted mean.
 */
export function bandMagnitudeError(reference: ArrayLike<number>, candidate: ArrayLike<number>, sampleRateHz: number, weights?: ArrayLike<number>): Record<BandName, number> {
  const r = stftMagnitudes(reference, sampleRateHz);
  const c = stftMagnitudes(candidate, sampleRateHz).magnitude;
  if (weights && weights.length !== r.magnitude.length) throw new RangeError(`bandMagnitudeError: ${weights.length} weights for a grid of ${r.magnitude.length} cells`);
  const out = zeroBands();
  const total = zeroBands();
  r.freqs.forEach((f, k) => {
    const band = bandOf(f);
    if (!band) return;
    for (let t = 0; t < r.nFrames; t++) {
      const i = k * r.nFrames + t;
      const w = weights ? weights[i]! : 1;
      out[band] += w * (c[i]! - r.magnitude[i]!) ** 2;
      total[band] += w;
    }
  });
  for (const b of REPORT_BANDS) out[b.name] = total[b.name] > 0 ? out[b.name] / total[b.name] : 0;
  return out;
}

/** Errors of the masked input and of both decoder branches against the original, in one band. */
export interface ReconstructionBandErrors {
  readonly band: BandName;
  readonly waveform: { masked: number; dec1: number; dec2: number };
  readonly magnitude: { masked: number; dec1: number; dec2: number };
  /** Magnitude error weighted by 1 − M: in the masked regions only. */
  readonly maskedRegions: { masked: number; dec1: number; dec2: number };
}

/** One channel (or window) of original, masked input and the two reconstructions. */
export interface ReconstructionSignals {
  readonly original: ArrayLike<number>;
  readonly masked: ArrayLike<number>;
  readonly dec1: ArrayLike<number>;
  readonly dec2: ArrayLike<number>;
  /** The Gaussian mask M applied (1 = kept), on the magnitude grid [F, frames]. */
  readonly mask: ArrayLike<number>;
}

/** Both error kinds per band, averaged over the signals given (e.g. every channel of every held-out window). */
export function reconstructionBandErrors(signals: Iterable<ReconstructionSignals>, sampleRateHz: number): ReconstructionBandErrors[] {
  const measures = ['waveform', 'magnitude', 'maskedRegions'] as const;
  const sums = REPORT_BANDS.map((b) => ({ band: b.name, waveform: { masked: 0, dec1: 0, dec2: 0 }, magnitude: { masked: 0, dec1: 0, dec2: 0 }, maskedRegions: { masked: 0, dec1: 0, dec2: 0 } }));
  let count = 0;
  for (const s of signals) {
    const inverse = Float64Array.from(s.mask, (m) => 1 - m);
    for (const kind of ['masked', 'dec1', 'dec2'] as const) {
      const errors = {
        waveform: bandErrorPower(s.original, s[kind], sampleRateHz),
        magnitude: bandMagnitudeError(s.original, s[kind], sampleRateHz),
        maskedRegions: bandMagnitudeError(s.original, s[kind], sampleRateHz, inverse),
      };
      for (const sum of sums) for (const m of measures) sum[m][kind] += errors[m][sum.band];
    }
    count++;
  }
  for (const sum of sums) for (const m of measures) for (const kind of ['masked', 'dec1', 'dec2'] as const) sum[m][kind] /= Math.max(1, count);
  return sums;
}
