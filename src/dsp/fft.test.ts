import { describe, expect, it } from 'vitest';
import { fftInPlace, irfft, rfft, rfftInto } from './fft';

/** Deterministic uniform values in [−0.5, 0.5). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32 - 0.5;
  };
}

/** Direct O(N²) DFT in float64 (sign −1 forward, +1 inverse, no 1/N). */
function naiveDft(re: Float64Array, im: Float64Array, sign: number): [Float64Array, Float64Array] {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const a = (sign * 2 * Math.PI * ((k * t) % n)) / n;
      const c = Math.cos(a);
      const s = Math.sin(a);
      sr += re[t]! * c - im[t]! * s;
      si += re[t]! * s + im[t]! * c;
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return [outRe, outIm];
}

/** max over both parts of |got − want|, divided by the largest |want| (real or imaginary). */
function relError(gotRe: ArrayLike<number>, gotIm: ArrayLike<number>, wantRe: ArrayLike<number>, wantIm: ArrayLike<number>): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < wantRe.length; i++) {
    diff = Math.max(diff, Math.abs(gotRe[i]! - wantRe[i]!), Math.abs(gotIm[i]! - wantIm[i]!));
    scale = Math.max(scale, Math.abs(wantRe[i]!), Math.abs(wantIm[i]!));
  }
  return diff / scale;
}

const TOL = 1e-9;
// Radix-8/4/2/3/5 passes, unrolled 11, the generic odd radix (7, 13, 17, 31) and Rader passes (1031, whose 1030 holds
// the prime 103; 2·241, two DFTs at a time).
const SMALL = [1, 2, 3, 5, 7, 8, 11, 12, 13, 17, 22, 30, 31, 32, 64, 100, 121, 200, 242, 400, 1000, 1031, 2 * 241];
const LARGE = [1536, 4096, 96800, 154880, 154240];

describe('fft (mixed radix + Bluestein)', () => {
  it('matches a direct DFT forward and inverse for small lengths', () => {
    for (const n of SMALL) {
      const rnd = random(n);
      const re = new Float64Array(n).map(rnd);
      const im = new Float64Array(n).map(rnd);
      for (const inverse of [false, true]) {
        const [wantRe, wantIm] = naiveDft(re, im, inverse ? 1 : -1);
        const r = re.slice();
        const i = im.slice();
        fftInPlace(r, i, inverse);
        expect(relError(r, i, wantRe, wantIm), `n=${n} inverse=${inverse}`).toBeLessThan(TOL);
      }
    }
  });

  it('round-trips inverse(forward(x)) = N·x for large lengths', () => {
    for (const n of LARGE) {
      const rnd = random(n);
      const re = new Float64Array(n).map(rnd);
      const im = new Float64Array(n).map(rnd);
      const r = re.slice();
      const i = im.slice();
      fftInPlace(r, i);
      fftInPlace(r, i, true);
      expect(relError(r.map((v) => v / n), i.map((v) => v / n), re, im), `n=${n}`).toBeLessThan(TOL);
    }
  });

  it('rfft equals the first ⌊N/2⌋+1 bins of the complex DFT; irfft inverts it (even N)', () => {
    for (const n of [...SMALL, ...LARGE.slice(0, 2)]) {
      const x = new Float64Array(n).map(random(3 * n + 1));
      const nBins = Math.floor(n / 2) + 1;
      const spec = rfft(x);
      expect(spec.re.length).toBe(nBins);
      if (n <= 1031) {
        const [wantRe, wantIm] = naiveDft(x, new Float64Array(n), -1);
        expect(relError(spec.re, spec.im, wantRe.subarray(0, nBins), wantIm.subarray(0, nBins)), `rfft n=${n}`).toBeLessThan(TOL);
      }
      // rfftInto at an offset writes the same bins.
      const re = new Float64Array(nBins + 3);
      const im = new Float64Array(nBins + 3);
      rfftInto(x, re, im, 3);
      expect(relError(re.subarray(3), im.subarray(3), spec.re, spec.im)).toBe(0);
      if (n % 2 === 0) {
        const back = irfft(spec.re, spec.im, n).map((v) => v / n);
        expect(relError(back, new Float64Array(n), x, new Float64Array(n)), `irfft n=${n}`).toBeLessThan(TOL);
      }
    }
  });

  it('irfft ignores the imaginary parts of the DC and Nyquist bins, as numpy does', () => {
    const re = new Float64Array([1, 2, 3, 4, 5]);
    const a = irfft(re, new Float64Array([0, 1, -1, 2, 0]), 8);
    const b = irfft(re, new Float64Array([7, 1, -1, 2, -3]), 8);
    expect(Array.from(b)).toEqual(Array.from(a));
    expect(() => irfft(re, re, 7)).toThrow(/even/);
  });
});
