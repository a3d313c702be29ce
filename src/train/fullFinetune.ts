// Fine-tuning the whole SpecMoE (the paper's fine-tuning: experts unfrozen, issue 15): the three experts' encoders, the
// spectral gate and the classifier trained together on labelled trials, the experts at a lower learning rate than the
// head. Class-weighted cross-entropy, the classifier's dropout, BatchNorm in training mode with running statistics
// updated (momentum 0.1, as the pretraining), augmentation by random time shifts, channel dropout, left-right mirroring
// and optionally mixup, cosine learning rates, optionally an average of the weights over the later epochs (stochastic
// weight averaging), early stopping on the validation loss with the best epoch's weights (or average) kept. State
// (weights, the average, both optimisers' moments, history) goes to and comes back from checkpoint bytes, so a run can
// resume.
import * as tf from '@tensorflow/tfjs';
import { betaSample, type Random, seededRandom, shuffled } from '../dsp/random';
import { paddedLengthOf, segmentPositions } from '../dsp/segments';
import { type NamedTensor, readSafetensors, type TensorToWrite, writeSafetensors } from '../io/safetensors';
import type { SpecMoEConfig } from '../model/config';
import { buildSpecMoE } from '../model/load';
import type { SpecMoE } from '../model/specMoE';
import { inputPsd, poolOverTime, specMoEHead, specMoEHeadTrainingLogits } from '../model/specMoE';
import { AdamW, cosineLearningRate } from './adamw';
import type { EpochRecord } from './headTraining';
import { balancedClassWeights, classificationMetrics, type Metrics } from './metrics';
import type { TrialSet } from './trials';

export interface FullFinetuneSettings {
  readonly epochs: number;
  readonly batchSize: number;
  readonly expertLearningRate: number;
  /** The classifier's learning rate. */
  readonly headLearningRate: number;
  /**
   * The spectral gate's: its input, a Welch PSD, is small (a unit-variance channel spreads a total of ~1 over 201
   * bins), so Adam's steps of ~lr per weight would need thousands of steps to make the gate vary at lr 1e-3.
   */
  readonly gateLearningRate: number;
  /**
   * The gate weights' Adam steps are this many times larger than the gate biases' (decay unchanged): the same as
   * training W/s on an s-times larger PSD, i.e. a gate whose logits move with the spectrum s times faster while its
   * mean level (the bias) does not. At 1 (the authors' parametrisation) the gate of the small demo model stays flat:
   * its weights would need to reach tens for a unit-variance channel's PSD to move the sigmoid.
   */
  readonly gateWeightScale: number;
  readonly weightDecay: number;
  /** Epochs without a better validation loss before stopping. */
  readonly patience: number;
  /** The classifier's dropout (clf_dropout). */
  readonly dropout: number;
  /** Largest time shift of a training window (s); needs a trial margin at least as large. */
  readonly shiftSec: number;
  /** Probability that a channel of a training window is zeroed. */
  readonly channelDropout: number;
  /**
   * Mixup (Zhang et al. 2018): each training window is mixed, sample for sample, with a window of another trial drawn
   * at random (its own shift, mirroring and channel dropout), λ·a + (1 − λ)·b with λ ~ Beta(α, α), and the loss mixes
   * the two labels' cross-entropies by λ. This is α; 0 = off (no draws: a run without it is the same as before it).
   */
  readonly mixup: number;
  readonly seed: number;
  /** False trains the head only (the experts stay as they are): the frozen-expert ablation on the same data path. */
  readonly trainExperts: boolean;
  /**
   * Left-right mirroring (augmentation): with probability `probability` a training window's channels are permuted
   * by `channels` (C3 ↔ C4, …) and its class by `classes` (left fist ↔ right fist); absent: none.
   */
  readonly mirror?: { readonly probability: number; readonly channels: readonly number[]; readonly classes: readonly number[] };
  /**
   * Weight averaging (SWA): from this epoch on (1-based; 0 = never) the weights after each epoch join a running mean
   * (BatchNorm running statistics included), and validation, early stopping and the kept weights use that mean.
   * The average of several points of the trajectory is flatter than any one of them: less tied to the noise of a
   * few validation subjects.
   */
  readonly averageFrom: number;
  /**
   * Train exactly this many epochs and keep the last one's weights (or their average), whatever validation says
   * (0 = off: early stopping on validation loss keeps the best epoch). For a number of epochs chosen beforehand, e.g.
   * by cross-validation over subjects; validation is then only reported.
   */
  readonly stopAfter: number;
}

