// Discrete Fourier transforms of any length in float64, written for the lengths this project uses (nperseg 400,
// whole-chunk lengths like 154 880 = 2⁸·5·11² or 193 600 = 2⁶·5²·11²).
//
// * Complex transforms: a planned mixed-radix Stockham (self-sorting, decimation-in-frequency) FFT with radix-8,
//   4, 2, 3, 5 butterflies, an unrolled radix-11 butterfly (pass11: passGeneric's algorithm with the sums written out;
//   the resampling lengths of whole 968-s chunks at 160/200/256 Hz all hold 11², and the generic pass is ~40 %
//   slower there) and passGeneric for the other odd primes up to MAX_GENERIC_RADIX. Each pass reads one buffer and
//   writes the other, so no bit reversal is needed; twiddles are precomputed per pass and the ping-pong buffer is
//   cached with the plan (one plan per length).
// * Lengths with a prime factor above MAX_GENERIC_RADIX use Bluestein's chirp-z algorithm on top of a 5-smooth
//   mixed-radix FFT of length ≥ 2N − 1, so every length costs O(N log N).
// * The inverse is the forward transform with real and imaginary parts swapped (swap∘DFT∘swap = N·IDFT).
// * Real input (rfft) and Hermitian input (irfft) of even length N use one complex FFT of length N/2.
//
// Forward transforms use e^{−2πi nk/N}; inverses use e^{+2πi nk/N} and are not divided by N.

const MAX_GENERIC_RADIX = 31;
/** Plans kept before the cache is cleared (each holds O(N) twiddles and scratch). */
const MAX_PLANS = 64;

interface Pass {
  /** Radix of this pass. */
  readonly radix: number;
  /** Length of the sub-transforms this pass splits (n_cur = radix · m). */
  readonly m: number;
  /** Stride: number of interleaved independent sub-transforms (product of the previous radices). */
  readonly s: number;
  /** Twiddles W_{n_cur}^{p·k} for p < m, 1 ≤ k < radix, at [p·(radix − 1) + k − 1]. */
  readonly twRe: Float64Array;
  readonly twIm: Float64Array;
  /** Generic odd radix only: cos/sin(2π·j·k/radix) for 1 ≤ j, k ≤ (radix − 1)/2 at [(k − 1)·half + j − 1]. */
  readonly cosTable: Float64Array;
  readonly sinTable: Float64Array;
}

interface BluesteinPlan {
  readonly m: number;
  readonly inner: ComplexPlan;
  /** cos/sin of π·(n² mod 2N)/N for n < N. */
  readonly chirpCos: Float64Array;
  readonly chirpSin: Float64Array;
  /** FFT of the conjugate-chirp filter (length m), divided by m (folding in the inverse's 1/m). */
  readonly filterRe: Float64Array;
  readonly filterIm: Float64Array;
  readonly workRe: Float64Array;
  readonly workIm: Float64Array;
}

interface ComplexPlan {
  readonly n: number;
  readonly passes: readonly Pass[];
  readonly scratchRe: Float64Array;
  readonly scratchIm: Float64Array;
  /** Scratch for passGeneric: sums a_j + a_{r−j}, then differences a_j − a_{r−j}. */
  readonly genericRe: Float64Array;
  readonly genericIm: Float64Array;
  readonly bluestein: BluesteinPlan | null;
}

const complexPlans = new Map<number, ComplexPlan>();

/** Radices of n (8s first, then 4, 2, 3, 5, odd primes ≤ MAX_GENERIC_RADIX), or null if a larger prime divides n. */
function factorize(n: number): number[] | null {
  const radices: number[] = [];
  let rest = n;
  while (rest % 8 === 0) {
    radices.push(8);
    rest /= 8;
  }
  if (rest % 4 === 0) {
    radices.push(4);
    rest /= 4;
  }
  if (rest % 2 === 0) {
    radices.push(2);
    rest /= 2;
  }
  for (let p = 3; p <= MAX_GENERIC_RADIX && rest > 1; p += 2) {
    while (rest % p === 0) {
      radices.push(p);
      rest /= p;
    }
  }
  return rest === 1 ? radices : null;
}

/** Smallest 2^a·3^b·5^c ≥ n. */
function nextSmooth(n: number): number {
  let best = Infinity;
  for (let a = 1; a < 2 * n + 2; a *= 2) {
    for (let b = a; b < 2 * n + 2; b *= 3) {
      let c = b;
      while (c < n) c *= 5;
      if (c < best) best = c;
    }
  }
  return best;
}

