// The primitive layers of ARCHITECTURE.md §2 on NWC tensors ([batch, length, features], tfjs' conv layout).
// The same code trains (issue 7): in training mode convolutions carry their own gradient (see trainableConv),
// which works on every back-end including wasm (whose conv kernels lack the filter gradient).
import * as tf from '@tensorflow/tfjs';
import type { BatchNormSpec, ConvSpec, ConvTSpec, LayerSpec, PoolSpec } from './architecture';
import { type FoldedBatchNorm, fusedConv, fusedConvApplies, fusedLinear } from './fusedConv';
import type { ParamStore } from './params';

export interface LayerContext {
  readonly params: ParamStore;
  /** Training: batch statistics in BatchNorm, gradient-friendly convolutions. */
  readonly training: boolean;
  /** Running-statistics updates collected in training mode (key prefix → batch mean / unbiased var). */
  readonly batchStats?: Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>;
}

const BN_EPS = 1e-5;

/**
 * tf.concat whose gradient is plain slices. tfjs differentiates concat with SplitV and stack with Unpack, and both
 * kernels are ~10× slower than slicing on tfjs-backend-wasm — they dominated a training step.
 */
export function concat<T extends tf.Tensor>(tensors: readonly T[], axis: number): T {
  if (tensors.length === 1) return tensors[0]!;
  const rank = tensors[0]!.rank;
  const ax = axis < 0 ? axis + rank : axis;
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const inputs = args.slice(0, tensors.length) as tf.Tensor[];
    return {
      value: tf.concat(inputs, ax),
      gradFunc: (dy: tf.Tensor) => {
        let offset = 0;
        return inputs.map((t) => {
          const begin = new Array<number>(rank).fill(0);
          begin[ax] = offset;
          offset += t.shape[ax]!;
          return tf.slice(dy, begin, t.shape);
        });
      },
    };
  });
  return op(...tensors) as T;
}

/** tf.stack along `axis` by concat (see concat above). */
export function stack<T extends tf.Tensor>(tensors: readonly tf.Tensor[], axis: number): T {
  return concat(tensors.map((t) => tf.expandDims(t, axis)), axis) as T;
}

/** Conv1d weight [out, in, k] → tfjs filter [k, in, out]. */
function convFilter(weight: tf.Tensor): tf.Tensor3D {
  return tf.transpose(weight, [2, 1, 0]) as tf.Tensor3D;
}

/** Inserts d−1 zeros between the taps of a [k, in, out] filter → [(k−1)·d + 1, in, out]. */
function dilateFilter(filter: tf.Tensor3D, dilation: number): tf.Tensor3D {
  if (dilation === 1) return filter;
  const [k, inCh, outCh] = filter.shape;
  const spaced = tf.pad(tf.reshape(filter, [k, 1, inCh, outCh]), [[0, 0], [0, dilation - 1], [0, 0], [0, 0]]);
  return tf.slice(tf.reshape(spaced, [k * dilation, inCh, outCh]) as tf.Tensor3D, [0, 0, 0], [(k - 1) * dilation + 1, inCh, outCh]);
}

/** Forward 'valid' convolution of an already padded NWC tensor with a [k, in, out] filter (no gradient needed). */
function convForward(x: tf.Tensor3D, filter: tf.Tensor3D, stride: number, dilation: number): tf.Tensor3D {
  if (stride > 1 && dilation > 1) {
    // tf.conv1d refuses stride and dilation together: run at stride 1 and keep every stride-th output.
    const full = tf.conv1d(x, filter, 1, 'valid', 'NWC', dilation);
    return tf.stridedSlice(full, [0, 0, 0], full.shape, [1, stride, 1]) as tf.Tensor3D;
  }
  return tf.conv1d(x, filter, stride, 'valid', 'NWC', dilation);
}