export const DEFAULT_FULL_FINETUNE: FullFinetuneSettings = {
  epochs: 30,
  batchSize: 16,
  expertLearningRate: 3e-4,
  headLearningRate: 1e-3,
  gateLearningRate: 1e-2,
  gateWeightScale: 1,
  weightDecay: 0.01,
  patience: 8,
  dropout: 0.2,
  shiftSec: 0.5,
  channelDropout: 0.1,
  mixup: 0,
  seed: 1,
  trainExperts: true,
  averageFrom: 0,
  stopAfter: 0,
};

export interface FullEpochRecord extends EpochRecord {
  /** Epochs in the weight average that validation scored (absent or 0: this epoch's own weights). */
  readonly averaged?: number;
}

export interface TrialEvaluation {
  readonly loss: number;
  readonly probabilities: number[][];
  readonly predicted: number[];
  readonly metrics: Metrics;
  /** Per trial, the mean gate value of each expert over channels and features. */
  readonly gates: [number, number, number][];
}

/** Throws a RangeError naming the setting (and its CLI option) when `settings` cannot be trained with; callers may check
 *  before reading any recording, the trainer checks again when it is built. */
export function checkFullFinetuneSettings(settings: FullFinetuneSettings): void {
  if (!Number.isInteger(settings.batchSize) || settings.batchSize < 2) throw new RangeError(`batchSize (--batch) must be a whole number of at least 2 trials (BatchNorm in training mode), got ${settings.batchSize}`);
  if (!Number.isInteger(settings.epochs) || settings.epochs < 1) throw new RangeError(`epochs (--epochs) must be a whole number of at least 1, got ${settings.epochs}`);
  if (!(settings.mixup >= 0 && Number.isFinite(settings.mixup))) throw new RangeError(`mixup (--mixup) must be a Beta distribution's α > 0, or 0 for none, got ${settings.mixup}`);
  if (!(settings.gateWeightScale > 0)) throw new RangeError(`gateWeightScale (--gate-weight-scale) must be a positive number, got ${settings.gateWeightScale}`);
  if (!Number.isInteger(settings.averageFrom) || settings.averageFrom < 0) throw new RangeError(`averageFrom (--average-from) must be an epoch number (1, 2, …) or 0 for no averaging, got ${settings.averageFrom}`);
  if (!Number.isInteger(settings.stopAfter) || settings.stopAfter < 0 || settings.stopAfter > settings.epochs) {
    throw new RangeError(`stopAfter (--stop-after) must be an epoch number from 1 to epochs (${settings.epochs}) or 0 for early stopping, got ${settings.stopAfter}`);
  }
}

/** A SpecMoE whose parameters are tf.Variables (running statistics not trainable), from a state dict. */
export function trainableSpecMoE(tensors: ReadonlyMap<string, NamedTensor>, config: SpecMoEConfig): SpecMoE {
  const model = buildSpecMoE(tensors, config);
  for (const [key, t] of [...model.params.entries()]) model.params.set(key, tf.variable(t, !key.includes('.running_')));
  return model;
}

export class FinetuneStateError extends Error {
  override readonly name = 'FinetuneStateError';
}

type GroupName = 'experts' | 'gate' | 'classifier';
const GROUPS: readonly GroupName[] = ['experts', 'gate', 'classifier'];
const groupOf = (key: string): GroupName => (key.startsWith('experts.') ? 'experts' : key.startsWith('gate_') ? 'gate' : 'classifier');

/** Trials per forward/backward pass inside a step (see step()). */
const MICRO_BATCH = 4;

const STATE_FILES = { weights: 'model.safetensors', best: 'best.safetensors', average: 'average.safetensors', optimizer: 'optimizer.safetensors', state: 'state.json' } as const;

interface SavedState {
  readonly settings: FullFinetuneSettings;
  readonly epoch: number;
  readonly bestEpoch: number;
  readonly bestLoss: number;
  readonly stale: number;
  readonly history: readonly FullEpochRecord[];
  readonly notes: Record<string, unknown>;
  readonly averaged?: number;
}

