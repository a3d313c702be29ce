// STFT and inverse STFT equal to scipy.signal.stft / istft with their defaults (periodic Hann window, nfft =
// nperseg, boundary='zeros', padded=True, scaling='spectrum', one-sided), for any nperseg and noverlap.
// Float64 throughout; the frames' FFTs come from ./fft (any length).
import { fftInPlace, irfft, rfftWindowedInto } from './fft';
import { cachedPeriodicHann } from './welch';

/** Frames transformed before their bins are scattered into the frequency-major output (keeps the writes in runs). */
const FRAME_BLOCK = 32;

export interface StftOptions {
  readonly sampleRateHz: number;
  readonly nperseg: number;
  readonly noverlap: number;
}

/** Complex STFT [F, NT] row-major (frequency-major, like scipy's Zxx), with its axes. */
export interface Stft {
  readonly nFreqs: number;
  readonly nFrames: number;
  readonly re: Float64Array;
  readonly im: Float64Array;
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
 * Output arrays a caller may hand back to stft (e.g. the previous channel's re/im, once it is done with them):
 * fresh multi-megabyte arrays cost more in page faults than the transform itself on a VM (46 MB: ~140 ms here,
 * where numpy gets transparent huge pages). Used when each holds at least nFreqs × nFrames values.
 */
export interface StftBuffers {
  readonly re: Float64Array;
  readonly im: Float64Array;
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
  const size = nFreqs * nFrames;
  const reuse = buffers !== undefined && buffers.re.length >= size && buffers.im.length >= size && buffers.re.buffer !== buffers.im.buffer;
  const re = reuse ? buffers.re.subarray(0, size) : new Float64Array(size);
  const im = reuse ? buffers.im.subarray(0, size) : new Float64Array(size);
  // Spectra of up to FRAME_BLOCK frames, frame-major, before they are scattered into re/im.
  const blockRe = new Float64Array(FRAME_BLOCK * nFreqs);
  const blockIm = new Float64Array(FRAME_BLOCK * nFreqs);
  for (let f0 = 0; f0 < nFrames; f0 += FRAME_BLOCK) {
    const count = Math.min(FRAME_BLOCK, nFrames - f0);
    // Frame f starts at f·step − nperseg//2 in the original signal (zeros outside it: scipy's boundary extension).
    for (let b = 0; b < count; b++) rfftWindowedInto(signal, (f0 + b) * step - edge, window, blockRe, blockIm, b * nFreqs);
    for (let k = 0; k < nFreqs; k++) {
      const row = k * nFrames + f0;
      for (let b = 0, i = k; b < count; b++, i += nFreqs) {
        re[row + b] = blockRe[i]! * scale;
        im[row + b] = blockIm[i]! * scale;
      }
    }
  }
  const freqs = new Float64Array(nFreqs).map((_, k) => (k * sampleRateHz) / nperseg);
  const times = new Float64Array(nFrames).map((_, f) => (f * step) / sampleRateHz);
  return { nFreqs, nFrames, re, im, freqs, times };
}

/**
 * scipy.signal.istft with its defaults: inverse rFFT of each frame (n = nperseg), × Σw (undoing 'spectrum'),
 * × window, overlap-add, divided by the overlap-added w² where it exceeds 1e-10, nperseg//2 samples dropped at
 * both ends. Returns (nFrames − 1)·step + nperseg − 2·(nperseg//2) samples.
 */
export function istft(spec: Pick<Stft, 'nFreqs' | 'nFrames' | 're' | 'im'>, options: StftOptions): Float64Array {
  checkOptions(options);
  const { nperseg, noverlap } = options;
  const { nFreqs, nFrames, re, im } = spec;
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
    for (let k = 0; k < nFreqs; k++) {
      bufRe[k] = re[k * nFrames + f]!;
      bufIm[k] = im[k * nFrames + f]!;
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
      sum[base + n] += (frame[n]! / nperseg) * windowSum * w;
      norm[base + n] += w * w;
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
