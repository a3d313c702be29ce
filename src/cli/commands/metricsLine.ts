// One line of classification metrics, as the fine-tuning commands print them.
import type { Metrics } from '../../train/metrics';

export const pct = (x: number): string => `${(100 * x).toFixed(1)} %`;

export function metricsLine(m: Metrics): string {
  return `balanced accuracy ${pct(m.balancedAccuracy)}, weighted F1 ${m.weightedF1.toFixed(3)}, kappa ${m.kappa.toFixed(3)}, recall ${m.recall.map((r) => pct(r)).join(' / ')} (n = ${m.count})`;
}
