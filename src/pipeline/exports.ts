// Predictions as files clinicians and researchers open elsewhere: CSV, JSON (the `specmoe predict --json` rows) and
// an EDF+ annotation file whose annotations are the predicted classes.
import { type AnnotationFileHeader, writeAnnotationEdf } from '../io/edfAnnotationWriter';
import type { SegmentPrediction } from './decode';

/**
 * One row per segment: onset (seconds after the header start), data onset (seconds of samples from the first one,
 * gaps of EDF+D not counted), duration, class name, class name → probability, mean gate per expert.
 */
export interface PredictionRow {
  readonly onset: number;
  readonly dataOnset: number;
  readonly duration: number;
  readonly class: string;
  readonly probabilities: Record<string, number>;
  readonly gates: readonly number[];
  readonly label?: string;
}

export function predictionRows(rows: readonly SegmentPrediction[], classes: readonly string[]): PredictionRow[] {
  return rows.map((r) => ({
    onset: Number(r.clockSec.toFixed(6)),
    dataOnset: Number(r.dataSec.toFixed(6)),
    duration: r.durationSec,
    class: r.className,
    probabilities: Object.fromEntries(classes.map((c, i) => [c, r.probabilities[i]!])),
    gates: [...r.gates],
    ...(r.label !== undefined ? { label: r.label } : {}),
  }));
}

const csvField = (v: string | number) => {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function predictionsCsv(rows: readonly SegmentPrediction[], classes: readonly string[]): string {
  const hasLabel = rows.some((r) => r.label !== undefined);
  const header = ['start_sec', 'end_sec', 'class', ...classes.map((c) => `p_${c}`), 'gate_expert1', 'gate_expert2', 'gate_expert3', ...(hasLabel ? ['label'] : [])];
  const lines = rows.map((r) =>
    [
      Number(r.clockSec.toFixed(6)),
      Number((r.clockSec + r.durationSec).toFixed(6)),
      r.className,
      ...r.probabilities.map((p) => p.toFixed(6)),
      ...r.gates.map((g) => g.toFixed(6)),
      ...(hasLabel ? [r.label ?? ''] : []),
    ]
      .map(csvField)
      .join(','),
  );
  return `${[header.map(csvField).join(','), ...lines].join('\n')}\n`;
}

export function predictionsEdf(rows: readonly SegmentPrediction[], header: AnnotationFileHeader): Uint8Array {
  return writeAnnotationEdf(
    rows.map((r) => ({ onsetSec: r.clockSec, durationSec: r.durationSec, description: r.className })),
    header,
  );
}
