// The transformer encoder layer of SpecHi-Net (ARCHITECTURE.md §4) with RoPE (§5). Attention runs one head at
// a time and in blocks of keys: the softmax normalises over queries (PyTorch dim 2), so each key block's
// columns are complete on their own and the blocks' contributions simply add up — exact, and the 8 × L × L score
// tensor (462 MB at L = 3 800) never exists.
import * as tf from '@tensorflow/tfjs';
import { fusedAttention, fusedAttentionApplies } from './fusedAttention';
import { customLayerNorm, type LayerContext, linear, stack } from './layers';

/**
 * Score elements per key block (batch × keys × queries): 2 MB of float32, which stays in cache between the block's
 * kernels (encoder 19 × 6 000 on wasm: 0.87 s at 2 MB, 0.90 s at 4 MB, 0.96 s at 8 MB; 4 × 6 000: 0.12 vs 0.18 s).
 */
const BLOCK_ELEMENTS = 1 << 19;

/** RoPE frequencies ω_m = 1/10000^(2m/hd), rounded through float32 like the reference (§5). */
function ropeFrequencies(headDim: number): Float32Array {
  const omega = new Float32Array(headDim / 2);
  for (let m = 0; m < headDim / 2; m++) {
    const exponent = Math.fround((2 * m) / headDim);
    omega[m] = Math.fround(1 / Math.fround(10000 ** exponent));
  }
  return omega;
}

/** 2π split so that k·TWO_PI_HI is exact in float32 for |k| < 2^16 (TWO_PI_HI = 201/32 has 8 significant bits). */
const TWO_PI_HI = 6.28125;
const TWO_PI_LO = Math.fround(2 * Math.PI - TWO_PI_HI);
/** Taylor coefficients in r² of sin(r)/r and cos(r), to r¹⁸/r¹⁹: truncation below 3e-9 on [−π, π]. */
const SIN_COEFFS = Array.from({ length: 10 }, (_, k) => (k % 2 ? -1 : 1) / factorial(2 * k + 1));
const COS_COEFFS = Array.from({ length: 10 }, (_, k) => (k % 2 ? -1 : 1) / factorial(2 * k));

function factorial(n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return f;
}

/** Σ c_k·x^k by Horner's rule, in tf ops. */
function polynomial(x: tf.Tensor, coeffs: readonly number[]): tf.Tensor {
  let p: tf.Tensor = tf.scalar(coeffs[coeffs.length - 1]!);
  for (let k = coeffs.length - 2; k >= 0; k--) p = tf.add(tf.mul(p, x), coeffs[k]!);
  return p;
}

/**
 * cos and sin of float32 angles from multiplies and adds only: the angle minus the nearest multiple of 2π
 * (Cody–Waite), then Taylor polynomials on [−π, π]. GPU shaders may compute sin/cos with an absolute error up to
 * 2^-11 (the Vulkan minimum, which SwiftShader takes), which put the attention outputs ~4e-4 off the reference on
 * WebGL and WebGPU; this is within ~3e-7 everywhere. The reference takes cos/sin of the same float32 angles.
 */
function cosSin(angles: tf.Tensor): { cos: tf.Tensor; sin: tf.Tensor } {
  const k = tf.round(tf.mul(angles, 1 / (2 * Math.PI)));
  const r = tf.sub(tf.sub(angles, tf.mul(k, TWO_PI_HI)), tf.mul(k, TWO_PI_LO));
  const r2 = tf.mul(r, r);
  return { cos: polynomial(r2, COS_COEFFS), sin: tf.mul(r, polynomial(r2, SIN_COEFFS)) };
}

/**
 * RoPE tables for positions [B, L]: cos and signed sin per component, [B, 1, L, hd], so that for every pair
 * (2m, 2m+1): y'[2m] = y[2m]·cos − y[2m+1]·sin and y'[2m+1] = y[2m+1]·cos + y[2m]·sin becomes
 * y' = y·cos + swapPairs(y)·signedSin. (Splitting even/odd lanes with tf.split is ~10× slower on wasm.)
 */
function ropeTables(positions: tf.Tensor2D, headDim: number): { cos: tf.Tensor4D; signedSin: tf.Tensor4D; swap: tf.Tensor2D } {
  const [batch, length] = positions.shape;
  const omega = ropeFrequencies(headDim);
  const perComponent = new Float32Array(headDim);
  const sign = new Float32Array(headDim);
  const swap = new Float32Array(headDim * headDim);
  for (let i = 0; i < headDim; i++) {
    perComponent[i] = omega[i >> 1]!;
    sign[i] = i % 2 === 0 ? -1 : 1;
    swap[i * headDim + (i ^ 1)] = 1; // row i of the permutation picks component i^1
  }
  const angles = tf.mul(tf.reshape(positions, [batch, 1, length, 1]), tf.tensor(perComponent, [1, 1, 1, headDim]));
  const { cos, sin } = tf.tidy(() => cosSin(angles));
  return {
    cos: cos as tf.Tensor4D,
    signedSin: tf.mul(sin, tf.tensor(sign, [1, 1, 1, headDim])) as tf.Tensor4D,
    swap: tf.tensor2d(swap, [headDim, headDim]),
  };
}