function complexPlan(n: number): ComplexPlan {
  let plan = complexPlans.get(n);
  if (plan) return plan;
  const radices = factorize(n);
  const passes: Pass[] = [];
  let bluestein: BluesteinPlan | null = null;
  let maxGeneric = 0;
  if (radices) {
    let nCur = n;
    let s = 1;
    for (const radix of radices) {
      const m = nCur / radix;
      const twRe = new Float64Array(m * (radix - 1));
      const twIm = new Float64Array(m * (radix - 1));
      for (let p = 0; p < m; p++) {
        for (let k = 1; k < radix; k++) {
          const angle = (-2 * Math.PI * ((p * k) % nCur)) / nCur;
          twRe[p * (radix - 1) + k - 1] = Math.cos(angle);
          twIm[p * (radix - 1) + k - 1] = Math.sin(angle);
        }
      }
      const half = radix > 5 ? (radix - 1) / 2 : 0;
      const cosTable = new Float64Array(half * half);
      const sinTable = new Float64Array(half * half);
      for (let k = 1; k <= half; k++) {
        for (let j = 1; j <= half; j++) {
          const angle = (2 * Math.PI * ((j * k) % radix)) / radix;
          cosTable[(k - 1) * half + j - 1] = Math.cos(angle);
          sinTable[(k - 1) * half + j - 1] = Math.sin(angle);
        }
      }
      passes.push({ radix, m, s, twRe, twIm, cosTable, sinTable });
      if (radix > 5) maxGeneric = Math.max(maxGeneric, radix);
      nCur = m;
      s *= radix;
    }
  } else {
    bluestein = bluesteinPlan(n);
  }
  const half = (maxGeneric - 1) / 2;
  plan = {
    n,
    passes,
    scratchRe: new Float64Array(radices ? n : 0),
    scratchIm: new Float64Array(radices ? n : 0),
    // [0, half): sums a_j + a_{r−j}, [half, 2·half): differences a_j − a_{r−j}.
    genericRe: new Float64Array(maxGeneric > 0 ? 2 * half : 0),
    genericIm: new Float64Array(maxGeneric > 0 ? 2 * half : 0),
    bluestein,
  };
  if (complexPlans.size >= MAX_PLANS) complexPlans.clear();
  complexPlans.set(n, plan);
  return plan;
}

function bluesteinPlan(n: number): BluesteinPlan {
  const m = nextSmooth(2 * n - 1);
  const inner = complexPlan(m);
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
  forward(inner, filterRe, filterIm);
  for (let i = 0; i < m; i++) {
    filterRe[i] = filterRe[i]! / m;
    filterIm[i] = filterIm[i]! / m;
  }
  return { m, inner, chirpCos, chirpSin, filterRe, filterIm, workRe: new Float64Array(m), workIm: new Float64Array(m) };
}

// ---- butterflies: one Stockham pass each, reading (xr, xi) and writing (yr, yi) ----
// Input element j of sub-transform (q, p) sits at q + s·(p + j·m); output k goes to q + s·(radix·p + k), multiplied
// by the twiddle W_{radix·m}^{p·k}.

function pass2(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const wr = twRe[p]!;
    const wi = twIm[p]!;
    const in0 = s * p;
    const out0 = 2 * s * p;
    for (let q = 0; q < s; q++) {
      const a = in0 + q;
      const b = a + sm;
      const ar = xr[a]!;
      const ai = xi[a]!;
      const br = xr[b]!;
      const bi = xi[b]!;
      const o = out0 + q;
      yr[o] = ar + br;
      yi[o] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[o + s] = dr * wr - di * wi;
      yi[o + s] = dr * wi + di * wr;
    }
  }
}

/**
 * Radix 8 as a radix-2 step and two radix-4 DFTs: b_j = a_j + a_{j+4} gives the even outputs, c_j = (a_j − a_{j+4})·W_8^j
 * the odd ones (W_8 = e^{−iπ/4}); one pass over the data where radix 4 then 2 take two.
 */
function pass8(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const h = Math.SQRT1_2;
  for (let p = 0; p < m; p++) {
    const t = 7 * p;
    const in0 = s * p;
    const out0 = 8 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const a0r = xr[i0]!, a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!, a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!, a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!, a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!, a4i = xi[i0 + 4 * sm]!;
      const a5r = xr[i0 + 5 * sm]!, a5i = xi[i0 + 5 * sm]!;
      const a6r = xr[i0 + 6 * sm]!, a6i = xi[i0 + 6 * sm]!;
      const a7r = xr[i0 + 7 * sm]!, a7i = xi[i0 + 7 * sm]!;
      // Even half: b_j = a_j + a_{j+4}.
      const b0r = a0r + a4r, b0i = a0i + a4i;
      const b1r = a1r + a5r, b1i = a1i + a5i;
      const b2r = a2r + a6r, b2i = a2i + a6i;
      const b3r = a3r + a7r, b3i = a3i + a7i;
      // Odd half: c_j = (a_j − a_{j+4})·W_8^j; W_8 = (1 − i)/√2, W_8^2 = −i, W_8^3 = −(1 + i)/√2.
      const c0r = a0r - a4r, c0i = a0i - a4i;
      const d1r = a1r - a5r, d1i = a1i - a5i;
      const c1r = h * (d1r + d1i), c1i = h * (d1i - d1r);
      const d2r = a2r - a6r, d2i = a2i - a6i;
      const c2r = d2i, c2i = -d2r;
      const d3r = a3r - a7r, d3i = a3i - a7i;
      const c3r = h * (d3i - d3r), c3i = -h * (d3r + d3i);
      // Radix-4 DFTs: Y0 = t0 + t2, Y1 = t1 − i·t3, Y2 = t0 − t2, Y3 = t1 + i·t3.
      const e0r = b0r + b2r, e0i = b0i + b2i, e1r = b0r - b2r, e1i = b0i - b2i;
      const e2r = b1r + b3r, e2i = b1i + b3i, e3r = b1r - b3r, e3i = b1i - b3i;
      const f0r = c0r + c2r, f0i = c0i + c2i, f1r = c0r - c2r, f1i = c0i - c2i;
      const f2r = c1r + c3r, f2i = c1i + c3i, f3r = c1r - c3r, f3i = c1i - c3i;
      const o = out0 + q;
      yr[o] = e0r + e2r;
      yi[o] = e0i + e2i;
      let ur = f0r + f2r, ui = f0i + f2i; // y1
      yr[o + s] = ur * twRe[t]! - ui * twIm[t]!;
      yi[o + s] = ur * twIm[t]! + ui * twRe[t]!;
      ur = e1r + e3i; ui = e1i - e3r; // y2
      yr[o + 2 * s] = ur * twRe[t + 1]! - ui * twIm[t + 1]!;
      yi[o + 2 * s] = ur * twIm[t + 1]! + ui * twRe[t + 1]!;
      ur = f1r + f3i; ui = f1i - f3r; // y3
      yr[o + 3 * s] = ur * twRe[t + 2]! - ui * twIm[t + 2]!;
      yi[o + 3 * s] = ur * twIm[t + 2]! + ui * twRe[t + 2]!;
      ur = e0r - e2r; ui = e0i - e2i; // y4
      yr[o + 4 * s] = ur * twRe[t + 3]! - ui * twIm[t + 3]!;
      yi[o + 4 * s] = ur * twIm[t + 3]! + ui * twRe[t + 3]!;
      ur = f0r - f2r; ui = f0i - f2i; // y5
      yr[o + 5 * s] = ur * twRe[t + 4]! - ui * twIm[t + 4]!;
      yi[o + 5 * s] = ur * twIm[t + 4]! + ui * twRe[t + 4]!;
      ur = e1r - e3i; ui = e1i + e3r; // y6
      yr[o + 6 * s] = ur * twRe[t + 5]! - ui * twIm[t + 5]!;
      yi[o + 6 * s] = ur * twIm[t + 5]! + ui * twRe[t + 5]!;
      ur = f1r - f3i; ui = f1i + f3r; // y7
      yr[o + 7 * s] = ur * twRe[t + 6]! - ui * twIm[t + 6]!;
      yi[o + 7 * s] = ur * twIm[t + 6]! + ui * twRe[t + 6]!;
    }
  }
}

