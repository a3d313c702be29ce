// Discrete Fourier transforms of any length in float64. Powers of two go straight to fft.js (radix-4); other
// lengths (400 = 2⁴·5², whole-recording lengths with large prime factors) use Bluestein's chirp-z algorithm on
// top of fft.js, so every length costs O(N log N).
import FFT from 'fft.js';

function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

interface Radix2 {
  readonly fft: FFT;
  readonly input: number[];
  readonly output: number[];
}

const radix2Cache = new Map<number, Radix2>();

function radix2(n: number): Radix2 {
  let plan = radix2Cache.get(n);
  if (!plan) {
    const fft = new FFT(Math.max(n, 2));
    plan = { fft, input: fft.createComplexArray(), output: fft.createComplexArray() };
    radix2Cache.set(n, plan);
  }
  return plan;
}

/** In-place complex FFT of a power-of-two length (sign −1 forward, +1 inverse without 1/N). */
function powerOfTwoTransform(re: Float64Array, im: Float64Array, inverse: boolean): void {
  const n = re.length;
  if (n === 1) return;
  const { fft, input, output } = radix2(n);
  for (let i = 0; i < n; i++) {
    input[2 * i] = re[i]!;
    input[2 * i + 1] = im[i]!;
  }
  if (inverse) fft.inverseTransform(output, input);
  else fft.transform(output, input);
  // fft.js divides its inverse by N; callers expect the unnormalised sum.
  const scale = inverse ? n : 1;
  for (let i = 0; i < n; i++) {
    re[i] = output[2 * i]! * scale;
    im[i] = output[2 * i + 1]! * scale;
  }
}

interface BluesteinPlan {
  readonly m: number;
  /** cos/sin of π·(n² mod 2N)/N for n < N. */
  readonly chirpCos: Float64Array;
  readonly chirpSin: Float64Array;
  /** FFT of the conjugate-chirp filter (length m). */
  readonly filterRe: Float64Array;
  readonly filterIm: Float64Array;
  readonly workRe: Float64Array;
  readonly workIm: Float64Array;
}

const bluesteinCache = new Map<number, BluesteinPlan>();

function bluesteinPlan(n: number): BluesteinPlan {
  let plan = bluesteinCache.get(n);
  if (plan) return plan;
  let m = 1;
  while (m < 2 * n - 1) m *= 2;
  const chirpCos = new Float64Array(n);
  const chirpSin = new Float64Array(n);
  // i² mod 2N, updated incrementally ((i+1)² = i² + 2i + 1), keeps the angle small so cos/sin stay accurate.
  let square = 0;
  for (let i = 0; i < n; i++) {
    const angle = (Math.PI * square) / n;
    chirpCos[i] = Math.cos(angle);
    chirpSin[i] = Math.sin(angle);
    square = (square + 2 * i + 1) % (2 * n);
  }
  const filterRe = new Float64Array(m);
  const filterIm = new Float64Array(m);
  filterRe[0] = chirpCos[0]!;
  filterIm[0] = chirpSin[0]!;
  for (let i = 1; i < n; i++) {
    filterRe[i] = filterRe[m - i] = chirpCos[i]!;
    filterIm[i] = filterIm[m - i] = chirpSin[i]!;
  }
  powerOfTwoTransform(filterRe, filterIm, false);
  plan = { m, chirpCos, chirpSin, filterRe, filterIm, workRe: new Float64Array(m), workIm: new Float64Array(m) };
  if (bluesteinCache.size > 64) bluesteinCache.clear();
  bluesteinCache.set(n, plan);
  return plan;
}

/** Complex DFT of any length, in place: X_k = Σ x_n e^{∓2πi nk/N} (− forward, + inverse, no 1/N). */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (n <= 1) return;
  if (isPowerOfTwo(n)) {
    powerOfTwoTransform(re, im, inverse);
    return;
  }
  // The inverse is the forward transform of the conjugate, conjugated.
  if (inverse) for (let i = 0; i < n; i++) im[i] = -im[i]!;
  const { m, chirpCos, chirpSin, filterRe, filterIm, workRe, workIm } = bluesteinPlan(n);
  workRe.fill(0);
  workIm.fill(0);
  for (let i = 0; i < n; i++) {
    // a_n = x_n · conj(chirp_n)
    const c = chirpCos[i]!;
    const s = chirpSin[i]!;
    workRe[i] = re[i]! * c + im[i]! * s;
    workIm[i] = im[i]! * c - re[i]! * s;
  }
  powerOfTwoTransform(workRe, workIm, false);
  for (let i = 0; i < m; i++) {
    const ar = workRe[i]!;
    const ai = workIm[i]!;
    workRe[i] = ar * filterRe[i]! - ai * filterIm[i]!;
    workIm[i] = ar * filterIm[i]! + ai * filterRe[i]!;
  }
  powerOfTwoTransform(workRe, workIm, true);
  for (let k = 0; k < n; k++) {
    const cr = workRe[k]! / m;
    const ci = workIm[k]! / m;
    const c = chirpCos[k]!;
    const s = chirpSin[k]!;
    re[k] = cr * c + ci * s;
    im[k] = inverse ? -(ci * c - cr * s) : ci * c - cr * s;
  }
}

/** One-sided spectrum (bins 0..⌊N/2⌋) of a real signal of any length N. */
export function rfft(signal: ArrayLike<number>, outRe?: Float64Array, outIm?: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = signal.length;
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = signal[i]!;
  fftInPlace(re, im, false);
  const nBins = Math.floor(n / 2) + 1;
  const r = outRe ?? new Float64Array(nBins);
  const j = outIm ?? new Float64Array(nBins);
  r.set(re.subarray(0, nBins));
  j.set(im.subarray(0, nBins));
  return { re: r, im: j };
}