/** Applies RoPE to y [B, H, L, hd]; the pair swap is an exact permutation matmul. */
function rotate(y: tf.Tensor4D, tables: ReturnType<typeof ropeTables>): tf.Tensor4D {
  const [b, h, l, hd] = y.shape;
  const swapped = tf.reshape(tf.matMul(tf.reshape(y, [b * h * l, hd]), tables.swap), [b, h, l, hd]);
  return tf.add(tf.mul(y, tables.cos), tf.mul(swapped, tables.signedSin)) as tf.Tensor4D;
}

/**
 * a·b for [B, M, K]·[B, K, N] on the fast path of every back-end: tfjs-backend-wasm multiplies with XNNPACK only for
 * a batch of 1 without transpose flags (otherwise a scalar loop, 5–15× slower), so a batch is done one item at a
 * time and the gradient multiplies explicitly transposed copies.
 */
const batchMatMul = tf.customGrad((aIn, bIn, save) => {
  const [a, b] = [aIn as tf.Tensor3D, bIn as tf.Tensor3D];
  (save as tf.GradSaveFunc)([a, b]);
  return {
    value: plainBatchMatMul(a, b),
    gradFunc: (dy, saved) => {
      const [sa, sb] = saved as [tf.Tensor3D, tf.Tensor3D];
      const g = dy as tf.Tensor3D;
      return [plainBatchMatMul(g, tf.transpose(sb, [0, 2, 1])), plainBatchMatMul(tf.transpose(sa, [0, 2, 1]), g)];
    },
  };
}) as (a: tf.Tensor3D, b: tf.Tensor3D) => tf.Tensor3D;

function plainBatchMatMul(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const batch = a.shape[0];
  if (batch === 1) return tf.matMul(a, b);
  const item = (t: tf.Tensor3D, i: number) => tf.slice(t, [i, 0, 0], [1, t.shape[1], t.shape[2]]);
  return tf.concat(Array.from({ length: batch }, (_, i) => tf.matMul(item(a, i), item(b, i))), 0) as tf.Tensor3D;
}

/**
 * All heads: O_h[i] = Σ_j A_h[i, j]·V_h[j] with A_h = softmax over queries i of (Q_h[i]·K_h[j]/√hd, diagonal
 * set to 0). q, k, v: per head [B, L, hd] after RoPE. Scores are laid out keys × queries, so the dim-2 softmax
 * is a last-axis softmax; the weights are then transposed to queries × keys so that the big operand of the
 * product with V is the left one (tfjs-wasm repacks the right operand of every product: 7 ms for a 551 × 3 800
 * block, against 2 ms to transpose it and 2 ms to multiply). The diagonal mask of a key block is shared by the heads.
 */
function multiHeadAttention(q: tf.Tensor3D[], k: tf.Tensor3D[], v: tf.Tensor3D[], training: boolean): tf.Tensor3D[] {
  const [batch, length, headDim] = q[0]!.shape;
  const qT = q.map((t) => tf.transpose(tf.mul(t, 1 / Math.sqrt(headDim)), [0, 2, 1]) as tf.Tensor3D); // [B, hd, L]
  const mm = training ? batchMatMul : plainBatchMatMul;
  const blockKeys = training ? length : Math.max(64, Math.min(length, Math.floor(BLOCK_ELEMENTS / (batch * length))));
  let out: tf.Tensor3D[] = []; // per head [B, L, hd]
  for (let start = 0; start < length; start += blockKeys) {
    const n = Math.min(blockKeys, length - start);
    const block = (): tf.Tensor3D[] => {
      // oneHot in int32 then cast: tfjs-backend-wasm 4.22's float32 oneHot writes integer bit patterns.
      const offDiagonal = tf.sub(1, tf.cast(tf.oneHot(tf.range(start, start + n, 1, 'int32'), length), 'float32'));
      return qT.map((qTh, h) => {
        const kBlock = tf.slice(k[h]!, [0, start, 0], [batch, n, headDim]);
        const vBlock = tf.slice(v[h]!, [0, start, 0], [batch, n, headDim]);
        const scores = mm(kBlock, qTh); // [B, n, L]: row j = key start + j
        const weights = tf.softmax(tf.mul(scores, offDiagonal)); // the diagonal logit is 0, not −∞ (§4 step 4)
        const part = mm(tf.transpose(weights, [0, 2, 1]) as tf.Tensor3D, vBlock); // [B, L, hd]
        return out[h] ? tf.add(out[h]!, part) : part;
      });
    };
    const next = training ? block() : tf.tidy(block);
    if (!training) tf.dispose(out);
    out = next;
  }
  if (!training) tf.dispose(qT);
  return out;
}

