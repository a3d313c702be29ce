// The EEG trace viewer: the hypnogram of a scored (or sleep-decoded) recording above pages of 10 or 30 s drawn on
// a canvas from the worker's min/max columns; montage, display filters, sensitivity in µV/mm per type and per trace,
// a default view of at most ~20 traces paged through, annotations added from files, and the keyboard: PgUp/PgDn and
// ←/→ in time, Home/End to the ends, ↑/↓ through traces, +/− sensitivity (of the selected trace, if one is).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { AnnotationImport as Imported, PageData, RecordingSummary, SleepPredictions, WorkerApi } from '../../worker/api';
import { dataToClockSec, errorText, timeLabel } from '../format';
import { HypnogramPanel } from '../sleep/HypnogramPanel';
import type { Comlink } from '../workerClient';
import { AnnotationImport } from './AnnotationImport';
import { CLIPPED_FRACTION, drawTraces, LABEL_WIDTH, minimumHeight, rowAt, rowsThatFit, type TraceLayout, traceLayout } from './drawTraces';
import { nextGain, nextSensitivity, sensitivityLabel } from './sensitivity';
import { TraceControls } from './TraceControls';
import { TraceSidePanel } from './TraceSidePanel';
import type { ViewerState } from './viewerState';
import './traces.css';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  readonly state: ViewerState;
  readonly onChange: (next: ViewerState) => void;
  readonly onError: (message: string) => void;
  readonly onAnnotationsAdded: (result: Imported, file: Blob, name: string) => void;
  /** A sleep-staging model's decode of this recording, for the hypnogram panel; null when there is none. */
  readonly sleepPredictions: SleepPredictions | null;
}

/** Keys typed into these are theirs, not the viewer's. */
const TYPING = ['INPUT', 'SELECT', 'TEXTAREA'];
/** "Fit": rows at least this tall (8.5 mm: ±30 µV at 7 µV/mm), from 4 to 20 traces on screen. */
const FIT_ROW_PX = 32;
const FIT_MIN = 4;
const FIT_MAX = 20;

