// Resampling by the FFT method, equal to scipy.signal.resample (real input, no window), which the authors'
// loaders use to bring every dataset to 200 Hz: keep the first min(N, num)//2 + 1 bins of the rFFT, double
// (down-sampling) or halve (up-sampling) an unpaired bin at min//2 when that count is even, inverse rFFT of
// length num, scaled by num/N.
import { fftInPlace, irfft, respectrum, rfftInto, type SpectrumGains } from './fft';

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

/**
 * The first num values of `out` (resample's result is written there when given: a fresh array costs page faults on
 * every call, ~1–4 ms for a 968-s chunk here), or a fresh array.
 */
function output(num: number, out: Float64Array | undefined): Float64Array {
  if (!out) return new Float64Array(num);
  if (out.length < num) throw new RangeError(`resample: output holds ${out.length} samples, fewer than ${num}`);
  return out.subarray(0, num);
}

/** scipy.signal.resample(signal, num), written into `out` when given (see output). */
export function resample(signal: ArrayLike<number>, num: number, out?: Float64Array): Float64Array {
  const n = signal.length;
  if (!Number.isInteger(num) || num < 1) throw new RangeError(`resample: output length must be a positive integer, got ${num}`);
  if (n === 0) throw new RangeError('resample: empty signal');
  const y = output(num, out);
  const m = Math.min(num, n);
  const gains: SpectrumGains = {
    kept: Math.min(Math.floor(m / 2) + 1, Math.floor(num / 2) + 1),
    // irfft is unnormalised (× num), and scipy scales by num/N.
    scale: 1 / n,
    // The unpaired bin at min//2: doubled when down-sampling, halved when up-sampling.
    unpaired: m % 2 === 0 && num !== n ? m / 2 : -1,
    unpairedFactor: num < n ? 2 : 0.5,
  };
  if (n % 2 === 0 && num % 2 === 0 && n >= 4 && num >= 4) return respectrum(signal, num, gains, y);
  return resampleSplit(signal, num, gains, y);
}

/** Any lengths: the one-sided spectrum unpacked, edited, then an inverse rFFT (even num) or complex DFT (odd num). */
function resampleSplit(signal: ArrayLike<number>, num: number, gains: SpectrumGains, y: Float64Array): Float64Array {
  const { kept, scale, unpaired, unpairedFactor } = gains;
  const outBins = Math.floor(num / 2) + 1;
  // One buffer holds the input's one-sided spectrum, then (edited in place) the output's.
  const [specRe, specIm] = spectrumScratch(Math.max(Math.floor(signal.length / 2) + 1, outBins));
  rfftInto(signal, specRe, specIm);
  for (let k = 0; k < kept; k++) {
    const g = k === unpaired ? scale * unpairedFactor : scale;
    specRe[k] = specRe[k]! * g;
    specIm[k] = specIm[k]! * g;
  }
  specRe.fill(0, kept, outBins);
  specIm.fill(0, kept, outBins);
  if (num % 2 === 0) return irfft(specRe, specIm, num, y);
  // Odd num: Hermitian completion (numpy's irfft drops the imaginary part of DC) and a complex inverse transform.
  const outRe = new Float64Array(num);
  const outIm = new Float64Array(num);
  outRe.set(specRe.subarray(0, outBins));
  outIm.set(specIm.subarray(0, outBins));
  outIm[0] = 0;
  for (let k = 1; k < outBins; k++) {
    outRe[num - k] = outRe[k]!;
    outIm[num - k] = -outIm[k]!;
  }
  fftInPlace(outRe, outIm, true);
  y.set(outRe);
  return y;
}

/** Resamples from one rate to another: num = round(N · toHz / fromHz) samples, written into `out` as resample does. */
export function resampleRate(signal: ArrayLike<number>, fromHz: number, toHz: number, out?: Float64Array): Float64Array {
  if (!(fromHz > 0) || !(toHz > 0)) throw new RangeError(`resample: rates must be positive, got ${fromHz} → ${toHz} Hz`);
  const num = Math.round((signal.length * toHz) / fromHz);
  if (fromHz !== toHz) return resample(signal, num, out);
  const y = output(num, out);
  for (let i = 0; i < num; i++) y[i] = signal[i]!;
  return y;
}
