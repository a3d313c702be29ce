// Discrete Fourier transforms of any length in float64, written for the lengths this project uses (nperseg 400,
// whole-chunk lengths like 154 880 = 2⁸·5·11² or 193 600 = 2⁶·5²·11²).
//
// * Complex values are stored interleaved (re, im, re, im, …) in one Float64Array. Against separate real and
//   imaginary arrays this halves the memory streams a butterfly touches (a radix-11 pass reads 11 and writes 11
//   where it read 22 and wrote 22: those overflowed the 12-way L1 when the stride is a multiple of 4 KB, as it is
//   for 123 904 = 2¹⁰·11²) and the typed arrays whose length and data pointer V8 reloads on every loop iteration.
//   It is also the layout of a real signal read as half as many complex values (below).
// * Complex transforms: a planned mixed-radix Stockham (self-sorting, decimation-in-frequency) FFT with radix-8,
//   4, 2, 3, 5 butterflies, an unrolled radix-11 butterfly (pass11: passGeneric's algorithm with the sums written
//   out; the resampling lengths of whole 968-s chunks at 160/200/256 Hz all hold 11², and the generic pass is ~40 %
//   slower there) and passGeneric for the other odd primes up to MAX_GENERIC_RADIX. Each pass reads one buffer and
//   writes another, so no bit reversal is needed; twiddles are precomputed per pass and the ping-pong buffer is
//   cached with the plan (one plan per length).
// * Prime factors above MAX_GENERIC_RADIX are passes too (passRader): each of their DFTs is Rader's cyclic
//   convolution of length r − 1, done with two FFTs (of smaller primes), so every length costs O(N log N).
// * The inverse is the forward transform of the input read in reverse order: Σ_j x_{−j} e^{−2πi jk/N} = N·IDFT(x)_k.
//   Every inverse here builds its input in a loop anyway, so reversing it costs nothing.
// * Real input (rfft) and Hermitian input (irfft) of even length N use one complex FFT of length N/2.
//
// Forward transforms use e^{−2πi nk/N}; inverses use e^{+2πi nk/N} and are not divided by N.

const MAX_GENERIC_RADIX = 31;
/** Plans kept before the cache is cleared (each holds O(N) twiddles and scratch). */
const MAX_PLANS = 64;
/** Largest interleaved buffer (doubles) fftInPlace keeps between calls; fresh memory is slow to fault in. */
const MAX_KEPT_IO = 1 << 21;
/** Most DFTs a Rader pass convolves at once (16 of 240 points: 60 KB, within L2). */
const MAX_BATCH = 16;

interface Pass {
  /** Radix of this pass. */
  readonly radix: number;
  /** Length of the sub-transforms this pass splits (n_cur = radix · m). */
  readonly m: number;
  /** Stride: number of interleaved independent sub-transforms (product of the previous radices). */
  readonly s: number;
  /** Twiddles W_{n_cur}^{p·k} for p < m, 1 ≤ k < radix, complex value p·(radix − 1) + k − 1. */
  readonly tw: Float64Array;
  /** Generic odd radix only: cos/sin(2π·j·k/radix) for 1 ≤ j, k ≤ (radix − 1)/2 at [(k − 1)·half + j − 1]. */
  readonly cosTable: Float64Array;
  readonly sinTable: Float64Array;
  /** Primes above MAX_GENERIC_RADIX only. */
  readonly rader: Rader | null;
}

/**
 * Rader's algorithm for DFTs of one prime length r: with g a generator of the integers mod r under multiplication,
 * y_{g^−m} = a_0 + Σ_q a_{g^q}·ω^{g^(q−m)} (ω = e^{−2πi/r}) is a cyclic convolution of u_q = a_{g^q} with
 * v_n = ω^{g^−n}, both of length r − 1, and y_0 = a_0 + Σ_q u_q.
 */
interface Rader {
  /** DFTs computed together: the largest power of two ≤ MAX_BATCH dividing the pass's stride s. */
  readonly batch: number;
  /** FFT of length r − 1 for `batch` interleaved transforms (see batchedPlan). */
  readonly inner: ComplexPlan;
  /** g^q mod r, for q < r − 1. */
  readonly powers: Int32Array;
  /** FFT of v, divided by r − 1 (folding in the inverse's 1/(r − 1)). */
  readonly kernel: Float64Array;
  /** The convolutions' buffer: value q of DFT b at q·batch + b (2·(r − 1)·batch doubles). */
  readonly work: Float64Array;
  /** a_0 and Σ_q u_q of each DFT of the batch. */
  readonly first: Float64Array;
  readonly sum: Float64Array;
}

interface ComplexPlan {
  readonly n: number;
  readonly passes: readonly Pass[];
  /** The ping-pong partner of the caller's output buffer (2n doubles). */
  readonly scratch: Float64Array;
  /** Scratch for passGeneric: sums a_j + a_{r−j}, then differences a_j − a_{r−j}. */
  readonly generic: Float64Array;
}

const complexPlans = new Map<number, ComplexPlan>();

/**
 * Radices of n: its odd prime factors up to MAX_GENERIC_RADIX first (ascending), then the powers of two as 4s (and an
 * 8 or a 2), then larger primes. A pass writes with a stride of the product of the radices before it, and that stride
 * is a multiple of 4 KB (every output stream in the same L1 set) only when many twos came before: for
 * 123 904 = 2¹⁰·11² the radix-11 passes take ~20 % less time placed first than last. A large prime's pass comes last,
 * where its stride (the number of DFTs side by side) is largest, for passRader to batch them.
 */
function factorize(n: number): number[] {
  const radices: number[] = [];
  let rest = n;
  let twos = 0;
  while (rest % 2 === 0) {
    twos++;
    rest /= 2;
  }
  const large: number[] = [];
  for (let p = 3; p * p <= rest; p += 2) {
    while (rest % p === 0) {
      (p > MAX_GENERIC_RADIX ? large : radices).push(p);
      rest /= p;
    }
  }
  if (rest > 1) (rest > MAX_GENERIC_RADIX ? large : radices).push(rest);
  // Radix 4 where possible: its pass takes ~0.6 of a radix-8 pass (bound by arithmetic, not memory), so
  // 2⁷ = 8·4·4 beats 8·8·2 and 2¹⁰ = 4⁵ beats 8·8·8·2 by ~20 %. An odd count of twos starts with an 8 (a lone 2
  // costs as much as a 4). Literal radices: 2 ** k would be a heap double, and every index derived from it too.
  if (twos % 2 === 1 && twos >= 3) {
    radices.push(8);
    twos -= 3;
  }
  for (; twos >= 2; twos -= 2) radices.push(4);
  if (twos === 1) radices.push(2);
  return [...radices, ...large];
}

