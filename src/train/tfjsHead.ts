// Head training through tfjs's autograd (the HeadStepper for engines without WebAssembly SIMD, or where the
// kernels' memory cannot be had), and the tfjs evaluation of a head on cached embeddings.
import * as tf from '@tensorflow/tfjs';
import type { SpecMoEConfig } from '../model/config';
import type { ParamStore } from '../model/params';
import { specMoEHeadTrainingLogits } from '../model/specMoE';
import { ArrayAdamW, type AdamWOptions } from './adamw';
import type { HeadDataset } from './headDataset';
import type { Evaluation, HeadStepper, StepResult } from './headStepper';
import { classificationMetrics } from './metrics';

/**
 * Assembles batches with the three experts' embeddings side by side: pooled [B, C, 3·d3], psd [B·C, F] and psdT
 * [F, B·C]. On wasm its staging arrays are kept between batches: fresh megabyte-sized arrays for every batch cost
 * more in page faults and garbage collection than filling them. Only there: tfjs-backend-wasm copies a new tensor's
 * values into its heap at once, while the cpu and GPU back-ends keep a reference to the array (uploaded later).
 */
export class BatchAssembler {
  private pooled = new Float32Array(0);
  private psd = new Float32Array(0);
  private psdT = new Float32Array(0);

  constructor(private readonly data: HeadDataset) {}

  private staging(rows: number): { pooled: Float32Array; psd: Float32Array; psdT: Float32Array } {
    const { embeddingSize: d, nFreqs: f } = this.data;
    const fresh = () => ({ pooled: new Float32Array(rows * 3 * d), psd: new Float32Array(rows * f), psdT: new Float32Array(rows * f) });
    if (tf.getBackend() !== 'wasm') return fresh();
    if (this.psd.length < rows * f) ({ pooled: this.pooled, psd: this.psd, psdT: this.psdT } = fresh());
    return { pooled: this.pooled.subarray(0, rows * 3 * d), psd: this.psd.subarray(0, rows * f), psdT: this.psdT.subarray(0, rows * f) };
  }

  tensors(indices: readonly number[]): { pooledCat: tf.Tensor3D; psd: tf.Tensor2D; psdT: tf.Tensor2D } {
    const { nChannels: c, embeddingSize: d, nFreqs: f } = this.data;
    const source = this.data;
    const b = indices.length;
    const rows = b * c;
    const { pooled, psd, psdT } = this.staging(rows);
    indices.forEach((idx, k) => {
      // [3, C, d] → [C, 3, d] per segment.
      for (let e = 0; e < 3; e++) {
        for (let ch = 0; ch < c; ch++) {
          const from = ((idx * 3 + e) * c + ch) * d;
          pooled.set(source.pooled.subarray(from, from + d), ((k * c + ch) * 3 + e) * d);
        }
      }
      psd.set(source.psd.subarray(idx * c * f, (idx + 1) * c * f), k * c * f);
      // Runs of c values per frequency row of psdT (the segment's [c, f] block, 13 KB, stays in L1 while it is read
      // across): writing each channel's f values down a column instead touched a new 4-KB-apart line per value, 2.6×
      // slower for the whole batch.
      const base = idx * c * f;
      for (let j = 0, to = k * c; j < f; j++, to += rows) {
        for (let ch = 0, from = base + j; ch < c; ch++, from += f) psdT[to + ch] = source.psd[from]!;
      }
    });
    return { pooledCat: tf.tensor3d(pooled, [b, c, 3 * d]), psd: tf.tensor2d(psd, [rows, f]), psdT: tf.tensor2d(psdT, [f, rows]) };
  }
}

/** Weighted cross-entropy (PyTorch CrossEntropyLoss(weight), mean reduction). */
function weightedCrossEntropy(logits: tf.Tensor2D, labels: Int32Array, classWeights: readonly number[], nClasses: number): tf.Scalar {
  const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), nClasses);
  const w = tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32'));
  const nll = tf.neg(tf.sum(tf.mul(tf.cast(oneHot, 'float32'), tf.logSoftmax(logits)), 1));
  return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tf.Scalar;
}

