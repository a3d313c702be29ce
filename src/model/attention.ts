// The transformer encoder layer of SpecHi-Net (ARCHITECTURE.md §4) with RoPE (§5). Attention runs one head at
// a time and in blocks of keys: the softmax normalises over queries (PyTorch dim 2), so each key block's
// columns are complete on their own and the blocks' contributions simply add up — exact, and the 8 × L × L score
// tensor (462 MB at L = 3 800) never exists.
import * as tf from '@tensorflow/tfjs';
import { customLayerNorm, type LayerContext, linear } from './layers';

/** Score elements per key block (batch × keys × queries): ~16 MB of float32. */
const BLOCK_ELEMENTS = 4 << 20;

/** RoPE frequencies ω_m = 1/10000^(2m/hd), rounded through float32 like the reference (§5). */
function ropeFrequencies(headDim: number): Float32Array {
  const omega = new Float32Array(headDim / 2);
  for (let m = 0; m < headDim / 2; m++) {
    const exponent = Math.fround((2 * m) / headDim);
    omega[m] = Math.fround(1 / Math.fround(10000 ** exponent));
  }
  return omega;
}

/** Rotates interleaved pairs (2m, 2m+1) of y [B, H, L, hd] by angles [B, 1, L, hd/2]. */
function rotate(y: tf.Tensor4D, cos: tf.Tensor4D, sin: tf.Tensor4D): tf.Tensor4D {
  const [b, h, l, hd] = y.shape;
  const pairs = tf.reshape(y, [b, h, l, hd / 2, 2]);
  const [even, odd] = tf.split(pairs, 2, 4).map((t) => tf.reshape(t, [b, h, l, hd / 2]));
  const evenOut = tf.sub(tf.mul(even!, cos), tf.mul(odd!, sin));
  const oddOut = tf.add(tf.mul(odd!, cos), tf.mul(even!, sin));
  return tf.reshape(tf.stack([evenOut, oddOut], 4), [b, h, l, hd]);
}

/**
 * One head: O[i] = Σ_j A[i, j]·V[j] with A = softmax over queries i of (Q[i]·K[j]/√hd, diagonal set to 0).
 * q, k, v: [B, L, hd] after RoPE. Keys on rows, so the dim-2 softmax is a last-axis softmax.
 */
function headAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, training: boolean): tf.Tensor3D {
  const [batch, length, headDim] = q.shape;
  const qT = tf.transpose(tf.mul(q, 1 / Math.sqrt(headDim)), [0, 2, 1]) as tf.Tensor3D; // [B, hd, L]
  const blockKeys = training ? length : Math.max(64, Math.min(length, Math.floor(BLOCK_ELEMENTS / (batch * length))));
  let out: tf.Tensor3D | null = null;
  for (let start = 0; start < length; start += blockKeys) {
    const n = Math.min(blockKeys, length - start);
    const contribution = (): tf.Tensor3D => {
      const kBlock = tf.slice(k, [0, start, 0], [batch, n, headDim]);
      const vBlock = tf.slice(v, [0, start, 0], [batch, n, headDim]);
      const scores = tf.matMul(kBlock, qT); // [B, n, L]: row j = key start + j
      // oneHot in int32 then cast: tfjs-backend-wasm 4.22's float32 oneHot writes integer bit patterns.
      const offDiagonal = tf.sub(1, tf.cast(tf.oneHot(tf.range(start, start + n, 1, 'int32'), length), 'float32'));
      const weights = tf.softmax(tf.mul(scores, offDiagonal));
      const part = tf.matMul(weights, vBlock, true, false) as tf.Tensor3D; // [B, L, hd]
      return out ? tf.add(out, part) : part;
    };
    const next: tf.Tensor3D = training ? contribution() : tf.tidy(contribution);
    if (!training && out) out.dispose();
    out = next;
  }
  if (!training) qT.dispose();
  return out!;
}

/**
 * TransformerEncoder layer: x [B, L, D], positions [B, L] → [B, L, D]. `onAttention` receives the attention
 * block's output (out_proj, before the residual), for the parity checks.
 */
export function transformerLayer(
  x: tf.Tensor3D,
  positions: tf.Tensor2D,
  prefix: string,
  heads: number,
  ctx: LayerContext,
  onAttention?: (attended: tf.Tensor3D) => void,
): tf.Tensor3D {
  const [batch, length, dim] = x.shape;
  const headDim = dim / heads;
  const q = linear(x, `${prefix}.lin_1`, ctx) as tf.Tensor3D;
  const k = linear(x, `${prefix}.MultiH_Attn.k_proj`, ctx);
  const v = linear(x, `${prefix}.MultiH_Attn.v_proj`, ctx);
  // Head split by raw reinterpretation [B, L, D] → [B, H, L, hd] (no transpose), §4 step 2.
  const split = (t: tf.Tensor) => tf.reshape(t, [batch, heads, length, headDim]) as tf.Tensor4D;
  const angles = tf.mul(tf.reshape(positions, [batch, 1, length, 1]), tf.tensor(ropeFrequencies(headDim), [1, 1, 1, headDim / 2]));
  const cos = tf.cos(angles) as tf.Tensor4D;
  const sin = tf.sin(angles) as tf.Tensor4D;
  const [qr, kr, vr] = [q, k, v].map((t) => rotate(split(t), cos, sin)) as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
  const headOutputs: tf.Tensor3D[] = [];
  for (let h = 0; h < heads; h++) {
    const pick = (t: tf.Tensor4D) => tf.reshape(tf.slice(t, [0, h, 0, 0], [batch, 1, length, headDim]), [batch, length, headDim]) as tf.Tensor3D;
    headOutputs.push(headAttention(pick(qr), pick(kr), pick(vr), ctx.training));
  }
  // Head merge with the usual transpose: Om[b, l, h·hd + e] = O[b, h, l, e] (§4 step 7).
  const merged = tf.reshape(tf.stack(headOutputs, 2), [batch, length, dim]);
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