function complexPlan(n: number): ComplexPlan {
  let plan = complexPlans.get(n);
  if (plan) return plan;
  const passes: Pass[] = [];
  let maxGeneric = 0;
  let nCur = n;
  let s = 1;
  for (const radix of n > 1 ? factorize(n) : []) {
    const m = nCur / radix;
    const tw = new Float64Array(2 * m * (radix - 1));
    for (let p = 0; p < m; p++) {
      for (let k = 1; k < radix; k++) {
        const angle = (-2 * Math.PI * ((p * k) % nCur)) / nCur;
        tw[2 * (p * (radix - 1) + k - 1)] = Math.cos(angle);
        tw[2 * (p * (radix - 1) + k - 1) + 1] = Math.sin(angle);
      }
    }
    const generic = radix > 5 && radix !== 11 && radix <= MAX_GENERIC_RADIX;
    const half = generic ? (radix - 1) / 2 : 0;
    const cosTable = new Float64Array(half * half);
    const sinTable = new Float64Array(half * half);
    for (let k = 1; k <= half; k++) {
      for (let j = 1; j <= half; j++) {
        const angle = (2 * Math.PI * ((j * k) % radix)) / radix;
        cosTable[(k - 1) * half + j - 1] = Math.cos(angle);
        sinTable[(k - 1) * half + j - 1] = Math.sin(angle);
      }
    }
    const rader = radix > MAX_GENERIC_RADIX ? raderFor(radix, s) : null;
    passes.push({ radix, m, s, tw, cosTable, sinTable, rader });
    if (generic) maxGeneric = Math.max(maxGeneric, radix);
    nCur = m;
    s *= radix;
  }
  plan = {
    n,
    passes,
    scratch: new Float64Array(2 * n),
    // Complex values [0, half): sums a_j + a_{r−j}; [half, 2·half): differences a_j − a_{r−j}.
    generic: new Float64Array(maxGeneric > 0 ? 2 * (maxGeneric - 1) : 0),
  };
  if (complexPlans.size >= MAX_PLANS) complexPlans.clear();
  complexPlans.set(n, plan);
  return plan;
}

/** (a·b) mod r for a, b < r < 2³²: the product split so that no partial product exceeds 2⁵³. */
function mulMod(a: number, b: number, r: number): number {
  return (((a * (b >>> 16)) % r) * 65536 + a * (b & 0xffff)) % r;
}

/** The smallest generator of the multiplicative group mod the prime r. */
function generator(r: number): number {
  const factors: number[] = [];
  let rest = r - 1;
  for (let f = 2; f * f <= rest; f++) {
    if (rest % f !== 0) continue;
    factors.push(f);
    while (rest % f === 0) rest /= f;
  }
  if (rest > 1) factors.push(rest);
  const power = (base: number, e: number) => {
    let result = 1;
    for (let b = base; e > 0; e = Math.floor(e / 2), b = mulMod(b, b, r)) if (e % 2 === 1) result = mulMod(result, b, r);
    return result;
  };
  for (let g = 2; ; g++) if (factors.every((f) => power(g, (r - 1) / f) !== 1)) return g;
}

function raderFor(r: number, s: number): Rader {
  let batch = 1;
  while (batch < MAX_BATCH && s % (2 * batch) === 0) batch *= 2;
  const single = complexPlan(r - 1);
  const g = generator(r);
  const powers = new Int32Array(r - 1);
  powers[0] = 1;
  for (let q = 1; q < r - 1; q++) powers[q] = mulMod(powers[q - 1]!, g, r);
  // v_n = ω^{g^−n}, and g^−n = g^(r−1−n).
  const kernel = new Float64Array(2 * (r - 1));
  for (let n = 0; n < r - 1; n++) {
    const angle = (-2 * Math.PI * powers[(r - 1 - n) % (r - 1)]!) / r;
    kernel[2 * n] = Math.cos(angle);
    kernel[2 * n + 1] = Math.sin(angle);
  }
  forward(single, kernel, kernel);
  for (let i = 0; i < kernel.length; i++) kernel[i] = kernel[i]! / (r - 1);
  return {
    batch,
    inner: batchedPlan(single, batch),
    powers,
    kernel,
    work: new Float64Array(2 * (r - 1) * batch),
    first: new Float64Array(2 * batch),
    sum: new Float64Array(2 * batch),
  };
}

/**
 * `batch` transforms of plan's length at once, value j of transform b at j·batch + b: the same passes with every
 * stride times batch (element q + s·(p + j·m) of one transform is element b + batch·q + batch·s·(p + j·m) of the
 * batch), so short transforms run with inner loops of at least `batch` iterations.
 */
function batchedPlan(plan: ComplexPlan, batch: number): ComplexPlan {
  return {
    n: plan.n * batch,
    passes: plan.passes.map(({ radix, m, s, tw, cosTable, sinTable, rader }) => ({ radix, m, s: s * batch, tw, cosTable, sinTable, rader })),
    scratch: new Float64Array(2 * plan.n * batch),
    generic: plan.generic,
  };
}

// ---- butterflies: one Stockham pass each, reading x and writing y (interleaved complex) ----
// Input element j of sub-transform (q, p) is complex value q + s·(p + j·m); output k goes to q + s·(radix·p + k),
// multiplied by the twiddle W_{radix·m}^{p·k}. In doubles: step = 2s, span = 2sm, and q steps by 2.