function pass3(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const sin3 = Math.sqrt(3) / 2;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[2 * p]!;
    const w1i = twIm[2 * p]!;
    const w2r = twRe[2 * p + 1]!;
    const w2i = twIm[2 * p + 1]!;
    const in0 = s * p;
    const out0 = 3 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!;
      const a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const tr = a1r + a2r;
      const ti = a1i + a2i;
      const mr = a0r - 0.5 * tr;
      const mi = a0i - 0.5 * ti;
      const dr = sin3 * (a1r - a2r);
      const di = sin3 * (a1i - a2i);
      const o = out0 + q;
      yr[o] = a0r + tr;
      yi[o] = a0i + ti;
      // y1 = m − i·d, y2 = m + i·d
      const y1r = mr + di;
      const y1i = mi - dr;
      const y2r = mr - di;
      const y2i = mi + dr;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
    }
  }
}

function pass4(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    const in0 = s * p;
    const out0 = 4 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!;
      const a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!;
      const a3i = xi[i0 + 3 * sm]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o = out0 + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      // y1 = t1 − i·t3, y2 = t0 − t2, y3 = t1 + i·t3
      const y1r = t1r + t3i;
      const y1i = t1i - t3r;
      const y2r = t0r - t2r;
      const y2i = t0i - t2i;
      const y3r = t1r - t3i;
      const y3i = t1i + t3r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
    }
  }
}

function pass5(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const c1 = Math.cos((2 * Math.PI) / 5);
  const c2 = Math.cos((4 * Math.PI) / 5);
  const s1 = Math.sin((2 * Math.PI) / 5);
  const s2 = Math.sin((4 * Math.PI) / 5);
  for (let p = 0; p < m; p++) {
    const w1r = twRe[4 * p]!;
    const w1i = twIm[4 * p]!;
    const w2r = twRe[4 * p + 1]!;
    const w2i = twIm[4 * p + 1]!;
    const w3r = twRe[4 * p + 2]!;
    const w3i = twIm[4 * p + 2]!;
    const w4r = twRe[4 * p + 3]!;
    const w4i = twIm[4 * p + 3]!;
    const in0 = s * p;
    const out0 = 5 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!;
      const a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!;
      const a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!;
      const a4i = xi[i0 + 4 * sm]!;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      const o = out0 + q;
      yr[o] = a0r + t1r + t2r;
      yi[o] = a0i + t1i + t2i;
      // y1,4 = a0 + c1·t1 + c2·t2 ∓ i·(s1·d1 + s2·d2); y2,3 = a0 + c2·t1 + c1·t2 ∓ i·(s2·d1 − s1·d2)
      const m1r = a0r + c1 * t1r + c2 * t2r;
      const m1i = a0i + c1 * t1i + c2 * t2i;
      const n1r = s1 * d1r + s2 * d2r;
      const n1i = s1 * d1i + s2 * d2i;
      const m2r = a0r + c2 * t1r + c1 * t2r;
      const m2i = a0i + c2 * t1i + c1 * t2i;
      const n2r = s2 * d1r - s1 * d2r;
      const n2i = s2 * d1i - s1 * d2i;
      const y1r = m1r + n1i;
      const y1i = m1i - n1r;
      const y4r = m1r - n1i;
      const y4i = m1i + n1r;
      const y2r = m2r + n2i;
      const y2i = m2i - n2r;
      const y3r = m2r - n2i;
      const y3i = m2i + n2r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
      yr[o + 4 * s] = y4r * w4r - y4i * w4i;
      yi[o + 4 * s] = y4r * w4i + y4i * w4r;
    }
  }
}

// Unrolled odd-prime passes (radix 7, 11, 13), the same algorithm as passGeneric with the sums written out.

