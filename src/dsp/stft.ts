// STFT and inverse STFT equal to scipy.signal.stft / istft with their defaults (periodic Hann window, nfft =
// nperseg, boundary='zeros', padded=True, scaling='spectrum', one-sided), for any nperseg and noverlap.
// Float64 throughout; the frames' FFTs come from ./fft (any length).
//
// Layout: the complex values are stored frame-major and interleaved, [frames][F][re, im], which is the memory numpy
// holds behind scipy's Zxx (scipy computes a [frames, F] complex128 array and returns its transposed view, [F, frames],
// without copying). Each frame's spectrum is then written once, in order; a frequency-major copy (frequencyMajor,
// powerDb…) is made only where a consumer needs rows per frequency (heatmaps, the CLI's file).
import { fftInPlace, irfft, rfftWindowedInterleavedInto } from './fft';
import { cachedPeriodicHann } from './welch';

export interface StftOptions {
  readonly sampleRateHz: number;
  readonly nperseg: number;
  readonly noverlap: number;
}

/** Complex STFT, scipy's Zxx [F, NT] in scipy's own memory layout (see the header), with its axes. */
export interface Stft {
  readonly nFreqs: number;
  readonly nFrames: number;
  /** Zxx[k, f] = data[2·(f·nFreqs + k)] + i·data[2·(f·nFreqs + k) + 1]. */
  readonly data: Float64Array;
  /** Hz, k·fs/nperseg. */
  readonly freqs: Float64Array;
  /** Seconds of each frame's centre, 0, step/fs, … (scipy's convention with boundary extension). */
  readonly times: Float64Array;
}

function checkOptions({ nperseg, noverlap, sampleRateHz }: StftOptions): void {
  if (!Number.isInteger(nperseg) || nperseg < 1) throw new RangeError(`nperseg must be a positive integer, got ${nperseg}`);
  if (!Number.isInteger(noverlap) || noverlap < 0 || noverlap >= nperseg) throw new RangeError(`noverlap must be an integer in [0, ${nperseg}), got ${noverlap}`);
  if (!(sampleRateHz > 0)) throw new RangeError(`sample rate must be positive, got ${sampleRateHz}`);
}

/** Length after scipy's boundary extension (nperseg//2 zeros each side) and end padding to whole hops. */
function extendedLength(length: number, nperseg: number, step: number): number {
  const extended = length + 2 * Math.floor(nperseg / 2);
  const add = (((-(extended - nperseg)) % step) + step) % step % nperseg;
  return extended + add;
}

/**
 * An output array a caller may hand back to stft (e.g. the previous channel's `data`, once it is done with it):
 * fresh multi-megabyte arrays cost more in page faults than the transform itself on a VM (93 MB for 8 h at
 * 200 Hz: ~300 ms here, where numpy gets transparent huge pages). Used when it holds at least 2 × nFreqs × nFrames values.
 */
export interface StftBuffers {
  readonly data: Float64Array;
}

export function stft(signal: ArrayLike<number>, options: StftOptions, buffers?: StftBuffers): Stft {
  checkOptions(options);
  const { nperseg, noverlap, sampleRateHz } = options;
  const step = nperseg - noverlap;
  const edge = Math.floor(nperseg / 2);
  const total = extendedLength(signal.length, nperseg, step);
  const nFrames = total >= nperseg ? Math.floor((total - nperseg) / step) + 1 : 0;
  const nFreqs = Math.floor(nperseg / 2) + 1;
  const window = cachedPeriodicHann(nperseg);
  let windowSum = 0;
  for (const w of window) windowSum += w;
  // scipy scales by sqrt(1/Σw²) ('spectrum' scaling of an STFT): a multiply, not a division.
  const scale = Math.sqrt(1 / (windowSum * windowSum));
  const size = 2 * nFreqs * nFrames;
  const data = buffers !== undefined && buffers.data.length >= size ? buffers.data.subarray(0, size) : new Float64Array(size);
  // Frame f starts at f·step − nperseg//2 in the original signal (zeros outside it: scipy's boundary extension).
  for (let f = 0; f < nFrames; f++) rfftWindowedInterleavedInto(signal, f * step - edge, window, data, 2 * f * nFreqs, scale);
  const freqs = new Float64Array(nFreqs).map((_, k) => (k * sampleRateHz) / nperseg);
  const times = new Float64Array(nFrames).map((_, f) => (f * step) / sampleRateHz);
  return { nFreqs, nFrames, data, freqs, times };
}