function pass2(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
  for (let p = 0; p < m; p++) {
    const wr = tw[2 * p]!;
    const wi = tw[2 * p + 1]!;
    const in0 = step * p;
    const out0 = 2 * step * p;
    for (let q = 0; q < step; q += 2) {
      const a = in0 + q;
      const b = a + span;
      const ar = x[a]!;
      const ai = x[a + 1]!;
      const br = x[b]!;
      const bi = x[b + 1]!;
      const o = out0 + q;
      y[o] = ar + br;
      y[o + 1] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      y[o + step] = dr * wr - di * wi;
      y[o + step + 1] = dr * wi + di * wr;
    }
  }
}

/**
 * Radix 8 as a radix-2 step and two radix-4 DFTs: b_j = a_j + a_{j+4} gives the even outputs, c_j = (a_j − a_{j+4})·W_8^j
 * the odd ones (W_8 = e^{−iπ/4}); one pass over the data where radix 4 then 2 take two.
 */
function pass8(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
  const h = Math.SQRT1_2;
  for (let p = 0; p < m; p++) {
    const t = 14 * p;
    const in0 = step * p;
    const out0 = 8 * step * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const a0r = x[i0]!, a0i = x[i0 + 1]!;
      const a1r = x[i0 + span]!, a1i = x[i0 + span + 1]!;
      const a2r = x[i0 + 2 * span]!, a2i = x[i0 + 2 * span + 1]!;
      const a3r = x[i0 + 3 * span]!, a3i = x[i0 + 3 * span + 1]!;
      const a4r = x[i0 + 4 * span]!, a4i = x[i0 + 4 * span + 1]!;
      const a5r = x[i0 + 5 * span]!, a5i = x[i0 + 5 * span + 1]!;
      const a6r = x[i0 + 6 * span]!, a6i = x[i0 + 6 * span + 1]!;
      const a7r = x[i0 + 7 * span]!, a7i = x[i0 + 7 * span + 1]!;
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
      y[o] = e0r + e2r;
      y[o + 1] = e0i + e2i;
      let ur = f0r + f2r, ui = f0i + f2i; // y1
      y[o + step] = ur * tw[t]! - ui * tw[t + 1]!;
      y[o + step + 1] = ur * tw[t + 1]! + ui * tw[t]!;
      ur = e1r + e3i; ui = e1i - e3r; // y2
      y[o + 2 * step] = ur * tw[t + 2]! - ui * tw[t + 3]!;
      y[o + 2 * step + 1] = ur * tw[t + 3]! + ui * tw[t + 2]!;
      ur = f1r + f3i; ui = f1i - f3r; // y3
      y[o + 3 * step] = ur * tw[t + 4]! - ui * tw[t + 5]!;
      y[o + 3 * step + 1] = ur * tw[t + 5]! + ui * tw[t + 4]!;
      ur = e0r - e2r; ui = e0i - e2i; // y4
      y[o + 4 * step] = ur * tw[t + 6]! - ui * tw[t + 7]!;
      y[o + 4 * step + 1] = ur * tw[t + 7]! + ui * tw[t + 6]!;
      ur = f0r - f2r; ui = f0i - f2i; // y5
      y[o + 5 * step] = ur * tw[t + 8]! - ui * tw[t + 9]!;
      y[o + 5 * step + 1] = ur * tw[t + 9]! + ui * tw[t + 8]!;
      ur = e1r - e3i; ui = e1i + e3r; // y6
      y[o + 6 * step] = ur * tw[t + 10]! - ui * tw[t + 11]!;
      y[o + 6 * step + 1] = ur * tw[t + 11]! + ui * tw[t + 10]!;
      ur = f1r - f3i; ui = f1i + f3r; // y7
      y[o + 7 * step] = ur * tw[t + 12]! - ui * tw[t + 13]!;
      y[o + 7 * step + 1] = ur * tw[t + 13]! + ui * tw[t + 12]!;
    }
  }
}

function pass3(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
  const sin3 = Math.sqrt(3) / 2;
  for (let p = 0; p < m; p++) {
    const w1r = tw[4 * p]!;
    const w1i = tw[4 * p + 1]!;
    const w2r = tw[4 * p + 2]!;
    const w2i = tw[4 * p + 3]!;
    const in0 = step * p;
    const out0 = 3 * step * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const a0r = x[i0]!;
      const a0i = x[i0 + 1]!;
      const a1r = x[i0 + span]!;
      const a1i = x[i0 + span + 1]!;
      const a2r = x[i0 + 2 * span]!;
      const a2i = x[i0 + 2 * span + 1]!;
      const tr = a1r + a2r;
      const ti = a1i + a2i;
      const mr = a0r - 0.5 * tr;
      const mi = a0i - 0.5 * ti;
      const dr = sin3 * (a1r - a2r);
      const di = sin3 * (a1i - a2i);
      const o = out0 + q;
      y[o] = a0r + tr;
      y[o + 1] = a0i + ti;
      // y1 = m − i·d, y2 = m + i·d
      const y1r = mr + di;
      const y1i = mi - dr;
      const y2r = mr - di;
      const y2i = mi + dr;
      y[o + step] = y1r * w1r - y1i * w1i;
      y[o + step + 1] = y1r * w1i + y1i * w1r;
      y[o + 2 * step] = y2r * w2r - y2i * w2i;
      y[o + 2 * step + 1] = y2r * w2i + y2i * w2r;
    }
  }
}

function pass4(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
  for (let p = 0; p < m; p++) {
    const w1r = tw[6 * p]!;
    const w1i = tw[6 * p + 1]!;
    const w2r = tw[6 * p + 2]!;
    const w2i = tw[6 * p + 3]!;
    const w3r = tw[6 * p + 4]!;
    const w3i = tw[6 * p + 5]!;
    const in0 = step * p;
    const out0 = 4 * step * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const a0r = x[i0]!;
      const a0i = x[i0 + 1]!;
      const a1r = x[i0 + span]!;
      const a1i = x[i0 + span + 1]!;
      const a2r = x[i0 + 2 * span]!;
      const a2i = x[i0 + 2 * span + 1]!;
      const a3r = x[i0 + 3 * span]!;
      const a3i = x[i0 + 3 * span + 1]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o = out0 + q;
      y[o] = t0r + t2r;
      y[o + 1] = t0i + t2i;
      // y1 = t1 − i·t3, y2 = t0 − t2, y3 = t1 + i·t3
      const y1r = t1r + t3i;
      const y1i = t1i - t3r;
      const y2r = t0r - t2r;
      const y2i = t0i - t2i;
      const y3r = t1r - t3i;
      const y3i = t1i + t3r;
      y[o + step] = y1r * w1r - y1i * w1i;
      y[o + step + 1] = y1r * w1i + y1i * w1r;
      y[o + 2 * step] = y2r * w2r - y2i * w2i;
      y[o + 2 * step + 1] = y2r * w2i + y2i * w2r;
      y[o + 3 * step] = y3r * w3r - y3i * w3i;
      y[o + 3 * step + 1] = y3r * w3i + y3i * w3r;
    }
  }
}