function pass11(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const c1 = Math.cos((2 * Math.PI * 1) / 11);
  const s1 = Math.sin((2 * Math.PI * 1) / 11);
  const c2 = Math.cos((2 * Math.PI * 2) / 11);
  const s2 = Math.sin((2 * Math.PI * 2) / 11);
  const c3 = Math.cos((2 * Math.PI * 3) / 11);
  const s3 = Math.sin((2 * Math.PI * 3) / 11);
  const c4 = Math.cos((2 * Math.PI * 4) / 11);
  const s4 = Math.sin((2 * Math.PI * 4) / 11);
  const c5 = Math.cos((2 * Math.PI * 5) / 11);
  const s5 = Math.sin((2 * Math.PI * 5) / 11);
  if (m === 1) {
    // Last pass: every twiddle is 1.
    for (let q = 0; q < s; q++) {
      const i0 = q;
      const o = q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const u1r = xr[i0 + 1 * sm]!;
      const u1i = xi[i0 + 1 * sm]!;
      const v1r = xr[i0 + 10 * sm]!;
      const v1i = xi[i0 + 10 * sm]!;
      const t1r = u1r + v1r;
      const t1i = u1i + v1i;
      const d1r = u1r - v1r;
      const d1i = u1i - v1i;
      const u2r = xr[i0 + 2 * sm]!;
      const u2i = xi[i0 + 2 * sm]!;
      const v2r = xr[i0 + 9 * sm]!;
      const v2i = xi[i0 + 9 * sm]!;
      const t2r = u2r + v2r;
      const t2i = u2i + v2i;
      const d2r = u2r - v2r;
      const d2i = u2i - v2i;
      const u3r = xr[i0 + 3 * sm]!;
      const u3i = xi[i0 + 3 * sm]!;
      const v3r = xr[i0 + 8 * sm]!;
      const v3i = xi[i0 + 8 * sm]!;
      const t3r = u3r + v3r;
      const t3i = u3i + v3i;
      const d3r = u3r - v3r;
      const d3i = u3i - v3i;
      const u4r = xr[i0 + 4 * sm]!;
      const u4i = xi[i0 + 4 * sm]!;
      const v4r = xr[i0 + 7 * sm]!;
      const v4i = xi[i0 + 7 * sm]!;
      const t4r = u4r + v4r;
      const t4i = u4i + v4i;
      const d4r = u4r - v4r;
      const d4i = u4i - v4i;
      const u5r = xr[i0 + 5 * sm]!;
      const u5i = xi[i0 + 5 * sm]!;
      const v5r = xr[i0 + 6 * sm]!;
      const v5i = xi[i0 + 6 * sm]!;
      const t5r = u5r + v5r;
      const t5i = u5i + v5i;
      const d5r = u5r - v5r;
      const d5i = u5i - v5i;
      yr[o] = a0r + t1r + t2r + t3r + t4r + t5r;
      yi[o] = a0i + t1i + t2i + t3i + t4i + t5i;
      const m1r = a0r + c1 * t1r + c2 * t2r + c3 * t3r + c4 * t4r + c5 * t5r;
      const m1i = a0i + c1 * t1i + c2 * t2i + c3 * t3i + c4 * t4i + c5 * t5i;
      const n1r = s1 * d1r + s2 * d2r + s3 * d3r + s4 * d4r + s5 * d5r;
      const n1i = s1 * d1i + s2 * d2i + s3 * d3i + s4 * d4i + s5 * d5i;
      yr[o + 1 * s] = m1r + n1i;
      yi[o + 1 * s] = m1i - n1r;
      yr[o + 10 * s] = m1r - n1i;
      yi[o + 10 * s] = m1i + n1r;
      const m2r = a0r + c2 * t1r + c4 * t2r + c5 * t3r + c3 * t4r + c1 * t5r;
      const m2i = a0i + c2 * t1i + c4 * t2i + c5 * t3i + c3 * t4i + c1 * t5i;
      const n2r = s2 * d1r + s4 * d2r - s5 * d3r - s3 * d4r - s1 * d5r;
      const n2i = s2 * d1i + s4 * d2i - s5 * d3i - s3 * d4i - s1 * d5i;
      yr[o + 2 * s] = m2r + n2i;
      yi[o + 2 * s] = m2i - n2r;
      yr[o + 9 * s] = m2r - n2i;
      yi[o + 9 * s] = m2i + n2r;
      const m3r = a0r + c3 * t1r + c5 * t2r + c2 * t3r + c1 * t4r + c4 * t5r;
      const m3i = a0i + c3 * t1i + c5 * t2i + c2 * t3i + c1 * t4i + c4 * t5i;
      const n3r = s3 * d1r - s5 * d2r - s2 * d3r + s1 * d4r + s4 * d5r;
      const n3i = s3 * d1i - s5 * d2i - s2 * d3i + s1 * d4i + s4 * d5i;
      yr[o + 3 * s] = m3r + n3i;
      yi[o + 3 * s] = m3i - n3r;
      yr[o + 8 * s] = m3r - n3i;
      yi[o + 8 * s] = m3i + n3r;
      const m4r = a0r + c4 * t1r + c3 * t2r + c1 * t3r + c5 * t4r + c2 * t5r;
      const m4i = a0i + c4 * t1i + c3 * t2i + c1 * t3i + c5 * t4i + c2 * t5i;
      const n4r = s4 * d1r - s3 * d2r + s1 * d3r + s5 * d4r - s2 * d5r;
      const n4i = s4 * d1i - s3 * d2i + s1 * d3i + s5 * d4i - s2 * d5i;
      yr[o + 4 * s] = m4r + n4i;
      yi[o + 4 * s] = m4i - n4r;
      yr[o + 7 * s] = m4r - n4i;
      yi[o + 7 * s] = m4i + n4r;
      const m5r = a0r + c5 * t1r + c1 * t2r + c4 * t3r + c2 * t4r + c3 * t5r;
      const m5i = a0i + c5 * t1i + c1 * t2i + c4 * t3i + c2 * t4i + c3 * t5i;
      const n5r = s5 * d1r - s1 * d2r + s4 * d3r - s2 * d4r + s3 * d5r;
      const n5i = s5 * d1i - s1 * d2i + s4 * d3i - s2 * d4i + s3 * d5i;
      yr[o + 5 * s] = m5r + n5i;
      yi[o + 5 * s] = m5i - n5r;
      yr[o + 6 * s] = m5r - n5i;
      yi[o + 6 * s] = m5i + n5r;
    }
    return;
  }
  for (let p = 0; p < m; p++) {
    const tw = 10 * p;
    const in0 = s * p;
    const out0 = 11 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const o = out0 + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const u1r = xr[i0 + 1 * sm]!;
      const u1i = xi[i0 + 1 * sm]!;
      const v1r = xr[i0 + 10 * sm]!;
      const v1i = xi[i0 + 10 * sm]!;
      const t1r = u1r + v1r;
      const t1i = u1i + v1i;
      const d1r = u1r - v1r;
      const d1i = u1i - v1i;
      const u2r = xr[i0 + 2 * sm]!;
      const u2i = xi[i0 + 2 * sm]!;
      const v2r = xr[i0 + 9 * sm]!;
      const v2i = xi[i0 + 9 * sm]!;
      const t2r = u2r + v2r;
      const t2i = u2i + v2i;
      const d2r = u2r - v2r;
      const d2i = u2i - v2i;
      const u3r = xr[i0 + 3 * sm]!;
      const u3i = xi[i0 + 3 * sm]!;
      const v3r = xr[i0 + 8 * sm]!;
      const v3i = xi[i0 + 8 * sm]!;
      const t3r = u3r + v3r;
      const t3i = u3i + v3i;
      const d3r = u3r - v3r;
      const d3i = u3i - v3i;
      const u4r = xr[i0 + 4 * sm]!;
      const u4i = xi[i0 + 4 * sm]!;
      const v4r = xr[i0 + 7 * sm]!;
      const v4i = xi[i0 + 7 * sm]!;
      const t4r = u4r + v4r;
      const t4i = u4i + v4i;
      const d4r = u4r - v4r;
      const d4i = u4i - v4i;
      const u5r = xr[i0 + 5 * sm]!;
      const u5i = xi[i0 + 5 * sm]!;
      const v5r = xr[i0 + 6 * sm]!;
      const v5i = xi[i0 + 6 * sm]!;
      const t5r = u5r + v5r;
      const t5i = u5i + v5i;
      const d5r = u5r - v5r;
      const d5i = u5i - v5i;
      yr[o] = a0r + t1r + t2r + t3r + t4r + t5r;
      yi[o] = a0i + t1i + t2i + t3i + t4i + t5i;
      const m1r = a0r + c1 * t1r + c2 * t2r + c3 * t3r + c4 * t4r + c5 * t5r;
      const m1i = a0i + c1 * t1i + c2 * t2i + c3 * t3i + c4 * t4i + c5 * t5i;
      const n1r = s1 * d1r + s2 * d2r + s3 * d3r + s4 * d4r + s5 * d5r;
      const n1i = s1 * d1i + s2 * d2i + s3 * d3i + s4 * d4i + s5 * d5i;
      const y1r = m1r + n1i;
      const y1i = m1i - n1r;
      const y10r = m1r - n1i;
      const y10i = m1i + n1r;
      const m2r = a0r + c2 * t1r + c4 * t2r + c5 * t3r + c3 * t4r + c1 * t5r;
      const m2i = a0i + c2 * t1i + c4 * t2i + c5 * t3i + c3 * t4i + c1 * t5i;
      const n2r = s2 * d1r + s4 * d2r - s5 * d3r - s3 * d4r - s1 * d5r;
      const n2i = s2 * d1i + s4 * d2i - s5 * d3i - s3 * d4i - s1 * d5i;
      const y2r = m2r + n2i;
      const y2i = m2i - n2r;
      const y9r = m2r - n2i;
      const y9i = m2i + n2r;
      const m3r = a0r + c3 * t1r + c5 * t2r + c2 * t3r + c1 * t4r + c4 * t5r;
      const m3i = a0i + c3 * t1i + c5 * t2i + c2 * t3i + c1 * t4i + c4 * t5i;
      const n3r = s3 * d1r - s5 * d2r - s2 * d3r + s1 * d4r + s4 * d5r;
      const n3i = s3 * d1i - s5 * d2i - s2 * d3i + s1 * d4i + s4 * d5i;
      const y3r = m3r + n3i;
      const y3i = m3i - n3r;
      const y8r = m3r - n3i;
      const y8i = m3i + n3r;
      const m4r = a0r + c4 * t1r + c3 * t2r + c1 * t3r + c5 * t4r + c2 * t5r;
      const m4i = a0i + c4 * t1i + c3 * t2i + c1 * t3i + c5 * t4i + c2 * t5i;
      const n4r = s4 * d1r - s3 * d2r + s1 * d3r + s5 * d4r - s2 * d5r;
      const n4i = s4 * d1i - s3 * d2i + s1 * d3i + s5 * d4i - s2 * d5i;
      const y4r = m4r + n4i;
      const y4i = m4i - n4r;
      const y7r = m4r - n4i;
      const y7i = m4i + n4r;
      const m5r = a0r + c5 * t1r + c1 * t2r + c4 * t3r + c2 * t4r + c3 * t5r;
      const m5i = a0i + c5 * t1i + c1 * t2i + c4 * t3i + c2 * t4i + c3 * t5i;
      const n5r = s5 * d1r - s1 * d2r + s4 * d3r - s2 * d4r + s3 * d5r;
      const n5i = s5 * d1i - s1 * d2i + s4 * d3i - s2 * d4i + s3 * d5i;
      const y5r = m5r + n5i;
      const y5i = m5i - n5r;
      const y6r = m5r - n5i;
      const y6i = m5i + n5r;
      const w1r = twRe[tw + 0]!;
      const w1i = twIm[tw + 0]!;
      yr[o + 1 * s] = y1r * w1r - y1i * w1i;
      yi[o + 1 * s] = y1r * w1i + y1i * w1r;
      const w2r = twRe[tw + 1]!;
      const w2i = twIm[tw + 1]!;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      const w3r = twRe[tw + 2]!;
      const w3i = twIm[tw + 2]!;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
      const w4r = twRe[tw + 3]!;
      const w4i = twIm[tw + 3]!;
      yr[o + 4 * s] = y4r * w4r - y4i * w4i;
      yi[o + 4 * s] = y4r * w4i + y4i * w4r;
      const w5r = twRe[tw + 4]!;
      const w5i = twIm[tw + 4]!;
      yr[o + 5 * s] = y5r * w5r - y5i * w5i;
      yi[o + 5 * s] = y5r * w5i + y5i * w5r;
      const w6r = twRe[tw + 5]!;
      const w6i = twIm[tw + 5]!;
      yr[o + 6 * s] = y6r * w6r - y6i * w6i;
      yi[o + 6 * s] = y6r * w6i + y6i * w6r;
      const w7r = twRe[tw + 6]!;
      const w7i = twIm[tw + 6]!;
      yr[o + 7 * s] = y7r * w7r - y7i * w7i;
      yi[o + 7 * s] = y7r * w7i + y7i * w7r;
      const w8r = twRe[tw + 7]!;
      const w8i = twIm[tw + 7]!;
      yr[o + 8 * s] = y8r * w8r - y8i * w8i;
      yi[o + 8 * s] = y8r * w8i + y8i * w8r;
      const w9r = twRe[tw + 8]!;
      const w9i = twIm[tw + 8]!;
      yr[o + 9 * s] = y9r * w9r - y9i * w9i;
      yi[o + 9 * s] = y9r * w9i + y9i * w9r;
      const w10r = twRe[tw + 9]!;
      const w10i = twIm[tw + 9]!;
      yr[o + 10 * s] = y10r * w10r - y10i * w10i;
      yi[o + 10 * s] = y10r * w10i + y10i * w10r;
    }
  }
}

