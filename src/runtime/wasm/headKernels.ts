// The WebAssembly module of head training (wasmHead.ts), generated for one model's shapes: its five matrix products
// (gemm.ts), the spectral gate's passes (sigmoid + channel pooling, their backward pass, the weights' gradient under
// max pooling), LayerNorm, the exact GELU and AdamW.
//
// Shapes: C channels, F PSD bins, E = 3·d3 gated features, H hidden units; evaluation batches of `evalBatch`
// segments, training batches of at most `trainBatch`. Rows of the gate's products are (segment, channel) pairs.
import { FunctionBuilder, moduleBytes } from './emit';
import { gemmFunction } from './gemm';

export interface HeadShapes {
  readonly channels: number;
  readonly freqs: number;
  /** 3·d3; a multiple of 4. */
  readonly features: number;
  readonly hidden: number;
  /** Rows kept for one batch of evaluation (≥ trainBatch): the stride of per-segment columns. */
  readonly evalBatch: number;
  /** Segments per training batch (at most). */
  readonly trainBatch: number;
  readonly cPool: 'mean' | 'max';
}

/** Export names, with their arguments (pointers in bytes). */
export const KERNELS = [
  /** z[R, E] = psd[R, F]·gateT[F, E] + init: (psd, gateT, z, init, initStride, rows, F). */
  'gateLinear',
  /** gGateT[F, E] = psdᵀ·dz: (psd, dz, gGateT, init, initStride, F, rows). */
  'gateWeightGrad',
  /** z1[n, H] = normed[n, E]·w1T[E, H] + init, rows of paddedHidden(H): (normed, w1T, z1, init, initStride, n, E). */
  'hiddenLinear',
  /** gW1T[E, H] = normedᵀ·dz1: (normed, dz1, gW1T, init, initStride, E, n). */
  'hiddenWeightGrad',
  /**
   * d normed, transposed: dNormedT[E, trainBatch] = w1T[E, H]·dz1T[H, trainBatch], row length evalBatch for both:
   * (w1T, dz1T, dNormedT, init, initStride, E, H).
   */
  'normedGrad',
  /** Gates in place and channel pooling, per segment: (z, embeddingTable, fused, segments). */
  'gates',
  /** d z for the gate linears and Σ into the bias gradient: (gates, embeddingTable, fused, dFused, dz, gBias, segments, channelOf). */
  'gatesGrad',
  /** One AdamW update: (p, g, m, v, count, decay, stepSize, 1/√c2, ε, β1, β2). */
  'adamW',
  /** LayerNorm of each row of E: (fused, normed, xhat, invStd, gamma, beta, rows). */
  'layerNorm',
  /** Exact GELU with a dropout scale per value: (z1, keep, hidden, slope, count). */
  'gelu',
  /** The gate weights' gradient under max pooling: (psd, dz, channelOf, gGateT, scratch, segments, eFrom, eTo). */
  'weightGradMax',
] as const;

/** Row length of the hidden layer's activations: H rounded up to whole f32x4 (the GELU pass runs on whole rows). */
export function paddedHidden(hidden: number): number {
  return 4 * Math.ceil(hidden / 4);
}

/** Pushes the sum of the four lanes of local `v` (f32), lane 0 first. */
function lanesSum(f: FunctionBuilder, v: number): void {
  f.get(v).extractLane(0).get(v).extractLane(1).op('f32.add').get(v).extractLane(2).op('f32.add').get(v).extractLane(3).op('f32.add');
}

/**
 * layerNorm(fused, normed, xhat, invStd, gamma, beta, rows): per row of E values, biased variance and ε = 1e-5 as
 * torch.nn.LayerNorm; keeps x̂ and 1/σ per row for the backward pass.
 */
