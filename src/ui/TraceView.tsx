// The EEG trace viewer: pages of 10 or 30 s drawn on a canvas from the worker's min/max columns, montage, display
// filters, gain, channel show/hide, annotation markers and list, keyboard paging (PgUp/PgDn, ←/→, +/−).
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DisplayFilterSettings, MontageName, PageData, RecordingSummary, WorkerApi } from '../worker/api';
import type { Comlink } from './workerClient';
import { clockLabel } from './format';
import { useWorkerCall } from './useWorkerCall';

export interface ViewerState {
  readonly startSec: number;
  readonly pageSec: 10 | 30;
  readonly montage: MontageName;
  readonly filter: DisplayFilterSettings;
  readonly gainUvPerDiv: number;
  readonly hidden: readonly string[];
}

export const INITIAL_VIEWER: ViewerState = {
  startSec: 0,
  pageSec: 10,
  montage: 'referential',
  filter: { highpassHz: null, lowpassHz: null, notchHz: null },
  gainUvPerDiv: 100,
  hidden: [],
};

const GAINS = [5, 10, 20, 50, 100, 200, 500, 1000, 2000];
const LABEL_WIDTH = 70;
const ROW_MIN = 12;

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  readonly state: ViewerState;
  readonly onChange: (next: ViewerState) => void;
  readonly onError: (message: string) => void;
}

function draw(canvas: HTMLCanvasElement, page: PageData, state: ViewerState, recording: RecordingSummary): void {
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const dpr = window.devicePixelRatio || 1;
  const width = canvas.clientWidth;
  const rows = Math.max(1, page.traces.length);
  const rowHeight = Math.max(ROW_MIN, Math.floor(560 / rows));
  const height = rowHeight * rows + 24;
  canvas.width = width * dpr;
  canvas.height = height * dpr;
  canvas.style.height = `${height}px`;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = '#fff';
  ctx.fillRect(0, 0, width, height);
  const plotWidth = width - LABEL_WIDTH;
  // Seconds grid.
  ctx.strokeStyle = '#e3e3e3';
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  for (let s = 0; s <= page.durationSec; s++) {
    const x = LABEL_WIDTH + (s / page.durationSec) * plotWidth;
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height - 20);
    ctx.stroke();
    if (s % (page.durationSec > 10 ? 5 : 1) === 0) ctx.fillText(clockLabel(recording, page.clockStartSec + s), x + 2, height - 6);
  }
  // Annotation markers.
  for (const a of recording.annotations) {
    if (a.dataSec < page.startSec || a.dataSec > page.startSec + page.durationSec) continue;
    const x = LABEL_WIDTH + ((a.dataSec - page.startSec) / page.durationSec) * plotWidth;
    ctx.strokeStyle = '#0072B2';
    ctx.beginPath();
    ctx.moveTo(x, 0);
    ctx.lineTo(x, height - 20);
    ctx.stroke();
    ctx.fillStyle = '#0072B2';
    ctx.fillText(a.description, x + 3, 11);
  }
  // Traces: one vertical min–max segment per column.
  page.traces.forEach((trace, r) => {
    const mid = r * rowHeight + rowHeight / 2 + 14;
    const pxPerUnit = rowHeight / (trace.unit === 'µV' ? state.gainUvPerDiv : Math.max(1e-9, Math.max(...trace.max) - Math.min(...trace.min)));
    let mean = 0;
    for (let i = 0; i < trace.min.length; i++) mean += (trace.min[i]! + trace.max[i]!) / (2 * trace.min.length);
    ctx.fillStyle = '#222';
    ctx.fillText(trace.label, 4, mid + 4);
    ctx.strokeStyle = '#111';
    ctx.beginPath();
    const cols = trace.min.length;
    for (let c = 0; c < cols; c++) {
      const x = LABEL_WIDTH + (c / cols) * plotWidth;
      const top = mid - (trace.max[c]! - mean) * pxPerUnit;
      const bottom = mid - (trace.min[c]! - mean) * pxPerUnit + 0.5;
      // A continuous path through each column's max and min: a line where the signal is slow, a band where it is not.
      if (c === 0) ctx.moveTo(x, top);
      else ctx.lineTo(x, top);
      ctx.lineTo(x, bottom);
    }
    ctx.stroke();
  });
}