function pass5(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
  const c1 = Math.cos((2 * Math.PI) / 5);
  const c2 = Math.cos((4 * Math.PI) / 5);
  const s1 = Math.sin((2 * Math.PI) / 5);
  const s2 = Math.sin((4 * Math.PI) / 5);
  for (let p = 0; p < m; p++) {
    const w1r = tw[8 * p]!;
    const w1i = tw[8 * p + 1]!;
    const w2r = tw[8 * p + 2]!;
    const w2i = tw[8 * p + 3]!;
    const w3r = tw[8 * p + 4]!;
    const w3i = tw[8 * p + 5]!;
    const w4r = tw[8 * p + 6]!;
    const w4i = tw[8 * p + 7]!;
    const in0 = step * p;
    const out0 = 5 * step * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const a0r = x[i0]!;
      const a0i = x[i0 + 1]!;
      const a1r = x[i0 + span]!;
      const a1i = x[i0 + span + 1]!;
      const a2r = x[i0 + 2 * span]!;
      const a2i = x[i0 + 2 * span + 1]!;
      const a3r = x[i0 + 3 * span]!;
      const a3i = x[i0 + 3 * span + 1]!;
      const a4r = x[i0 + 4 * span]!;
      const a4i = x[i0 + 4 * span + 1]!;
      const t1r = a1r + a4r;
      const t1i = a1i + a4i;
      const t2r = a2r + a3r;
      const t2i = a2i + a3i;
      const d1r = a1r - a4r;
      const d1i = a1i - a4i;
      const d2r = a2r - a3r;
      const d2i = a2i - a3i;
      const o = out0 + q;
      y[o] = a0r + t1r + t2r;
      y[o + 1] = a0i + t1i + t2i;
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
      y[o + step] = y1r * w1r - y1i * w1i;
      y[o + step + 1] = y1r * w1i + y1i * w1r;
      y[o + 2 * step] = y2r * w2r - y2i * w2i;
      y[o + 2 * step + 1] = y2r * w2i + y2i * w2r;
      y[o + 3 * step] = y3r * w3r - y3i * w3i;
      y[o + 3 * step + 1] = y3r * w3i + y3i * w3r;
      y[o + 4 * step] = y4r * w4r - y4i * w4i;
      y[o + 4 * step + 1] = y4r * w4i + y4i * w4r;
    }
  }
}

/**
 * Radix 11, passGeneric's algorithm with the sums written out (every 968-s resampling chunk holds 11²). Each output
 * pair y_k, y_{11−k} is twiddled and stored as soon as it is known: holding all ten until the end spills registers
 * and made the pass ~1.5× slower.
 */
