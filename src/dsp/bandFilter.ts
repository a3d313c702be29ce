// Zero-phase FFT-domain band-pass with an optional notch, for preparing whole recordings before they are cut
// into model segments (the authors band-pass 0.3–75 Hz and notch the mains before pretraining, ARCHITECTURE.md §8).
// Bins outside [lowHz, highHz] and within ±notchWidthHz of the notch and its harmonics are zeroed, with a short
// raised-cosine taper so the edges do not ring. The signal is mirrored to twice its length first, so its ends meet
// without a jump (a drift would otherwise leak into every bin).
import { fftInPlace } from './fft';

export interface BandFilterOptions {
  readonly sampleRateHz: number;
  readonly lowHz: number;
  readonly highHz: number;
  /** Mains frequency to remove (50 or 60), or null. */
  readonly notchHz: number | null;
  /** Half-width of the notch (Hz). */
  readonly notchWidthHz?: number;
  /** Width of the raised-cosine transition at each edge (Hz). */
  readonly taperHz?: number;
}

function gain(f: number, o: Required<BandFilterOptions>): number {
  const ramp = (d: number) => (d <= 0 ? 0 : d >= o.taperHz ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * d) / o.taperHz));
  let g = o.lowHz > 0 ? ramp(f - o.lowHz + o.taperHz / 2) : 1;
  g *= ramp(o.highHz + o.taperHz / 2 - f);
  if (o.notchHz !== null) {
    for (let h = o.notchHz; h < o.sampleRateHz / 2 + o.notchWidthHz; h += o.notchHz) {
      g *= ramp(Math.abs(f - h) - o.notchWidthHz + o.taperHz / 2);
    }
  }
  return g;
}

export function bandFilter(signal: ArrayLike<number>, options: BandFilterOptions): Float64Array {
  const o: Required<BandFilterOptions> = { notchWidthHz: 1, taperHz: Math.min(0.5, options.lowHz > 0 ? options.lowHz : 0.5), ...options };
  if (!(o.highHz > o.lowHz)) throw new RangeError(`band filter: high edge ${o.highHz} Hz must exceed low edge ${o.lowHz} Hz`);
  const half = signal.length;
  const n = 2 * half;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < half; i++) re[i] = re[n - 1 - i] = signal[i]!;
  fftInPlace(re, im);
  for (let k = 0; k < n; k++) {
    const f = (Math.min(k, n - k) * o.sampleRateHz) / n;
    const g = gain(f, o);
    re[k]! *= g;
    im[k]! *= g;
  }
  fftInPlace(re, im, true);
  const out = new Float64Array(half);
  for (let i = 0; i < half; i++) out[i] = re[i]! / n;
  return out;
}
