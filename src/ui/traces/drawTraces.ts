// Draws a page of traces on a canvas as EEG readers expect: one row per trace, each trace clipped to its row (never
// over a label or a neighbour), labels with their sensitivity in a column of their own, annotations as shaded spans
// (and in a lane above the traces), a calibration bar, and a time axis in the app's time convention.
import type { AnnotationSummary, PageData, RecordingSummary } from '../../worker/api';
import { CLASS_COLOURS, clockLabel, dataToClockSec, offsetLabel } from '../format';
import { PX_PER_MM, sensitivityLabel, type TraceScale, traceScale } from './sensitivity';

export const LABEL_WIDTH = 116;
const RIGHT_MARGIN = 64;
const LANE_HEIGHT = 16;
const AXIS_HEIGHT = 30;
/** Rows are never thinner than this. */
export const ROW_MIN_PX = 14;
/** Spans at least this long (sleep stages, states) are drawn in the lane only, not tinted over the traces. */
const LONG_SPAN_SEC = 60;
/** A trace clipped in more than this fraction of its columns says so beside its label. */
export const CLIPPED_FRACTION = 0.2;

export interface TraceLayout {
  readonly width: number;
  readonly height: number;
  readonly plotLeft: number;
  readonly plotRight: number;
  readonly top: number;
  readonly rowHeight: number;
  readonly rows: number;
}

/** Geometry of a canvas `width` × `height` CSS px holding `rows` traces. */
export function traceLayout(width: number, height: number, rows: number): TraceLayout {
  const n = Math.max(1, rows);
  const rowHeight = Math.max(ROW_MIN_PX, Math.floor((height - LANE_HEIGHT - AXIS_HEIGHT) / n));
  return { width, height: rowHeight * n + LANE_HEIGHT + AXIS_HEIGHT, plotLeft: LABEL_WIDTH, plotRight: width - RIGHT_MARGIN, top: LANE_HEIGHT, rowHeight, rows: n };
}

/** Canvas height that gives `rows` rows of at least ROW_MIN_PX. */
export const minimumHeight = (rows: number) => Math.max(1, rows) * ROW_MIN_PX + LANE_HEIGHT + AXIS_HEIGHT;

/** Rows of at least `rowPx` that fit a canvas of `heightPx`. */
export const rowsThatFit = (heightPx: number, rowPx: number) => Math.floor((heightPx - LANE_HEIGHT - AXIS_HEIGHT) / rowPx);

/** The row under a y coordinate (CSS px), or null. */
export function rowAt(layout: TraceLayout, y: number): number | null {
  const r = Math.floor((y - layout.top) / layout.rowHeight);
  return r >= 0 && r < layout.rows ? r : null;
}

export interface TraceDisplay {
  readonly eegUvPerMm: number;
  readonly gains: Readonly<Record<string, number>>;
  readonly selected: string | null;
}

function colourOf(description: string): string {
  let h = 0;
  for (const ch of description) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return CLASS_COLOURS[h % (CLASS_COLOURS.length - 1)]!; // never the last (black)
}

