// Fine-tuning with frozen experts: only the spectral gate linears and the classifier are trained, on cached
// embeddings (paper; ARCHITECTURE.md §7). AdamW, class-weighted cross-entropy, the classifier's dropout, early
// stopping on the validation loss, live per-epoch curves, cancellable.
import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffled } from '../dsp/random';
import type { SpecMoEConfig } from '../model/config';
import { headKeys, initHeadParams } from '../model/init';
import { nextTask } from '../runtime/nextTask';
import type { ParamStore } from '../model/params';
import { specMoEHead, specMoEHeadTrainingLogits } from '../model/specMoE';
import { ArrayAdamW } from './adamw';
import type { EmbeddedSegments } from './embeddings';
import type { HeadSettings } from './headSettings';
import { balancedClassWeights, classificationMetrics, type Metrics } from './metrics';
import type { KernelThreadFactory } from '../runtime/wasm/kernelThread';
import { type StepResult, WasmHead } from './wasmHead';


/** Embeddings of labelled segments, stacked: the input of head training and evaluation. */
export interface HeadDataset {
  readonly n: number;
  readonly nChannels: number;
  readonly embeddingSize: number;
  readonly nFreqs: number;
  readonly pooled: Float32Array;
  readonly psd: Float32Array;
  readonly labels: Int32Array;
}

/** Stacks recordings' embeddings, mapping each segment's label text to a class index (unmapped segments dropped). */
export function headDataset(recordings: readonly EmbeddedSegments[], classOf: (label: string) => number | undefined): HeadDataset {
  const first = recordings[0];
  if (!first) throw new RangeError('head training needs at least one recording');
  const picks: { r: EmbeddedSegments; i: number; cls: number }[] = [];
  for (const r of recordings) {
    if (r.nChannels !== first.nChannels || r.embeddingSize !== first.embeddingSize || r.nFreqs !== first.nFreqs) throw new RangeError(`${r.recordingId}: embeddings of another shape than ${first.recordingId}'s`);
    r.labels.forEach((label, i) => {
      const cls = classOf(label);
      if (cls !== undefined) picks.push({ r, i, cls });
    });
  }
  const { nChannels, embeddingSize, nFreqs } = first;
  const pSize = 3 * nChannels * embeddingSize;
  const fSize = nChannels * nFreqs;
  const pooled = new Float32Array(picks.length * pSize);
  const psd = new Float32Array(picks.length * fSize);
  const labels = new Int32Array(picks.length);
  picks.forEach(({ r, i, cls }, k) => {
    pooled.set(r.pooled.subarray(i * pSize, (i + 1) * pSize), k * pSize);
    psd.set(r.psd.subarray(i * fSize, (i + 1) * fSize), k * fSize);
    labels[k] = cls;
  });
  return { n: picks.length, nChannels, embeddingSize, nFreqs, pooled, psd, labels };
}

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

/** Longest stretch of training between two yields to the event loop (cancel and progress messages get through). */
const YIELD_EVERY_MS = 50;

export interface EpochRecord {
  readonly epoch: number;
  readonly trainLoss: number;
  readonly trainBalancedAccuracy: number;
  readonly validationLoss: number;
  readonly validationBalancedAccuracy: number;
  readonly seconds: number;
}

export interface Evaluation {
  readonly loss: number;
  readonly probabilities: number[][];
  readonly predicted: number[];
  readonly metrics: Metrics;
}

export class HeadTrainer {
  readonly params: ParamStore;
  readonly history: EpochRecord[] = [];
  bestEpoch = 0;
  /** Threads that ran the WebAssembly kernels in the last train() (0: the tfjs path). */
  kernelThreads = 0;

  constructor(
    readonly config: SpecMoEConfig,
    readonly settings: HeadSettings,
    initial?: ParamStore,
    /** Starts a second thread for the WebAssembly kernels (Node: nodeKernelThread; browser: browserKernelThread()). */
    readonly kernelThread?: KernelThreadFactory,
  ) {
    this.params = initHeadParams(config, settings.seed, initial);
  }

  /** Weighted cross-entropy (PyTorch CrossEntropyLoss(weight), mean reduction). */
  private loss(logits: tf.Tensor2D, labels: Int32Array, classWeights: readonly number[]): tf.Scalar {
    const oneHot = tf.oneHot(tf.tensor1d(labels, 'int32'), this.config.nClasses);
    const w = tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32'));
    const nll = tf.neg(tf.sum(tf.mul(tf.cast(oneHot, 'float32'), tf.logSoftmax(logits)), 1));
    return tf.div(tf.sum(tf.mul(nll, w)), tf.sum(w)) as tf.Scalar;
  }