function layerNormFunction(s: HeadShapes): FunctionBuilder {
  const f = new FunctionBuilder('layerNorm', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [FUSED, NORMED, XHAT, INV, GAMMA, BETA, ROWS] = [0, 1, 2, 3, 4, 5, 6];
  const row = f.local('i32');
  const col = f.local('i32');
  const [acc, mean, d, inv] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const scalar = f.local('f32');
  const rowBytes = 4 * s.features;
  const sumRow = (body: () => void) => {
    f.f32x4(0).set(acc);
    f.forRange(col, 0, rowBytes, 16, body);
  };
  f.forRange(row, 0, { local: ROWS }, 1, () => {
    sumRow(() => f.get(acc).get(FUSED).get(col).op('i32.add').v128Load().op('f32x4.add').set(acc));
    lanesSum(f, acc);
    f.f32(s.features).op('f32.div').op('f32x4.splat').set(mean);
    sumRow(() => {
      f.get(FUSED).get(col).op('i32.add').v128Load().get(mean).op('f32x4.sub').set(d);
      f.get(acc).get(d).get(d).op('f32x4.mul', 'f32x4.add').set(acc);
    });
    lanesSum(f, acc);
    f.f32(s.features).op('f32.div').f32(1e-5).op('f32.add', 'f32.sqrt').set(scalar);
    f.get(INV).f32(1).get(scalar).op('f32.div').tee(scalar).f32Store();
    f.get(scalar).op('f32x4.splat').set(inv);
    f.forRange(col, 0, rowBytes, 16, () => {
      f.get(FUSED).get(col).op('i32.add').v128Load().get(mean).op('f32x4.sub').get(inv).op('f32x4.mul').set(d);
      f.get(XHAT).get(col).op('i32.add').get(d).v128Store();
      f.get(NORMED).get(col).op('i32.add').get(d).get(GAMMA).get(col).op('i32.add').v128Load().op('f32x4.mul');
      f.get(BETA).get(col).op('i32.add').v128Load().op('f32x4.add').v128Store();
    });
    f.add(FUSED, rowBytes).add(NORMED, rowBytes).add(XHAT, rowBytes).add(INV, 4);
  });
  return f;
}

// Abramowitz & Stegun 7.1.26 for erf (|error| ≤ 1.5e-7, as tfjs's Erf kernels).
const ERF_P = 0.3275911;
const ERF_A = [1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592];

/**
 * gelu(z1, keep, hidden, slope, count): hidden = z·Φ(z)·keep and slope = (Φ(z) + z·φ(z))·keep, the exact GELU and its
 * derivative, with Φ(z) = (1 + erf(z/√2))/2; erf's exp(−x²) at x = |z|/√2 is φ's exp(−z²/2) too. `count` is a
 * multiple of 4.
 */
function geluFunction(): FunctionBuilder {
  const f = new FunctionBuilder('gelu', ['i32', 'i32', 'i32', 'i32', 'i32']);
  const [Z, KEEP, HIDDEN, SLOPE, COUNT] = [0, 1, 2, 3, 4];
  const i = f.local('i32');
  const [z, x, t, gauss, n, cdf, keep] = f.newLocals('v128', 7);
  f.forRange(i, 0, { local: COUNT }, 4, () => {
    f.get(Z).v128Load().set(z);
    f.get(KEEP).v128Load().set(keep);
    f.get(z).op('f32x4.abs').f32x4(Math.SQRT1_2).op('f32x4.mul').set(x);
    f.get(x).get(x).op('f32x4.mul', 'f32x4.neg').set(gauss);
    exp(f, gauss, n);
    f.set(gauss);
    f.f32x4(1).f32x4(1).f32x4(ERF_P).get(x).op('f32x4.mul', 'f32x4.add', 'f32x4.div').set(t);
    // poly = t·(a1 + t·(a2 + …)), by Horner from a5; erf(x) = 1 − poly·gauss, signed as z.
    f.f32x4(ERF_A[0]!);
    for (const a of ERF_A.slice(1)) f.get(t).op('f32x4.mul').f32x4(a).op('f32x4.add');
    f.get(t).op('f32x4.mul').get(gauss).op('f32x4.mul').set(x);
    f.f32x4(1).get(x).op('f32x4.sub').set(x);
    f.get(x).op('f32x4.neg').get(x).get(z).f32x4(0).op('f32x4.lt', 'v128.bitselect');
    f.f32x4(1).op('f32x4.add').f32x4(0.5).op('f32x4.mul').set(cdf);
    f.get(HIDDEN).get(z).get(cdf).op('f32x4.mul').get(keep).op('f32x4.mul').v128Store();
    f.get(SLOPE).get(cdf).get(z).f32x4(1 / Math.sqrt(2 * Math.PI)).op('f32x4.mul').get(gauss).op('f32x4.mul', 'f32x4.add').get(keep).op('f32x4.mul').v128Store();
    f.add(Z, 16).add(KEEP, 16).add(HIDDEN, 16).add(SLOPE, 16);
  });
  return f;
}

export type KernelName = (typeof KERNELS)[number];

/**
 * adamW(p, g, m, v, count, decay, stepSize, invRootC2, eps, beta1, beta2) over `count` floats (a multiple of 4) in
 * torch.optim.AdamW's grouping: m = β1·m + (1 − β1)·g, v = β2·v + (1 − β2)·g², p = p·decay − stepSize·m / (√v·(1/√c2) + ε).
 */
function adamWFunction(): FunctionBuilder {
  const f = new FunctionBuilder('adamW', ['i32', 'i32', 'i32', 'i32', 'i32', 'f32', 'f32', 'f32', 'f32', 'f32', 'f32']);
  const [P, G, M, V, COUNT] = [0, 1, 2, 3, 4];
  const i = f.local('i32');
  /** A v128 local holding the f32 parameter `p` in every lane. */
  const splat = (p: number) => {
    const l = f.local('v128');
    f.get(p).op('f32x4.splat').set(l);
    return l;
  };
  const [decay, stepSize, invRootC2, eps, beta1, beta2] = [splat(5), splat(6), splat(7), splat(8), splat(9), splat(10)];
  const [g, m, v] = [f.local('v128'), f.local('v128'), f.local('v128')];
  f.forRange(i, 0, { local: COUNT }, 4, () => {
    f.get(G).v128Load().set(g);
    f.get(M).get(beta1).get(M).v128Load().op('f32x4.mul').f32x4(1).get(beta1).op('f32x4.sub').get(g).op('f32x4.mul', 'f32x4.add').tee(m).v128Store();
    f.get(V).get(beta2).get(V).v128Load().op('f32x4.mul').f32x4(1).get(beta2).op('f32x4.sub').get(g).get(g).op('f32x4.mul', 'f32x4.mul', 'f32x4.add').tee(v).v128Store();
    f.get(P).get(P).v128Load().get(decay).op('f32x4.mul');
    f.get(stepSize).get(m).op('f32x4.mul').get(v).op('f32x4.sqrt').get(invRootC2).op('f32x4.mul').get(eps).op('f32x4.add', 'f32x4.div', 'f32x4.sub').v128Store();
    f.add(P, 16).add(G, 16).add(M, 16).add(V, 16);
  });
  return f;
}

const LOG2E = Math.LOG2E;
// Cody–Waite split of ln 2 and the minimax polynomial of exp on [−ln2/2, ln2/2] (Cephes' expf): relative error
// ~1e-7, i.e. float32 rounding.
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_POLY = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** Pushes exp(t) for the v128 in local `t` (clobbered), using local `n`; t is clamped to ±87 (2^n stays normal). */
function exp(f: FunctionBuilder, t: number, n: number): void {
  f.get(t).f32x4(87).op('f32x4.min').f32x4(-87).op('f32x4.max').set(t);
  f.get(t).f32x4(LOG2E).op('f32x4.mul', 'f32x4.nearest').set(n);
  f.get(t).get(n).f32x4(LN2_HI).op('f32x4.mul', 'f32x4.sub').get(n).f32x4(LN2_LO).op('f32x4.mul', 'f32x4.sub').set(t);
  // p(t) = 1 + t + t²·(c5 + t·(c4 + …)) by Horner.
  f.f32x4(EXP_POLY[0]!);
  for (const c of EXP_POLY.slice(1)) f.get(t).op('f32x4.mul').f32x4(c).op('f32x4.add');
  f.get(t).get(t).op('f32x4.mul', 'f32x4.mul').get(t).op('f32x4.add').f32x4(1).op('f32x4.add');
  // × 2^n from the exponent bits.
  f.get(n).op('i32x4.trunc_sat_f32x4_s').i32x4(127).op('i32x4.add').i32(23).op('i32x4.shl', 'f32x4.mul');
}

/** Pushes σ(x) for the v128 in local `x`, using locals `t`, `n` (v128). */
function sigmoid(f: FunctionBuilder, x: number, t: number, n: number): void {
  // σ = 1 / (1 + exp(−x)); the clamp of exp's argument is far past σ's saturation.
  f.get(x).op('f32x4.neg').set(t);
  exp(f, t, n);
  f.set(t).f32x4(1).f32x4(1).get(t).op('f32x4.add', 'f32x4.div');
}

/**
 * gates(z, table, fused, segments): for each segment s, z's C rows [C, E] (at z + s·C·E·4) become σ(z), and
 * fused[s, :] = pool over channels of σ(z) ⊙ emb, emb the segment's [C, E] embeddings at the address table[s].
 */
function gatesFunction(s: HeadShapes): FunctionBuilder {
  const f = new FunctionBuilder('gates', ['i32', 'i32', 'i32', 'i32']);
  const [Z, TABLE, FUSED, SEGMENTS] = [0, 1, 2, 3];
  const seg = f.local('i32');
  const emb = f.local('i32');
  const col = f.local('i32');
  const at = f.local('i32');
  const [x, t, n, acc] = [f.local('v128'), f.local('v128'), f.local('v128'), f.local('v128')];
  const rowBytes = 4 * s.features;
  f.forRange(seg, 0, { local: SEGMENTS }, 1, () => {
    f.get(TABLE).get(seg).i32(4).op('i32.mul', 'i32.add').i32Load().set(emb);
    f.forRange(col, 0, rowBytes, 16, () => {
      f.f32x4(s.cPool === 'mean' ? 0 : -Infinity).set(acc);
      f.get(Z).get(col).op('i32.add').set(at);
      for (let ch = 0; ch < s.channels; ch++) {
        f.get(at).v128Load(ch * rowBytes).set(x);
        sigmoid(f, x, t, n);
        f.set(x);
        f.get(at).get(x).v128Store(ch * rowBytes);
        f.get(acc).get(emb).get(col).op('i32.add').v128Load(ch * rowBytes).get(x).op('f32x4.mul');
        f.op(s.cPool === 'mean' ? 'f32x4.add' : 'f32x4.max').set(acc);
      }
      f.get(FUSED).get(col).op('i32.add').get(acc);
      if (s.cPool === 'mean') f.f32x4(1 / s.channels).op('f32x4.mul');
      f.v128Store();
    });
    f.add(Z, s.channels * rowBytes).add(FUSED, rowBytes);
  });
  return f;
}

/**
 * gatesGrad(gates, table, fused, dFused, dz, gBias, segments, channelOf): d loss/d z of the gate linears from
 * d loss/d fused, through the channel pooling and the sigmoid: dz = d·emb·σ·(1 − σ); gBias[E] += Σ dz over the rows.
 * Mean pooling: d/C for every channel, dz dense [n·C, E]. Max pooling: only the first channel that reached the
 * maximum (recomputed bit for bit as in the forward pass) gets d, so dz is kept per segment, [n, E], with that
 * channel's index in channelOf [n, E] (i32): the weights' gradient then reads one PSD row per value (weightGradMax).
 */
function gatesGradFunction(s: HeadShapes): FunctionBuilder {
  const f = new FunctionBuilder('gatesGrad', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [GATES, TABLE, FUSED, DFUSED, DZ, GBIAS, SEGMENTS, CHANNEL_OF] = [0, 1, 2, 3, 4, 5, 6, 7];
  const max = s.cPool === 'max';
  const channelOf = f.local('v128');
  const seg = f.local('i32');
  const emb = f.local('i32');
  const col = f.local('i32');
  const [d, pooled, found, eq, g, e, sum] = f.newLocals('v128', 7);
  const rowBytes = 4 * s.features;
  f.forRange(seg, 0, { local: SEGMENTS }, 1, () => {
    f.get(TABLE).get(seg).i32(4).op('i32.mul', 'i32.add').i32Load().set(emb);
    f.forRange(col, 0, rowBytes, 16, () => {
      f.get(DFUSED).get(col).op('i32.add').v128Load();
      if (s.cPool === 'mean') f.f32x4(1 / s.channels).op('f32x4.mul');
      f.set(d);
      f.get(FUSED).get(col).op('i32.add').v128Load().set(pooled);
      f.i32x4(0).set(found).f32x4(0).set(sum).i32x4(0).set(channelOf);
      for (let ch = 0; ch < s.channels; ch++) {
        f.get(GATES).get(col).op('i32.add').v128Load(ch * rowBytes).set(g);
        f.get(emb).get(col).op('i32.add').v128Load(ch * rowBytes).set(e);
        if (max) {
          f.get(e).get(g).op('f32x4.mul').get(pooled).op('f32x4.eq').get(found).op('v128.andnot').set(eq);
          f.get(found).get(eq).op('v128.or').set(found);
          f.i32x4(ch).get(channelOf).get(eq).op('v128.bitselect').set(channelOf);
          f.get(d).get(eq).op('v128.and');
        } else f.get(d);
        f.get(e).op('f32x4.mul').get(g).op('f32x4.mul').f32x4(1).get(g).op('f32x4.sub', 'f32x4.mul').set(eq);
        if (!max) f.get(DZ).get(col).op('i32.add').get(eq).v128Store(ch * rowBytes);
        f.get(sum).get(eq).op('f32x4.add').set(sum);
      }
      // Max pooling: the one non-zero dz of each column is the sum over channels.
      if (max) {
        f.get(DZ).get(col).op('i32.add').get(sum).v128Store();
        f.get(CHANNEL_OF).get(col).op('i32.add').get(channelOf).v128Store();
      }
      f.get(GBIAS).get(col).op('i32.add').get(GBIAS).get(col).op('i32.add').v128Load().get(sum).op('f32x4.add').v128Store();
    });
    f.add(GATES, s.channels * rowBytes).add(DZ, (max ? 1 : s.channels) * rowBytes).add(FUSED, rowBytes).add(DFUSED, rowBytes);
    if (max) f.add(CHANNEL_OF, rowBytes);
  });
  return f;
}

/**
 * weightGradMax(psd, dz, channelOf, gGateT, scratch, segments, eFrom, eTo): the gate weights' gradient under max
 * pooling, gGateT[F, E] columns [eFrom, eTo): gGateT[:, e] = Σ_s dz[s, e]·psd[s, channelOf[s, e], :] — one PSD row per
 * segment instead of all C (the dense product's other rows are all zero). Each column is summed in `scratch` (F
 * floats, rounded up to whole f32x4) and then written down its column.
 */
function weightGradMaxFunction(s: HeadShapes): FunctionBuilder {
  const f = new FunctionBuilder('weightGradMax', ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [PSD, DZ, CHANNEL_OF, OUT, SCRATCH, SEGMENTS, FROM, TO] = [0, 1, 2, 3, 4, 5, 6, 7];
  const e = f.local('i32');
  const seg = f.local('i32');
  const q = f.local('i32');
  const src = f.local('i32');
  const at = f.local('i32');
  const dv = f.local('v128');
  const d = f.local('f32');
  const F = s.freqs;
  const vectorBytes = 16 * Math.floor(F / 4);
  const scratchBytes = 16 * Math.ceil(F / 4);
  f.forRange(e, { local: FROM }, { local: TO }, 1, () => {
    f.forRange(q, 0, scratchBytes, 16, () => f.get(SCRATCH).get(q).op('i32.add').f32x4(0).v128Store());
    f.forRange(seg, 0, { local: SEGMENTS }, 1, () => {
      // at = 4·(seg·E + e): this segment's dz and channel for column e.
      f.get(seg).i32(s.features).op('i32.mul').get(e).op('i32.add').i32(4).op('i32.mul').set(at);
      f.get(DZ).get(at).op('i32.add').f32Load().tee(d).op('f32x4.splat').set(dv);
      f.get(PSD).get(seg).i32(s.channels).op('i32.mul').get(CHANNEL_OF).get(at).op('i32.add').i32Load().op('i32.add').i32(4 * F).op('i32.mul', 'i32.add').set(src);
      // Unrolled over the F bins (constant offsets): a loop spent more on its counter and addresses than on the sums.
      for (let t = 0; t < vectorBytes; t += 16) f.get(SCRATCH).get(SCRATCH).v128Load(t).get(src).v128Load(t).get(dv).op('f32x4.mul', 'f32x4.add').v128Store(t);
      for (let t = vectorBytes; t < 4 * F; t += 4) f.get(SCRATCH).get(SCRATCH).f32Load(t).get(src).f32Load(t).get(d).op('f32.mul', 'f32.add').f32Store(t);
    });
    // Down column e of [F, E].
    f.get(OUT).get(e).i32(4).op('i32.mul', 'i32.add').set(at);
    f.forRange(q, 0, 4 * F, 4, () => {
      f.get(at).get(SCRATCH).get(q).op('i32.add').f32Load().f32Store();
      f.add(at, 4 * s.features);
    });
  });
  return f;
}

/** The module's bytes for `shapes`, importing env.memory as described. */
export function headKernelBytes(s: HeadShapes, memory: { pages: number; shared: boolean }, fusedMultiplyAdd: boolean): Uint8Array<ArrayBuffer> {
  if (s.features % 4 !== 0) throw new RangeError(`head kernels need 3·d3 divisible by 4, got ${s.features}`);
  const tile = { tileRows: 4, tileVectors: 2, fusedMultiplyAdd };
  const { freqs: F, features: E, hidden: H } = s;
  const functions = [
    gemmFunction({ name: 'gateLinear', n: E, rowStride: 4 * F, kStride: 4, ...tile }),
    gemmFunction({ name: 'gateWeightGrad', n: E, rowStride: 4, kStride: 4 * F, ...tile }),
    gemmFunction({ name: 'hiddenLinear', n: H, ldc: paddedHidden(H), rowStride: 4 * E, kStride: 4, ...tile }),
    gemmFunction({ name: 'hiddenWeightGrad', n: H, rowStride: 4, kStride: 4 * E, ...tile }),
    gemmFunction({ name: 'normedGrad', n: s.trainBatch, ldb: s.evalBatch, ldc: s.evalBatch, rowStride: 4 * H, kStride: 4, ...tile }),
    gatesFunction(s),
    gatesGradFunction(s),
    adamWFunction(),
    layerNormFunction(s),
    geluFunction(),
    weightGradMaxFunction(s),
  ];
  return moduleBytes({ initialPages: memory.pages, maximumPages: memory.pages, shared: memory.shared }, functions);
}
