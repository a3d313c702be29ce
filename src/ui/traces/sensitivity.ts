// How tall a trace is drawn: sensitivity in µV per millimetre as clinical EEG states it (ACNS: 7 µV/mm by
// default), a default per signal type, a factor per trace, and for signals that are not voltages (respiration,
// temperature, markers) the header's physical range fitted to the row. Millimetres are CSS millimetres
// (96 px per inch): a screen's true millimetre depends on its pixel density, which the browser does not tell.
import type { ChannelType, PageTrace } from '../../worker/api';

export const PX_PER_MM = 96 / 25.4;

/** The EEG sensitivity a recording opens with (ACNS guideline). */
export const DEFAULT_EEG_UV_PER_MM = 7;

/** Steps of the sensitivity selector and of +/− (µV/mm). */
export const SENSITIVITY_STEPS_UV_PER_MM = [1, 2, 3, 5, 7, 10, 15, 20, 30, 50, 70, 100, 150, 200, 300, 500, 1000] as const;

/**
 * Default µV/mm of each voltage type at the EEG default; they follow the EEG sensitivity in proportion. EOG swings
 * wider than EEG, ECG is millivolts; null: fitted to the row (respiration and other non-EEG sensors).
 */
export const TYPE_UV_PER_MM: Readonly<Record<ChannelType, number | null>> = { eeg: 7, eog: 10, emg: 10, ecg: 100, resp: null, other: null };

/** A voltage trace whose whole physical range would be drawn shorter than this is fitted to the row instead. */
const MIN_RANGE_MM = 4;
/** A fitted trace's physical range fills this fraction of the row. */
const FIT_FRACTION = 0.9;

export interface TraceScale {
  readonly pxPerUnit: number;
  /** Units per millimetre as drawn, and how it was chosen. */
  readonly unitPerMm: number;
  readonly fitted: boolean;
}

export function traceScale(trace: Pick<PageTrace, 'unit' | 'type' | 'physicalMin' | 'physicalMax'>, eegUvPerMm: number, gain: number, rowHeightPx: number): TraceScale {
  const typeDefault = trace.unit === 'µV' ? TYPE_UV_PER_MM[trace.type] : null;
  const range = Math.max(1e-12, trace.physicalMax - trace.physicalMin);
  const perMm = typeDefault === null ? null : (typeDefault * eegUvPerMm) / DEFAULT_EEG_UV_PER_MM;
  if (perMm !== null && range / perMm >= MIN_RANGE_MM) {
    const unitPerMm = perMm / gain;
    return { pxPerUnit: PX_PER_MM / unitPerMm, unitPerMm, fitted: false };
  }
  const pxPerUnit = (gain * FIT_FRACTION * rowHeightPx) / range;
  return { pxPerUnit, unitPerMm: PX_PER_MM / pxPerUnit, fitted: true };
}

/** "7 µV/mm", "0.45 DegC/mm", "12 units/mm" (a blank unit). */
export function sensitivityLabel(scale: TraceScale, unit: string): string {
  const v = scale.unitPerMm;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  return `${Number(v.toFixed(digits))} ${unit || 'units'}/mm`;
}

/** The next sensitivity step: direction +1 more sensitive (fewer µV/mm, taller traces), −1 less. */
export function nextSensitivity(current: number, direction: 1 | -1): number {
  const steps = SENSITIVITY_STEPS_UV_PER_MM;
  const above = steps.findIndex((s) => s >= current);
  const at = above < 0 ? steps.length : above;
  // Off the steps, the neighbouring step in the asked direction; on a step, the next one.
  const next = steps[at] === current ? at - direction : direction > 0 ? at - 1 : at;
  return steps[Math.min(steps.length - 1, Math.max(0, next))]!;
}

/** A trace's amplitude factor after +/−: doubled or halved, within 1/64 … 64. */
export function nextGain(gain: number, direction: 1 | -1): number {
  return Math.min(64, Math.max(1 / 64, direction > 0 ? gain * 2 : gain / 2));
}