/** The head of `params` on `data`: class-weighted loss, probabilities and metrics (no dropout). */
export function evaluateHead(config: SpecMoEConfig, params: ParamStore, data: HeadDataset, classWeights: readonly number[], batches = new BatchAssembler(data)): Evaluation {
  const probabilities: number[][] = [];
  let lossSum = 0;
  let weightSum = 0;
  for (let start = 0; start < data.n; start += 256) {
    const idx = Array.from({ length: Math.min(256, data.n - start) }, (_, i) => start + i);
    const labels = data.labels.subarray(start, start + idx.length);
    const { p, l, w } = tf.tidy(() => {
      const { pooledCat, psd, psdT } = batches.tensors(idx);
      const logits = specMoEHeadTrainingLogits(pooledCat, psd, psdT, config, params, 0);
      const weight = tf.sum(tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32')));
      const loss = tf.mul(weightedCrossEntropy(logits, labels, classWeights, config.nClasses), weight);
      return { p: tf.softmax(logits).arraySync() as number[][], l: loss.dataSync()[0] ?? Number.NaN, w: weight.dataSync()[0] ?? Number.NaN };
    });
    probabilities.push(...p);
    lossSum += l;
    weightSum += w;
  }
  const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
  return { loss: lossSum / weightSum, probabilities, predicted, metrics: classificationMetrics(Array.from(data.labels), predicted, config.nClasses) };
}

/**
 * Steps through tfjs's autograd on the head's variables in `params`. The optimiser updates plain copies of the values
 * (ArrayAdamW); the variables get them back after each step.
 */
export class TfjsHeadStepper implements HeadStepper {
  readonly kernelThreads = 0;
  private readonly variables: ReadonlyMap<string, tf.Variable>;
  private readonly current: Map<string, Float32Array>;
  private readonly optimizer: ArrayAdamW;
  private readonly trainBatches: BatchAssembler;
  private readonly validationBatches: BatchAssembler;

  constructor(
    private readonly config: SpecMoEConfig,
    private readonly params: ParamStore,
    keys: readonly string[],
    private readonly train: HeadDataset,
    private readonly validation: HeadDataset,
    adamW: AdamWOptions,
    private readonly dropout: number,
  ) {
    this.variables = new Map(keys.map((k) => [k, params.get(k) as tf.Variable]));
    this.current = new Map([...this.variables].map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
    this.optimizer = new ArrayAdamW(adamW);
    this.trainBatches = new BatchAssembler(train);
    this.validationBatches = new BatchAssembler(validation);
  }

  step(indices: readonly number[], classWeights: readonly number[], seed: number): StepResult {
    const labels = Int32Array.from(indices, (i) => this.train.labels[i] ?? -1);
    const { pooledCat, psd, psdT } = this.trainBatches.tensors(indices);
    const forward: { logits?: tf.Tensor2D } = {};
    const { value, grads } = tf.variableGrads(() => {
      const logits = tf.keep(specMoEHeadTrainingLogits(pooledCat, psd, psdT, this.config, this.params, this.dropout, seed));
      forward.logits = logits;
      return weightedCrossEntropy(logits, labels, classWeights, this.config.nClasses);
    }, [...this.variables.values()]);
    const logits = forward.logits as tf.Tensor2D;
    const byKey = new Map<string, Float32Array>();
    for (const [key, v] of this.variables) {
      const g = grads[v.name];
      if (g) byKey.set(key, g.dataSync() as Float32Array);
    }
    this.optimizer.apply(this.current, byKey, this.optimizer.options.learningRate);
    for (const [key, v] of this.variables) {
      const values = this.current.get(key);
      if (values) tf.tidy(() => v.assign(tf.tensor(values, v.shape)));
    }
    const predictions = tf.tidy(() => tf.argMax(logits, 1));
    const result = { loss: value.dataSync()[0] ?? Number.NaN, predicted: predictions.dataSync() as Int32Array };
    tf.dispose([value, predictions, logits, ...Object.values(grads), pooledCat, psd, psdT]);
    return result;
  }

  evaluateValidation(classWeights: readonly number[]): Evaluation {
    return evaluateHead(this.config, this.params, this.validation, classWeights, this.validationBatches);
  }

  values(): Map<string, Float32Array> {
    return new Map([...this.current].map(([k, v]) => [k, v.slice()]));
  }

  dispose(): void {}
}