export class FullFinetuner {
  readonly history: FullEpochRecord[] = [];
  epoch = 0;
  bestEpoch = 0;
  bestLoss = Infinity;
  /** Epochs since the best one. */
  stale = 0;
  private best: Map<string, Float32Array> | null = null;
  /** The running mean of the weights after epochs averageFrom…epoch, and how many epochs it holds. */
  private average: Map<string, Float32Array> | null = null;
  averaged = 0;
  /** Parameter groups, each with its own AdamW and learning rate: the experts, the spectral gate, the classifier. */
  private readonly groups: { readonly name: GroupName; readonly variables: Map<string, tf.Variable>; readonly optimizer: AdamW; readonly learningRate: number }[];

  /** `model`'s parameters must be tf.Variables (see trainableSpecMoE). */
  constructor(
    readonly model: SpecMoE,
    readonly settings: FullFinetuneSettings,
  ) {
    checkFullFinetuneSettings(settings);
    const rates: Record<GroupName, number> = { experts: settings.expertLearningRate, gate: settings.gateLearningRate, classifier: settings.headLearningRate };
    this.groups = GROUPS.filter((name) => name !== 'experts' || settings.trainExperts).map((name) => ({
      name,
      variables: new Map<string, tf.Variable>(),
      optimizer: new AdamW({ learningRate: rates[name], beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: settings.weightDecay }),
      learningRate: rates[name],
    }));
    for (const [key, t] of model.params.entries()) {
      if (key.includes('.running_') || key.endsWith('num_batches_tracked')) continue;
      if (!(t instanceof tf.Variable)) throw new FinetuneStateError(`"${key}" is not a trainable variable: build the model with trainableSpecMoE`);
      this.groups.find((g) => g.name === groupOf(key))?.variables.set(key, t);
    }
  }

  private get config() {
    return this.model.config;
  }

  /**
   * A batch as tensors: windows of `length` samples starting `offsets` into each trial's span, padded; `source(b, c)`
   * names the trial channel that fills channel c of item b (-1: zeros).
   */
  private batch(set: TrialSet, indices: readonly number[], offsets: readonly number[], source: (b: number, c: number) => number): { x: tf.Tensor3D; times: tf.Tensor3D; psd: tf.Tensor3D } {
    return this.tensors(this.windows(set, indices, offsets, source), indices.length, set.nChannels, set.length);
  }

  /** The padded windows of batch() as one buffer, [b, c, padded]. */
  private windows(set: TrialSet, indices: readonly number[], offsets: readonly number[], source: (b: number, c: number) => number): Float32Array {
    const { nChannels: c, length, margin } = set;
    const span = length + 2 * margin;
    const padded = paddedLengthOf(length);
    const x = new Float32Array(indices.length * c * padded);
    indices.forEach((idx, k) => {
      for (let ch = 0; ch < c; ch++) {
        const src = source(k, ch);
        if (src < 0) continue;
        const from = (idx * c + src) * span + offsets[k]!;
        x.set(set.x.subarray(from, from + length), (k * c + ch) * padded);
      }
    });
    return x;
  }

  /** The model's inputs for `b` padded windows of `c` channels and `length` samples: the signal, sample times and each
   *  channel's Welch PSD. */
  private tensors(x: Float32Array, b: number, c: number, length: number): { x: tf.Tensor3D; times: tf.Tensor3D; psd: tf.Tensor3D } {
    const padded = paddedLengthOf(length);
    const psd = inputPsd(x, b, c, padded, this.config);
    const times = segmentPositions(length, padded);
    return {
      x: tf.tensor3d(x, [b, c, padded]),
      times: tf.tidy(() => tf.tile(tf.tensor3d(times, [1, 1, padded]), [b, 1, 1]) as tf.Tensor3D),
      psd: tf.tensor3d(psd, [b, c, psd.length / (b * c)]),
    };
  }

  /** Each trial's negative log-likelihood of its label `y`, from log-probabilities `logP`. */
  private nll(logP: tf.Tensor2D, y: tf.Tensor1D): tf.Tensor1D {
    return tf.neg(tf.sum(tf.mul(tf.cast(tf.oneHot(y, this.config.nClasses), 'float32'), logP), 1)) as tf.Tensor1D;
  }

