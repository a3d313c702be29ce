// Fine-tuning with frozen experts: only the spectral gate linears and the classifier are trained, on cached
// embeddings (paper; ARCHITECTURE.md §7). AdamW, class-weighted cross-entropy, the classifier's dropout, early
// stopping on the validation loss, live per-epoch curves, cancellable.
import * as tf from '@tensorflow/tfjs';
import { seededRandom, shuffled } from '../dsp/random';
import type { SpecMoEConfig } from '../model/config';
import { headKeys, initHeadParams } from '../model/init';
import type { ParamStore } from '../model/params';
import { nextTask } from '../runtime/nextTask';
import type { KernelThreadFactory } from '../runtime/wasm/kernelThread';
import { KernelMemoryError } from '../runtime/wasm/memory';
import type { AdamWOptions } from './adamw';
import type { HeadDataset } from './headDataset';
import type { HeadSettings } from './headSettings';
import type { Evaluation, HeadStepper } from './headStepper';
import { balancedClassWeights, classificationMetrics } from './metrics';
import { evaluateHead, TfjsHeadStepper } from './tfjsHead';
import { WasmHead } from './wasmHead';
import { WasmHeadStepper } from './wasmHeadStepper';

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

  /** The head's loss (class-weighted; equal weights by default), probabilities and metrics on `data`. */
  evaluate(data: HeadDataset, classWeights: readonly number[] = new Array(this.config.nClasses).fill(1)): Evaluation {
    return evaluateHead(this.config, this.params, data, classWeights);
  }

  /**
   * The stepper for a run: where the engine has WebAssembly SIMD (every current browser and Node), the generated
   * kernels of wasmHead.ts, on whichever tfjs back-end is active; otherwise, or where the kernels' memory (a copy
   * of the embeddings) cannot be had, tfjs's autograd.
   */
  private async stepper(train: HeadDataset, validation: HeadDataset): Promise<HeadStepper> {
    const s = this.settings;
    const adamW: AdamWOptions = { learningRate: s.learningRate, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: s.weightDecay };
    const keys = headKeys(this.config);
    if (WasmHead.supports(this.config)) {
      const initial = new Map(keys.map((k) => [k, Float32Array.from(this.params.get(k).dataSync() as Float32Array)]));
      try {
        return await WasmHeadStepper.create(this.config, train, validation, s.batchSize, initial, adamW, s.dropout, this.kernelThread);
      } catch (e) {
        if (!(e instanceof KernelMemoryError)) throw e;
        console.warn(`head training without its WebAssembly kernels: ${e.message}`);
      }
    }
    return new TfjsHeadStepper(this.config, this.params, keys, train, validation, adamW, s.dropout);
  }

  /**
   * Trains on `train`, stopping early on `validation`'s loss; the best epoch's parameters are kept. onEpoch receives
   * each epoch's record (live curves); returns when done, patient, or aborted.
   */
  async train(train: HeadDataset, validation: HeadDataset, onEpoch?: (r: EpochRecord) => void | Promise<void>, signal?: AbortSignal): Promise<EpochRecord[]> {
    const stepper = await this.stepper(train, validation);
    this.kernelThreads = stepper.kernelThreads;
    try {
      const best = await this.epochs(stepper, train, onEpoch, signal);
      for (const [key, values] of best) (this.params.get(key) as tf.Variable).assign(tf.tensor(values, this.params.get(key).shape));
      return this.history;
    } finally {
      stepper.dispose();
    }
  }

  /** Runs the epochs; returns the best epoch's parameters (the current ones when no epoch ran). */
  private async epochs(stepper: HeadStepper, train: HeadDataset, onEpoch?: (r: EpochRecord) => void | Promise<void>, signal?: AbortSignal): Promise<Map<string, Float32Array>> {
    const s = this.settings;
    const classWeights = balancedClassWeights(Array.from(train.labels), this.config.nClasses);
    const random = seededRandom(s.seed);
    // The classifier's dropout masks come from the seed too (tfjs's unseeded dropout would make runs unrepeatable).
    const dropoutSeeds = seededRandom(s.seed + 1);
    let best = Infinity;
    let bestValues: Map<string, Float32Array> | null = null;
    let waited = 0;
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
        const step = stepper.step(idx, classWeights, Math.floor(dropoutSeeds.next() * 2 ** 30));
        // The epoch's training loss and balanced accuracy come from its own batches (dropout on, as PyTorch
        // trainers report them), not from a second pass over the training set.
        lossSum += step.loss * idx.length;
        epochPredicted.push(...step.predicted);
        for (const i of idx) epochLabels.push(train.labels[i] ?? -1);
        if (performance.now() - lastYield >= YIELD_EVERY_MS) {
          // A task, not a microtask: messages are tasks.
          await nextTask();
          lastYield = performance.now();
        }
      }
      const valEval = stepper.evaluateValidation(classWeights);
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
        bestValues = stepper.values();
        waited = 0;
      } else if (++waited >= s.patience) break;
    }
    return bestValues ?? stepper.values();
  }
}
