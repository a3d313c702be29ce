// How a decode of labelled trials agrees with the recording's own labels: each row cut at an annotation the label map
// knows (T1 → left fist) has a true class; the predicted classes are scored against them as fine-tuning scores a
// head (balanced accuracy, Cohen's κ, confusion). The app's Decode view and `specmoe predict --annotations` share it.
import { classificationMetrics, type Metrics } from './metrics';

/** What a decoded row must carry to be scored: its predicted class and the annotation it was cut at. */
export interface LabelledPrediction {
  readonly classIndex: number;
  readonly label?: string;
}

export interface TrialAgreement {
  /** Rows whose annotation maps to one of the model's classes. */
  readonly trials: number;
  /** confusion[true][predicted] over those rows, balanced accuracy, κ… */
  readonly metrics: Metrics;
  /** Balanced accuracy of guessing: 1 / number of classes. */
  readonly chance: number;
}

/** The class index an annotation text stands for, or null (no label, or a label outside the map or the classes). */
export function labelClassIndex(label: string | undefined, labels: Readonly<Record<string, string>>, classes: readonly string[]): number | null {
  if (label === undefined || !Object.hasOwn(labels, label)) return null;
  const index = classes.indexOf(labels[label]!);
  return index < 0 ? null : index;
}

/** Agreement of `rows` with their labels; null when no row carries a label of one of the classes. */
export function trialAgreement(rows: readonly LabelledPrediction[], labels: Readonly<Record<string, string>>, classes: readonly string[]): TrialAgreement | null {
  const truth: number[] = [];
  const predicted: number[] = [];
  for (const r of rows) {
    const t = labelClassIndex(r.label, labels, classes);
    if (t === null) continue;
    truth.push(t);
    predicted.push(r.classIndex);
  }
  if (truth.length === 0) return null;
  return { trials: truth.length, metrics: classificationMetrics(truth, predicted, classes.length), chance: 1 / classes.length };
}

/**
 * One line for logs and the CLI's stderr: "15 labelled trials: balanced accuracy 60.0 % (chance 50.0 %), accuracy
 * 60.0 %, Cohen's κ 0.20; confusion (rows: true left fist / right fist) [5 3] [3 4]".
 */
export function agreementLine(a: TrialAgreement, classes: readonly string[]): string {
  const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
  const confusion = a.metrics.confusion.map((r) => `[${r.join(' ')}]`).join(' ');
  return (
    `${a.trials} labelled trials: balanced accuracy ${pct(a.metrics.balancedAccuracy)} (chance ${pct(a.chance)}), accuracy ${pct(a.metrics.accuracy)}, ` +
    `Cohen's κ ${a.metrics.kappa.toFixed(2)}; confusion (rows: true ${classes.join(' / ')}) ${confusion}`
  );
}