/** Odd prime radix r: y_k = a0 + Σ_j cos(2πjk/r)·(a_j + a_{r−j}) ∓ i·Σ_j sin(2πjk/r)·(a_j − a_{r−j}), j, k ≤ (r−1)/2. */
function passGeneric(pass: Pass, xr: Float64Array, xi: Float64Array, yr: Float64Array, yi: Float64Array, gRe: Float64Array, gIm: Float64Array): void {
  const { radix, m, s, twRe, twIm, cosTable, sinTable } = pass;
  const sm = s * m;
  const half = (radix - 1) / 2;
  const r1 = radix - 1;
  // gRe/gIm: [0, half) sums t_j, [half, 2·half) differences d_j.
  for (let p = 0; p < m; p++) {
    const in0 = s * p;
    const out0 = radix * s * p;
    const tw0 = p * r1;
    for (let q = 0; q < s; q++) {
      const i0 = in0 + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let sumR = a0r;
      let sumI = a0i;
      for (let j = 1; j <= half; j++) {
        const ar = xr[i0 + j * sm]!;
        const ai = xi[i0 + j * sm]!;
        const br = xr[i0 + (radix - j) * sm]!;
        const bi = xi[i0 + (radix - j) * sm]!;
        gRe[j - 1] = ar + br;
        gIm[j - 1] = ai + bi;
        gRe[half + j - 1] = ar - br;
        gIm[half + j - 1] = ai - bi;
        sumR += ar + br;
        sumI += ai + bi;
      }
      const o = out0 + q;
      yr[o] = sumR;
      yi[o] = sumI;
      for (let k = 1; k <= half; k++) {
        let mr = a0r;
        let mi = a0i;
        let nr = 0;
        let ni = 0;
        const row = (k - 1) * half;
        for (let j = 0; j < half; j++) {
          const c = cosTable[row + j]!;
          const sn = sinTable[row + j]!;
          mr += c * gRe[j]!;
          mi += c * gIm[j]!;
          nr += sn * gRe[half + j]!;
          ni += sn * gIm[half + j]!;
        }
        // y_k = m − i·n, y_{r−k} = m + i·n
        const ykr = mr + ni;
        const yki = mi - nr;
        const ylr = mr - ni;
        const yli = mi + nr;
        const wkr = twRe[tw0 + k - 1]!;
        const wki = twIm[tw0 + k - 1]!;
        const wlr = twRe[tw0 + radix - k - 1]!;
        const wli = twIm[tw0 + radix - k - 1]!;
        yr[o + k * s] = ykr * wkr - yki * wki;
        yi[o + k * s] = ykr * wki + yki * wkr;
        yr[o + (radix - k) * s] = ylr * wlr - yli * wli;
        yi[o + (radix - k) * s] = ylr * wli + yli * wlr;
      }
    }
  }
}

