// Self-supervised pretraining of one SpecHi-Net expert (paper; ARCHITECTURE.md §8–§9): the input is the
// Gaussian-masked window and the target the original one (the paper's intent; the authors' released loop used the
// masked window as target too, which we do not reproduce). µV/100 scaling, pretraining positions
// linspace(1 + 10k, 10 + 10k, T), AdamW with cosine annealing and clipping, BatchNorm in training mode with
// running statistics updated (momentum 0.1).
import * as tf from '@tensorflow/tfjs';
import { applyMask, type GaussianMask, type MaskParams, randomGaussianMask } from '../dsp/masks';
import { keyedRandom, type Random, shuffled } from '../dsp/random';
import { stft } from '../dsp/stft';
import type { ExpertConfig } from '../model/config';
import { Expert } from '../model/expert';
import type { ParamStore } from '../model/params';
import { AdamW, type AdamWOptions, clipByGlobalNorm, cosineLearningRate } from './adamw';
import type { PretrainWindow } from './pretrainData';
import { reconstructionLoss } from './reconstructionLoss';

export interface PretrainSettings {
  readonly expert: ExpertConfig;
  readonly batchSize: number;
  readonly totalSteps: number;
  readonly optimizer: AdamWOptions;
  readonly minLearningRate: number;
  readonly clipNorm: number;
  readonly mask: MaskParams;
  readonly seed: number;
  readonly sampleRateHz: number;
}

export interface LossRecord {
  readonly step: number;
  readonly total: number;
  readonly dec1: number;
  readonly dec2: number;
  readonly auxU2: number;
  readonly auxU1: number;
  readonly gradNorm: number;
  readonly learningRate: number;
  readonly seconds: number;
}

export const STFT_MASK_OPTIONS = { nperseg: 400, noverlap: 200 } as const;

/** A training batch: masked input, clean target (µV/100) and pretraining positions. */
export interface PretrainBatch {
  readonly x: Float32Array;
  readonly target: Float32Array;
  readonly times: Float32Array;
  readonly shape: readonly [number, number, number];
  /** Each window's mask (shared by its channels). */
  readonly masks: GaussianMask[];
}

/** Masks each window (its own mask, drawn from `random`) and stacks the batch (§9, §1). */
export function makeBatch(windows: readonly PretrainWindow[], nChannels: number, mask: MaskParams, sampleRateHz: number, random: Random): PretrainBatch {
  const length = windows[0]!.microvolts.length / nChannels;
  const size = nChannels * length;
  const x = new Float32Array(windows.length * size);
  const target = new Float32Array(windows.length * size);
  const times = new Float32Array(windows.length * length);
  const options = { sampleRateHz, ...STFT_MASK_OPTIONS };
  const masks: GaussianMask[] = [];
  windows.forEach((w, b) => {
    const channels = Array.from({ length: nChannels }, (_, c) => w.microvolts.subarray(c * length, (c + 1) * length));
    const grid = stft(channels[0]!, options);
    const m = randomGaussianMask(grid.freqs, grid.nFrames, mask, random);
    const masked = applyMask(channels, m, options);
    masks.push(m);
    for (let c = 0; c < nChannels; c++) {
      for (let t = 0; t < length; t++) {
        x[b * size + c * length + t] = masked[c]![t]! / 100;
        target[b * size + c * length + t] = channels[c]![t]! / 100;
      }
    }
    const first = 1 + 10 * w.index;
    for (let t = 0; t < length; t++) times[b * length + t] = first + (9 * t) / (length - 1);
  });
  return { x, target, times, shape: [windows.length, nChannels, length], masks };
}

/** Trainable variables of an expert by state_dict key (running statistics excluded). */
export function trainableVariables(params: ParamStore): Map<string, tf.Variable> {
  const out = new Map<string, tf.Variable>();
  for (const [key, t] of params.entries()) if (!key.includes('.running_')) out.set(key, t as tf.Variable);
  return out;
}

/** The keyed random streams of a pretraining run: the window order of each pass, the masks of each step. */
const STREAM = { shuffle: 1, masks: 2 } as const;

