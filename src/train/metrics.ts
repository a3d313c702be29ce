// Classification metrics for fine-tuning reports: confusion matrix, balanced accuracy, weighted F1, Cohen's kappa,
// per-class recall, and the class weights of the weighted cross-entropy.

export interface Metrics {
  /** confusion[true][predicted] counts. */
  readonly confusion: number[][];
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly weightedF1: number;
  readonly kappa: number;
  /** Recall of each class (NaN for a class absent from the truth). */
  readonly recall: number[];
  readonly count: number;
}

export function confusionMatrix(truth: readonly number[], predicted: readonly number[], nClasses: number): number[][] {
  if (truth.length !== predicted.length) throw new RangeError(`metrics: ${truth.length} labels vs ${predicted.length} predictions`);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  truth.forEach((t, i) => m[t]![predicted[i]!]!++);
  return m;
}

export function classificationMetrics(truth: readonly number[], predicted: readonly number[], nClasses: number): Metrics {
  const confusion = confusionMatrix(truth, predicted, nClasses);
  const n = truth.length;
  const support = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const predictedCount = Array.from({ length: nClasses }, (_, j) => confusion.reduce((a, row) => a + row[j]!, 0));
  const correct = confusion.reduce((a, row, i) => a + row[i]!, 0);
  const recall = confusion.map((row, i) => (support[i]! > 0 ? row[i]! / support[i]! : NaN));
  const present = recall.filter((r) => !Number.isNaN(r));
  const precision = confusion.map((_, j) => (predictedCount[j]! > 0 ? confusion[j]![j]! / predictedCount[j]! : 0));
  const f1 = recall.map((r, i) => (Number.isNaN(r) || r + precision[i]! === 0 ? 0 : (2 * r * precision[i]!) / (r + precision[i]!)));
  const weightedF1 = n > 0 ? f1.reduce((a, f, i) => a + f * support[i]!, 0) / n : NaN;
  const observed = n > 0 ? correct / n : NaN;
  const expected = n > 0 ? support.reduce((a, s, i) => a + s * predictedCount[i]!, 0) / (n * n) : NaN;
  return {
    confusion,
    accuracy: observed,
    balancedAccuracy: present.length > 0 ? present.reduce((a, b) => a + b, 0) / present.length : NaN,
    weightedF1,
    kappa: expected === 1 ? (observed === 1 ? 1 : 0) : (observed - expected) / (1 - expected),
    recall,
    count: n,
  };
}

/** Inverse-frequency class weights w_c = N / (K · n_c) (sklearn's "balanced"); 0 for absent classes. */
export function balancedClassWeights(labels: readonly number[], nClasses: number): number[] {
  const counts = new Array<number>(nClasses).fill(0);
  for (const l of labels) counts[l]!++;
  return counts.map((c) => (c > 0 ? labels.length / (nClasses * c) : 0));
}
