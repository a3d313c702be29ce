// The sleep report of the open recording: its scored hypnogram (from the scoring annotations, its own or added from
// a file), the hypnogram of the last decode by a sleep-staging model, the statistics of both, and their agreement
// epoch by epoch (accuracy, Cohen's κ, confusion).
import { type EpochCode, hypnogramFromAnnotations, SLEEP_STAGES, stageOf, UNSCORED } from '../dsp/hypnogram';
import { sleepStatistics } from '../dsp/sleepStatistics';
import { annotationTarget } from '../io/annotationImport';
import type { Recording } from '../io/recording';
import { classificationMetrics } from '../train/metrics';
import type { HypnogramSummary, SleepReport } from './api';

/** One decoded segment on the clock: onset and duration in seconds after the header start, and its class. */
export interface StagePrediction {
  readonly onsetSec: number;
  readonly durationSec: number;
  readonly className: string;
}

const isStage = (code: EpochCode) => code >= 0 && code < SLEEP_STAGES.length;

/** Whether a model's classes are sleep stages, so its predictions make a hypnogram. */
export function isSleepStaging(classes: readonly string[]): boolean {
  return classes.length >= 2 && classes.every((c) => isStage(stageOf(c) ?? UNSCORED));
}

function summary(startSec: number, epochSec: number, epochs: Int8Array): HypnogramSummary {
  return { startSec, epochSec, epochs, statistics: sleepStatistics(epochs, epochSec) };
}

/** The predictions as a hypnogram on their own grid (segments back to back; a missing one is unscored). */
function predictedHypnogram(rows: readonly StagePrediction[]): HypnogramSummary | null {
  if (rows.length === 0) return null;
  const epochSec = rows[0]!.durationSec;
  const startSec = rows[0]!.onsetSec;
  const n = Math.round((rows[rows.length - 1]!.onsetSec - startSec) / epochSec) + 1;
  const epochs = new Int8Array(n).fill(UNSCORED);
  for (const r of rows) epochs[Math.round((r.onsetSec - startSec) / epochSec)] = stageOf(r.className) ?? UNSCORED;
  return summary(startSec, epochSec, epochs);
}

/** Scored against predicted at each scored epoch's midpoint, where both are a stage. */
function agreement(scored: HypnogramSummary, predicted: HypnogramSummary): SleepReport['agreement'] {
  const truth: number[] = [];
  const guess: number[] = [];
  scored.epochs.forEach((code, i) => {
    const mid = scored.startSec + (i + 0.5) * scored.epochSec;
    const j = Math.floor((mid - predicted.startSec) / predicted.epochSec);
    const p = j >= 0 && j < predicted.epochs.length ? predicted.epochs[j]! : UNSCORED;
    if (isStage(code) && isStage(p)) {
      truth.push(code);
      guess.push(p);
    }
  });
  if (truth.length === 0) return null;
  const m = classificationMetrics(truth, guess, SLEEP_STAGES.length);
  return { epochs: truth.length, accuracy: m.accuracy, kappa: m.kappa, confusion: m.confusion };
}

export function sleepReport(recording: Recording, decoded: { readonly model: string; readonly rows: readonly StagePrediction[] } | null): SleepReport | null {
  const { clockStartSec, clockEndSec } = annotationTarget(recording);
  const hypnogram = hypnogramFromAnnotations(recording.annotations, clockStartSec, clockEndSec);
  const scored = hypnogram ? summary(hypnogram.startSec, hypnogram.epochSec, hypnogram.epochs) : null;
  const predictedSummary = decoded ? predictedHypnogram(decoded.rows) : null;
  if (!scored && !predictedSummary) return null;
  return {
    stages: SLEEP_STAGES,
    scored,
    predicted: predictedSummary && decoded ? { ...predictedSummary, model: decoded.model } : null,
    agreement: scored && predictedSummary ? agreement(scored, predictedSummary) : null,
  };
}
