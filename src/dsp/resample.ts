// Resampling by the FFT method, equal to scipy.signal.resample (real input, no window), which the authors'
// loaders use to bring every dataset to 200 Hz: keep the first min(N, num)//2 + 1 bins of the rFFT, double
// (down-sampling) or halve (up-sampling) an unpaired bin at min//2 when that count is even, inverse rFFT of
// length num, scaled by num/N.
import { fftInPlace, irfft, rfftInto } from './fft';

/** Largest spectrum (bins) whose scratch is kept between calls; fresh memory is slow to fault in, reused is not. */
const MAX_KEPT_BINS = 1 << 20;
let scratchRe = new Float64Array(0);
let scratchIm = new Float64Array(0);

function spectrumScratch(bins: number): [Float64Array, Float64Array] {
  if (bins > MAX_KEPT_BINS) return [new Float64Array(bins), new Float64Array(bins)];
  if (scratchRe.length < bins) {
    scratchRe = new Float64Array(bins);
    scratchIm = new Float64Array(bins);
  }
  return [scratchRe, scratchIm];
}

export function resample(signal: ArrayLike<number>, num: number): Float64Array {
  const n = signal.length;
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`resample: output length must be a positive integer, got ${num}`);
  if (n === 0) throw new RangeError('resample: empty signal');
  const inBins = Math.floor(n / 2) + 1;
  const outBins = Math.floor(num / 2) + 1;
  // One buffer holds the input's one-sided spectrum, then (edited in place) the output's.
  const [specRe, specIm] = spectrumScratch(Math.max(inBins, outBins));
  rfftInto(signal, specRe, specIm);
  const m = Math.min(num, n);
  const kept = Math.min(Math.floor(m / 2) + 1, outBins);
  const scale = num / n;
  for (let k = 0; k < kept; k++) {
    specRe[k] = specRe[k]! * scale;
    specIm[k] = specIm[k]! * scale;
  }
  if (m % 2 === 0 && num !== n && m / 2 < kept) {
    // The unpaired bin at min//2: doubled when down-sampling, halved when up-sampling.
    const factor = num < n ? 2 : 0.5;
    specRe[m / 2] = specRe[m / 2]! * factor;
    specIm[m / 2] = specIm[m / 2]! * factor;
  }
  specRe.fill(0, kept, outBins);
  specIm.fill(0, kept, outBins);
  // numpy's irfft drops the imaginary part of DC and, for even num, of the Nyquist bin.
  specIm[0] = 0;
  if (num % 2 === 0) {
    specIm[num / 2] = 0;
    const out = irfft(specRe, specIm, num, new Float64Array(num));
    for (let i = 0; i < num; i++) out[i] = out[i]! / num;
    return out;
  }
  // Odd num: Hermitian completion and a complex inverse transform.
  const outRe = new Float64Array(num);
  const outIm = new Float64Array(num);
  outRe.set(specRe.subarray(0, outBins));
  outIm.set(specIm.subarray(0, outBins));
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
