// The trace viewer's toolbar: paging in time and through traces, montage, sensitivity (all traces or the selected
// one), display filters, and how many traces fit on one screen.
import type { DisplayFilterSettings, MontageName, PageData, RecordingSummary } from '../../worker/api';
import { nextGain, SENSITIVITY_STEPS_UV_PER_MM } from './sensitivity';
import type { ViewerState } from './viewerState';

interface Props {
  readonly recording: RecordingSummary;
  readonly state: ViewerState;
  readonly page: PageData | null;
  readonly onChange: (next: ViewerState) => void;
  readonly onMove: (deltaSec: number) => void;
  readonly onTraces: (delta: number) => void;
  /** How many traces fit the window readably (the "fit" choice). */
  readonly fitCount: number;
}

/** Fixed choices; "fit" (the default) shows as many as the window holds at FIT_ROW_PX, at most 20. */
const TRACES_PER_SCREEN = [8, 12, 16, 20, 24] as const;

export function TraceControls({ recording, state, page, onChange, onMove, onTraces, fitCount }: Props) {
  const setFilter = (patch: Partial<DisplayFilterSettings>) => onChange({ ...state, filter: { ...state.filter, ...patch } });
  const shown = page ? page.allLabels.filter((l) => !page.hidden.includes(l)) : [];
  const onScreen = page?.traces.length ?? 0;
  const selectedGain = state.selected ? (state.traceGains[state.selected] ?? 1) : 1;
  const setSelectedGain = (direction: 1 | -1) => {
    if (!state.selected) return;
    onChange({ ...state, traceGains: { ...state.traceGains, [state.selected]: nextGain(selectedGain, direction) } });
  };
  return (
    <div className="toolbar trace-controls" role="toolbar" aria-label="Trace controls">
      <button type="button" onClick={() => onMove(-state.pageSec)} aria-label="Previous page (PgUp)">◀ Page</button>
      <button type="button" onClick={() => onMove(state.pageSec)} aria-label="Next page (PgDn)">Page ▶</button>
      <label>
        Page <select value={state.pageSec} onChange={(e) => onChange({ ...state, pageSec: Number(e.target.value) as 10 | 30 })}>
          <option value={10}>10 s</option>
          <option value={30}>30 s</option>
        </select>
      </label>
      <label>
        Montage <select value={state.montage} onChange={(e) => onChange({ ...state, montage: e.target.value as MontageName, hidden: null, firstTrace: 0, selected: null })}>
          <option value="referential">Referential</option>
          <option value="average">Common average</option>
          <option value="bipolar" disabled={!recording.bipolarAvailable}>Bipolar (double banana)</option>
        </select>
      </label>
      <label title="EEG sensitivity; EOG, EMG and ECG follow it from their own defaults (10, 10 and 100 µV/mm at 7)">
        Sensitivity <select value={state.sensitivityUvPerMm} onChange={(e) => onChange({ ...state, sensitivityUvPerMm: Number(e.target.value) })}>
          {SENSITIVITY_STEPS_UV_PER_MM.map((s) => <option key={s} value={s}>{s} µV/mm</option>)}
        </select>
      </label>
      <span className="trace-gain" role="group" aria-label="Gain of one trace">
        <label>
          Trace <select value={state.selected ?? ''} onChange={(e) => onChange({ ...state, selected: e.target.value || null })} aria-label="Selected trace">
            <option value="">all (sensitivity)</option>
            {shown.map((l) => <option key={l} value={l}>{l}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setSelectedGain(1)} disabled={!state.selected} aria-label="Larger (+)">+</button>
        <button type="button" onClick={() => setSelectedGain(-1)} disabled={!state.selected} aria-label="Smaller (−)">−</button>
        {state.selected && selectedGain !== 1 && <span data-testid="trace-gain">×{selectedGain >= 1 ? selectedGain : `1/${1 / selectedGain}`}</span>}
      </span>
      <label title="Display filters apply to EEG, EOG, EMG and ECG traces; respiration, temperature and markers are shown as recorded">
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
      <label>
        On screen <select value={state.tracesPerScreen ?? ''} onChange={(e) => onChange({ ...state, tracesPerScreen: e.target.value ? Number(e.target.value) : null })} aria-label="Traces on screen">
          <option value="">fit the window</option>
          {TRACES_PER_SCREEN.map((n) => <option key={n} value={n}>{n} traces</option>)}
        </select>
      </label>
      {/* Always there, in a fixed width: the toolbar's height must not depend on how many traces fit (TraceView). */}
      <span role="group" aria-label="Page through traces" className="trace-window" title={`"fit the window" shows ${fitCount} traces here`}>
        <button type="button" onClick={() => onTraces(-1)} disabled={!page || page.firstTrace === 0} aria-label="Previous traces (↑)">▲</button>
        <span data-testid="trace-window">{page ? `traces ${page.firstTrace + 1}–${page.firstTrace + onScreen} of ${page.shownCount}` : ''}</span>
        <button type="button" onClick={() => onTraces(1)} disabled={!page || page.firstTrace + onScreen >= page.shownCount} aria-label="Next traces (↓)">▼</button>
      </span>
    </div>
  );
}
