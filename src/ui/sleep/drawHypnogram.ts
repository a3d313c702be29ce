// A hypnogram strip on a canvas: stages over clock time (W at the top, then REM, N1, N2, N3, as sleep reports draw
// them; REM in a bold red line), unscored and artefact epochs greyed, and the traces' current page marked.
import type { HypnogramSummary, RecordingSummary } from '../../worker/api';
import { clockLabel } from '../format';

export const HYPNOGRAM_LABEL_WIDTH = 44;
const ROW_ORDER = [0, 4, 1, 2, 3]; // W, REM, N1, N2, N3 from the top
const STRIP_HEIGHT = 64;
const AXIS_HEIGHT = 14;

export interface HypnogramSpan {
  /** Clock seconds the strip spans. */
  readonly fromSec: number;
  readonly toSec: number;
}

export const stripHeight = (withAxis: boolean) => STRIP_HEIGHT + (withAxis ? AXIS_HEIGHT : 0);

/** Clock seconds under an x coordinate (CSS px). */
export function clockAt(span: HypnogramSpan, width: number, x: number): number {
  const plot = width - HYPNOGRAM_LABEL_WIDTH - 4;
  return span.fromSec + ((x - HYPNOGRAM_LABEL_WIDTH) / plot) * (span.toSec - span.fromSec);
}

/** A tick step (s) giving at most ~8 ticks: 30 s … 2 h. */
function tickStep(spanSec: number): number {
  return [30, 60, 300, 600, 1800, 3600, 7200].find((s) => spanSec / s <= 8) ?? 7200;
}

export function drawHypnogram(
  canvas: HTMLCanvasElement,
  hypnogram: HypnogramSummary,
  stages: readonly string[],
  span: HypnogramSpan,
  page: HypnogramSpan,
  recording: Pick<RecordingSummary, 'startIso'>,
  withAxis: boolean,
): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const height = stripHeight(withAxis);
  canvas.width = Math.round(width * dpr);
  canvas.height = Math.round(height * dpr);
  canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const left = HYPNOGRAM_LABEL_WIDTH;
  const plot = width - left - 4;
  const x = (sec: number) => left + ((sec - span.fromSec) / (span.toSec - span.fromSec)) * plot;
  const rowH = (STRIP_HEIGHT - 8) / ROW_ORDER.length;
  const y = (code: number) => 4 + (ROW_ORDER.indexOf(code) + 0.5) * rowH;
  ctx.font = '10px system-ui, sans-serif';
  ROW_ORDER.forEach((code) => {
    ctx.fillStyle = '#444';
    ctx.fillText(stages[code] ?? '', 4, y(code) + 3);
    ctx.strokeStyle = '#eee';
    ctx.beginPath();
    ctx.moveTo(left, y(code) + 0.5);
    ctx.lineTo(left + plot, y(code) + 0.5);
    ctx.stroke();
  });
  // The current page of the traces.
  ctx.fillStyle = 'rgba(11, 87, 208, 0.18)';
  ctx.fillRect(x(page.fromSec), 0, Math.max(2, x(page.toSec) - x(page.fromSec)), STRIP_HEIGHT);
  const { epochs, epochSec, startSec } = hypnogram;
  // Unscored and artefact epochs: a grey band over the whole strip.
  ctx.fillStyle = 'rgba(0, 0, 0, 0.08)';
  epochs.forEach((code, i) => {
    if (code >= 0 && code <= 4) return;
    const x0 = x(startSec + i * epochSec);
    ctx.fillRect(x0, 0, Math.max(1, x(startSec + (i + 1) * epochSec) - x0), STRIP_HEIGHT);
  });
  // The stage line: steps through scored epochs, broken at unscored ones; REM drawn bold and red.
  ctx.strokeStyle = '#1a1a1a';
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let drawing = false;
  epochs.forEach((code, i) => {
    if (code < 0 || code > 4) {
      drawing = false;
      return;
    }
    const x0 = x(startSec + i * epochSec);
    const x1 = x(startSec + (i + 1) * epochSec);
    if (drawing) ctx.lineTo(x0, y(code));
    else ctx.moveTo(x0, y(code));
    ctx.lineTo(x1, y(code));
    drawing = true;
  });
  ctx.stroke();
  ctx.strokeStyle = '#D55E00';
  ctx.lineWidth = 3;
  epochs.forEach((code, i) => {
    if (code !== 4) return;
    ctx.beginPath();
    ctx.moveTo(x(startSec + i * epochSec), y(4));
    ctx.lineTo(x(startSec + (i + 1) * epochSec), y(4));
    ctx.stroke();
  });
  ctx.lineWidth = 1;
  if (!withAxis) return;
  const step = tickStep(span.toSec - span.fromSec);
  ctx.fillStyle = '#444';
  for (let t = Math.ceil(span.fromSec / step) * step; t <= span.toSec; t += step) {
    ctx.fillRect(x(t), STRIP_HEIGHT - 3, 1, 3);
    ctx.fillText(clockLabel(recording, t), Math.min(x(t) + 2, width - 48), STRIP_HEIGHT + 11);
  }
}