  /** Weighted cross-entropy summed over the batch and divided by `denominator` (the batch's total class weight). */
  private loss(logits: tf.Tensor2D, labels: Int32Array, classWeights: readonly number[], denominator?: number): tf.Scalar {
    return tf.tidy(() => {
      const y = tf.tensor1d(labels, 'int32');
      const w = tf.gather(tf.tensor1d([...classWeights]), y);
      return tf.div(tf.sum(tf.mul(this.nll(tf.logSoftmax(logits), y), w)), denominator ?? tf.sum(w)) as tf.Scalar;
    });
  }

  /**
   * Mixup's loss: each item's cross-entropy with its own label weighted λ·w(label), with its partner's weighted
   * (1 − λ)·w(partner's label), summed over the batch and divided by `denominator` (the sum of those weights).
   */
  private mixedLoss(logits: tf.Tensor2D, mix: { readonly labels: Int32Array; readonly partnerLabels: Int32Array; readonly lambdas: Float32Array }, classWeights: readonly number[], denominator: number): tf.Scalar {
    return tf.tidy(() => {
      const logP = tf.logSoftmax(logits);
      const w = tf.tensor1d([...classWeights]);
      const part = (labels: Int32Array, scale: tf.Tensor1D) => {
        const y = tf.tensor1d(labels, 'int32');
        return tf.sum(tf.mul(this.nll(logP, y), tf.mul(tf.gather(w, y), scale)));
      };
      const lambda = tf.tensor1d(mix.lambdas);
      return tf.div(tf.add(part(mix.labels, lambda), part(mix.partnerLabels, tf.sub(1, lambda) as tf.Tensor1D)), denominator) as tf.Scalar;
    });
  }

  /** Each training window's draws, all shifts first, then all mirrorings: its start in the trial's span, whether it is
   *  mirrored, and its label (swapped when mirrored). */
  private windowDraws(set: TrialSet, indices: readonly number[], maxShift: number, random: Random): { offsets: number[]; mirrored: boolean[]; labels: Int32Array } {
    const mirror = this.settings.mirror;
    const offsets = indices.map(() => set.margin + Math.round((2 * random.next() - 1) * maxShift));
    const mirrored = indices.map(() => (mirror ? random.next() < mirror.probability : false));
    const labels = Int32Array.from(indices, (i, b) => (mirrored[b] ? mirror!.classes[set.labels[i]!]! : set.labels[i]!));
    return { offsets, mirrored, labels };
  }

  /** Mixup's draws for a batch of `n` windows: each one's partner trial, its shift, mirroring and label, and λ. */
  private mixupDraws(set: TrialSet, n: number, maxShift: number, random: Random): { partners: number[]; offsets: number[]; mirrored: boolean[]; partnerLabels: Int32Array; lambdas: Float32Array } {
    const s = this.settings;
    const partners = Array.from({ length: n }, () => random.int(set.n));
    const { offsets, mirrored, labels: partnerLabels } = this.windowDraws(set, partners, maxShift, random);
    const lambdas = Float32Array.from(partners, () => betaSample(random, s.mixup));
    return { partners, offsets, mirrored, partnerLabels, lambdas };
  }

