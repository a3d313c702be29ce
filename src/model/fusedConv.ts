// The convolutions of ARCHITECTURE.md §2 on the generated WebAssembly kernels (src/runtime/wasm/convKernels.ts)
// instead of tfjs-wasm's Conv2D: the same 'valid' convolution after zero padding, with the bias added in the same
// pass and the output rows split between two threads where a kernel thread is attached. Inference only (no
// gradient), on tfjs-backend-wasm; elsewhere, and in training, the tfjs ops of layers.ts run.
import * as tf from '@tensorflow/tfjs';
import { hasWasmSimd } from '../runtime/wasm/emit';
import { attentionRuntime } from '../runtime/wasm/wasmAttention';
import { registerHeapKernel } from '../runtime/wasmKernels';
import type { ConvSpec } from './architecture';

let enabled = true;

/** Turns the generated convolution kernels off or on (A/B comparisons with tfjs's in one process). */
export function setFusedConv(on: boolean): void {
  enabled = on;
}

/** Whether convolutions run on the generated kernels here. */
export function fusedConvApplies(training: boolean): boolean {
  return enabled && !training && tf.getBackend() === 'wasm' && hasWasmSimd();
}

/** An inference BatchNorm after a convolution: y·γ/√(var + ε) + β − mean·γ/√(var + ε), folded into the filter. */
export interface FoldedBatchNorm {
  readonly weight: tf.Tensor;
  readonly bias: tf.Tensor;
  readonly mean: tf.Tensor;
  readonly variance: tf.Tensor;
  readonly epsilon: number;
}

interface Prepared {
  /** The data of every tensor it was made from: a variable's assign() replaces its data. */
  readonly from: readonly object[];
  readonly filter: Float32Array;
  readonly bias: Float32Array | null;
}

/**
 * Filters in the kernels' layout [k, in, out] (PyTorch's is [out, in, k]) with a following BatchNorm folded in,
 * made once per weight value, so that evaluation between training steps still sees new weights.
 */
const prepared = new WeakMap<object, Prepared>();

function prepare(weight: tf.Tensor, bias: tf.Tensor | null, bn: FoldedBatchNorm | null, taps: number): Prepared {
  const tensors = [weight, bias, bn?.weight, bn?.bias, bn?.mean, bn?.variance].filter((t): t is tf.Tensor => t != null);
  const from = tensors.map((t) => t.dataId);
  const known = prepared.get(weight.dataId);
  if (known && known.from.length === from.length && known.from.every((d, i) => d === from[i])) return known;
  const [out, inCh] = weight.shape as [number, number];
  const k = taps;
  const w = weight.dataSync() as Float32Array;
  const read = (t: tf.Tensor | undefined | null) => (t ? (t.dataSync() as Float32Array) : null);
  const [b, gamma, beta, mean, variance] = [bias, bn?.weight, bn?.bias, bn?.mean, bn?.variance].map(read);
  // Folding rounds once more than BatchNorm on the convolution's output would; the parity fixtures hold to 1e-4.
  const scale = Float64Array.from({ length: out }, (_, o) => (bn ? gamma![o]! / Math.sqrt(variance![o]! + bn.epsilon) : 1));
  const filter = new Float32Array(w.length);
  for (let o = 0; o < out; o++) for (let c = 0; c < inCh; c++) for (let t = 0; t < k; t++) filter[(t * inCh + c) * out + o] = w[(o * inCh + c) * k + t]! * scale[o]!;
  const foldedBias = bn ? Float32Array.from({ length: out }, (_, o) => ((b?.[o] ?? 0) - mean![o]!) * scale[o]! + beta![o]!) : (b ?? null);
  const made = { from, filter, bias: foldedBias };
  prepared.set(weight.dataId, made);
  return made;
}

interface ConvAttrs {
  readonly spec: ConvSpec;
  readonly filter: Float32Array;
  readonly bias: Float32Array | null;
  readonly gelu: boolean;
}

const KERNEL = 'SpecMoEConv1d';

/** The convolution as a tfjs kernel of the wasm back-end (x read in tfjs's heap, y written into a tfjs output). */
function registerKernel(): void {
  registerHeapKernel<ConvAttrs>(KERNEL, ({ x }, { spec, filter, bias, gelu }) => {
    const [batch, length, inChannels] = x!.shape as [number, number, number];
    const shape = { batch, length, inChannels, outChannels: spec.outCh, taps: spec.k, stride: spec.stride, dilation: spec.dilation, pad: spec.pad };
    const values = attentionRuntime().conv(shape, x!.values, filter, bias, gelu);
    return { shape: [batch, values.length / (batch * spec.outCh), spec.outCh], values };
  });
}

/**
 * Conv1d of x [B, L, in] (NWC) with `weight` [out, in, k] and optional `bias` [out], padding, stride and dilation of
 * `spec`, and, with `bn`, the inference BatchNorm that follows it, then GELU where `gelu`.
 */
export function fusedConv(x: tf.Tensor3D, weight: tf.Tensor, bias: tf.Tensor | null, spec: ConvSpec, bn: FoldedBatchNorm | null = null, gelu = false): tf.Tensor3D {
  registerKernel();
  const { filter, bias: b } = prepare(weight, bias, bn, spec.k);
  const attrs: ConvAttrs = { spec, filter, bias: b, gelu };
  return tf.engine().runKernel(KERNEL, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor3D;
}

/** Linear y = x·Wᵀ + b over the last axis (weight [out, in]), as a convolution of one tap over the rows of x. */
export function fusedLinear(x: tf.Tensor, weight: tf.Tensor, bias: tf.Tensor): tf.Tensor {
  const [outDim, inDim] = weight.shape as [number, number];
  const spec: ConvSpec = { kind: 'conv', idx: 0, inCh: inDim, outCh: outDim, k: 1, stride: 1, dilation: 1, pad: [0, 0], bias: true };
  const rows = tf.reshape(x, [1, -1, inDim]) as tf.Tensor3D;
  return tf.reshape(fusedConv(rows, weight, bias, spec), [...x.shape.slice(0, -1), outDim]);
}