/** Rows n·stride + offset (n < count) of x [B, L, C], as [B, count, C]. */
function everyStrideRow(x: tf.Tensor3D, offset: number, stride: number, count: number): tf.Tensor3D {
  const [batch, length, ch] = x.shape;
  if (stride === 1) return tf.slice(x, [0, offset, 0], [batch, count, ch]);
  const needed = count * stride;
  const available = length - offset;
  const window =
    available >= needed
      ? tf.slice(x, [0, offset, 0], [batch, needed, ch])
      : tf.pad(tf.slice(x, [0, offset, 0], [batch, available, ch]), [[0, 0], [0, needed - available], [0, 0]]);
  return tf.reshape(tf.slice(tf.reshape(window, [batch, count, stride, ch]), [0, 0, 0, 0], [batch, count, 1, ch]), [batch, count, ch]);
}

/**
 * A 'valid' convolution with a hand-written gradient. tfjs-backend-wasm has no Conv2DBackpropFilter kernel and tfjs
 * refuses conv gradients with dilation > 1, so: dx is the transposed convolution of dy (dy zero-stuffed for a
 * stride, then one dilated conv1d with the flipped, in/out-swapped kernel) and dW[t] = Σ x_tᵀ·dy over the rows x_t
 * that tap t sees, one matMul per tap.
 */
function trainableConv(x: tf.Tensor3D, filter: tf.Tensor3D, stride: number, dilation: number): tf.Tensor3D {
  const op = tf.customGrad((xIn, wIn, save) => {
    const input = xIn as tf.Tensor3D;
    const weights = wIn as tf.Tensor3D;
    (save as tf.GradSaveFunc)([input, weights]);
    return {
      value: convForward(input, weights, stride, dilation),
      gradFunc: (dy, saved) => {
        const [xs, ws] = saved as [tf.Tensor3D, tf.Tensor3D];
        const [batch, length, inCh] = xs.shape;
        const [k, , outCh] = ws.shape;
        const dy3 = dy as tf.Tensor3D;
        const outRows = dy3.shape[1];
        const span = dilation * (k - 1);
        const rows = length - span; // the stride-1 output length
        // dx: stuff stride−1 zeros between dy rows, pad by the kernel span, correlate with the flipped kernel.
        let stuffed: tf.Tensor3D = dy3;
        if (stride > 1) {
          const zeros = tf.zeros([batch, outRows, stride - 1, outCh]);
          stuffed = tf.reshape(tf.concat([tf.expandDims(dy3, 2), zeros], 2), [batch, outRows * stride, outCh]);
        }
        stuffed =
          stuffed.shape[1] >= rows ? tf.slice(stuffed, [0, 0, 0], [batch, rows, outCh]) : tf.pad(stuffed, [[0, 0], [0, rows - stuffed.shape[1]], [0, 0]]);
        const flipped = tf.transpose(tf.reverse(ws, 0), [0, 2, 1]) as tf.Tensor3D; // [k, out, in]
        const dx = tf.conv1d(tf.pad(stuffed, [[0, 0], [span, span], [0, 0]]), flipped, 1, 'valid', 'NWC', dilation);
        // dW: one [in, out] matMul per tap (on a transposed copy: see linearWithGrad).
        const dyFlat = tf.reshape(dy3, [batch * outRows, outCh]);
        const taps = Array.from({ length: k }, (_, t) =>
          tf.matMul(tf.transpose(tf.reshape(everyStrideRow(xs, t * dilation, stride, outRows), [batch * outRows, inCh])), dyFlat),
        );
        return [dx, tf.stack(taps, 0)];
      },
    };
  });
  return op(x, filter) as tf.Tensor3D;
}

/**
 * A 'valid' convolution with both a stride s and a dilation d > 1, rewritten as two plain ones so that no output
 * row is computed and then thrown away (tfjs-wasm's StridedSlice over a [1, 114 000, 32] result took 110 ms). With
 * m = s·a + b (0 ≤ b < s), y[n] = Σ_m x[s·n + d·m]·W[m] = Σ_a Σ_b X_b[n + d·a]·W[s·a + b], where X_b[t] = x[s·t + d·b]:
 * X (s·C channels) is gathered by a stride-s conv with a one-hot kernel (exact), then one stride-1 conv of dilation d
 * with W regrouped into [⌈k/s⌉, s·C, out] (taps past k are zeros). Both have gradients on every back-end.
 */
