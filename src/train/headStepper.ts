// Head training's one interface: a stepper trains the gate + classifier on cached embeddings (a training and a
// validation set given when it is made) one batch at a time. Two implementations: generated WebAssembly kernels
// (wasmHeadStepper.ts, where the engine has WebAssembly SIMD and the kernels' memory can be had) and tfjs's autograd
// (tfjsHead.ts). HeadTrainer (headTraining.ts) runs epochs, early stopping and progress on either.
import { classificationMetrics, type Metrics } from './metrics';

export interface StepResult {
  /** Σ w·nll / Σ w over the batch (the weighted cross-entropy). */
  readonly loss: number;
  readonly predicted: Int32Array;
}

export interface Evaluation {
  readonly loss: number;
  readonly probabilities: number[][];
  readonly predicted: number[];
  readonly metrics: Metrics;
}

export interface HeadStepper {
  /** Threads running the head's WebAssembly kernels (0: tfjs's autograd). */
  readonly kernelThreads: number;
  /**
   * Loss, gradients and one AdamW update on the training segments `indices`: class-weighted cross-entropy, the
   * classifier's dropout drawn from `seed`.
   */
  step(indices: readonly number[], classWeights: readonly number[], seed: number): StepResult;
  /** The validation set's loss (class-weighted), probabilities and metrics (no dropout). */
  evaluateValidation(classWeights: readonly number[]): Evaluation;
  /** The parameters now, in state-dict keys and layouts (copies). */
  values(): Map<string, Float32Array>;
  dispose(): void;
}

/** An Evaluation from class probabilities [n, K] (row-major) of segments labelled `labels`. */
export function evaluationOf(p: Float64Array, labels: Int32Array, classWeights: readonly number[], k: number): Evaluation {
  const probabilities: number[][] = [];
  let lossSum = 0;
  let weightSum = 0;
  labels.forEach((label, i) => {
    const w = classWeights[label] ?? 0;
    lossSum -= w * Math.log(p[i * k + label] ?? 0);
    weightSum += w;
    probabilities.push(Array.from(p.subarray(i * k, (i + 1) * k)));
  });
  const predicted = probabilities.map((row) => row.indexOf(Math.max(...row)));
  return { loss: lossSum / weightSum, probabilities, predicted, metrics: classificationMetrics(Array.from(labels), predicted, k) };
}
