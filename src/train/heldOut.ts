// A trained head's scores on held-out data, each beside the band-power reference on the same split (validation with
// validation, test with test), and what they say about whether the head is worth keeping: at or below chance, or
// below the reference, it is saved only after a warning that says so.
import type { BundleEvaluation } from '../io/bundleConfig';
import type { Metrics } from './metrics';

/** What heldOutEvaluation reads of a fine-tuning result (a head's, train/finetune.ts, or the whole model's, train/finetuneFull.ts). */
export interface HeldOutScores {
  readonly splits: readonly { readonly name: string; readonly subjects: readonly string[] }[];
  readonly validation: { readonly metrics: Metrics };
  readonly test: { readonly metrics: Metrics } | null;
  /** The band-power reference on each held-out split. */
  readonly references: { readonly validation: Metrics | null; readonly test: Metrics | null };
}

/** The bundle's `evaluation`: one entry per held-out split the head was measured on. */
export function heldOutEvaluation(result: HeldOutScores): BundleEvaluation[] {
  const entry = (split: 'validation' | 'test'): BundleEvaluation | null => {
    const evaluation = split === 'validation' ? result.validation : result.test;
    const reference = result.references[split];
    if (!evaluation) return null;
    const report = result.splits.find((s) => s.name === split);
    return {
      split,
      subjects: [...(report?.subjects ?? [])],
      segments: evaluation.metrics.count,
      balancedAccuracy: evaluation.metrics.balancedAccuracy,
      kappa: evaluation.metrics.kappa,
      bandPowerBalancedAccuracy: reference?.balancedAccuracy ?? null,
    };
  };
  return [entry('validation'), entry('test')].filter((e): e is BundleEvaluation => e !== null);
}

/**
 * The bundle's `provenance.trainingSubjects`: the training split's subjects and, for the weights a fine-tuning run
 * starts from, those its base learned from (`baseSubjects`, the base bundle's record), sorted.
 */
export function trainingSubjects(result: HeldOutScores, baseSubjects: readonly string[] = []): string[] {
  return [...new Set([...baseSubjects, ...(result.splits.find((s) => s.name === 'train')?.subjects ?? [])])].sort();
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

/** "validation: balanced accuracy 57.3 % (band power 60.0 % on the same split); test: …" for provenance notes. */
export function evaluationNotes(evaluations: readonly BundleEvaluation[]): string {
  return evaluations
    .map((e) => `${e.split}: balanced accuracy ${pct(e.balancedAccuracy)}${e.bandPowerBalancedAccuracy === null ? '' : ` (band power ${pct(e.bandPowerBalancedAccuracy)} on the same split)`}`)
    .join('; ');
}

/**
 * Why a head should not be used without a second thought: a split where it scores at or below chance (1 / classes)
 * or below band power on the same split. Empty when it beats both everywhere it was measured.
 */
export function weakHeadWarnings(evaluations: readonly BundleEvaluation[], nClasses: number): string[] {
  const chance = 1 / nClasses;
  const warnings: string[] = [];
  for (const e of evaluations) {
    if (!(e.balancedAccuracy > chance)) {
      warnings.push(`On the ${e.split} split it scores ${pct(e.balancedAccuracy)} balanced accuracy, at or below chance (${pct(chance)} for ${nClasses} classes): it has learned nothing that carries over to these subjects.`);
    } else if (e.bandPowerBalancedAccuracy !== null && e.balancedAccuracy < e.bandPowerBalancedAccuracy) {
      warnings.push(`On the ${e.split} split it scores ${pct(e.balancedAccuracy)} balanced accuracy, below the ${pct(e.bandPowerBalancedAccuracy)} of log band power + logistic regression on the same split: a classic method does better.`);
    }
  }
  return warnings;
}