/** Zxx as two [F, NT] row-major arrays (scipy's Zxx.real and Zxx.imag, as the CLI writes them). */
export function frequencyMajor(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 'data'>): { re: Float64Array; im: Float64Array } {
  const { nFreqs, nFrames, data } = spec;
  const re = new Float64Array(nFreqs * nFrames);
  const im = new Float64Array(nFreqs * nFrames);
  for (let f = 0; f < nFrames; f++) {
    for (let k = 0, i = 2 * f * nFreqs; k < nFreqs; k++, i += 2) {
      re[k * nFrames + f] = data[i]!;
      im[k * nFrames + f] = data[i + 1]!;
    }
  }
  return { re, im };
}

/** |Zxx|² mapped by `fn`, as an [F, NT] row-major array (heatmap rows per frequency). */
export function mapPower<T extends Float32Array | Float64Array>(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 'data'>, out: T, fn: (power: number) => number): T {
  const { nFreqs, nFrames, data } = spec;
  for (let f = 0; f < nFrames; f++) {
    for (let k = 0, i = 2 * f * nFreqs; k < nFreqs; k++, i += 2) out[k * nFrames + f] = fn(data[i]! * data[i]! + data[i + 1]! * data[i + 1]!);
  }
  return out;
}

/** 10·log10(|Zxx|² + 1e-20), [F, NT] row-major, as float32 for display. */
export function powerDb(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 'data'>): Float32Array {
  return mapPower(spec, new Float32Array(spec.nFreqs * spec.nFrames), (p) => 10 * Math.log10(p + 1e-20));
}

/** Zxx ⊙ M in place, for a real [F, NT] row-major map M (the Gaussian masks' layout). */
export function scaleByMap(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 'data'>, map: ArrayLike<number>): void {
  const { nFreqs, nFrames, data } = spec;
  if (map.length !== nFreqs * nFrames) throw new RangeError(`map has ${map.length} values, the STFT ${nFreqs}×${nFrames}`);
  for (let f = 0; f < nFrames; f++) {
    for (let k = 0, i = 2 * f * nFreqs; k < nFreqs; k++, i += 2) {
      const m = map[k * nFrames + f]!;
      data[i]! *= m;
      data[i + 1]! *= m;
    }
  }
}

/**
 * scipy.signal.istft with its defaults: inverse rFFT of each frame (n = nperseg), × Σw (undoing 'spectrum'),
 * × window, overlap-add, divided by the overlap-added w² where it exceeds 1e-10, nperseg//2 samples dropped at
 * both ends. Returns (nFrames − 1)·step + nperseg − 2·(nperseg//2) samples.
 */
export function istft(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 'data'>, options: StftOptions): Float64Array {
  checkOptions(options);
  const { nperseg, noverlap } = options;
  const { nFreqs, nFrames, data } = spec;
  if (nFreqs !== Math.floor(nperseg / 2) + 1) throw new RangeError(`istft: ${nFreqs} frequency bins do not fit nperseg ${nperseg}`);
  const step = nperseg - noverlap;
  const window = cachedPeriodicHann(nperseg);
  let windowSum = 0;
  for (const w of window) windowSum += w;
  const outLength = nperseg + (nFrames - 1) * step;
  const sum = new Float64Array(outLength);
  const norm = new Float64Array(outLength);
  const bufRe = new Float64Array(nperseg);
  const bufIm = new Float64Array(nperseg);
  const frame = new Float64Array(nperseg);
  for (let f = 0; f < nFrames; f++) {
    // Hermitian completion of the one-sided spectrum, then an inverse DFT (imaginary parts of DC/Nyquist ignored,
    // as numpy's irfft does).
    for (let k = 0, i = 2 * f * nFreqs; k < nFreqs; k++, i += 2) {
      bufRe[k] = data[i]!;
      bufIm[k] = data[i + 1]!;
    }
    bufIm[0] = 0;
    if (nperseg % 2 === 0) {
      bufIm[nFreqs - 1] = 0;
      irfft(bufRe, bufIm, nperseg, frame);
    } else {
      for (let k = nFreqs; k < nperseg; k++) {
        bufRe[k] = bufRe[nperseg - k]!;
        bufIm[k] = -bufIm[nperseg - k]!;
      }
      fftInPlace(bufRe, bufIm, true);
      frame.set(bufRe);
    }
    const base = f * step;
    for (let n = 0; n < nperseg; n++) {
      const w = window[n]!;
      sum[base + n]! += (frame[n]! / nperseg) * windowSum * w;
      norm[base + n]! += w * w;
    }
  }
  const edge = Math.floor(nperseg / 2);
  const out = new Float64Array(Math.max(0, outLength - 2 * edge));
  for (let i = 0; i < out.length; i++) {
    const n = norm[i + edge]!;
    out[i] = sum[i + edge]! / (n > 1e-10 ? n : 1);
  }
  return out;
}
