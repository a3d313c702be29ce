// SpecMoE, gate mode 1 (ARCHITECTURE.md §7): three experts' encoders, a spectral gate per expert from the
// input's Welch PSD, L-pooling, gated fusion, C-pooling and the classifier. The head (everything after the
// encoders) is one function (headLayers) used for inference and for training on cached embeddings.
import * as tf from '@tensorflow/tfjs';
import { welchPsd, welchSettings } from '../dsp/welch';
import { checkInputLength, type SpecMoEConfig } from './config';
import { Expert } from './expert';
import { gelu, type LayerContext, layerNorm, linear, linearOfData, maxLastAxis } from './layers';
import type { ParamStore } from './params';

export interface HeadOutputs {
  /** [B, nClasses] */
  readonly logits: tf.Tensor2D;
  readonly probabilities: tf.Tensor2D;
  /** gate_LinearT_k(psd) before the sigmoid, k = 1..3: [B, C, d3] each. */
  readonly gatePre: readonly tf.Tensor3D[];
  /** sigmoid of the above. */
  readonly gates: readonly tf.Tensor3D[];
  /** concat(pooled_k ⊙ gate_k) transposed: [B, 3·d3, C]. */
  readonly hCat: tf.Tensor3D;
  /** after C-pooling: [B, 3·d3]. */
  readonly hFused: tf.Tensor2D;
}

export interface SpecMoEOutputs extends HeadOutputs {
  /** Welch PSD of the (padded) input: [B, C, F]. */
  readonly psd: tf.Tensor3D;
  /** L-pooled encoder outputs per expert: [B, C, d3] each. */
  readonly pooled: readonly tf.Tensor3D[];
  /** Encoder output of expert 1: [B, d3, C·T3] (for the parity check). */
  readonly expert1Encoded: tf.Tensor3D;
}

/** Welch PSD of every row of x [B, C, T] with the task's settings (§7), computed in float64, returned float32. */
export function inputPsd(x: Float32Array, batch: number, nChannels: number, length: number, config: SpecMoEConfig): Float32Array {
  const { nperseg, noverlap, nFreqs } = welchSettings(config.segmentSec, config.sampleRateHz);
  const out = new Float32Array(batch * nChannels * nFreqs);
  for (let row = 0; row < batch * nChannels; row++) {
    out.set(welchPsd(x.subarray(row * length, (row + 1) * length), config.sampleRateHz, nperseg, noverlap), row * nFreqs);
  }
  return out;
}

/** L-pooling (§7 step 4): reinterpret [B, d3, C·T3] as [B, C, d3, T3] (not a transpose), pool the last axis. */
export function poolOverTime(encoded: tf.Tensor3D, nChannels: number, mode: 'mean' | 'max'): tf.Tensor3D {
  return tf.tidy(() => {
    const [batch, d, n] = encoded.shape;
    const r = tf.reshape(encoded, [batch, nChannels, d, n / nChannels]);
    return (mode === 'mean' ? tf.mean(r, 3) : tf.max(r, 3)) as tf.Tensor3D;
  });
}

/**
 * The gate + classifier (§7 steps 3, 5–7), the one implementation of the head for inference and training, on the
 * experts' pooled embeddings side by side, `pooledCat` [B, C, 3·d3] (experts 1..3 along the last axis), and the PSD
 * as rows, `psd` [B·C, F]: the three gate linears are one product (weights concatenated), the gating one multiply.
 * `params` holds gate_LinearT_{1,2,3} and classifier.net.{0,1,4}. For training, `psdT` (the PSD's transpose, made
 * free while a batch is assembled) lets the gate weights' gradient skip a transpose; dropout > 0 applies the
 * classifier's dropout (net.3), drawn from `dropoutSeed`. With max pooling over channels the gradient goes to the
 * arg-max channel, as in PyTorch.
 */