  /**
   * One optimisation step over `indices` (PyTorch CrossEntropyLoss(weight), mean reduction over the batch), run in
   * micro-batches whose gradients add up to the batch's: autograd keeps every activation of three experts for the
   * backward pass (~150 MB per trial of the small experts), and tfjs-wasm's heap stops at 4 GB.
   */
  private step(set: TrialSet, indices: readonly number[], classWeights: readonly number[], random: Random, lrScale: number): { loss: number; predicted: Int32Array; labels: Int32Array } {
    const s = this.settings;
    const maxShift = Math.min(set.margin, Math.round(s.shiftSec * this.config.sampleRateHz));
    // Each window's shift, mirroring and label, drawn for the whole batch first (the loss divides by its total weight).
    const { offsets, mirrored, labels: batchLabels } = this.windowDraws(set, indices, maxShift, random);
    const mix = s.mixup > 0 ? this.mixupDraws(set, indices.length, maxShift, random) : null;
    const denominator = mix
      ? batchLabels.reduce((a, l, b) => a + mix.lambdas[b]! * classWeights[l]! + (1 - mix.lambdas[b]!) * classWeights[mix.partnerLabels[b]!]!, 0)
      : batchLabels.reduce((a, l) => a + classWeights[l]!, 0);
    const variables = this.groups.flatMap((g) => [...g.variables.values()]);
    const summed: Record<string, tf.Tensor> = {};
    const predicted = new Int32Array(indices.length);
    let loss = 0;
    for (let first = 0, last = 0; first < indices.length; first = last) {
      // BatchNorm's batch statistics need two trials: a lone last one joins the previous micro-batch.
      last = indices.length - (first + MICRO_BATCH) === 1 ? indices.length : Math.min(indices.length, first + MICRO_BATCH);
      const part = indices.slice(first, last);
      const source = (flags: readonly boolean[]) => (b: number, c: number) => (random.next() < s.channelDropout ? -1 : flags[first + b] ? s.mirror!.channels[c]! : c);
      let windows = this.windows(set, part, offsets.slice(first, last), source(mirrored));
      if (mix) windows = mixWindows(windows, this.windows(set, mix.partners.slice(first, last), mix.offsets.slice(first, last), source(mix.mirrored)), mix.lambdas.subarray(first, last));
      const { x, times, psd } = this.tensors(windows, part.length, set.nChannels, set.length);
      const labels = batchLabels.subarray(first, last);
      const partMix = mix ? { labels, partnerLabels: mix.partnerLabels.subarray(first, last), lambdas: mix.lambdas.subarray(first, last) } : null;
      const dropoutSeed = random.int(2 ** 31);
      const stats = this.model.experts.map(() => new Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>());
      let logits: tf.Tensor2D | null = null;
      const { value, grads } = tf.variableGrads(() => {
        const pooled = this.model.experts.map((e, k) => poolOverTime(e.encode(x, times, s.trainExperts, s.trainExperts ? stats[k] : undefined), set.nChannels, this.config.lPool));
        const [b, c, f] = psd.shape;
        const rows = tf.reshape(psd, [b * c, f]) as tf.Tensor2D;
        const out = specMoEHeadTrainingLogits(tf.concat(pooled, -1), rows, tf.transpose(rows) as tf.Tensor2D, this.config, this.model.params, s.dropout, dropoutSeed);
        logits = tf.keep(out);
        return partMix ? this.mixedLoss(out, partMix, classWeights, denominator) : this.loss(out, labels, classWeights, denominator);
      }, variables);
      for (const [name, g] of Object.entries(grads)) {
        const previous = summed[name];
        summed[name] = previous ? tf.add(previous, g) : g;
        if (previous) tf.dispose([previous, g]);
      }
      stats.forEach((m, k) => this.updateRunningStats(k, m));
      predicted.set(tf.tidy(() => tf.argMax(logits!, 1)).dataSync() as Int32Array, first);
      loss += value.dataSync()[0]!;
      tf.dispose([x, times, psd, value, logits!]);
    }
    for (const g of this.groups) {
      const byKey: Record<string, tf.Tensor> = {};
      for (const [key, v] of g.variables) if (summed[v.name]) byKey[key] = summed[v.name]!;
      const stepScale = g.name === 'gate' ? (key: string) => (key.endsWith('.weight') ? s.gateWeightScale : 1) : undefined;
      g.optimizer.apply(g.variables, byKey, cosineLearningRate(this.epoch, s.epochs, g.learningRate, g.learningRate * 0.01) * lrScale, stepScale);
    }
    tf.dispose(Object.values(summed));
    // Training accuracy under mixup counts each window as the label that weighs more in it.
    const labels = mix ? batchLabels.map((l, b) => (mix.lambdas[b]! >= 0.5 ? l : mix.partnerLabels[b]!)) : batchLabels;
    return { loss, predicted, labels };
  }

  /** running = 0.9·running + 0.1·batch (BatchNorm momentum 0.1, unbiased batch variance). */
  private updateRunningStats(expert: number, stats: Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>): void {
    const params = this.model.experts[expert]!.params;
    for (const [key, { mean, variance }] of stats) {
      for (const [name, batchValue] of [['running_mean', mean], ['running_var', variance]] as const) {
        const running = params.get(`${key}.${name}`) as tf.Variable;
        tf.tidy(() => running.assign(tf.add(tf.mul(running, 0.9), tf.mul(batchValue, 0.1))));
      }
      tf.dispose([mean, variance]);
    }
  }