function stridedDilatedConv(x: tf.Tensor3D, filter: tf.Tensor3D, s: number, d: number, training: boolean): tf.Tensor3D {
  const [batch, length, inCh] = x.shape;
  const [k, , outCh] = filter.shape;
  const outRows = Math.floor((length - d * (k - 1) - 1) / s) + 1;
  const groups = Math.ceil(k / s);
  // Zeros at the end so that every padded tap reads inside X; the first outRows rows are the result.
  const extra = s * d * groups;
  const padded = tf.pad(x, [[0, 0], [0, extra], [0, 0]]);
  const gatherTaps = d * (s - 1) + 1;
  const oneHot = new Float32Array(gatherTaps * inCh * s * inCh);
  for (let b = 0; b < s; b++) for (let c = 0; c < inCh; c++) oneHot[(d * b * inCh + c) * s * inCh + b * inCh + c] = 1;
  const gathered = convValid(padded, tf.tensor3d(oneHot, [gatherTaps, inCh, s * inCh]), s, 1, training); // [B, ·, s·C]
  const regrouped = tf.reshape(tf.pad(filter, [[0, groups * s - k], [0, 0], [0, 0]]), [groups, s * inCh, outCh]) as tf.Tensor3D;
  const y = convValid(gathered, regrouped, 1, d, training);
  return tf.slice(y, [0, 0, 0], [batch, outRows, outCh]);
}

/** A 'valid' convolution of an already padded NWC tensor with a [k, in, out] filter. */
function convValid(x: tf.Tensor3D, filter: tf.Tensor3D, stride: number, dilation: number, training: boolean): tf.Tensor3D {
  if (stride > 1 && dilation > 1) return stridedDilatedConv(x, filter, stride, dilation, training);
  return training ? trainableConv(x, filter, stride, dilation) : convForward(x, filter, stride, dilation);
}

export function conv1d(x: tf.Tensor3D, spec: ConvSpec, prefix: string, ctx: LayerContext): tf.Tensor3D {
  if (fusedConvApplies(ctx.training)) return fusedConv(x, ctx.params.get(`${prefix}.${spec.idx}.weight`), spec.bias ? ctx.params.get(`${prefix}.${spec.idx}.bias`) : null, spec);
  const filter = convFilter(ctx.params.get(`${prefix}.${spec.idx}.weight`));
  const padded = spec.pad[0] || spec.pad[1] ? tf.pad(x, [[0, 0], [spec.pad[0], spec.pad[1]], [0, 0]]) : x;
  const y = convValid(padded, filter, spec.stride, spec.dilation, ctx.training);
  return spec.bias ? tf.add(y, ctx.params.get(`${prefix}.${spec.idx}.bias`)) : y;
}

/**
 * ConvTranspose1d (§2): y[n] = Σ x[l]·W[m] over n = l·s − p + m·d. Computed in polyphase form: with the dilated
 * kernel K (length kEff) and u = n + p = q·s + r, phase r of the un-padded output is full[q·s + r] =
 * Σ_j x[q − j]·K[r + j·s], an ordinary stride-1 convolution with the flipped sub-kernel K[r::s]. The s phases are
 * interleaved and full[p : p + Lout] kept, Lout = (L−1)·s − 2p + d·(k−1) + output_padding + 1. On tfjs-wasm this
 * is 3–10× faster than tf.conv2dTranspose, and every op in it has a gradient.
 */