export function TraceView({ api, recording, state, onChange, onError, onAnnotationsAdded, sleepPredictions }: Props) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const layoutRef = useRef<TraceLayout | null>(null);
  const [page, setPage] = useState<PageData | null>(null);
  const [sensitivities, setSensitivities] = useState<string[]>([]);
  const [clipped, setClipped] = useState<string[]>([]);
  const [calibration, setCalibration] = useState('');
  const [busy, setBusy] = useState(false);
  const [viewport, setViewport] = useState(0);
  const [fitCount, setFitCount] = useState(FIT_MAX);
  const headRef = useRef<HTMLDivElement>(null);
  const tracesPerScreen = state.tracesPerScreen ?? fitCount;
  const maxStart = Math.max(0, recording.durationSec - state.pageSec);
  const stateRef = useRef(state);
  stateRef.current = state;
  const pageRef = useRef(page);
  pageRef.current = page;

  // The window, and everything above the canvas (a hypnogram arriving, a toolbar wrapping), decide how tall it can be.
  // Nothing above the canvas may change size with the number of traces that fit, or this would feed back on itself.
  useEffect(() => {
    const resized = () => setViewport((v) => v + 1);
    window.addEventListener('resize', resized);
    const observer = new ResizeObserver(resized);
    if (headRef.current) observer.observe(headRef.current);
    return () => {
      window.removeEventListener('resize', resized);
      observer.disconnect();
    };
  }, []);
  const available = () => {
    const canvas = canvasRef.current;
    return canvas ? window.innerHeight - (canvas.getBoundingClientRect().top + window.scrollY) - 8 : 560;
  };
  useEffect(() => {
    setFitCount(Math.max(FIT_MIN, Math.min(FIT_MAX, rowsThatFit(available(), FIT_ROW_PX))));
  }, [viewport]);

  useEffect(() => {
    let stale = false;
    const columns = Math.max(200, Math.min(2000, (canvasRef.current?.clientWidth ?? 1000) - LABEL_WIDTH - 64));
    setBusy(true);
    api
      .page({
        startSec: state.startSec,
        durationSec: Math.min(state.pageSec, recording.durationSec),
        montage: state.montage,
        filter: state.filter,
        hidden: state.hidden,
        firstTrace: state.firstTrace,
        maxTraces: tracesPerScreen,
        columns,
      })
      .then((p) => !stale && setPage(p))
      .catch((e: unknown) => !stale && onError(errorText(e)))
      .finally(() => !stale && setBusy(false));
    return () => {
      stale = true;
    };
  }, [api, recording, state.startSec, state.pageSec, state.montage, state.filter, state.hidden, state.firstTrace, tracesPerScreen, onError]);

  // Draw to fill the window below the canvas's top (the traces stay on one screen), never thinner than ROW_MIN_PX.
  useEffect(() => {
    const canvas = canvasRef.current;
    if (!page || !canvas) return;
    const rows = page.traces.length;
    const height = Math.max(minimumHeight(rows), available());
    const layout = traceLayout(canvas.clientWidth, height, rows);
    layoutRef.current = layout;
    const drawn = drawTraces(canvas, page, recording, { eegUvPerMm: state.sensitivityUvPerMm, gains: state.traceGains, selected: state.selected }, layout);
    setSensitivities(drawn.traces.map((d, i) => sensitivityLabel(d.scale, page.traces[i]!.unit)));
    setClipped(drawn.traces.flatMap((d, i) => (d.clipped > CLIPPED_FRACTION ? [page.traces[i]!.label] : [])));
    setCalibration(drawn.calibration);
  }, [page, recording, state.sensitivityUvPerMm, state.traceGains, state.selected, viewport]);

  const goTo = useCallback((dataSec: number) => onChange({ ...stateRef.current, startSec: Math.min(maxStart, Math.max(0, dataSec)) }), [onChange, maxStart]);
  const move = useCallback((deltaSec: number) => goTo(stateRef.current.startSec + deltaSec), [goTo]);
  const moveTraces = useCallback(
    (direction: number) => {
      const s = stateRef.current;
      const shown = pageRef.current;
      if (!shown) return;
      onChange({ ...s, firstTrace: Math.max(0, Math.min(shown.shownCount - 1, shown.firstTrace + direction * shown.traces.length)) });
    },
    [onChange],
  );
  const changeSensitivity = useCallback(
    (direction: 1 | -1) => {
      const s = stateRef.current;
      if (s.selected) onChange({ ...s, traceGains: { ...s.traceGains, [s.selected]: nextGain(s.traceGains[s.selected] ?? 1, direction) } });
      else onChange({ ...s, sensitivityUvPerMm: nextSensitivity(s.sensitivityUvPerMm, direction) });
    },
    [onChange],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.defaultPrevented || TYPING.includes(target.tagName) || target.isContentEditable || target.closest('[role=tablist]')) return;
      const pageSec = stateRef.current.pageSec;
      if (e.key === 'PageDown') move(pageSec);
      else if (e.key === 'PageUp') move(-pageSec);
      else if (e.key === 'ArrowRight') move(1);
      else if (e.key === 'ArrowLeft') move(-1);
      else if (e.key === 'Home') goTo(0);
      else if (e.key === 'End') goTo(Number.POSITIVE_INFINITY);
      else if (e.key === 'ArrowDown' && pageRef.current && pageRef.current.shownCount > pageRef.current.traces.length) moveTraces(1);
      else if (e.key === 'ArrowUp' && pageRef.current && pageRef.current.shownCount > pageRef.current.traces.length) moveTraces(-1);
      else if (e.key === '+' || e.key === '=') changeSensitivity(1);
      else if (e.key === '-') changeSensitivity(-1);
      else if (e.key === 'Escape' && stateRef.current.selected) onChange({ ...stateRef.current, selected: null });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [move, goTo, moveTraces, changeSensitivity, onChange]);

  /** A click in the label column selects that trace for +/− (again: all traces). */
  const onCanvasClick = (e: React.MouseEvent<HTMLCanvasElement>) => {
    const layout = layoutRef.current;
    if (!layout || !page) return;
    const rect = e.currentTarget.getBoundingClientRect();
    const row = rowAt(layout, e.clientY - rect.top);
    if (row === null || e.clientX - rect.left > LABEL_WIDTH || !page.traces[row]) return;
    const label = page.traces[row]!.label;
    onChange({ ...state, selected: state.selected === label ? null : label });
  };

  const clockStart = dataToClockSec(recording, state.startSec);
  const clockEnd = dataToClockSec(recording, Math.min(recording.durationSec, state.startSec + state.pageSec));
  return (
    <section aria-labelledby="viewer-title" className="viewer">
      <div ref={headRef}>
      <div className="viewer-head">
        <h2 id="viewer-title">Traces</h2>
        <span aria-live="polite" className="position" data-testid="position">
          {timeLabel(recording, clockStart, 1)} – {timeLabel(recording, clockEnd, 1)} of {recording.durationSec.toFixed(0)} s
        </span>
        <span className="busy-mark" aria-hidden={!busy} style={{ visibility: busy ? 'visible' : 'hidden' }}>…</span>
        <AnnotationImport key={`${recording.name}|${recording.sizeBytes}|${recording.startIso}`} api={api} onAdded={onAnnotationsAdded} />
      </div>
      <HypnogramPanel api={api} recording={recording} decoded={sleepPredictions} pageStartSec={state.startSec} pageSec={state.pageSec} onJump={goTo} />
      <TraceControls recording={recording} state={state} page={page} onChange={onChange} onMove={move} onTraces={moveTraces} fitCount={fitCount} />
      </div>
      <div className="viewer-body">
        <canvas
          ref={canvasRef}
          className="traces"
          role="img"
          tabIndex={0}
          onClick={onCanvasClick}
          aria-label={`EEG traces, ${page?.traces.length ?? 0} of ${page?.shownCount ?? 0} shown traces, ${timeLabel(recording, clockStart)} to ${timeLabel(recording, clockEnd)}, ${state.montage} montage; click a label to select its trace for + and −`}
          data-testid="traces"
          data-start={state.startSec}
          data-montage={state.montage}
          data-traces={page?.traces.map((t) => t.label).join('|') ?? ''}
          data-sensitivities={sensitivities.join('|')}
          data-clipped={clipped.join('|')}
          data-calibration={calibration}
          data-first-trace={page?.firstTrace ?? 0}
          data-shown-count={page?.shownCount ?? 0}
          data-selected={state.selected ?? ''}
          data-filter={JSON.stringify(state.filter)}
        />
        <TraceSidePanel recording={recording} state={state} page={page} onChange={onChange} onJump={(dataSec) => goTo(dataSec - 1)} />
      </div>
    </section>
  );
}