/** Forward DFT of (re, im) in place with a plan of their length. */
function forward(plan: ComplexPlan, re: Float64Array, im: Float64Array): void {
  if (plan.bluestein) {
    bluesteinForward(plan.bluestein, plan.n, re, im);
    return;
  }
  let xr = re;
  let xi = im;
  let yr = plan.scratchRe;
  let yi = plan.scratchIm;
  for (const pass of plan.passes) {
    switch (pass.radix) {
      case 8:
        pass8(pass, xr, xi, yr, yi);
        break;
      case 4:
        pass4(pass, xr, xi, yr, yi);
        break;
      case 2:
        pass2(pass, xr, xi, yr, yi);
        break;
      case 3:
        pass3(pass, xr, xi, yr, yi);
        break;
      case 5:
        pass5(pass, xr, xi, yr, yi);
        break;
      case 11:
        pass11(pass, xr, xi, yr, yi);
        break;
      default:
        passGeneric(pass, xr, xi, yr, yi, plan.genericRe, plan.genericIm);
    }
    const tr = xr;
    const ti = xi;
    xr = yr;
    xi = yi;
    yr = tr;
    yi = ti;
  }
  if (xr !== re) {
    re.set(xr);
    im.set(xi);
  }
}

function bluesteinForward(plan: BluesteinPlan, n: number, re: Float64Array, im: Float64Array): void {
  const { m, inner, chirpCos, chirpSin, filterRe, filterIm, workRe, workIm } = plan;
  for (let i = 0; i < n; i++) {
    // a_n = x_n · conj(chirp_n)
    const c = chirpCos[i]!;
    const s = chirpSin[i]!;
    workRe[i] = re[i]! * c + im[i]! * s;
    workIm[i] = im[i]! * c - re[i]! * s;
  }
  workRe.fill(0, n);
  workIm.fill(0, n);
  forward(inner, workRe, workIm);
  for (let i = 0; i < m; i++) {
    const ar = workRe[i]!;
    const ai = workIm[i]!;
    workRe[i] = ar * filterRe[i]! - ai * filterIm[i]!;
    workIm[i] = ar * filterIm[i]! + ai * filterRe[i]!;
  }
  // Inverse transform (already scaled by 1/m through the filter) by swapping real and imaginary parts.
  forward(inner, workIm, workRe);
  for (let k = 0; k < n; k++) {
    const cr = workRe[k]!;
    const ci = workIm[k]!;
    const c = chirpCos[k]!;
    const s = chirpSin[k]!;
    re[k] = cr * c + ci * s;
    im[k] = ci * c - cr * s;
  }
}

