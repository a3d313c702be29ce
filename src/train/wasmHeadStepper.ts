// The HeadStepper on head training's WebAssembly kernels (wasmHead.ts): dataset 0 is the training set, 1 the
// validation set; AdamW runs in the kernels too.
import type { SpecMoEConfig } from '../model/config';
import type { KernelThreadFactory } from '../runtime/wasm/kernelThread';
import type { AdamWOptions } from './adamw';
import type { HeadDataset } from './headDataset';
import { type Evaluation, evaluationOf, type HeadStepper, type StepResult } from './headStepper';
import { WasmHead } from './wasmHead';

const TRAIN = 0;
const VALIDATION = 1;

export class WasmHeadStepper implements HeadStepper {
  /**
   * Copies both sets into the kernels' memory and the head's parameters from `initial` (state-dict keys and layouts).
   * Throws KernelMemoryError where that memory cannot be had.
   */
  static async create(config: SpecMoEConfig, train: HeadDataset, validation: HeadDataset, batchSize: number, initial: ReadonlyMap<string, Float32Array>, adamW: AdamWOptions, dropout: number, kernelThread?: KernelThreadFactory): Promise<WasmHeadStepper> {
    return new WasmHeadStepper(await WasmHead.create(config, [train, validation], batchSize, initial, kernelThread), validation, adamW, dropout);
  }

  private constructor(
    private readonly head: WasmHead,
    private readonly validation: HeadDataset,
    private readonly adamW: AdamWOptions,
    private readonly dropout: number,
  ) {}

  get kernelThreads(): number {
    return this.head.threads;
  }

  step(indices: readonly number[], classWeights: readonly number[], seed: number): StepResult {
    const result = this.head.step(TRAIN, indices, classWeights, this.dropout, seed);
    this.head.adamW(this.adamW, this.adamW.learningRate);
    return result;
  }

  evaluateValidation(classWeights: readonly number[]): Evaluation {
    const all = Array.from({ length: this.validation.n }, (_, i) => i);
    return evaluationOf(this.head.probabilities(VALIDATION, all), this.validation.labels, classWeights, this.head.config.nClasses);
  }

  values(): Map<string, Float32Array> {
    return this.head.torchValues();
  }

  dispose(): void {
    this.head.dispose();
  }
}
