// Predictions as files clinicians and researchers open elsewhere: CSV, JSON (the `specmoe predict --json` rows) and
// an EDF+ annotation file whose annotations are the predicted classes. CSV and JSON carry their context — the model,
// the recording, the channel mapping and the warnings — so a file read months later says what produced it.
import { type AnnotationFileHeader, writeAnnotationEdf } from '../io/edfAnnotationWriter';
import type { SegmentPrediction } from './decode';

/** What produced a set of predictions. */
export interface ExportContext {
  readonly model: {
    readonly name: string;
    readonly task: string;
    readonly classes: readonly string[];
    /** SHA-256 of the bundle's bundle.json (which pins every weight file's SHA-256), or of a bare weights file. */
    readonly sha256: string;
    readonly sha256Of: string;
  };
  readonly recording: {
    readonly fileName: string;
    /** ISO start time; null when unknown or withheld (de-identified). */
    readonly start: string | null;
    readonly durationSec: number;
  };
  /** Model channel ← the recording channel (or derivation "A − B") feeding it; null: missing, filled with zeros. */
  readonly channelMapping: readonly { readonly model: string; readonly source: string | null }[];
  readonly warnings: readonly string[];
}

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

/** The context as "# key: value" lines above the CSV's header row (pandas: `read_csv(path, comment='#')`). */
function csvContext(c: ExportContext): string[] {
  const line = (key: string, value: string | number) => `# ${key}: ${String(value).replace(/[\r\n]+/g, ' ')}`;
  return [
    line('model', c.model.name),
    line('model_task', c.model.task),
    line('model_classes', c.model.classes.join('; ')),
    line('model_sha256', `${c.model.sha256} (${c.model.sha256Of})`),
    line('recording', c.recording.fileName),
    line('recording_start', c.recording.start ?? 'not stated'),
    line('recording_duration_sec', c.recording.durationSec),
    line('channel_mapping', c.channelMapping.map((m) => `${m.model} <- ${m.source ?? 'zeros (missing)'}`).join('; ')),
    ...c.warnings.map((w) => line('warning', w)),
    '# onsets (start_sec, end_sec) are seconds after the recording start (clock time: gaps of EDF+D count)',
  ];
}

export function predictionsCsv(rows: readonly SegmentPrediction[], classes: readonly string[], context?: ExportContext): string {
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
  return `${[...(context ? csvContext(context) : []), header.map(csvField).join(','), ...lines].join('\n')}\n`;
}

/** The JSON export: the context, then the rows as `specmoe predict --json` prints them. */
export function predictionsJson(rows: readonly SegmentPrediction[], classes: readonly string[], context: ExportContext): string {
  return JSON.stringify({ format: 'specmoe-predictions', ...context, onsets: 'onset: seconds after the recording start (clock time: gaps of EDF+D count); dataOnset: seconds of samples from the first one (gaps not counted)', rows: predictionRows(rows, classes) }, null, 1);
}

export function predictionsEdf(rows: readonly SegmentPrediction[], header: AnnotationFileHeader): Uint8Array {
  return writeAnnotationEdf(
    rows.map((r) => ({ onsetSec: r.clockSec, durationSec: r.durationSec, description: r.className })),
    header,
  );
}