export function convTranspose1d(x: tf.Tensor3D, spec: ConvTSpec, prefix: string, ctx: LayerContext): tf.Tensor3D {
  const [batch, length] = x.shape;
  const s = spec.stride;
  const weight = ctx.params.get(`${prefix}.${spec.idx}.weight`); // [in, out, k]
  const kernel = dilateFilter(tf.transpose(weight, [2, 0, 1]) as tf.Tensor3D, spec.dilation); // [kEff, in, out]
  const kEff = kernel.shape[0];
  const phaseLength = length + Math.ceil(kEff / s) - 1; // longest phase (r = 0)
  const phases: tf.Tensor3D[] = [];
  for (let r = 0; r < s; r++) {
    const taps = Math.ceil((kEff - r) / s);
    // Taps r + (taps−1)·s, …, r + s, r: the phase's sub-kernel, flipped. Single-tap slices and a concat, because
    // stridedSlice has no gradient and gather's needs UnsortedSegmentSum, which tfjs-backend-wasm lacks.
    const sub = concat(Array.from({ length: taps }, (_, j) => tf.slice(kernel, [r + (taps - 1 - j) * s, 0, 0], [1, spec.inCh, spec.outCh])), 0);
    const y = convValid(tf.pad(x, [[0, 0], [taps - 1, taps - 1], [0, 0]]), sub, 1, 1, ctx.training);
    phases.push(y.shape[1] < phaseLength ? tf.pad(y, [[0, 0], [0, phaseLength - y.shape[1]], [0, 0]]) : y);
  }
  const full = s === 1 ? phases[0]! : (tf.reshape(stack(phases, 2), [batch, phaseLength * s, spec.outCh]) as tf.Tensor3D);
  const outLength = (length - 1) * s - 2 * spec.pad + kEff + spec.outputPadding;
  const cropped = tf.slice(full, [0, spec.pad, 0], [batch, outLength, spec.outCh]);
  return tf.add(cropped, ctx.params.get(`${prefix}.${spec.idx}.bias`));
}

export function batchNorm(x: tf.Tensor3D, spec: BatchNormSpec, prefix: string, ctx: LayerContext): tf.Tensor3D {
  const key = `${prefix}.${spec.idx}`;
  const weight = ctx.params.get(`${key}.weight`);
  const bias = ctx.params.get(`${key}.bias`);
  if (ctx.training) {
    const { mean, variance } = tf.moments(x, [0, 1]);
    if (ctx.batchStats) {
      const n = x.shape[0] * x.shape[1];
      ctx.batchStats.set(key, { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(tf.mul(variance, n / Math.max(n - 1, 1))) as tf.Tensor1D });
    }
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, BN_EPS))), weight), bias);
  }
  const scale = tf.div(weight, tf.sqrt(tf.add(ctx.params.get(`${key}.running_var`), BN_EPS)));
  const shift = tf.sub(bias, tf.mul(ctx.params.get(`${key}.running_mean`), scale));
  return tf.add(tf.mul(x, scale), shift);
}

function foldedBatchNorm(spec: BatchNormSpec, prefix: string, ctx: LayerContext): FoldedBatchNorm {
  const key = `${prefix}.${spec.idx}`;
  const get = (name: string) => ctx.params.get(`${key}.${name}`);
  return { weight: get('weight'), bias: get('bias'), mean: get('running_mean'), variance: get('running_var'), epsilon: BN_EPS };
}

/** Exact GELU: 0.5·x·(1 + erf(x/√2)). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as T;
}

/** MaxPool1d with implicit −∞ padding, or AvgPool1d with zero padding counted (divisor k), floor mode. */
export function pool1d(x: tf.Tensor3D, spec: PoolSpec): tf.Tensor3D {
  const [batch, length, ch] = x.shape;
  const padValue = spec.kind === 'maxPool' ? -Infinity : 0;
  const padded = spec.pad > 0 ? tf.pad(x, [[0, 0], [spec.pad, spec.pad], [0, 0]], padValue) : x;
  const x4 = tf.reshape(padded, [batch, 1, length + 2 * spec.pad, ch]) as tf.Tensor4D;
  const y = spec.kind === 'maxPool' ? tf.maxPool(x4, [1, spec.k], [1, spec.stride], 'valid') : tf.avgPool(x4, [1, spec.k], [1, spec.stride], 'valid');
  return tf.reshape(y, [batch, y.shape[2], ch]);
}