/** Complex DFT of any length, in place: X_k = Σ x_n e^{∓2πi nk/N} (− forward, + inverse, no 1/N). */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (n <= 1) return;
  const plan = complexPlan(n);
  // swap∘DFT∘swap is the unnormalised inverse DFT.
  if (inverse) forward(plan, im, re);
  else forward(plan, re, im);
}

// ---- real transforms ----

interface RealPlan {
  readonly n: number;
  /** Complex plan of n/2 (n even). */
  readonly half: ComplexPlan;
  /** W_n^k = e^{−2πik/n} for k < n/2. */
  readonly wRe: Float64Array;
  readonly wIm: Float64Array;
  readonly zRe: Float64Array;
  readonly zIm: Float64Array;
}

const realPlans = new Map<number, RealPlan>();

function realPlan(n: number): RealPlan {
  let plan = realPlans.get(n);
  if (plan) return plan;
  const h = n / 2;
  const wRe = new Float64Array(h);
  const wIm = new Float64Array(h);
  for (let k = 0; k < h; k++) {
    const angle = (-2 * Math.PI * k) / n;
    wRe[k] = Math.cos(angle);
    wIm[k] = Math.sin(angle);
  }
  plan = { n, half: complexPlan(h), wRe, wIm, zRe: new Float64Array(h), zIm: new Float64Array(h) };
  if (realPlans.size >= MAX_PLANS) realPlans.clear();
  realPlans.set(n, plan);
  return plan;
}

/**
 * One-sided spectrum (bins 0..⌊N/2⌋) of a real signal of any length N, written into outRe/outIm when given (each
 * at least ⌊N/2⌋ + 1 long; only the first ⌊N/2⌋ + 1 entries are written).
 */
export function rfft(signal: ArrayLike<number>, outRe?: Float64Array, outIm?: Float64Array): { re: Float64Array; im: Float64Array } {
  const nBins = Math.floor(signal.length / 2) + 1;
  const re = outRe ?? new Float64Array(nBins);
  const im = outIm ?? new Float64Array(nBins);
  rfftInto(signal, re, im, 0);
  return { re, im };
}

/** rfft writing bins 0..⌊N/2⌋ into outRe/outIm at [offset, offset + ⌊N/2⌋ + 1), without allocating when N is even. */
export function rfftInto(signal: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array, offset = 0): void {
  const n = signal.length;
  const nBins = Math.floor(n / 2) + 1;
  if (outRe.length < offset + nBins || outIm.length < offset + nBins) throw new RangeError(`rfft: output holds fewer than ${nBins} bins`);
  if (n < 4 || n % 2 === 1) {
    const re = new Float64Array(n);
    const im = new Float64Array(n);
    for (let i = 0; i < n; i++) re[i] = signal[i]!;
    fftInPlace(re, im, false);
    outRe.set(re.subarray(0, nBins), offset);
    outIm.set(im.subarray(0, nBins), offset);
    return;
  }
  const plan = realPlan(n);
  const { zRe, zIm } = plan;
  for (let k = 0; k < n / 2; k++) {
    zRe[k] = signal[2 * k]!;
    zIm[k] = signal[2 * k + 1]!;
  }
  realFromPacked(plan, outRe, outIm, offset);
}