/** §4 steps 2–7 in tfjs ops (every back-end, and training): q, k, v [B, L, D] → heads merged [B, L, D]. */
function attentionOps(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, positions: tf.Tensor2D, heads: number, training: boolean): tf.Tensor3D {
  const [batch, length, dim] = q.shape;
  const headDim = dim / heads;
  // Head split by raw reinterpretation [B, L, D] → [B, H, L, hd] (no transpose), §4 step 2.
  const split = (t: tf.Tensor) => tf.reshape(t, [batch, heads, length, headDim]) as tf.Tensor4D;
  const tables = ropeTables(positions, headDim);
  const [qr, kr, vr] = [q, k, v].map((t) => rotate(split(t), tables)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  // Slices rather than tf.unstack/tf.stack, whose wasm kernels (and gradients) are ~10× slower.
  const perHead = (t: tf.Tensor4D) =>
    Array.from({ length: heads }, (_, h) => tf.reshape(tf.slice(t, [0, h, 0, 0], [batch, 1, length, headDim]), [batch, length, headDim]) as tf.Tensor3D);
  const headOutputs = multiHeadAttention(perHead(qr), perHead(kr), perHead(vr), training);
  // Head merge with the usual transpose: Om[b, l, h·hd + e] = O[b, h, l, e] (§4 step 7).
  return tf.reshape(stack(headOutputs, 2), [batch, length, dim]) as tf.Tensor3D;
}

/**
 * TransformerEncoder layer: x [B, L, D], positions [B, L] → [B, L, D]. At inference on tfjs-backend-wasm the
 * attention runs on the fused WebAssembly kernels (fusedAttention.ts), elsewhere on tfjs ops. `onAttention`
 * receives the attention block's output (out_proj, before the residual), for the parity checks.
 */
export function transformerLayer(
  x: tf.Tensor3D,
  positions: tf.Tensor2D,
  prefix: string,
  heads: number,
  ctx: LayerContext,
  onAttention?: (attended: tf.Tensor3D) => void,
): tf.Tensor3D {
  const dim = x.shape[2];
  const headDim = dim / heads;
  const q = linear(x, `${prefix}.lin_1`, ctx) as tf.Tensor3D;
  const k = linear(x, `${prefix}.MultiH_Attn.k_proj`, ctx) as tf.Tensor3D;
  const v = linear(x, `${prefix}.MultiH_Attn.v_proj`, ctx) as tf.Tensor3D;
  const merged = fusedAttentionApplies(headDim, ctx.training)
    ? fusedAttention(q, k, v, positions, heads, ropeFrequencies(headDim))
    : attentionOps(q, k, v, positions, heads, ctx.training);
  const attended = linear(merged, `${prefix}.MultiH_Attn.out_proj`, ctx) as tf.Tensor3D;
  onAttention?.(attended);
  // The residual is the lin_1 output Q, not x (§4 step 8).
  const x1 = customLayerNorm(tf.add(q, attended), `${prefix}.sublayer_output.0.norm`, ctx);
  const ff = linear(tf.relu(linear(x1, `${prefix}.feed_forward.w_1`, ctx)), `${prefix}.feed_forward.w_2`, ctx);
  return customLayerNorm(tf.add(x1, ff), `${prefix}.sublayer_output.1.norm`, ctx) as tf.Tensor3D;
}

/**
 * TimeSet pooling (§5): AvgPool(k8, s5, p4) then AvgPool(second) over times [B, T] (zero padding counted), each
 * pooled value repeated C times consecutively → [B, C·T'].
 */
export function timeSetPooling(times: tf.Tensor2D, nChannels: number, second: { k: number; stride: number; pad: number }): tf.Tensor2D {
  const [batch, length] = times.shape;
  const pool = (x: tf.Tensor4D, k: number, stride: number, pad: number) =>
    tf.avgPool(tf.pad(x, [[0, 0], [0, 0], [pad, pad], [0, 0]]), [1, k], [1, stride], 'valid') as tf.Tensor4D;
  const first = pool(tf.reshape(times, [batch, 1, length, 1]) as tf.Tensor4D, 8, 5, 4);
  const pooled = pool(first, second.k, second.stride, second.pad);
  const n = pooled.shape[2];
  return tf.reshape(tf.tile(tf.reshape(pooled, [batch, n, 1]), [1, 1, nChannels]), [batch, n * nChannels]) as tf.Tensor2D;
}

export const TIMESET_POOL_1 = { k: 16, stride: 6, pad: 6 };
export const TIMESET_POOL_2 = { k: 32, stride: 12, pad: 12 };