  evaluate(data: HeadDataset, classWeights: readonly number[] = new Array(this.config.nClasses).fill(1), batches = new BatchAssembler(data)): Evaluation {
    const probabilities: number[][] = [];
    let lossSum = 0;
    let weightSum = 0;
    for (let start = 0; start < data.n; start += 256) {
      const idx = Array.from({ length: Math.min(256, data.n - start) }, (_, i) => start + i);
      const labels = data.labels.subarray(start, start + idx.length);
      const { p, l, w } = tf.tidy(() => {
        // The training layout without dropout: the same numbers as specMoEHead, without its [B, 3·d3, C] transpose.
        const { pooledCat, psd, psdT } = batches.tensors(idx);
        const logits = specMoEHeadTrainingLogits(pooledCat, psd, psdT, this.config, this.params, 0);
        const weight = tf.sum(tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32')));
        return { p: tf.softmax(logits).arraySync() as number[][], l: tf.mul(this.loss(logits, labels, classWeights), weight).dataSync()[0]!, w: weight.dataSync()[0]! };
      });
      probabilities.push(...p);
      lossSum += l;
      weightSum += w;
    }
    const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
    return { loss: lossSum / weightSum, probabilities, predicted, metrics: classificationMetrics(Array.from(data.labels), predicted, this.config.nClasses) };
  }

  /** One AdamW step through tfjs's autograd; the variables follow the updated values. */
  private tensorStep(batches: BatchAssembler, data: HeadDataset, idx: number[], classWeights: readonly number[], seed: number, variables: ReadonlyMap<string, tf.Variable>, values: Map<string, Float32Array>, optimizer: ArrayAdamW): StepResult {
    const labels = Int32Array.from(idx, (i) => data.labels[i]!);
    const { pooledCat, psd, psdT } = batches.tensors(idx);
    let logits: tf.Tensor2D | null = null;
    const { value, grads } = tf.variableGrads(() => {
      logits = tf.keep(specMoEHeadTrainingLogits(pooledCat, psd, psdT, this.config, this.params, this.settings.dropout, seed));
      return this.loss(logits, labels, classWeights);
    }, [...variables.values()]);
    const byKey = new Map<string, Float32Array>();
    for (const [key, v] of variables) if (grads[v.name]) byKey.set(key, grads[v.name]!.dataSync() as Float32Array);
    optimizer.apply(values, byKey, this.settings.learningRate);
    for (const [key, v] of variables) tf.tidy(() => v.assign(tf.tensor(values.get(key)!, v.shape)));
    const predictions = tf.tidy(() => tf.argMax(logits!, 1));
    const result = { loss: value.dataSync()[0]!, predicted: predictions.dataSync() as Int32Array };
    tf.dispose([value, predictions, logits!, ...Object.values(grads), pooledCat, psd, psdT]);
    return result;
  }

  /** evaluate() on the WebAssembly head's current parameters, for dataset `which` of it. */
  private evaluateWasm(head: WasmHead, which: number, data: HeadDataset, classWeights: readonly number[]): Evaluation {
    const k = this.config.nClasses;
    const p = head.probabilities(which, Array.from({ length: data.n }, (_, i) => i));
    const probabilities: number[][] = [];
    let lossSum = 0;
    let weightSum = 0;
    for (let i = 0; i < data.n; i++) {
      const w = classWeights[data.labels[i]!]!;
      lossSum -= w * Math.log(p[i * k + data.labels[i]!]!);
      weightSum += w;
      probabilities.push(Array.from(p.subarray(i * k, (i + 1) * k)));
    }
    const predicted = probabilities.map((row) => row.indexOf(Math.max(...row)));
    return { loss: lossSum / weightSum, probabilities, predicted, metrics: classificationMetrics(Array.from(data.labels), predicted, k) };
  }

  /**
   * Trains on `train`, stopping early on `validation`'s loss; the best epoch's parameters are kept. onEpoch receives
   * each epoch's record (live curves); returns when done, patient, or aborted. Where the engine has WebAssembly
   * SIMD (every current browser and Node), steps run on the generated kernels of wasmHead.ts, on whichever tfjs
   * back-end is active; otherwise through tfjs's autograd.
   */
  async train(train: HeadDataset, validation: HeadDataset, onEpoch?: (r: EpochRecord) => void | Promise<void>, signal?: AbortSignal): Promise<EpochRecord[]> {
    const s = this.settings;
    const optimizer = new ArrayAdamW({ learningRate: s.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: s.weightDecay });
    const variables = new Map(headKeys(this.config).map((k) => [k, this.params.get(k) as tf.Variable]));
    // The optimizer updates plain copies of the values; the variables get them back after each step (tfjs path) or
    // when training ends (WebAssembly path).
    const values = new Map([...variables].map(([k, v]) => [k, Float32Array.from(v.dataSync() as Float32Array)]));
    let head: WasmHead | null = null;
    if (WasmHead.supports(this.config)) {
      try {
        head = await WasmHead.create(this.config, [train, validation], s.batchSize, values, this.kernelThread);
      } catch (e) {
        // The kernels' memory holds a copy of the embeddings; where the engine cannot give that much, tfjs trains.
        if (!(e instanceof RangeError)) throw e;
        console.warn(`head training without its WebAssembly kernels: ${e.message}`);
      }
    }
    this.kernelThreads = head?.threads ?? 0;
    try {
      return await this.trainWith(head, train, validation, values, variables, optimizer, onEpoch, signal);
    } finally {
      head?.dispose();
    }
  }

  private async trainWith(head: WasmHead | null, train: HeadDataset, validation: HeadDataset, values: Map<string, Float32Array>, variables: ReadonlyMap<string, tf.Variable>, optimizer: ArrayAdamW, onEpoch?: (r: EpochRecord) => void | Promise<void>, signal?: AbortSignal): Promise<EpochRecord[]> {
    const s = this.settings;
    const classWeights = balancedClassWeights(Array.from(train.labels), this.config.nClasses);
    const random = seededRandom(s.seed);
    // The classifier's dropout masks come from the seed too (tfjs's unseeded dropout would make runs unrepeatable).
    const dropoutSeeds = seededRandom(s.seed + 1);
    let best = Infinity;
    let bestValues: Map<string, Float32Array> | null = null;
    let waited = 0;
    const trainBatches = new BatchAssembler(train);
    const validationBatches = new BatchAssembler(validation);
    let lastYield = performance.now();
    for (let epoch = 1; epoch <= s.epochs; epoch++) {
      if (signal?.aborted) break;
      const started = performance.now();
      const order = shuffled(Array.from({ length: train.n }, (_, i) => i), random);
      let lossSum = 0;
      const epochPredicted: number[] = [];
      const epochLabels: number[] = [];
      for (let start = 0; start < order.length; start += s.batchSize) {
        const idx = order.slice(start, start + s.batchSize);
        const seed = Math.floor(dropoutSeeds.next() * 2 ** 30);
        let step: StepResult;
        if (head) {
          step = head.step(0, idx, classWeights, s.dropout, seed);
          head.adamW(optimizer.options, s.learningRate);
        } else step = this.tensorStep(trainBatches, train, idx, classWeights, seed, variables, values, optimizer);
        // The epoch's training loss and balanced accuracy come from its own batches (dropout on, as PyTorch
        // trainers report them), not from a second pass over the training set.
        lossSum += step.loss * idx.length;
        epochPredicted.push(...step.predicted);
        for (const i of idx) epochLabels.push(train.labels[i]!);
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          // A task, not a microtask: messages are tasks.
          await nextTask();
          lastYield = performance.now();
        }
      }
      const valEval = head ? this.evaluateWasm(head, 1, validation, classWeights) : this.evaluate(validation, classWeights, validationBatches);
      const trainMetrics = classificationMetrics(epochLabels, epochPredicted, this.config.nClasses);
      const record: EpochRecord = {
        epoch,
        trainLoss: lossSum / train.n,
        trainBalancedAccuracy: trainMetrics.balancedAccuracy,
        validationLoss: valEval.loss,
        validationBalancedAccuracy: valEval.metrics.balancedAccuracy,
        seconds: (performance.now() - started) / 1000,
      };
      this.history.push(record);
      await onEpoch?.(record);
      if (valEval.loss < best) {
        best = valEval.loss;
        this.bestEpoch = epoch;
        bestValues = head ? head.torchValues() : new Map([...values].map(([k, v]) => [k, v.slice()]));
        waited = 0;
      } else if (++waited >= s.patience) break;
    }
    const final = bestValues ?? (head ? head.torchValues() : null);
    if (final) for (const [k, v] of variables) v.assign(tf.tensor(final.get(k)!, v.shape));
    return this.history;
  }
}
