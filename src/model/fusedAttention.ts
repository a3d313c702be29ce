// The attention of a transformer layer (ARCHITECTURE.md §4 steps 2–7) on the generated WebAssembly kernels
// (src/runtime/wasm/attentionKernels.ts) instead of tfjs ops: the head split, RoPE on Q, K and V (§5) and the scale
// of the scores (1/√hd, and log2 e for the kernels' base-2 softmax) are applied here while the values are copied into the kernels' memory; the kernels compute the scores, the
// softmax over queries with the zeroed diagonal and the V product in blocks of keys, and merge the heads. Inference
// only (no gradient), on tfjs-backend-wasm; elsewhere the tfjs ops of attention.ts run.
import * as tf from '@tensorflow/tfjs';
import { queryScale } from '../runtime/wasm/attentionKernels';
import { attentionRuntime, WasmAttention } from '../runtime/wasm/wasmAttention';
import { registerHeapKernel } from '../runtime/wasmKernels';

let enabled = true;

/** Turns the fused kernels off or on (A/B comparisons with the tfjs ops in one process). */
export function setFusedAttention(on: boolean): void {
  enabled = on;
}

/** Whether attention with heads of `headDim` runs on the fused kernels here. */
export function fusedAttentionApplies(headDim: number, training: boolean): boolean {
  return enabled && !training && tf.getBackend() === 'wasm' && WasmAttention.supports(headDim);
}

interface AttentionAttrs {
  readonly heads: number;
  readonly omega: Float32Array;
}

const KERNEL = 'SpecMoEAttention';

/** Attention as a tfjs kernel of the wasm back-end (Q, K, V and positions read in tfjs's heap, output into a tfjs tensor). */
function registerKernel(): void {
  registerHeapKernel<AttentionAttrs>(KERNEL, ({ q, k, v, positions }, { heads, omega }) => {
    const shape = [...q!.shape] as [number, number, number];
    return { shape, values: attend(q!.values, k!.values, v!.values, positions!.values, ...shape, heads, omega) };
  });
}

/**
 * q, k, v: the lin_1 / k_proj / v_proj outputs [B, L, D]; positions [B, L]; omega: RoPE frequencies [hd/2].
 * Returns the heads-merged attention output [B, L, D] (the input of out_proj).
 */
export function fusedAttention(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, positions: tf.Tensor2D, heads: number, omega: Float32Array): tf.Tensor3D {
  registerKernel();
  const attrs: AttentionAttrs = { heads, omega };
  return tf.engine().runKernel(KERNEL, { q, k, v, positions }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
}

/** The attention of flat [B, L, D] arrays (see fusedAttention); returns a view of the kernels' memory. */
function attend(qIn: Float32Array, kIn: Float32Array, vIn: Float32Array, pos: Float32Array, batch: number, length: number, dim: number, heads: number, omega: Float32Array): Float32Array {
  const headDim = dim / heads;
  const half = headDim / 2;
  const scale = queryScale(headDim);
  // cos and sin of the float32 angles P[b, l]·ω_m, as the reference takes them (§5).
  const cos = new Float64Array(batch * length * half);
  const sin = new Float64Array(batch * length * half);
  for (let bl = 0; bl < batch * length; bl++) {
    for (let m = 0; m < half; m++) {
      const angle = Math.fround(pos[bl]! * omega[m]!);
      cos[bl * half + m] = Math.fround(Math.cos(angle));
      sin[bl * half + m] = Math.fround(Math.sin(angle));
    }
  }
  return attentionRuntime().run({ batch, heads, length, headDim }, (dst) => {
    // Head split by raw reinterpretation (§4 step 2): pair p = b·H + h is the p-th [L, hd] chunk of the buffer, and
    // its row l takes the angles of position l.
    for (let p = 0; p < batch * heads; p++) {
      const b = Math.floor(p / heads);
      const src = p * length * headDim;
      const qDst = p * length * headDim;
      const kvDst = p * dst.keyRows * headDim;
      for (let l = 0; l < length; l++) {
        const angles = (b * length + l) * half;
        const row = l * headDim;
        for (let m = 0; m < half; m++) {
          const c = cos[angles + m]!;
          const s = sin[angles + m]!;
          const e = row + 2 * m;
          const [q0, q1] = [qIn[src + e]!, qIn[src + e + 1]!];
          dst.q[qDst + e] = (q0 * c - q1 * s) * scale;
          dst.q[qDst + e + 1] = (q1 * c + q0 * s) * scale;
          const [k0, k1] = [kIn[src + e]!, kIn[src + e + 1]!];
          dst.k[kvDst + e] = k0 * c - k1 * s;
          dst.k[kvDst + e + 1] = k1 * c + k0 * s;
          const [v0, v1] = [vIn[src + e]!, vIn[src + e + 1]!];
          dst.v[kvDst + e] = v0 * c - v1 * s;
          dst.v[kvDst + e + 1] = v1 * c + v0 * s;
        }
      }
    }
  });
}