/**
 * rfftInto of the frame signal[start + i]·window[i] (i < N = window.length; samples outside the signal count as 0),
 * packed straight into the half-length transform's input: the STFT's frames without a windowed copy.
 */
export function rfftWindowedInto(signal: ArrayLike<number>, start: number, window: Float64Array, outRe: Float64Array, outIm: Float64Array, offset = 0): void {
  const n = window.length;
  const inside = start >= 0 && start + n <= signal.length;
  if (n < 4 || n % 2 === 1) {
    const frame = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = start + i;
      frame[i] = inside || (j >= 0 && j < signal.length) ? signal[j]! * window[i]! : 0;
    }
    rfftInto(frame, outRe, outIm, offset);
    return;
  }
  const nBins = n / 2 + 1;
  if (outRe.length < offset + nBins || outIm.length < offset + nBins) throw new RangeError(`rfft: output holds fewer than ${nBins} bins`);
  const plan = realPlan(n);
  const { zRe, zIm } = plan;
  if (inside) {
    for (let k = 0, i = start; k < n / 2; k++, i += 2) {
      zRe[k] = signal[i]! * window[2 * k]!;
      zIm[k] = signal[i + 1]! * window[2 * k + 1]!;
    }
  } else {
    const at = (i: number) => {
      const j = start + i;
      return j >= 0 && j < signal.length ? signal[j]! * window[i]! : 0;
    };
    for (let k = 0; k < n / 2; k++) {
      zRe[k] = at(2 * k);
      zIm[k] = at(2 * k + 1);
    }
  }
  realFromPacked(plan, outRe, outIm, offset);
}

/** Bins 0..N/2 of a real signal of even length N from its even/odd samples packed into the plan's zRe/zIm. */
function realFromPacked(plan: RealPlan, outRe: Float64Array, outIm: Float64Array, offset: number): void {
  const h = plan.n / 2;
  const { zRe, zIm, wRe, wIm } = plan;
  forward(plan.half, zRe, zIm);
  // Z = E + i·O with E, O the DFTs of the even and odd samples: E_k = (Z_k + conj Z_{h−k})/2,
  // O_k = (Z_k − conj Z_{h−k})/(2i), X_k = E_k + W_n^k·O_k.
  outRe[offset] = zRe[0]! + zIm[0]!;
  outIm[offset] = 0;
  outRe[offset + h] = zRe[0]! - zIm[0]!;
  outIm[offset + h] = 0;
  for (let k = 1; k < h; k++) {
    const ar = zRe[k]!;
    const ai = zIm[k]!;
    const br = zRe[h - k]!;
    const bi = -zIm[h - k]!;
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    // (a − b)/(2i) = ((ai − bi), −(ar − br))/2
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const wr = wRe[k]!;
    const wi = wIm[k]!;
    outRe[offset + k] = er + or * wr - oi * wi;
    outIm[offset + k] = ei + or * wi + oi * wr;
  }
}

/**
 * Unnormalised inverse of rfft for an even length N: x_n = Σ_k X_k e^{+2πi nk/N} over the Hermitian completion of
 * the one-sided spectrum (re/im, bins 0..N/2; the imaginary parts of bins 0 and N/2 are ignored, as numpy's irfft
 * does). Writes N real samples into out (allocated when absent) and returns it. Odd N is not supported.
 */
export function irfft(re: ArrayLike<number>, im: ArrayLike<number>, n: number, out?: Float64Array): Float64Array {
  if (!Number.isInteger(n) || n < 2 || n % 2 === 1) throw new RangeError(`irfft: length must be a positive even integer, got ${n}`);
  const h = n / 2;
  if (re.length < h + 1 || im.length < h + 1) throw new RangeError(`irfft: need ${h + 1} bins for length ${n}`);
  const x = out ?? new Float64Array(n);
  if (n === 2) {
    x[0] = re[0]! + re[1]!;
    x[1] = re[0]! - re[1]!;
    return x;
  }
  const plan = realPlan(n);
  const { zRe, zIm, wRe, wIm } = plan;
  // E_k = X_k + conj X_{h−k}, O_k = (X_k − conj X_{h−k})·W_n^{−k}, Z_k = E_k + i·O_k; the unnormalised inverse
  // DFT of Z (length h) is x_{2j} + i·x_{2j+1}.
  zRe[0] = re[0]! + re[h]!;
  zIm[0] = re[0]! - re[h]!;
  for (let k = 1; k < h; k++) {
    const ar = re[k]!;
    const ai = im[k]!;
    const br = re[h - k]!;
    const bi = -im[h - k]!;
    const er = ar + br;
    const ei = ai + bi;
    const dr = ar - br;
    const di = ai - bi;
    // O = D·conj(W)
    const wr = wRe[k]!;
    const wi = wIm[k]!;
    const or = dr * wr + di * wi;
    const oi = di * wr - dr * wi;
    zRe[k] = er - oi;
    zIm[k] = ei + or;
  }
  forward(plan.half, zIm, zRe);
  for (let k = 0; k < h; k++) {
    x[2 * k] = zRe[k]!;
    x[2 * k + 1] = zIm[k]!;
  }
  return x;
}