function runLayer(y: tf.Tensor3D, layer: LayerSpec, prefix: string, ctx: LayerContext): tf.Tensor3D {
  switch (layer.kind) {
    case 'conv':
      return conv1d(y, layer, prefix, ctx);
    case 'convT':
      return convTranspose1d(y, layer, prefix, ctx);
    case 'bn':
      return batchNorm(y, layer, prefix, ctx);
    case 'gelu':
      return gelu(y);
    case 'maxPool':
    case 'avgPool':
      return pool1d(y, layer);
  }
}

/**
 * Runs one of the architecture's convolution stacks (module path `prefix`) on an NWC tensor. At inference every
 * layer's temporaries and the previous layer's output are freed at once, so a 30-s, 19-channel forward keeps
 * only a few [C·T, 64] activations alive instead of all of them.
 */
export function runStack(x: tf.Tensor3D, prefix: string, layers: readonly LayerSpec[], ctx: LayerContext): tf.Tensor3D {
  let y = x;
  const fused = fusedConvApplies(ctx.training);
  for (let i = 0; i < layers.length; i++) {
    const layer = layers[i]!;
    if (ctx.training) {
      y = runLayer(y, layer, prefix, ctx);
      continue;
    }
    const input = y;
    const next = layers[i + 1];
    if (fused && layer.kind === 'conv') {
      // The generated kernels take a following BatchNorm into the convolution's filter and bias, and a GELU after
      // that into the same pass.
      const bn = next?.kind === 'bn' ? next : null;
      const gelu = layers[i + (bn ? 2 : 1)]?.kind === 'gelu';
      y = tf.tidy(() => fusedConv(input, ctx.params.get(`${prefix}.${layer.idx}.weight`), layer.bias ? ctx.params.get(`${prefix}.${layer.idx}.bias`) : null, layer, bn && foldedBatchNorm(bn, prefix, ctx), gelu));
      i += (bn ? 1 : 0) + (gelu ? 1 : 0);
    } else y = tf.tidy(() => runLayer(input, layer, prefix, ctx));
    if (input !== x) input.dispose();
  }
  return y;
}

/** Linear y = x·Wᵀ + b on the last axis; weight [out, in]. */
export function linear(x: tf.Tensor, prefix: string, ctx: LayerContext): tf.Tensor {
  const weight = ctx.params.get(`${prefix}.weight`);
  const bias = ctx.params.get(`${prefix}.bias`);
  if (fusedConvApplies(ctx.training)) return fusedLinear(x, weight, bias);
  const inDim = x.shape[x.shape.length - 1]!;
  const flat = tf.reshape(x, [-1, inDim]) as tf.Tensor2D;
  const y = ctx.training ? linearWithGrad(flat, weight as tf.Tensor2D, bias as tf.Tensor1D) : tf.add(tf.matMul(flat, tf.transpose(weight)), bias);
  return tf.reshape(y, [...x.shape.slice(0, -1), weight.shape[0]!]);
}

/**
 * a·c for a constant c (no gradient for c is computed; the one for a multiplies by a transposed copy: tfjs's own
 * matMul gradient uses transpose flags, which send tfjs-backend-wasm to a scalar loop).
 */
export const matMulByConstant = tf.customGrad((aIn, cIn, save) => {
  const [a, c] = [aIn as tf.Tensor2D, cIn as tf.Tensor2D];
  (save as tf.GradSaveFunc)([c]);
  return {
    value: tf.matMul(a, c),
    gradFunc: (dy, saved) => {
      const [sc] = saved as [tf.Tensor2D];
      return [tf.matMul(dy as tf.Tensor2D, tf.transpose(sc)), tf.zerosLike(sc)];
    },
  };
}) as (a: tf.Tensor2D, c: tf.Tensor2D) => tf.Tensor2D;