function pass11(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { m, s, tw } = pass;
  const step = 2 * s;
  const span = step * m;
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
  for (let p = 0; p < m; p++) {
    const t = 20 * p;
    const in0 = step * p;
    const out0 = 11 * step * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const o = out0 + q;
      const a0r = x[i0]!;
      const a0i = x[i0 + 1]!;
      const u1r = x[i0 + 1 * span]!;
      const u1i = x[i0 + 1 * span + 1]!;
      const v1r = x[i0 + 10 * span]!;
      const v1i = x[i0 + 10 * span + 1]!;
      const t1r = u1r + v1r;
      const t1i = u1i + v1i;
      const d1r = u1r - v1r;
      const d1i = u1i - v1i;
      const u2r = x[i0 + 2 * span]!;
      const u2i = x[i0 + 2 * span + 1]!;
      const v2r = x[i0 + 9 * span]!;
      const v2i = x[i0 + 9 * span + 1]!;
      const t2r = u2r + v2r;
      const t2i = u2i + v2i;
      const d2r = u2r - v2r;
      const d2i = u2i - v2i;
      const u3r = x[i0 + 3 * span]!;
      const u3i = x[i0 + 3 * span + 1]!;
      const v3r = x[i0 + 8 * span]!;
      const v3i = x[i0 + 8 * span + 1]!;
      const t3r = u3r + v3r;
      const t3i = u3i + v3i;
      const d3r = u3r - v3r;
      const d3i = u3i - v3i;
      const u4r = x[i0 + 4 * span]!;
      const u4i = x[i0 + 4 * span + 1]!;
      const v4r = x[i0 + 7 * span]!;
      const v4i = x[i0 + 7 * span + 1]!;
      const t4r = u4r + v4r;
      const t4i = u4i + v4i;
      const d4r = u4r - v4r;
      const d4i = u4i - v4i;
      const u5r = x[i0 + 5 * span]!;
      const u5i = x[i0 + 5 * span + 1]!;
      const v5r = x[i0 + 6 * span]!;
      const v5i = x[i0 + 6 * span + 1]!;
      const t5r = u5r + v5r;
      const t5i = u5i + v5i;
      const d5r = u5r - v5r;
      const d5i = u5i - v5i;
      y[o] = a0r + t1r + t2r + t3r + t4r + t5r;
      y[o + 1] = a0i + t1i + t2i + t3i + t4i + t5i;
      // y_k = m_k − i·n_k, y_{11−k} = m_k + i·n_k,
      // m_k = a0 + Σ_j cos(2πjk/11)·t_j, n_k = Σ_j sin(2πjk/11)·d_j.
      const m1r = a0r + c1 * t1r + c2 * t2r + c3 * t3r + c4 * t4r + c5 * t5r;
      const m1i = a0i + c1 * t1i + c2 * t2i + c3 * t3i + c4 * t4i + c5 * t5i;
      const n1r = s1 * d1r + s2 * d2r + s3 * d3r + s4 * d4r + s5 * d5r;
      const n1i = s1 * d1i + s2 * d2i + s3 * d3i + s4 * d4i + s5 * d5i;
      let ur = m1r + n1i;
      let ui = m1i - n1r;
      y[o + 1 * step] = ur * tw[t + 0]! - ui * tw[t + 1]!;
      y[o + 1 * step + 1] = ur * tw[t + 1]! + ui * tw[t + 0]!;
      ur = m1r - n1i;
      ui = m1i + n1r;
      y[o + 10 * step] = ur * tw[t + 18]! - ui * tw[t + 19]!;
      y[o + 10 * step + 1] = ur * tw[t + 19]! + ui * tw[t + 18]!;
      const m2r = a0r + c2 * t1r + c4 * t2r + c5 * t3r + c3 * t4r + c1 * t5r;
      const m2i = a0i + c2 * t1i + c4 * t2i + c5 * t3i + c3 * t4i + c1 * t5i;
      const n2r = s2 * d1r + s4 * d2r - s5 * d3r - s3 * d4r - s1 * d5r;
      const n2i = s2 * d1i + s4 * d2i - s5 * d3i - s3 * d4i - s1 * d5i;
      ur = m2r + n2i;
      ui = m2i - n2r;
      y[o + 2 * step] = ur * tw[t + 2]! - ui * tw[t + 3]!;
      y[o + 2 * step + 1] = ur * tw[t + 3]! + ui * tw[t + 2]!;
      ur = m2r - n2i;
      ui = m2i + n2r;
      y[o + 9 * step] = ur * tw[t + 16]! - ui * tw[t + 17]!;
      y[o + 9 * step + 1] = ur * tw[t + 17]! + ui * tw[t + 16]!;
      const m3r = a0r + c3 * t1r + c5 * t2r + c2 * t3r + c1 * t4r + c4 * t5r;
      const m3i = a0i + c3 * t1i + c5 * t2i + c2 * t3i + c1 * t4i + c4 * t5i;
      const n3r = s3 * d1r - s5 * d2r - s2 * d3r + s1 * d4r + s4 * d5r;
      const n3i = s3 * d1i - s5 * d2i - s2 * d3i + s1 * d4i + s4 * d5i;
      ur = m3r + n3i;
      ui = m3i - n3r;
      y[o + 3 * step] = ur * tw[t + 4]! - ui * tw[t + 5]!;
      y[o + 3 * step + 1] = ur * tw[t + 5]! + ui * tw[t + 4]!;
      ur = m3r - n3i;
      ui = m3i + n3r;
      y[o + 8 * step] = ur * tw[t + 14]! - ui * tw[t + 15]!;
      y[o + 8 * step + 1] = ur * tw[t + 15]! + ui * tw[t + 14]!;
      const m4r = a0r + c4 * t1r + c3 * t2r + c1 * t3r + c5 * t4r + c2 * t5r;
      const m4i = a0i + c4 * t1i + c3 * t2i + c1 * t3i + c5 * t4i + c2 * t5i;
      const n4r = s4 * d1r - s3 * d2r + s1 * d3r + s5 * d4r - s2 * d5r;
      const n4i = s4 * d1i - s3 * d2i + s1 * d3i + s5 * d4i - s2 * d5i;
      ur = m4r + n4i;
      ui = m4i - n4r;
      y[o + 4 * step] = ur * tw[t + 6]! - ui * tw[t + 7]!;
      y[o + 4 * step + 1] = ur * tw[t + 7]! + ui * tw[t + 6]!;
      ur = m4r - n4i;
      ui = m4i + n4r;
      y[o + 7 * step] = ur * tw[t + 12]! - ui * tw[t + 13]!;
      y[o + 7 * step + 1] = ur * tw[t + 13]! + ui * tw[t + 12]!;
      const m5r = a0r + c5 * t1r + c1 * t2r + c4 * t3r + c2 * t4r + c3 * t5r;
      const m5i = a0i + c5 * t1i + c1 * t2i + c4 * t3i + c2 * t4i + c3 * t5i;
      const n5r = s5 * d1r - s1 * d2r + s4 * d3r - s2 * d4r + s3 * d5r;
      const n5i = s5 * d1i - s1 * d2i + s4 * d3i - s2 * d4i + s3 * d5i;
      ur = m5r + n5i;
      ui = m5i - n5r;
      y[o + 5 * step] = ur * tw[t + 8]! - ui * tw[t + 9]!;
      y[o + 5 * step + 1] = ur * tw[t + 9]! + ui * tw[t + 8]!;
      ur = m5r - n5i;
      ui = m5i + n5r;
      y[o + 6 * step] = ur * tw[t + 10]! - ui * tw[t + 11]!;
      y[o + 6 * step + 1] = ur * tw[t + 11]! + ui * tw[t + 10]!;
    }
  }
}

