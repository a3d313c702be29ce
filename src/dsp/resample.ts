// Resampling by the FFT method, equal to scipy.signal.resample (real input, no window), which the authors'
// loaders use to bring every dataset to 200 Hz: keep the first min(N, num)//2 + 1 bins of the rFFT, double
// (down-sampling) or halve (up-sampling) an unpaired bin at min//2 when that count is even, inverse rFFT of
// length num, scaled by num/N.
import { fftInPlace } from './fft';

export function resample(signal: ArrayLike<number>, num: number): Float64Array {
  const n = signal.length;
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`resample: output length must be a positive integer, got ${num}`);
  if (n === 0) throw new RangeError('resample: empty signal');
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = signal[i]!;
  fftInPlace(re, im);
  const m = Math.min(num, n);
  const kept = Math.floor(m / 2) + 1;
  const scale = num / n;
  // Spectrum of the output, two-sided, from the kept one-sided bins (Hermitian).
  const outRe = new Float64Array(num);
  const outIm = new Float64Array(num);
  for (let k = 0; k < kept && k <= Math.floor(num / 2); k++) {
    let r = re[k]! * scale;
    let j = im[k]! * scale;
    if (m % 2 === 0 && num !== n && k === m / 2) {
      const factor = num < n ? 2 : 0.5;
      r *= factor;
      j *= factor;
    }
    outRe[k] = r;
    outIm[k] = j;
  }
  // numpy's irfft drops the imaginary part of DC and, for even num, of the Nyquist bin.
  outIm[0] = 0;
  if (num % 2 === 0) outIm[num / 2] = 0;
  for (let k = 1; k < Math.ceil(num / 2); k++) {
    outRe[num - k] = outRe[k]!;
    outIm[num - k] = -outIm[k]!;
  }
  fftInPlace(outRe, outIm, true);
  for (let i = 0; i < num; i++) outRe[i] = outRe[i]! / num;
  return outRe;
}

/** Resamples from one rate to another: num = round(N · toHz / fromHz) samples. */
export function resampleRate(signal: ArrayLike<number>, fromHz: number, toHz: number): Float64Array {
  if (!(fromHz > 0) || !(toHz > 0)) throw new RangeError(`resample: rates must be positive, got ${fromHz} → ${toHz} Hz`);
  if (fromHz === toHz) return Float64Array.from(signal);
  return resample(signal, Math.round((signal.length * toHz) / fromHz));
}