export class Pretrainer {
  readonly expert: Expert;
  readonly optimizer: AdamW;
  readonly history: LossRecord[] = [];
  /** The shuffled window order of pass `pass` over the data. */
  private order: number[] = [];
  private pass = -1;

  constructor(
    readonly settings: PretrainSettings,
    params: ParamStore,
    readonly windows: readonly PretrainWindow[],
  ) {
    if (windows.length < settings.batchSize) throw new RangeError(`pretraining needs at least ${settings.batchSize} windows, got ${windows.length}`);
    this.expert = new Expert(settings.expert, params);
    this.optimizer = new AdamW(settings.optimizer);
  }

  get step(): number {
    return this.optimizer.step;
  }

  /**
   * The windows of the coming step: a seeded shuffle per pass over the data. Like the masks, the batch is a function
   * of the seed and the step number alone, so a run resumed from a checkpoint trains on exactly what an uninterrupted
   * run would have.
   */
  private nextWindows(): PretrainWindow[] {
    const { batchSize, seed } = this.settings;
    const n = this.windows.length;
    const out: PretrainWindow[] = [];
    for (let g = this.step * batchSize; out.length < batchSize; g++) {
      const pass = Math.floor(g / n);
      if (pass !== this.pass) {
        this.order = shuffled(this.windows.map((_, i) => i), keyedRandom(seed, STREAM.shuffle, pass));
        this.pass = pass;
      }
      out.push(this.windows[this.order[g % n]!]!);
    }
    return out;
  }

  /** One optimisation step; returns its loss record. */
  trainStep(): LossRecord {
    const started = performance.now();
    const s = this.settings;
    const batch = makeBatch(this.nextWindows(), s.expert.auxChannels, s.mask, s.sampleRateHz, keyedRandom(s.seed, STREAM.masks, this.step));
    const variables = trainableVariables(this.expert.params);
    const batchStats = new Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>();
    const x = tf.tensor3d(batch.x, batch.shape as [number, number, number]);
    const target = tf.tensor3d(batch.target, batch.shape as [number, number, number]);
    const times = tf.tensor3d(batch.times, [batch.shape[0], 1, batch.shape[2]]);
    let terms: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const out = this.expert.forward(x, times, { training: true, batchStats });
      const loss = reconstructionLoss(out, target, batch.target);
      terms = [loss.dec1, loss.dec2, loss.auxU2, loss.auxU1].map((t) => tf.keep(t));
      return loss.total;
    }, [...variables.values()]);
    // variableGrads keys gradients by tf variable name; the optimizer keys them by state_dict key.
    const byKey: Record<string, tf.Tensor> = {};
    for (const [key, v] of variables) if (grads[v.name]) byKey[key] = grads[v.name]!;
    const gradNorm = clipByGlobalNorm(byKey, s.clipNorm);
    const learningRate = cosineLearningRate(this.step, s.totalSteps, s.optimizer.learningRate, s.minLearningRate);
    this.optimizer.apply(variables, byKey, learningRate);
    this.updateRunningStats(batchStats);
    const [dec1, dec2, auxU2, auxU1] = terms.map((t) => t.dataSync()[0]!);
    const record: LossRecord = {
      step: this.step,
      total: value.dataSync()[0]!,
      dec1: dec1!,
      dec2: dec2!,
      auxU2: auxU2!,
      auxU1: auxU1!,
      gradNorm,
      learningRate,
      seconds: (performance.now() - started) / 1000,
    };
    tf.dispose([x, target, times, value, ...terms, ...Object.values(byKey)]);
    this.history.push(record);
    return record;
  }

  /** running = 0.9·running + 0.1·batch (BatchNorm momentum 0.1, unbiased batch variance). */
  private updateRunningStats(stats: Map<string, { mean: tf.Tensor1D; variance: tf.Tensor1D }>): void {
    for (const [key, { mean, variance }] of stats) {
      for (const [name, batchValue] of [['running_mean', mean], ['running_var', variance]] as const) {
        const running = this.expert.params.get(`${key}.${name}`) as tf.Variable;
        tf.tidy(() => running.assign(tf.add(tf.mul(running, 0.9), tf.mul(batchValue, 0.1))));
      }
      tf.dispose([mean, variance]);
    }
  }
}