/**
 * x·Wᵀ + b with every product on explicitly transposed operands: tfjs-wasm's matMul with a transpose flag is ~6×
 * slower than on a transposed copy (21 ms vs 3.5 ms for [1024, 201]·[201, 128]), and tfjs's own matMul gradient
 * uses those flags. dx = dy·W, dW = dyᵀ·x, db = Σ dy.
 */
const linearWithGrad = tf.customGrad((x, w, b, save) => {
  const [flat, weight, bias] = [x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D];
  (save as tf.GradSaveFunc)([flat, weight]);
  return {
    value: tf.add(tf.matMul(flat, tf.transpose(weight)), bias),
    gradFunc: (dy, saved) => {
      const [sx, sw] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, sw), tf.matMul(tf.transpose(g), sx), sumRows(g)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/**
 * x·Wᵀ + b for an input that needs no gradient (data such as the gate's PSD), given also as xᵀ: the backward pass
 * skips dx and takes dW = (xᵀ·dy)ᵀ from the caller's xᵀ (a data batch is transposed for free while it is
 * assembled; tfjs-wasm's Transpose of [1 024, 201] costs ~2 ms, and transposing dy [1 024, 384] instead ~5 ms).
 */
export const linearOfData = tf.customGrad((x, xT, w, b, save) => {
  const [flat, flatT, weight, bias] = [x as tf.Tensor2D, xT as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D];
  (save as tf.GradSaveFunc)([flat, flatT]);
  return {
    value: tf.add(tf.matMul(flat, tf.transpose(weight)), bias),
    gradFunc: (dy, saved) => {
      const [sx, sxT] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.zerosLike(sx), tf.zerosLike(sxT), tf.transpose(tf.matMul(sxT, g)), sumRows(g)];
    },
  };
}) as (x: tf.Tensor2D, xT: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;

/** Σ over the rows of g [N, D] as a product with ones (tfjs-wasm's Sum over axis 0 transposes first: 5 ms for [1 024, 384]). */
function sumRows(g: tf.Tensor2D): tf.Tensor1D {
  return tf.reshape(tf.matMul(tf.ones([1, g.shape[0]]), g), [g.shape[1]]);
}

/**
 * Max over the last axis whose gradient goes to the arg-max element only (as PyTorch's max(dim) does); tfjs's
 * gradient masks with a broadcast equality, ~30 ms on [64, 384, 16] on wasm.
 */
export const maxLastAxis = tf.customGrad((x, save) => {
  const input = x as tf.Tensor;
  const last = input.shape.length - 1;
  const index = tf.argMax(input, last);
  (save as tf.GradSaveFunc)([index]);
  return {
    value: tf.max(input, last),
    gradFunc: (dy, saved) => {
      const [idx] = saved as [tf.Tensor];
      const size = input.shape[last]!;
      return tf.mul(tf.oneHot(tf.reshape(idx, [-1]), size).reshape(input.shape), tf.expandDims(dy as tf.Tensor, -1));
    },
  };
}) as (x: tf.Tensor) => tf.Tensor;

/** The transformer's LayerNorm (§2): a_2·(x − mean)/(std + 1e-6) + b_2 with the unbiased std. */
export function customLayerNorm(x: tf.Tensor, prefix: string, ctx: LayerContext): tf.Tensor {
  const n = x.shape[x.shape.length - 1]!;
  const mean = tf.mean(x, -1, true);
  const centred = tf.sub(x, mean);
  const std = tf.sqrt(tf.div(tf.sum(tf.square(centred), -1, true), n - 1));
  return tf.add(tf.mul(ctx.params.get(`${prefix}.a_2`), tf.div(centred, tf.add(std, 1e-6))), ctx.params.get(`${prefix}.b_2`));
}

/** nn.LayerNorm (classifier): (x − mean)/sqrt(var + 1e-5)·weight + bias, biased variance. */
export function layerNorm(x: tf.Tensor, prefix: string, ctx: LayerContext): tf.Tensor {
  const { mean, variance } = tf.moments(x, -1, true);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), ctx.params.get(`${prefix}.weight`)), ctx.params.get(`${prefix}.bias`));
}