/** Odd prime radix r: y_k = a0 + Σ_j cos(2πjk/r)·(a_j + a_{r−j}) ∓ i·Σ_j sin(2πjk/r)·(a_j − a_{r−j}), j, k ≤ (r−1)/2. */
function passGeneric(pass: Pass, x: Float64Array, y: Float64Array, g: Float64Array): void {
  const { radix, m, s, tw, cosTable, sinTable } = pass;
  const step = 2 * s;
  const span = step * m;
  const half = (radix - 1) / 2;
  // g: complex values [0, half) sums t_j, [half, 2·half) differences d_j.
  const d0 = 2 * half;
  for (let p = 0; p < m; p++) {
    const in0 = step * p;
    const out0 = radix * step * p;
    const tw0 = 2 * (radix - 1) * p;
    for (let q = 0; q < step; q += 2) {
      const i0 = in0 + q;
      const a0r = x[i0]!;
      const a0i = x[i0 + 1]!;
      let sumR = a0r;
      let sumI = a0i;
      for (let j = 1; j <= half; j++) {
        const ar = x[i0 + j * span]!;
        const ai = x[i0 + j * span + 1]!;
        const br = x[i0 + (radix - j) * span]!;
        const bi = x[i0 + (radix - j) * span + 1]!;
        g[2 * j - 2] = ar + br;
        g[2 * j - 1] = ai + bi;
        g[d0 + 2 * j - 2] = ar - br;
        g[d0 + 2 * j - 1] = ai - bi;
        sumR += ar + br;
        sumI += ai + bi;
      }
      const o = out0 + q;
      y[o] = sumR;
      y[o + 1] = sumI;
      for (let k = 1; k <= half; k++) {
        let mr = a0r;
        let mi = a0i;
        let nr = 0;
        let ni = 0;
        const row = (k - 1) * half;
        for (let j = 0; j < half; j++) {
          const c = cosTable[row + j]!;
          const sn = sinTable[row + j]!;
          mr += c * g[2 * j]!;
          mi += c * g[2 * j + 1]!;
          nr += sn * g[d0 + 2 * j]!;
          ni += sn * g[d0 + 2 * j + 1]!;
        }
        // y_k = m − i·n, y_{r−k} = m + i·n
        const ykr = mr + ni;
        const yki = mi - nr;
        const ylr = mr - ni;
        const yli = mi + nr;
        const wk = tw0 + 2 * (k - 1);
        const wl = tw0 + 2 * (radix - k - 1);
        y[o + k * step] = ykr * tw[wk]! - yki * tw[wk + 1]!;
        y[o + k * step + 1] = ykr * tw[wk + 1]! + yki * tw[wk]!;
        y[o + (radix - k) * step] = ylr * tw[wl]! - yli * tw[wl + 1]!;
        y[o + (radix - k) * step + 1] = ylr * tw[wl + 1]! + yli * tw[wl]!;
      }
    }
  }
}

function runPass(plan: ComplexPlan, pass: Pass, x: Float64Array, y: Float64Array): void {
  switch (pass.radix) {
    case 8:
      pass8(pass, x, y);
      break;
    case 4:
      pass4(pass, x, y);
      break;
    case 2:
      pass2(pass, x, y);
      break;
    case 3:
      pass3(pass, x, y);
      break;
    case 5:
      pass5(pass, x, y);
      break;
    case 11:
      pass11(pass, x, y);
      break;
    default:
      if (pass.rader) passRader(pass, x, y);
      else passGeneric(pass, x, y, plan.generic);
  }
}

/**
 * Forward DFT of the plan's n complex values from src into dst (both interleaved, at least 2n long). src is only
 * read and may be dst; it must not be the plan's scratch.
 */
function forward(plan: ComplexPlan, src: Float64Array, dst: Float64Array): void {
  const { passes, scratch } = plan;
  const count = passes.length;
  if (count === 0) {
    // n = 1
    dst[0] = src[0]!;
    dst[1] = src[1]!;
    return;
  }
  // The passes alternate between dst and scratch so that the last one writes dst: pass i writes dst when count − 1 − i
  // is even. In place with an odd count, the first pass would overwrite its own input, so it reads a copy.
  let x = src;
  if (src === dst && count % 2 === 1) {
    scratch.set(src.subarray(0, 2 * plan.n));
    x = scratch;
  }
  for (let i = 0; i < count; i++) {
    const y = (count - 1 - i) % 2 === 0 ? dst : scratch;
    runPass(plan, passes[i]!, x, y);
    x = y;
  }
}

/**
 * Prime radix r above MAX_GENERIC_RADIX (the 241 of 964-s chunks: 964 = 4·241) by Rader's algorithm (see Rader),
 * `batch` neighbouring DFTs (q, q + 1, …) at a time: their inputs and outputs lie side by side, and the convolutions'
 * FFTs of r − 1 points run as one batched transform in L2. A transform of 77 120 = 2⁶·5·241 takes a third of the
 * time Bluestein's algorithm on the whole length took (two FFTs of ≥ 2N − 1 points, through memory).
 */
function passRader(pass: Pass, x: Float64Array, y: Float64Array): void {
  const { radix, m, s, tw } = pass;
  const { batch, inner, powers, kernel, work, first, sum } = pass.rader!;
  const step = 2 * s;
  const span = step * m;
  const b2 = 2 * batch;
  const size = radix - 1;
  for (let p = 0; p < m; p++) {
    const in0 = step * p;
    const out0 = radix * step * p;
    const tw0 = 2 * (radix - 1) * p;
    for (let q = 0; q < step; q += b2) {
      // u_q = a_{g^q}, and a_0 aside.
      for (let b = 0; b < b2; b++) first[b] = x[in0 + q + b]!;
      for (let j = 0; j < size; j++) {
        for (let b = 0, i = in0 + q + powers[j]! * span, o = j * b2; b < b2; b++) work[o + b] = x[i + b]!;
      }
      forward(inner, work, work);
      // U_0 = Σ u_q gives y_0. U·V is stored at −k mod (r − 1), so that the forward transform below is the inverse
      // one.
      for (let b = 0; b < b2; b++) sum[b] = work[b]!;
      for (let k = 0; k <= size - k; k++) {
        const l = (size - k) % size;
        const vkr = kernel[2 * k]!;
        const vki = kernel[2 * k + 1]!;
        const vlr = kernel[2 * l]!;
        const vli = kernel[2 * l + 1]!;
        for (let b = 0, ik = k * b2, il = l * b2; b < b2; b += 2) {
          const ar = work[ik + b]!;
          const ai = work[ik + b + 1]!;
          const br = work[il + b]!;
          const bi = work[il + b + 1]!;
          work[il + b] = ar * vkr - ai * vki;
          work[il + b + 1] = ar * vki + ai * vkr;
          work[ik + b] = br * vlr - bi * vli;
          work[ik + b + 1] = br * vli + bi * vlr;
        }
      }
      forward(inner, work, work);
      // y_0 = a_0 + U_0 (twiddle 1), y_{g^−m} = a_0 + (u ⊛ v)_m times the pass's twiddle.
      for (let b = 0, o = out0 + q; b < b2; b++) y[o + b] = first[b]! + sum[b]!;
      for (let j = 0; j < size; j++) {
        const k = powers[(size - j) % size]!;
        const t = tw0 + 2 * (k - 1);
        const wr = tw[t]!;
        const wi = tw[t + 1]!;
        for (let b = 0, i = j * b2, o = out0 + q + k * step; b < b2; b += 2) {
          const vr = first[b]! + work[i + b]!;
          const vi = first[b + 1]! + work[i + b + 1]!;
          y[o + b] = vr * wr - vi * wi;
          y[o + b + 1] = vr * wi + vi * wr;
        }
      }
    }
  }
}