function headLayers(
  pooledCat: tf.Tensor3D,
  psd: tf.Tensor2D,
  config: SpecMoEConfig,
  params: ParamStore,
  training?: { readonly psdT: tf.Tensor2D; readonly dropoutRate: number; readonly dropoutSeed?: number },
): { gatePre: tf.Tensor3D; hCat: tf.Tensor3D; hFused: tf.Tensor2D; logits: tf.Tensor2D } {
  const ctx: LayerContext = { params, training: training !== undefined };
  const weight = tf.concat([1, 2, 3].map((k) => params.get(`gate_LinearT_${k}.weight`)), 0) as tf.Tensor2D;
  const bias = tf.concat([1, 2, 3].map((k) => params.get(`gate_LinearT_${k}.bias`)), 0) as tf.Tensor1D;
  const pre = training ? linearOfData(psd, training.psdT, weight, bias) : tf.add(tf.matMul(psd, tf.transpose(weight)), bias);
  const gatePre = tf.reshape(pre, pooledCat.shape) as tf.Tensor3D;
  const h = tf.mul(pooledCat, tf.sigmoid(gatePre)) as tf.Tensor3D; // [B, C, 3·d3]
  const hCat = tf.transpose(h, [0, 2, 1]) as tf.Tensor3D;
  const hFused = (config.cPool === 'max' ? (training ? maxLastAxis(hCat) : tf.max(hCat, 2)) : tf.mean(h, 1)) as tf.Tensor2D;
  const hidden = gelu(linear(layerNorm(hFused, 'classifier.net.0', ctx), 'classifier.net.1', ctx));
  const dropped = training && training.dropoutRate > 0 ? tf.dropout(hidden, training.dropoutRate, undefined, training.dropoutSeed) : hidden;
  return { gatePre, hCat, hFused, logits: linear(dropped, 'classifier.net.4', ctx) as tf.Tensor2D };
}

/** The head at inference on pooled embeddings ([B, C, d3] per expert) and the PSD [B, C, F], with its intermediates. */
export function specMoEHead(pooled: readonly tf.Tensor3D[], psd: tf.Tensor3D, config: SpecMoEConfig, params: ParamStore): HeadOutputs {
  const [batch, nChannels, nFreqs] = psd.shape;
  const { gatePre, hCat, hFused, logits } = headLayers(tf.concat(pooled as tf.Tensor3D[], -1), tf.reshape(psd, [batch * nChannels, nFreqs]), config, params);
  const perExpert = tf.split(gatePre, 3, -1) as tf.Tensor3D[];
  return { logits, probabilities: tf.softmax(logits), gatePre: perExpert, gates: perExpert.map((g) => tf.sigmoid(g)), hCat, hFused };
}

/**
 * The head's logits for training on cached embeddings: `pooledCat` [B, C, 3·d3], `psd` [B·C, F] and `psdT` its
 * transpose [F, B·C] (see headLayers).
 */
export function specMoEHeadTrainingLogits(pooledCat: tf.Tensor3D, psd: tf.Tensor2D, psdT: tf.Tensor2D, config: SpecMoEConfig, params: ParamStore, dropoutRate: number, dropoutSeed?: number): tf.Tensor2D {
  return headLayers(pooledCat, psd, config, params, { psdT, dropoutRate, dropoutSeed }).logits;
}

export class SpecMoE {
  readonly experts: readonly Expert[];

  constructor(
    readonly config: SpecMoEConfig,
    readonly params: ParamStore,
  ) {
    this.experts = [0, 1, 2].map((k) => new Expert(config.expert, params.scoped(`experts.${k}.`)));
  }

  /** Pooled embeddings of the three frozen experts and the PSD: what fine-tuning caches per segment. */
  embed(x: tf.Tensor3D, times: tf.Tensor3D): { pooled: tf.Tensor3D[]; psd: tf.Tensor3D; expert1Encoded: tf.Tensor3D } {
    const [batch, nChannels, length] = x.shape;
    checkInputLength(nChannels, length);
    const psdValues = inputPsd(x.dataSync() as Float32Array, batch, nChannels, length, this.config);
    const psd = tf.tensor3d(psdValues, [batch, nChannels, psdValues.length / (batch * nChannels)]);
    let expert1Encoded: tf.Tensor3D | null = null;
    const pooled = this.experts.map((expert, k) => {
      const encoded = expert.encode(x, times);
      const p = poolOverTime(encoded, nChannels, this.config.lPool);
      if (k === 0) expert1Encoded = encoded;
      else encoded.dispose();
      return p;
    });
    return { pooled, psd, expert1Encoded: expert1Encoded! };
  }

  /** x [B, C, T] µV/100 padded to a multiple of 120, times [B, 1, T]. The caller disposes the outputs. */
  forward(x: tf.Tensor3D, times: tf.Tensor3D): SpecMoEOutputs {
    const { pooled, psd, expert1Encoded } = this.embed(x, times);
    const head = tf.tidy(() => specMoEHead(pooled, psd, this.config, this.params) as unknown as tf.TensorContainerObject) as unknown as HeadOutputs;
    return { ...head, psd, pooled, expert1Encoded };
  }
}

/** Every tensor of SpecMoE outputs, for disposal. */
export function specMoETensors(o: SpecMoEOutputs): tf.Tensor[] {
  return [o.logits, o.probabilities, ...o.gatePre, ...o.gates, o.hCat, o.hFused, o.psd, ...o.pooled, o.expert1Encoded];
}