export function TraceView({ api, recording, state, onChange, onError }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const maxStart = Math.max(0, recording.durationSec - state.pageSec);
  const stateRef = useRef(state);
  stateRef.current = state;
  const { value: page, busy } = useWorkerCall<PageData>(
    () => {
      const columns = Math.max(200, Math.min(2000, (canvasRef.current?.clientWidth ?? 1000) - LABEL_WIDTH));
      return api.page({ startSec: state.startSec, durationSec: Math.min(state.pageSec, recording.durationSec), montage: state.montage, filter: state.filter, hidden: state.hidden, columns });
    },
    [api, recording, state],
    onError,
  );

  useEffect(() => {
    if (page && canvasRef.current) draw(canvasRef.current, page, state, recording);
  }, [page, state, recording]);

  const move = useCallback(
    (deltaSec: number) => onChange({ ...stateRef.current, startSec: Math.min(maxStart, Math.max(0, stateRef.current.startSec + deltaSec)) }),
    [onChange, maxStart],
  );
  const changeGain = useCallback(
    (direction: 1 | -1) => {
      const i = GAINS.indexOf(stateRef.current.gainUvPerDiv);
      const next = GAINS[Math.min(GAINS.length - 1, Math.max(0, (i < 0 ? 4 : i) + direction))]!;
      onChange({ ...stateRef.current, gainUvPerDiv: next });
    },
    [onChange],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName) || target.isContentEditable) return;
      const pageSec = stateRef.current.pageSec;
      if (e.key === 'PageDown') move(pageSec);
      else if (e.key === 'PageUp') move(-pageSec);
      else if (e.key === 'ArrowRight') move(1);
      else if (e.key === 'ArrowLeft') move(-1);
      else if (e.key === '+' || e.key === '=') changeGain(-1); // more sensitive: fewer µV per division
      else if (e.key === '-') changeGain(1);
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, changeGain]);

  const labels = page?.allLabels ?? recording.channels.map((c) => c.label);
  const annotationTypes = useMemo(() => [...new Set(recording.annotations.map((a) => a.description))], [recording]);
  const setFilter = (patch: Partial<DisplayFilterSettings>) => onChange({ ...state, filter: { ...state.filter, ...patch } });

  return (
    <section aria-labelledby="viewer-title" className="viewer">
      <h2 id="viewer-title">Traces</h2>
      <div className="toolbar" role="toolbar" aria-label="Trace controls">
        <button type="button" onClick={() => move(-state.pageSec)} aria-label="Previous page (PgUp)">◀ Page</button>
        <button type="button" onClick={() => move(state.pageSec)} aria-label="Next page (PgDn)">Page ▶</button>
        <label>
          Page <select value={state.pageSec} onChange={(e) => onChange({ ...state, pageSec: Number(e.target.value) as 10 | 30 })}>
            <option value={10}>10 s</option>
            <option value={30}>30 s</option>
          </select>
        </label>
        <label>
          Montage <select value={state.montage} onChange={(e) => onChange({ ...state, montage: e.target.value as MontageName, hidden: [] })}>
            <option value="referential">Referential</option>
            <option value="average">Common average</option>
            <option value="bipolar" disabled={!recording.bipolarAvailable}>Bipolar (double banana)</option>
          </select>
        </label>
        <label>
          Gain <select value={state.gainUvPerDiv} onChange={(e) => onChange({ ...state, gainUvPerDiv: Number(e.target.value) })}>
            {GAINS.map((g) => (
              <option key={g} value={g}>{g} µV/div</option>
            ))}
          </select>
        </label>
        <label>
          High-pass <select value={state.filter.highpassHz ?? ''} onChange={(e) => setFilter({ highpassHz: e.target.value ? Number(e.target.value) : null })}>
            <option value="">off</option>
            {[0.3, 0.5, 1, 5].map((f) => <option key={f} value={f}>{f} Hz</option>)}
          </select>
        </label>
        <label>
          Low-pass <select value={state.filter.lowpassHz ?? ''} onChange={(e) => setFilter({ lowpassHz: e.target.value ? Number(e.target.value) : null })}>
            <option value="">off</option>
            {[15, 30, 40, 70].map((f) => <option key={f} value={f}>{f} Hz</option>)}
          </select>
        </label>
        <label>
          Notch <select value={state.filter.notchHz ?? ''} onChange={(e) => setFilter({ notchHz: e.target.value ? (Number(e.target.value) as 50 | 60) : null })}>
            <option value="">off</option>
            <option value={50}>50 Hz</option>
            <option value={60}>60 Hz</option>
          </select>
        </label>
        <span aria-live="polite" className="position">
          {clockLabel(recording, page?.clockStartSec ?? 0)} – {state.startSec.toFixed(1)}–{(state.startSec + state.pageSec).toFixed(1)} s of {recording.durationSec.toFixed(1)} s{busy ? ' …' : ''}
        </span>
      </div>
      <div className="viewer-body">
        <canvas
          ref={canvasRef}
          className="traces"
          role="img"
          aria-label={`EEG traces, ${page?.traces.length ?? 0} channels, ${state.startSec.toFixed(1)} to ${(state.startSec + state.pageSec).toFixed(1)} s, ${state.montage} montage`}
          data-testid="traces"
          data-start={state.startSec}
          data-montage={state.montage}
          data-traces={page?.traces.map((t) => t.label).join('|') ?? ''}
          data-filter={JSON.stringify(state.filter)}
        />
        <aside className="side">
          <details open>
            <summary>Channels ({labels.length})</summary>
            <ul className="channel-list" aria-label="Channels">
              {labels.map((l) => (
                <li key={l}>
                  <label>
                    <input
                      type="checkbox"
                      checked={!state.hidden.includes(l)}
                      onChange={(e) => onChange({ ...state, hidden: e.target.checked ? state.hidden.filter((h) => h !== l) : [...state.hidden, l] })}
                    />{' '}
                    {l}
                  </label>
                </li>
              ))}
            </ul>
          </details>
          <details open>
            <summary>Annotations ({recording.annotations.length}{annotationTypes.length ? `: ${annotationTypes.slice(0, 6).join(', ')}` : ''})</summary>
            <ul className="annotation-list" aria-label="Annotations">
              {recording.annotations.slice(0, 2000).map((a, i) => (
                <li key={i}>
                  <button type="button" onClick={() => onChange({ ...state, startSec: Math.min(maxStart, Math.max(0, a.dataSec - 1)) })}>
                    {a.dataSec.toFixed(1)} s {a.description}
                  </button>
                </li>
              ))}
            </ul>
          </details>
        </aside>
      </div>
    </section>
  );
}