let keptIo = new Float64Array(0);

/** fftInPlace's interleaved copy of its input, kept between calls up to MAX_KEPT_IO doubles. */
function ioBuffer(size: number): Float64Array {
  if (size > MAX_KEPT_IO) return new Float64Array(size);
  if (keptIo.length < size) keptIo = new Float64Array(size);
  return keptIo;
}

/** Complex DFT of any length, in place: X_k = Σ x_n e^{∓2πi nk/N} (− forward, + inverse, no 1/N). */
export function fftInPlace(re: Float64Array, im: Float64Array, inverse = false): void {
  const n = re.length;
  if (im.length !== n) throw new RangeError(`fft: real and imaginary parts differ in length (${n} vs ${im.length})`);
  if (n <= 1) return;
  fftThrough(complexPlan(n), re, im, inverse, ioBuffer(2 * n));
}

/** fftInPlace through the interleaved buffer z; the inverse reads x_0, x_{n−1}, …, x_1 (see the header). */
function fftThrough(plan: ComplexPlan, re: Float64Array, im: Float64Array, inverse: boolean, z: Float64Array): void {
  const n = plan.n;
  z[0] = re[0]!;
  z[1] = im[0]!;
  for (let i = 1; i < n; i++) {
    const j = inverse ? n - i : i;
    z[2 * i] = re[j]!;
    z[2 * i + 1] = im[j]!;
  }
  forward(plan, z, z);
  for (let i = 0; i < n; i++) {
    re[i] = z[2 * i]!;
    im[i] = z[2 * i + 1]!;
  }
}

// ---- real transforms ----

interface RealPlan {
  readonly n: number;
  /** Complex plan of n/2 (n even). */
  readonly half: ComplexPlan;
  /** W_n^k = e^{−2πik/n} for k ≤ n/2, interleaved. */
  readonly w: Float64Array;
  /** The half-length transform's input and output (n doubles), and room for Z_{n/2} = Z_0 (see respectrum). */
  readonly z: Float64Array;
}

const realPlans = new Map<number, RealPlan>();

function realPlan(n: number): RealPlan {
  let plan = realPlans.get(n);
  if (plan) return plan;
  const h = n / 2;
  const w = new Float64Array(n + 2);
  for (let k = 0; k <= h; k++) {
    const angle = (-2 * Math.PI * k) / n;
    w[2 * k] = Math.cos(angle);
    w[2 * k + 1] = Math.sin(angle);
  }
  plan = { n, half: complexPlan(h), w, z: new Float64Array(n + 2) };
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
  halfSpectrum(plan, signal);
  unpackHalfSpectrum(plan, outRe, offset, outIm, offset, 1, 1);
}

/**
 * The half-length complex FFT of a real signal of even length N (its even samples the real parts, its odd ones the
 * imaginary parts) into plan.z. A Float64Array signal is already laid out that way and is read in place.
 */
function halfSpectrum(plan: RealPlan, signal: ArrayLike<number>): void {
  const { z } = plan;
  if (signal instanceof Float64Array) {
    forward(plan.half, signal, z);
    return;
  }
  for (let i = 0; i < plan.n; i++) z[i] = signal[i]!;
  forward(plan.half, z, z);
}

/**
 * The one-sided spectrum of the frame signal[start + i]·window[i] (i < N = window.length; samples outside the signal
 * count as 0), each bin times `scale`, written interleaved (re, im) into out[offset .. offset + 2·(⌊N/2⌋ + 1)): the
 * STFT's frames, read straight into the half-length transform's input (no windowed copy) and stored where numpy's
 * complex array would hold them.
 */
export function rfftWindowedInterleavedInto(signal: ArrayLike<number>, start: number, window: Float64Array, out: Float64Array, offset: number, scale: number): void {
  const n = window.length;
  const nBins = Math.floor(n / 2) + 1;
  if (out.length < offset + 2 * nBins) throw new RangeError(`rfft: output holds fewer than ${nBins} interleaved bins`);
  const inside = start >= 0 && start + n <= signal.length;
  if (n < 4 || n % 2 === 1) {
    const frame = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const j = start + i;
      frame[i] = inside || (j >= 0 && j < signal.length) ? signal[j]! * window[i]! : 0;
    }
    const { re, im } = rfft(frame);
    for (let k = 0; k < nBins; k++) {
      out[offset + 2 * k] = re[k]! * scale;
      out[offset + 2 * k + 1] = im[k]! * scale;
    }
    return;
  }
  const plan = realPlan(n);
  const { z } = plan;
  if (inside) {
    for (let i = 0; i < n; i++) z[i] = signal[start + i]! * window[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const j = start + i;
      z[i] = j >= 0 && j < signal.length ? signal[j]! * window[i]! : 0;
    }
  }
  forward(plan.half, z, z);
  unpackHalfSpectrum(plan, out, offset, out, offset + 1, 2, scale);
}

/**
 * Bins 0..N/2 of a real signal of even length N from Z = FFT_{N/2}(x_even + i·x_odd) in plan.z. With E, O the DFTs of
 * the even and odd samples, E_k = (Z_k + conj Z_{h−k})/2, O_k = (Z_k − conj Z_{h−k})/(2i) and X_k = E_k + W_N^k·O_k;
 * bin h − k needs the same values (E_{h−k} = conj E_k, O_{h−k} = conj O_k, W_N^{h−k} = −conj W_N^k), so
 * X_{h−k} = conj(E_k − W_N^k·O_k) and each step writes two bins. Bin k, times `scale`, goes to
 * outRe[reOffset + k·stride] and outIm[imOffset + k·stride] (separate arrays, or one interleaved one with stride 2).
 */