/** Text cut with an ellipsis to fit `maxPx`. */
function fitText(ctx: CanvasRenderingContext2D, text: string, maxPx: number): string {
  if (ctx.measureText(text).width <= maxPx) return text;
  let cut = text;
  while (cut.length > 1 && ctx.measureText(`${cut}…`).width > maxPx) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function drawAnnotations(ctx: CanvasRenderingContext2D, page: PageData, annotations: readonly AnnotationSummary[], L: TraceLayout): void {
  const plotWidth = L.plotRight - L.plotLeft;
  const x = (dataSec: number) => L.plotLeft + ((dataSec - page.startSec) / page.durationSec) * plotWidth;
  const end = page.startSec + page.durationSec;
  const tracesBottom = L.top + L.rows * L.rowHeight;
  ctx.font = '11px system-ui, sans-serif';
  for (const a of annotations) {
    const duration = Math.max(0, a.durationSec ?? 0);
    if (a.dataSec > end || a.dataSec + duration < page.startSec) continue;
    const colour = colourOf(a.description);
    const x0 = Math.max(L.plotLeft, x(a.dataSec));
    const x1 = Math.min(L.plotRight, x(a.dataSec + duration));
    ctx.save();
    ctx.beginPath();
    ctx.rect(L.plotLeft, 0, plotWidth, tracesBottom);
    ctx.clip();
    if (duration > 0) {
      ctx.globalAlpha = 0.35;
      ctx.fillStyle = colour;
      ctx.fillRect(x0, 2, Math.max(2, x1 - x0), LANE_HEIGHT - 4);
      if (duration < LONG_SPAN_SEC) {
        ctx.globalAlpha = 0.12;
        ctx.fillRect(x0, L.top, Math.max(1, x1 - x0), tracesBottom - L.top);
      }
      ctx.globalAlpha = 1;
    }
    ctx.strokeStyle = colour;
    ctx.beginPath();
    if (a.dataSec >= page.startSec) {
      ctx.moveTo(x(a.dataSec) + 0.5, duration > 0 ? 2 : 0);
      ctx.lineTo(x(a.dataSec) + 0.5, tracesBottom);
    }
    ctx.stroke();
    ctx.fillStyle = '#1a1a1a';
    ctx.fillText(fitText(ctx, a.description, Math.max(20, L.plotRight - x0 - 4)), x0 + 3, LANE_HEIGHT - 4);
    ctx.restore();
  }
}

function drawAxis(ctx: CanvasRenderingContext2D, page: PageData, recording: RecordingSummary, L: TraceLayout): void {
  const plotWidth = L.plotRight - L.plotLeft;
  const tracesBottom = L.top + L.rows * L.rowHeight;
  const step = page.durationSec > 10 ? 5 : 1;
  ctx.font = '11px system-ui, sans-serif';
  for (let s = 0; s <= page.durationSec + 1e-9; s++) {
    const xs = L.plotLeft + (s / page.durationSec) * plotWidth;
    ctx.strokeStyle = s % step === 0 ? '#d0d0d0' : '#ececec';
    ctx.beginPath();
    ctx.moveTo(xs + 0.5, L.top);
    ctx.lineTo(xs + 0.5, tracesBottom);
    ctx.stroke();
    if (s % step !== 0 || s === page.durationSec) continue;
    const clockSec = dataToClockSec(recording, page.startSec + s);
    ctx.fillStyle = '#333';
    ctx.fillText(clockLabel(recording, clockSec), xs + 2, tracesBottom + 12);
    ctx.fillStyle = '#666';
    ctx.fillText(offsetLabel(clockSec), xs + 2, tracesBottom + 25);
  }
}

/** A vertical bar of 10 mm (5 where rows are few) at the EEG sensitivity and a 1-s bar, in the right margin; its legend. */
function drawCalibration(ctx: CanvasRenderingContext2D, page: PageData, eegUvPerMm: number, L: TraceLayout): string {
  const tracesBottom = L.top + L.rows * L.rowHeight;
  const mm = tracesBottom - L.top >= 14 * PX_PER_MM ? 10 : 5;
  const barPx = mm * PX_PER_MM;
  const x = L.plotRight + 14;
  const bottom = tracesBottom - 18;
  const secPx = (L.plotRight - L.plotLeft) / page.durationSec;
  ctx.strokeStyle = '#000';
  ctx.lineWidth = 2;
  ctx.beginPath();
  ctx.moveTo(x, bottom - barPx);
  ctx.lineTo(x, bottom);
  ctx.lineTo(x + Math.min(secPx, RIGHT_MARGIN - 18), bottom);
  ctx.stroke();
  ctx.lineWidth = 1;
  ctx.fillStyle = '#000';
  ctx.font = '11px system-ui, sans-serif';
  const microvolts = `${Number((mm * eegUvPerMm).toFixed(1))} µV`;
  ctx.fillText(microvolts, x + 4, bottom - barPx + 10);
  ctx.fillText(secPx <= RIGHT_MARGIN - 18 ? '1 s' : '', x + 4, bottom + 13);
  return `${microvolts} per ${mm} mm`;
}

export interface DrawnTrace {
  readonly scale: TraceScale;
  /** Fraction of the pixel columns where the trace runs out of its row. */
  readonly clipped: number;
}

export interface DrawnPage {
  readonly traces: readonly DrawnTrace[];
  /** The calibration bar's legend, e.g. "70 µV per 10 mm". */
  readonly calibration: string;
}

/** Draws the page; returns each trace's scale and clipping (for the labels and the tests' readout). */
export function drawTraces(canvas: HTMLCanvasElement, page: PageData, recording: RecordingSummary, display: TraceDisplay, L: TraceLayout): DrawnPage {
  const ctx = canvas.getContext('2d');
  if (!ctx) return { traces: [], calibration: '' };
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(L.width * dpr);
  canvas.height = Math.round(L.height * dpr);
  canvas.style.height = `${L.height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, L.width, L.height);
  drawAxis(ctx, page, recording, L);
  drawAnnotations(ctx, page, recording.annotations, L);
  const plotWidth = L.plotRight - L.plotLeft;
  const scales = page.traces.map((trace) => traceScale(trace, display.eegUvPerMm, display.gains[trace.label] ?? 1, L.rowHeight));
  const clipped = page.traces.map((trace, r) => clippedFraction(trace, scales[r]!.pxPerUnit, L.rowHeight));
  page.traces.forEach((trace, r) => {
    const rowTop = L.top + r * L.rowHeight;
    const mid = rowTop + L.rowHeight / 2;
    const selected = display.selected === trace.label;
    if (selected) {
      ctx.fillStyle = '#dbe8fb';
      ctx.fillRect(0, rowTop, L.plotLeft - 2, L.rowHeight);
    }
    ctx.strokeStyle = '#f0f0f0';
    ctx.beginPath();
    ctx.moveTo(0, rowTop + L.rowHeight + 0.5);
    ctx.lineTo(L.plotRight, rowTop + L.rowHeight + 0.5);
    ctx.stroke();
    // The label column: the label, and its sensitivity where the row has room.
    const twoLines = L.rowHeight >= 26;
    ctx.fillStyle = '#1a1a1a';
    ctx.font = `${selected ? '600 ' : ''}12px system-ui, sans-serif`;
    ctx.fillText(fitText(ctx, trace.label, L.plotLeft - 10), 4, twoLines ? mid - 2 : mid + 4);
    if (twoLines) {
      const clipping = clipped[r]! > CLIPPED_FRACTION;
      ctx.fillStyle = clipping ? '#b3261e' : '#666';
      ctx.font = '10px system-ui, sans-serif';
      ctx.fillText(fitText(ctx, `${sensitivityLabel(scales[r]!, trace.unit)}${clipping ? ', clipped' : ''}`, L.plotLeft - 10), 4, mid + 10);
    }
    // The trace: one min–max segment per pixel column, centred on its page mean, clipped to its row.
    const mean = pageMean(trace);
    const k = scales[r]!.pxPerUnit;
    ctx.save();
    ctx.beginPath();
    ctx.rect(L.plotLeft, rowTop, plotWidth, L.rowHeight);
    ctx.clip();
    ctx.strokeStyle = selected ? '#0b3d91' : '#111';
    ctx.beginPath();
    const cols = trace.min.length;
    for (let c = 0; c < cols; c++) {
      const xc = L.plotLeft + (c / cols) * plotWidth;
      const top = mid - (trace.max[c]! - mean) * k;
      const bottom = mid - (trace.min[c]! - mean) * k + 0.5;
      if (c === 0) ctx.moveTo(xc, top);
      else ctx.lineTo(xc, top);
      ctx.lineTo(xc, bottom);
    }
    ctx.stroke();
    ctx.restore();
  });
  const calibration = drawCalibration(ctx, page, display.eegUvPerMm, L);
  return { traces: scales.map((scale, r) => ({ scale, clipped: clipped[r]! })), calibration };
}

function pageMean(trace: PageData['traces'][number]): number {
  let mean = 0;
  for (let i = 0; i < trace.min.length; i++) mean += (trace.min[i]! + trace.max[i]!) / (2 * trace.min.length);
  return mean;
}

/** Fraction of columns whose min or max lies beyond half a row from the page mean at `pxPerUnit`. */
export function clippedFraction(trace: PageData['traces'][number], pxPerUnit: number, rowHeightPx: number): number {
  const mean = pageMean(trace);
  const limit = rowHeightPx / 2 / pxPerUnit;
  let n = 0;
  for (let i = 0; i < trace.min.length; i++) if (trace.max[i]! - mean > limit || mean - trace.min[i]! > limit) n++;
  return trace.min.length > 0 ? n / trace.min.length : 0;
}