  /**
   * Inference-mode predictions on every trial (no dropout), its window at the onset or `shiftSec` later (earlier when
   * negative), within the margin the trials were read with. With `normalisation` 'batch', BatchNorm normalises each
   * batch by its own statistics instead of the running ones (AdaBN when a batch holds one recording's trials).
   */
  evaluate(set: TrialSet, classWeights: readonly number[] = new Array(this.config.nClasses).fill(1), batchSize = 16, shiftSec = 0, normalisation: 'running' | 'batch' = 'running'): TrialEvaluation {
    const shift = Math.round(shiftSec * this.config.sampleRateHz);
    if (Math.abs(shift) > set.margin) throw new RangeError(`a window shifted by ${shiftSec} s needs trials read with a margin of at least that much (they have ${set.margin / this.config.sampleRateHz} s)`);
    const probabilities: number[][] = [];
    const gates: [number, number, number][] = [];
    let lossSum = 0;
    let weightSum = 0;
    for (let start = 0; start < set.n; start += batchSize) {
      const indices = Array.from({ length: Math.min(batchSize, set.n - start) }, (_, i) => start + i);
      const labels = set.labels.subarray(start, start + indices.length);
      const { x, times, psd } = this.batch(set, indices, indices.map(() => set.margin + shift), (_, c) => c);
      const pooled = this.model.experts.map((e) => tf.tidy(() => poolOverTime(e.encode(x, times, normalisation === 'batch'), set.nChannels, this.config.lPool)));
      const out = tf.tidy(() => {
        const head = specMoEHead(pooled, psd, this.config, this.model.params);
        const w = tf.sum(tf.gather(tf.tensor1d([...classWeights]), tf.tensor1d(labels, 'int32')));
        return {
          p: head.probabilities.arraySync() as number[][],
          g: head.gates.map((g) => tf.mean(g, [1, 2]).arraySync() as number[]),
          l: tf.mul(this.loss(head.logits, labels, classWeights), w).dataSync()[0]!,
          w: w.dataSync()[0]!,
        };
      });
      tf.dispose([x, times, psd, ...pooled]);
      probabilities.push(...out.p);
      out.p.forEach((_, i) => gates.push([out.g[0]![i]!, out.g[1]![i]!, out.g[2]![i]!]));
      lossSum += out.l;
      weightSum += out.w;
    }
    const predicted = probabilities.map((p) => p.indexOf(Math.max(...p)));
    return { loss: lossSum / weightSum, probabilities, predicted, metrics: classificationMetrics(Array.from(set.labels), predicted, this.config.nClasses), gates };
  }

  /**
   * Trains until `settings.epochs`, early stopping or `signal`; resumes from the current epoch (after restore()).
   * `onEpoch` runs after every epoch (e.g. to write a checkpoint). Leaves the best epoch's weights in the model (with
   * `stopAfter`, that epoch's).
   */
  async fit(
    train: TrialSet,
    validation: TrialSet,
    hooks: { onEpoch?: (r: FullEpochRecord) => void | Promise<void>; onBatch?: (done: number, total: number, loss: number) => void; signal?: AbortSignal } = {},
  ): Promise<FullEpochRecord[]> {
    const s = this.settings;
    if (train.margin < Math.round(s.shiftSec * this.config.sampleRateHz)) throw new RangeError(`time shifts of ${s.shiftSec} s need trials read with a margin of at least that much`);
    const classWeights = balancedClassWeights(Array.from(train.labels), this.config.nClasses);
    const stepsPerEpoch = Math.ceil(train.n / s.batchSize);
    const fixed = s.stopAfter > 0;
    if (fixed && this.epoch > s.stopAfter) throw new FinetuneStateError(`the checkpoint is after epoch ${this.epoch}, past --stop-after ${s.stopAfter}: that epoch's weights are no longer there`);
    while (this.epoch < (fixed ? s.stopAfter : s.epochs) && (fixed || this.stale < s.patience) && !hooks.signal?.aborted) {
      const started = performance.now();
      const random = seededRandom(s.seed * 1000 + this.epoch);
      const order = shuffled([...Array(train.n).keys()], random);
      let lossSum = 0;
      const truth: number[] = [];
      const predicted: number[] = [];
      for (let b = 0; b < stepsPerEpoch && !hooks.signal?.aborted; b++) {
        let indices = order.slice(b * s.batchSize, (b + 1) * s.batchSize);
        if (indices.length < 2) indices = [...indices, order[0]!]; // BatchNorm needs two
        // Linear warm-up over the first epoch: the head starts random, the experts should not chase it.
        const lrScale = this.epoch === 0 ? (b + 1) / stepsPerEpoch : 1;
        const r = this.step(train, indices, classWeights, random, lrScale);
        lossSum += r.loss * indices.length;
        truth.push(...r.labels);
        predicted.push(...r.predicted);
        hooks.onBatch?.(b + 1, stepsPerEpoch, r.loss);
      }
      if (hooks.signal?.aborted) break;
      this.epoch++;
      const averaging = s.averageFrom > 0 && this.epoch >= s.averageFrom;
      let current: Map<string, Float32Array> | null = null;
      if (averaging) {
        current = this.snapshot();
        this.addToAverage(current);
        this.load(this.average!);
      }
      const val = this.evaluate(validation, balancedClassWeights(Array.from(validation.labels), this.config.nClasses));
      const record: FullEpochRecord = {
        epoch: this.epoch,
        trainLoss: lossSum / truth.length,
        trainBalancedAccuracy: classificationMetrics(truth, predicted, this.config.nClasses).balancedAccuracy,
        validationLoss: val.loss,
        validationBalancedAccuracy: val.metrics.balancedAccuracy,
        seconds: (performance.now() - started) / 1000,
        ...(averaging ? { averaged: this.averaged } : {}),
      };
      this.history.push(record);
      if (val.loss < this.bestLoss) {
        this.bestLoss = val.loss;
        this.bestEpoch = this.epoch;
        this.stale = 0;
        this.best = this.snapshot();
      } else this.stale++;
      if (current) this.load(current);
      await hooks.onEpoch?.(record);
    }
    if (fixed && this.epoch === s.stopAfter) {
      // The fixed epoch is the kept one: its weights (or the average up to it) stand in for "best".
      this.best = this.average ? new Map(this.average) : this.snapshot();
      this.bestEpoch = this.epoch;
    }
    if (this.best) this.load(this.best);
    return this.history;
  }

