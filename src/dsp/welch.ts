// The Welch PSD the SpecMoE gate reads (ARCHITECTURE.md §7). Not scipy.signal.welch: the mean is removed over the
// whole input (not per segment), the one-sided bins are not doubled, and the scale is 1/(fs·Σw² + 1e-12).
import { rfftInto } from './fft';

export interface WelchSettings {
  readonly nperseg: number;
  readonly noverlap: number;
  /** Number of frequency bins: nperseg/2 + 1. */
  readonly nFreqs: number;
}

/** Welch settings from the task's nominal segment length: ≥ 2 s → 2·fs/fs, 1 s → fs/0 (§7). */
export function welchSettings(segmentSeconds: number, sampleRateHz: number): WelchSettings {
  if (segmentSeconds >= 2) return { nperseg: 2 * sampleRateHz, noverlap: sampleRateHz, nFreqs: sampleRateHz + 1 };
  if (segmentSeconds === 1) return { nperseg: sampleRateHz, noverlap: 0, nFreqs: Math.floor(sampleRateHz / 2) + 1 };
  throw new RangeError(`the SpecMoE gate has no Welch settings for ${segmentSeconds}-s segments (1 s or >= 2 s)`);
}

/** Periodic Hann window w[n] = 0.5 − 0.5·cos(2πn/N). */
export function periodicHann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}

const hannCache = new Map<number, Float64Array>();

/** periodicHann(n), shared between calls: callers must not modify it. */
export function cachedPeriodicHann(n: number): Float64Array {
  let w = hannCache.get(n);
  if (!w) {
    w = periodicHann(n);
    if (hannCache.size >= 16) hannCache.clear();
    hannCache.set(n, w);
  }
  return w;
}

/**
 * PSD of one channel, float64: segments [s·step, s·step + nperseg) with step = nperseg − noverlap (trailing
 * samples that do not fill a segment are ignored, but they do count in the mean that is removed first).
 */
export function welchPsd(signal: ArrayLike<number>, sampleRateHz: number, nperseg: number, noverlap: number): Float64Array {
  const n = signal.length;
  if (n < nperseg) throw new RangeError(`Welch PSD needs at least ${nperseg} samples, got ${n}`);
  if (noverlap < 0 || noverlap >= nperseg) throw new RangeError(`Welch noverlap ${noverlap} must lie in [0, ${nperseg})`);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += signal[i]!;
  mean /= n;
  const window = cachedPeriodicHann(nperseg);
  let windowPower = 0;
  for (let i = 0; i < nperseg; i++) windowPower += window[i]! * window[i]!;
  const step = nperseg - noverlap;
  const nSegments = 1 + Math.floor((n - nperseg) / step);
  const nFreqs = Math.floor(nperseg / 2) + 1;
  const psd = new Float64Array(nFreqs);
  const segment = new Float64Array(nperseg);
  const re = new Float64Array(nFreqs);
  const im = new Float64Array(nFreqs);
  for (let s = 0; s < nSegments; s++) {
    const start = s * step;
    for (let i = 0; i < nperseg; i++) segment[i] = (signal[start + i]! - mean) * window[i]!;
    rfftInto(segment, re, im);
    for (let f = 0; f < nFreqs; f++) psd[f]! += re[f]! * re[f]! + im[f]! * im[f]!;
  }
  const scale = 1 / ((sampleRateHz * windowPower + 1e-12) * nSegments);
  for (let f = 0; f < nFreqs; f++) psd[f]! *= scale;
  return psd;
}
