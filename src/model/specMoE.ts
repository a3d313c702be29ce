// SpecMoE, gate mode 1 (ARCHITECTURE.md §7): three experts' encoders, a spectral gate per expert from the
// input's Welch PSD, L-pooling, gated fusion, C-pooling and the classifier. The head (everything after the
// encoders) is one function used for inference and for training on cached embeddings (issue 6).
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
 * The gate + classifier on pooled embeddings ([B, C, d3] per expert) and the PSD [B, C, F]; §7 steps 3, 5–7.
 * `params` holds gate_LinearT_{1,2,3} and classifier.net.{0,1,4}. A dropout rate > 0 (training) applies the
 * classifier's dropout.
 */
export function specMoEHead(pooled: readonly tf.Tensor3D[], psd: tf.Tensor3D, config: SpecMoEConfig, params: ParamStore, dropoutRate = 0): HeadOutputs {
  const ctx: LayerContext = { params, training: dropoutRate > 0 };
  const gatePre = [1, 2, 3].map((k) => linear(psd, `gate_LinearT_${k}`, ctx) as tf.Tensor3D);
  const gates = gatePre.map((g) => tf.sigmoid(g));
  const gated = pooled.map((p, i) => tf.mul(p, gates[i]!)); // [B, C, d3] each
  const h = tf.concat(gated, -1); // [B, C, 3·d3]
  const hCat = tf.transpose(h, [0, 2, 1]) as tf.Tensor3D;
  // Pooling over channels: per expert then concatenated (the same numbers), so training's gradient avoids the
  // split of a large concat; the max's gradient goes to the arg-max channel as in PyTorch.
  const hFused = (
    ctx.training
      ? tf.concat(gated.map((g) => (config.cPool === 'max' ? maxLastAxis(tf.transpose(g, [0, 2, 1])) : tf.mean(g, 1))), -1)
      : config.cPool === 'max'
        ? tf.max(hCat, 2)
        : tf.mean(hCat, 2)
  ) as tf.Tensor2D;
  const hidden = gelu(linear(layerNorm(hFused, 'classifier.net.0', ctx), 'classifier.net.1', ctx));
  // classifier.net.3: dropout (clf_dropout 0.2 when fine-tuning; identity at inference).
  const logits = linear(dropoutRate > 0 ? tf.dropout(hidden, dropoutRate) : hidden, 'classifier.net.4', ctx) as tf.Tensor2D;
  return { logits, probabilities: tf.softmax(logits), gatePre, gates, hCat, hFused };
}

/**
 * The head's logits for training, the same function as specMoEHead with the classifier's dropout, computed with
 * fewer and larger kernels: the three gate linears as one matmul (weights concatenated), one gating multiply on the
 * experts' embeddings side by side, and channel pooling on that. `pooledCat` is [B, C, 3·d3] (experts 1..3 along
 * the last axis), `psd` [B·C, F] and `psdT` its transpose [F, B·C].
 */
export function specMoEHeadTrainingLogits(pooledCat: tf.Tensor3D, psd: tf.Tensor2D, psdT: tf.Tensor2D, config: SpecMoEConfig, params: ParamStore, dropoutRate: number, dropoutSeed?: number): tf.Tensor2D {
  const ctx: LayerContext = { params, training: true };
  const weight = tf.concat([1, 2, 3].map((k) => params.get(`gate_LinearT_${k}.weight`)), 0) as tf.Tensor2D;
  const bias = tf.concat([1, 2, 3].map((k) => params.get(`gate_LinearT_${k}.bias`)), 0) as tf.Tensor1D;
  const gates = tf.sigmoid(linearOfData(psd, psdT, weight, bias));
  const h = tf.mul(pooledCat, tf.reshape(gates, pooledCat.shape)); // [B, C, 3·d3]
  const hFused = (config.cPool === 'max' ? maxLastAxis(tf.transpose(h, [0, 2, 1])) : tf.mean(h, 1)) as tf.Tensor2D;
  const hidden = gelu(linear(layerNorm(hFused, 'classifier.net.0', ctx), 'classifier.net.1', ctx));
  return linear(dropoutRate > 0 ? tf.dropout(hidden, dropoutRate, undefined, dropoutSeed) : hidden, 'classifier.net.4', ctx) as tf.Tensor2D;
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