function unpackHalfSpectrum(plan: RealPlan, outRe: Float64Array, reOffset: number, outIm: Float64Array, imOffset: number, stride: number, scale: number): void {
  const h = plan.n / 2;
  const { z, w } = plan;
  outRe[reOffset] = (z[0]! + z[1]!) * scale;
  outIm[imOffset] = 0;
  outRe[reOffset + h * stride] = (z[0]! - z[1]!) * scale;
  outIm[imOffset + h * stride] = 0;
  for (let k = 1, l = h - 1; k <= l; k++, l--) {
    const ar = z[2 * k]!;
    const ai = z[2 * k + 1]!;
    const br = z[2 * l]!;
    const bi = -z[2 * l + 1]!;
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    // (a − b)/(2i) = ((ai − bi), −(ar − br))/2
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const wr = w[2 * k]!;
    const wi = w[2 * k + 1]!;
    const pr = or * wr - oi * wi;
    const pi = or * wi + oi * wr;
    const ks = k * stride;
    const ls = l * stride;
    outRe[reOffset + ks] = (er + pr) * scale;
    outIm[imOffset + ks] = (ei + pi) * scale;
    outRe[reOffset + ls] = (er - pr) * scale;
    outIm[imOffset + ls] = (pi - ei) * scale;
  }
}

/**
 * The inverse of unpackHalfSpectrum, in place: plan.z holds bins 0..N/2 of a Hermitian spectrum (the imaginary parts
 * of bins 0 and N/2 are ignored, as numpy's irfft does) and becomes Z with E_k = X_k + conj X_{h−k},
 * O_k = (X_k − conj X_{h−k})·W_N^{−k}, Z_k = E_k + i·O_k, whose unnormalised inverse DFT (length h) is
 * x_{2j} + i·x_{2j+1}.
 * Z_{h−k} = conj E_k + i·conj O_k comes from the same two bins. Z_k is stored at −k mod h, which makes the forward
 * transform of plan.z the inverse one (see the header).
 */
function packHalfSpectrum(plan: RealPlan): void {
  const h = plan.n / 2;
  const { z, w } = plan;
  const x0 = z[0]!;
  const xh = z[2 * h]!;
  z[0] = x0 + xh;
  z[1] = x0 - xh;
  for (let k = 1, l = h - 1; k <= l; k++, l--) {
    const ar = z[2 * k]!;
    const ai = z[2 * k + 1]!;
    const br = z[2 * l]!;
    const bi = -z[2 * l + 1]!;
    const er = ar + br;
    const ei = ai + bi;
    const dr = ar - br;
    const di = ai - bi;
    // O = D·conj(W)
    const wr = w[2 * k]!;
    const wi = w[2 * k + 1]!;
    const or = dr * wr + di * wi;
    const oi = di * wr - dr * wi;
    z[2 * l] = er - oi;
    z[2 * l + 1] = ei + or;
    z[2 * k] = er + oi;
    z[2 * k + 1] = or - ei;
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
  for (let k = 0; k <= h; k++) {
    plan.z[2 * k] = re[k]!;
    plan.z[2 * k + 1] = im[k]!;
  }
  packHalfSpectrum(plan);
  forward(plan.half, plan.z, x);
  return x;
}

/** Gains of respectrum: bins k < kept are multiplied by scale, except bin `unpaired` by scale·unpairedFactor. */
export interface SpectrumGains {
  readonly kept: number;
  readonly scale: number;
  readonly unpaired: number;
  readonly unpairedFactor: number;
}

/**
 * irfft(Y, nOut) with Y_k = g_k·X_k for k ≤ nOut/2, X the one-sided spectrum of a real signal (N and nOut even, ≥ 4)
 * and g_k from gains (0 from `kept` on; kept ≤ N/2 + 1): scipy.signal.resample's spectral step. Y is built, scaled, in
 * the output's half-transform buffer and repacked there, with no split re/im spectrum and no separate scaling pass.
 * Writes nOut samples into out and returns it.
 */
export function respectrum(signal: ArrayLike<number>, nOut: number, gains: SpectrumGains, out: Float64Array): Float64Array {
  const { kept, scale, unpaired, unpairedFactor } = gains;
  const source = realPlan(signal.length);
  const target = realPlan(nOut);
  halfSpectrum(source, signal);
  const hi = signal.length / 2;
  const ho = nOut / 2;
  const { z: zi, w: wi } = source;
  const y = target.z;
  // Y_k for k < min(kept, ho + 1), as unpackHalfSpectrum computes X_k and X_{hi−k} together. When N = nOut, y is zi
  // and each step overwrites just the two values it read.
  const last = Math.min(kept, ho + 1) - 1;
  const g0 = unpaired === 0 ? scale * unpairedFactor : scale;
  const x0 = zi[0]! + zi[1]!;
  const xh = zi[0]! - zi[1]!;
  y[0] = g0 * x0;
  y[1] = 0;
  if (hi <= last) {
    y[2 * hi] = (hi === unpaired ? scale * unpairedFactor : scale) * xh;
    y[2 * hi + 1] = 0;
  }
  for (let k = 1, l = hi - 1; k <= l && k <= last; k++, l--) {
    const ar = zi[2 * k]!;
    const ai = zi[2 * k + 1]!;
    const br = zi[2 * l]!;
    const bi = -zi[2 * l + 1]!;
    const er = 0.5 * (ar + br);
    const ei = 0.5 * (ai + bi);
    const or = 0.5 * (ai - bi);
    const oi = -0.5 * (ar - br);
    const wr = wi[2 * k]!;
    const ww = wi[2 * k + 1]!;
    const pr = or * wr - oi * ww;
    const pi = or * ww + oi * wr;
    const gk = k === unpaired ? scale * unpairedFactor : scale;
    y[2 * k] = gk * (er + pr);
    y[2 * k + 1] = gk * (ei + pi);
    if (l <= last) {
      const gl = l === unpaired ? scale * unpairedFactor : scale;
      y[2 * l] = gl * (er - pr);
      y[2 * l + 1] = gl * (pi - ei);
    }
  }
  y.fill(0, 2 * (last + 1), 2 * (ho + 1));
  packHalfSpectrum(target);
  forward(target.half, y, out);
  return out;
}