  /** average ← average + (weights − average) / n, n counting this epoch. */
  private addToAverage(weights: ReadonlyMap<string, Float32Array>): void {
    this.averaged++;
    if (!this.average) {
      this.average = new Map([...weights].map(([k, v]) => [k, Float32Array.from(v)]));
      return;
    }
    for (const [key, mean] of this.average) {
      const w = weights.get(key);
      if (!w) throw new FinetuneStateError(`the weight average has "${key}", the model does not`);
      for (let i = 0; i < mean.length; i++) mean[i]! += (w[i]! - mean[i]!) / this.averaged;
    }
  }

  /** Every parameter's values (running statistics included). */
  snapshot(): Map<string, Float32Array> {
    return new Map([...this.model.params.entries()].filter(([k]) => !k.endsWith('num_batches_tracked')).map(([k, t]) => [k, Float32Array.from(t.dataSync() as Float32Array)]));
  }

  private load(values: ReadonlyMap<string, ArrayLike<number>>): void {
    for (const [key, t] of this.model.params.entries()) {
      const v = values.get(key);
      if (!v) continue;
      if (v.length !== t.size) throw new FinetuneStateError(`saved "${key}" has ${v.length} values, the model ${t.size}`);
      (t as tf.Variable).assign(tf.tensor(Float32Array.from(v), t.shape));
    }
  }

  /** Checkpoint files: current and best weights, both optimisers' moments, the state (JSON). */
  checkpoint(notes: Record<string, unknown> = {}): Map<string, Uint8Array> {
    const weights = (values: ReadonlyMap<string, Float32Array>) => {
      const out: Record<string, TensorToWrite> = {};
      for (const [key, data] of values) out[key] = { dtype: 'F32', shape: this.model.params.get(key).shape, data };
      return writeSafetensors(out);
    };
    const moments: Record<string, TensorToWrite> = {};
    for (const { name, optimizer } of this.groups) {
      for (const [key, { m, v }] of optimizer.moments) {
        moments[`${name}.m.${key}`] = { dtype: 'F32', shape: m.shape, data: m.dataSync() as Float32Array };
        moments[`${name}.v.${key}`] = { dtype: 'F32', shape: v.shape, data: v.dataSync() as Float32Array };
      }
    }
    const state: SavedState = { settings: this.settings, epoch: this.epoch, bestEpoch: this.bestEpoch, bestLoss: this.bestLoss, stale: this.stale, history: this.history, notes, averaged: this.averaged };
    const files = new Map<string, Uint8Array>([
      [STATE_FILES.weights, weights(this.snapshot())],
      [STATE_FILES.optimizer, writeSafetensors(moments, Object.fromEntries(this.groups.map((g) => [`${g.name}Steps`, String(g.optimizer.step)])))],
      [STATE_FILES.state, new TextEncoder().encode(JSON.stringify(state, null, 1))],
    ]);
    if (this.best) files.set(STATE_FILES.best, weights(this.best));
    if (this.average) files.set(STATE_FILES.average, weights(this.average));
    return files;
  }

  /** Loads checkpoint files written by checkpoint() into this trainer; returns the notes saved with them. */
  restore(files: ReadonlyMap<string, Uint8Array>): Record<string, unknown> {
    const need = (name: string) => {
      const bytes = files.get(name);
      if (!bytes) throw new FinetuneStateError(`checkpoint lacks ${name}`);
      return bytes;
    };
    const state = JSON.parse(new TextDecoder().decode(need(STATE_FILES.state))) as SavedState;
    // More epochs than the checkpoint's run is fine (a run continued); a different batch or frozen state is another run.
    // (Checkpoints from before weight averaging have no averageFrom: they did not average.)
    // (… and checkpoints from before the gate weight scale trained the gate at scale 1.)
    // (… and checkpoints from before mixup did not mix.)
    const saved = { ...state.settings, averageFrom: state.settings.averageFrom ?? 0, gateWeightScale: state.settings.gateWeightScale ?? 1, mixup: state.settings.mixup ?? 0 };
    for (const key of ['batchSize', 'trainExperts', 'averageFrom', 'gateWeightScale', 'mixup'] as const) {
      if (saved[key] !== this.settings[key]) throw new FinetuneStateError(`checkpoint was made with ${key} = ${saved[key]}, this run has ${this.settings[key]}`);
    }
    const named = (bytes: Uint8Array) => new Map([...readSafetensors(bytes).tensors].map(([k, t]) => [k, t.data as ArrayLike<number>]));
    this.load(named(need(STATE_FILES.weights)));
    const bestBytes = files.get(STATE_FILES.best);
    this.best = bestBytes ? new Map([...named(bestBytes)].map(([k, v]) => [k, Float32Array.from(v)])) : null;
    const averageBytes = files.get(STATE_FILES.average);
    this.average = averageBytes ? new Map([...named(averageBytes)].map(([k, v]) => [k, Float32Array.from(v)])) : null;
    this.averaged = this.average ? (state.averaged ?? 0) : 0;
    if (this.average && this.averaged < 1) throw new FinetuneStateError('checkpoint has a weight average but no count of its epochs');
    const moments = readSafetensors(need(STATE_FILES.optimizer));
    for (const { name: group, optimizer } of this.groups) {
      optimizer.dispose();
      for (const [name, t] of moments.tensors) {
        if (!name.startsWith(`${group}.m.`)) continue;
        const key = name.slice(group.length + 3);
        const v = moments.tensors.get(`${group}.v.${key}`);
        if (!v) throw new FinetuneStateError(`checkpoint has the first moment of ${key} but not its second`);
        optimizer.moments.set(key, { m: tf.tensor(Float32Array.from(t.data), [...t.shape]), v: tf.tensor(Float32Array.from(v.data), [...v.shape]) });
      }
      optimizer.step = Number(moments.metadata[`${group}Steps`] ?? 0);
    }
    this.epoch = state.epoch;
    this.bestEpoch = state.bestEpoch;
    this.bestLoss = state.bestLoss ?? Infinity;
    this.stale = state.stale;
    this.history.splice(0, this.history.length, ...state.history);
    return state.notes;
  }

  dispose(): void {
    for (const g of this.groups) g.optimizer.dispose();
  }
}

/** λ·a + (1 − λ)·b per window (`lambdas[k]` for the k-th of equal-sized windows), into `a`. */
export function mixWindows(a: Float32Array, b: Float32Array, lambdas: Float32Array): Float32Array {
  const size = a.length / lambdas.length;
  for (let i = 0; i < a.length; i++) {
    const lambda = lambdas[Math.floor(i / size)]!;
    a[i] = lambda * a[i]! + (1 - lambda) * b[i]!;
  }
  return a;
}

export { STATE_FILES as FULL_FINETUNE_FILES };
