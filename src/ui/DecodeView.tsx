// The clinician's path and the researcher's look inside: the loaded model and its task, channel mapping, a run with
// progress / ETA / cancel, the predictions timeline (hypnogram for sleep), the experts' gate values, an expert's
// reconstruction of a segment, and exports (CSV, JSON, EDF+ annotations).
import { useEffect, useMemo, useRef, useState } from 'react';
import { BUILTIN_TASKS } from '../model/tasks';
import type { BackendInfo, DecodedRow, DecodeSummary, ModelSummary, NamedBytes, Reconstruction, RecordingSummary, WorkerApi } from '../worker/api';
import { CLASS_COLOURS, download, errorText, pct } from './format';
import { ParityPanel } from './ParityPanel';
import { Plot, preloadPlotly } from './Plot';
import { heatmap } from './SpectrogramView';
import { Comlink } from './workerClient';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary | null;
  readonly model: ModelSummary | null;
  readonly modelError: string | null;
  readonly backend: BackendInfo | null;
  readonly onModelLoaded: (summary: ModelSummary, source: { kind: 'files'; files: NamedBytes[]; taskId?: string } | { kind: 'saved' } | { kind: 'bundled' }) => void;
  readonly onJump: (dataSec: number) => void;
  readonly onError: (message: string) => void;
}

/**
 * The predictions as they stream in: one coloured cell per segment (class colour, opacity = confidence), drawn
 * incrementally on a canvas so a run never costs the main thread a chart re-render; Plotly charts follow the run.
 */
function LiveStrip({ rows, total, classes }: { rows: readonly DecodedRow[]; total: number; classes: readonly string[] }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const drawn = useRef(0);
  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx || total === 0) return;
    if (rows.length < drawn.current) {
      ctx.clearRect(0, 0, ctx.canvas.width, ctx.canvas.height);
      drawn.current = 0;
    }
    const w = ctx.canvas.width / total;
    for (let i = drawn.current; i < rows.length; i++) {
      const r = rows[i]!;
      ctx.globalAlpha = Math.max(0.25, Math.max(...Object.values(r.probabilities)));
      ctx.fillStyle = CLASS_COLOURS[r.classIndex % CLASS_COLOURS.length]!;
      ctx.fillRect(i * w, 0, Math.max(1, w), ctx.canvas.height);
    }
    drawn.current = rows.length;
  }, [rows, total]);
  return (
    <figure className="live-strip">
      <canvas ref={ref} width={900} height={24} role="img" aria-label={`Predicted class of the ${rows.length} segments decoded so far`} data-testid="live-strip" />
      <figcaption>{classes.map((c, i) => <span key={c} style={{ color: CLASS_COLOURS[i % CLASS_COLOURS.length] }}>■ {c} </span>)}</figcaption>
    </figure>
  );
}

function ModelCard({ model, backend }: { model: ModelSummary; backend: BackendInfo | null }) {
  return (
    <div className="model-card" data-testid="model-card">
      <strong>{model.name}</strong> {!model.trained && <span className="untrained" role="note">UNTRAINED — predictions mean nothing</span>}
      <div>{model.description}</div>
      <div>
        Task <em>{model.task.name}</em>: classes {model.task.classes.join(', ')}; {model.task.channels.length} channels ({model.task.channels.slice(0, 8).join(', ')}
        {model.task.channels.length > 8 ? ', …' : ''}); {model.task.segmentSec}-s segments at 200 Hz. {(model.parameterCount / 1e6).toFixed(2)} M parameters. Back-end:{' '}
        {backend?.backend ?? '–'}.
      </div>
      <div className="provenance">{model.provenance}</div>
      <div className="tasks">
        Tasks: {BUILTIN_TASKS.map((t) => (t.id === model.task.id ? <b key={t.id}>{t.name} ✓ </b> : <span key={t.id} className="unavailable">{t.name} (needs another model) </span>))}
      </div>
    </div>
  );
}

function Reconstructions({ api, rows, model, onError }: { api: Comlink.Remote<WorkerApi>; rows: readonly DecodedRow[]; model: ModelSummary; onError: (m: string) => void }) {
  const [segment, setSegment] = useState(0);
  const [expert, setExpert] = useState<0 | 1 | 2>(0);
  const [channel, setChannel] = useState(0);
  const [result, setResult] = useState<Reconstruction | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      setResult(await api.reconstruct({ segmentDataSec: rows[segment]?.dataSec ?? 0, expert, channel, seed: 7 + segment }));
    } catch (e) {
      onError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const t = result ? Array.from({ length: result.original.length }, (_, i) => i / result.sampleRateHz) : [];
  // One colour scale for the four spectrograms (the original's top 50 dB), so the masked holes and how far the
  // reconstructions fill them compare at a glance.
  const top = result ? Math.max(...result.spectrograms.original.db) : 0;
  const sharedRange = { zmin: top - 50, zmax: top, zauto: false };
  const line = (y: Float32Array, name: string, color: string) => ({ type: 'scatter', mode: 'lines', x: t, y: Array.from(y), name, line: { color, width: 1 } });
  return (
    <section aria-labelledby="recon-title">
      <h3 id="recon-title">Reconstruction by an expert (pretraining task)</h3>
      <div className="toolbar">
        <label>
          Segment <select value={segment} onChange={(e) => setSegment(Number(e.target.value))}>
            {rows.map((r, i) => <option key={i} value={i}>{r.onset.toFixed(1)} s</option>)}
          </select>
        </label>
        <label>
          Expert <select value={expert} onChange={(e) => setExpert(Number(e.target.value) as 0 | 1 | 2)}>
            {[0, 1, 2].map((k) => <option key={k} value={k}>{k + 1}</option>)}
          </select>
        </label>
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(Number(e.target.value))}>
            {model.task.channels.map((c, i) => <option key={c} value={i}>{c}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void run()} disabled={busy || !model.hasDecoders}>{busy ? 'Reconstructing…' : 'Reconstruct'}</button>
        {!model.hasDecoders && <span>This model carries no expert decoders.</span>}
      </div>
      {result && (
        <>
          <Plot
            data={[line(result.original, 'original', '#000000'), line(result.masked, 'masked input', '#E69F00'), line(result.dec1, 'branch 1', '#0072B2'), line(result.dec2, 'branch 2', '#009E73')]}
            layout={{ title: { text: 'Original, masked input and the two reconstruction branches (µV)' }, xaxis: { title: { text: 's' } } }}
            label="Reconstruction signals"
            testId="reconstruction"
          />
          <div className="grid4">
            {(['original', 'masked', 'dec1', 'dec2'] as const).map((k) => (
              <Plot key={k} data={[heatmap(result.spectrograms[k], 60, sharedRange)]} layout={{ title: { text: k }, yaxis: { title: { text: 'Hz' } } }} label={`${k} spectrogram`} height={240} />
            ))}
          </div>
          <table className="band-errors" data-testid="band-errors">
            <caption>
              Error against the original, mean over channels (µV²): waveform error power (needs the phase right),
              spectrogram-magnitude error (phase-blind, what the pretraining loss mostly rewards), and the same in the
              masked regions only (cells weighted by how much they were masked). Ratio below 1 = the reconstruction
              is closer to the original than the masked input.
            </caption>
            <thead>
              <tr><th rowSpan={2}>band</th><th colSpan={5}>waveform</th><th colSpan={5}>spectrogram magnitude</th><th colSpan={5}>magnitude, masked regions</th></tr>
              <tr>{[0, 1, 2].map((g) => ['masked input', 'branch 1', 'ratio', 'branch 2', 'ratio'].map((h) => <th key={`${g}${h}`}>{h}</th>))}</tr>
            </thead>
            <tbody>
              {result.bandErrors.map((b) => (
                <tr key={b.band}>
                  <td>{b.band}</td>
                  {[b.waveform, b.magnitude, b.maskedRegions].map((e, g) => [e.masked.toFixed(2), e.dec1.toFixed(2), (e.dec1 / e.masked).toFixed(2), e.dec2.toFixed(2), (e.dec2 / e.masked).toFixed(2)].map((v, i) => <td key={`${g}${i}`}>{v}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Shortest interval between two progress renders during a run. */
const PROGRESS_MS = 200;

export function DecodeView({ api, recording, model, modelError, backend, onModelLoaded, onJump, onError }: Props) {
  const [rows, setRows] = useState<DecodedRow[]>([]);
  const [summary, setSummary] = useState<DecodeSummary | null>(null);
  const [progress, setProgress] = useState<{ done: number; total: number; elapsedSec: number; lanes: number } | null>(null);
  const [running, setRunning] = useState(false);
  const [overrides, setOverrides] = useState<Record<string, string>>({});
  const [taskForFiles, setTaskForFiles] = useState('');
  const [deidentify, setDeidentify] = useState(true);
  const [gateExpert, setGateExpert] = useState(0);
  const [plotlyReady, setPlotlyReady] = useState(false);
  const [interrupted, setInterrupted] = useState(false);
  const runTimes = useRef<{ start: number; end: number | null }>({ start: 0, end: null });
  useEffect(() => {
    void preloadPlotly().then(() => setPlotlyReady(true));
  }, []);
  // A new api means the worker died and was restarted: a run in flight will never answer, so it ends here with
  // the segments that had streamed in kept on screen.
  const apiRef = useRef(api);
  useEffect(() => {
    if (apiRef.current === api) return;
    apiRef.current = api;
    setRunning((wasRunning) => {
      if (wasRunning) {
        runTimes.current.end ??= performance.now();
        setInterrupted(true);
      }
      return false;
    });
  }, [api]);

  const run = async () => {
    setRunning(true);
    setRows([]);
    setSummary(null);
    setInterrupted(false);
    runTimes.current = { start: performance.now(), end: null };
    // Progress is shown at most every PROGRESS_MS: with several decoding threads reports come in bursts, and one
    // render per report would keep the main thread busier than it needs to be.
    let shown: ReturnType<typeof setTimeout> | null = null;
    let latest: { done: number; total: number; elapsedSec: number; lanes: number } | null = null;
    const collected: DecodedRow[] = [];
    const show = () => {
      shown = null;
      if (!latest) return; // (rows that came in before a worker crash are shown too: they are kept)
      setRows([...collected]);
      setProgress(latest);
    };
    try {
      const result = await api.decode(
        overrides,
        Comlink.proxy((p) => {
          if (apiRef.current !== api) return; // a dead worker's last messages: the run already ended as interrupted
          collected.push(...p.rows);
          latest = { done: p.done, total: p.total, elapsedSec: p.elapsedSec, lanes: p.lanes };
          shown ??= setTimeout(show, PROGRESS_MS);
        }),
      );
      if (shown !== null) clearTimeout(shown);
      show();
      runTimes.current.end = performance.now();
      setRows([...result.rows]);
      setSummary(result);
    } catch (e) {
      if (apiRef.current === api) onError(errorText(e));
    } finally {
      if (shown !== null) {
        clearTimeout(shown);
        show(); // what streamed in before an error or a cancel stays on screen
      }
      runTimes.current.end ??= performance.now();
      if (apiRef.current === api) setRunning(false);
    }
  };

  const loadFiles = async (list: FileList | null) => {
    if (!list?.length) return;
    try {
      const files = await Promise.all([...list].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));
      const loaded = await api.loadModel(files, taskForFiles || undefined);
      onModelLoaded(loaded, { kind: 'files', files, taskId: taskForFiles || undefined });
      setRows([]);
      setSummary(null);
    } catch (e) {
      onError(`The model could not be loaded: ${errorText(e)}`);
    }
  };

  const useStored = async (kind: 'saved' | 'bundled') => {
    try {
      const loaded = kind === 'saved' ? await api.loadSavedModel() : await api.loadBundledModel();
      if (!loaded) {
        onError('No fine-tuned model is saved in this browser (train one in the Fine-tune tab, then "Save head").');
        return;
      }
      onModelLoaded(loaded, { kind });
      setRows([]);
      setSummary(null);
    } catch (e) {
      onError(`The model could not be loaded: ${errorText(e)}`);
    }
  };

  const exportAs = async (kind: 'csv' | 'json' | 'edf') => {
    try {
      const file = await api.exportPredictions(kind, deidentify, rows);
      download(file.name, file.bytes, kind === 'csv' ? 'text/csv' : kind === 'json' ? 'application/json' : 'application/octet-stream');
    } catch (e) {
      onError(errorText(e));
    }
  };

  const classes = model?.task.classes ?? [];
  const isSleep = model?.task.sleepStaging ?? false;
  const timeline = useMemo(() => {
    const x = rows.map((r) => r.onset);
    const stacked = classes.map((c, i) => ({ type: 'scatter', mode: 'lines', stackgroup: 'p', x, y: rows.map((r) => r.probabilities[c] ?? 0), name: c, line: { width: 0.5, color: CLASS_COLOURS[i % CLASS_COLOURS.length] }, hovertemplate: `${c} %{y:.2f}<extra></extra>` }));
    const predicted = { type: 'scatter', mode: 'lines', line: { shape: 'hv', color: '#000', width: 2 }, x, y: rows.map((r) => r.classIndex), name: isSleep ? 'hypnogram' : 'predicted class', yaxis: 'y2' };
    return [...stacked, predicted];
  }, [rows, classes, isSleep]);
  const timelineLayout = useMemo(
    () => ({
      title: { text: isSleep ? 'Class probabilities and hypnogram' : 'Class probabilities and predicted class' },
      xaxis: { title: { text: 'recording time (s)' } },
      yaxis: { title: { text: 'probability' }, range: [0, 1], domain: [0, 0.55] },
      yaxis2: { domain: [0.62, 1], tickvals: classes.map((_, i) => i), ticktext: classes, autorange: isSleep ? 'reversed' : true },
      legend: { orientation: 'h' },
    }),
    [classes, isSleep],
  );
  const gates = useMemo(() => [0, 1, 2].map((k) => ({ type: 'scatter', mode: 'lines+markers', x: rows.map((r) => r.onset), y: rows.map((r) => r.gates[k]), name: `expert ${k + 1}`, line: { color: CLASS_COLOURS[k] } })), [rows]);
  const gateHeatmap = useMemo(() => {
    if (rows.length === 0 || !model) return [];
    return [{ type: 'heatmap', x: rows.map((r) => r.onset), y: model.task.channels, z: model.task.channels.map((_, c) => rows.map((r) => r.channelGates[gateExpert]?.[c] ?? null)), colorscale: 'Viridis', zmin: 0, zmax: 1, colorbar: { title: { text: 'gate' } } }];
  }, [rows, model, gateExpert]);
  const confidence = rows.length ? rows.reduce((a, r) => a + Math.max(...Object.values(r.probabilities)), 0) / rows.length : 0;
  const eta = progress && progress.done > 0 ? (progress.elapsedSec / progress.done) * (progress.total - progress.done) : null;

  return (
    <section aria-labelledby="decode-title" data-plotly-ready={plotlyReady}>
      <h2 id="decode-title">Decode</h2>
      {model ? <ModelCard model={model} backend={backend} /> : <p role="status">{modelError ? `No model loaded: ${modelError}` : 'Loading the model…'}</p>}
      <details className="load-model">
        <summary>Load another model</summary>
        <div className="toolbar">
          <button type="button" onClick={() => void useStored('saved')}>Use the fine-tuned model saved in this browser</button>
          <button type="button" onClick={() => void useStored('bundled')}>Use the bundled demo model</button>
        </div>
        <p>A bundle (bundle.json with its .safetensors files), or one SpecMoE .safetensors / .pth state dict with its task.</p>
        <label>
          Task for a bare state dict <select value={taskForFiles} onChange={(e) => setTaskForFiles(e.target.value)}>
            <option value="">(from the bundle)</option>
            {BUILTIN_TASKS.map((t) => <option key={t.id} value={t.id}>{t.name}</option>)}
          </select>
        </label>
        <label>
          Model files <input type="file" multiple accept=".json,.safetensors,.pth" onChange={(e) => void loadFiles(e.target.files)} />
        </label>
      </details>
      <ParityPanel api={api} onError={onError} />
      {model && recording && (
        <details className="mapping">
          <summary>Channel mapping (model channel ← recording channel)</summary>
          <div className="mapping-grid">
            {model.task.channels.map((c) => (
              <label key={c}>
                {c} ←{' '}
                <select value={overrides[c] ?? ''} onChange={(e) => setOverrides({ ...overrides, [c]: e.target.value })}>
                  <option value="">automatic</option>
                  {recording.channels.map((rc) => <option key={rc.label} value={rc.label}>{rc.label}</option>)}
                </select>
              </label>
            ))}
          </div>
        </details>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => void run()} disabled={!model || !recording || running}>Decode {recording ? recording.name : ''}</button>
        <button type="button" onClick={() => void api.cancel()} disabled={!running}>Cancel</button>
        <span aria-live="polite" data-testid="decode-progress" data-run-start={runTimes.current.start} data-run-end={runTimes.current.end ?? ''}>
          {progress ? `${progress.done} / ${progress.total} segments, ${progress.elapsedSec.toFixed(1)} s${progress.lanes > 1 ? ` on ${progress.lanes} threads` : ''}${eta !== null && running ? `, about ${eta.toFixed(0)} s left` : ''}` : ''}
          {summary?.cancelled ? ' — cancelled; results so far kept' : summary ? ' — done' : ''}
          {interrupted ? ' — interrupted: the model worker stopped; results so far kept (decode again to finish)' : ''}
        </span>
      </div>
      {summary && summary.warnings.length > 0 && <ul className="warnings" aria-label="Decode warnings">{summary.warnings.map((w) => <li key={w}>{w}</li>)}</ul>}
      {rows.length > 0 && (
        <>
          <p data-testid="decode-summary">
            {rows.length} segments; mean confidence {pct(confidence)}; classes: {classes.map((c) => `${c} ${rows.filter((r) => r.class === c).length}`).join(', ')}
          </p>
          {running && <LiveStrip rows={rows} total={progress?.total ?? rows.length} classes={classes} />}
          {!running && (
          <>
          <Plot data={timeline} layout={timelineLayout} label="Predictions timeline" height={380} onClickX={(x) => onJump(Math.max(0, x - (recording?.firstRecordStartSec ?? 0)))} testId="timeline" />
          <Plot data={gates} layout={{ title: { text: 'Spectral gate: mean gate value of each expert' }, xaxis: { title: { text: 'recording time (s)' } }, yaxis: { range: [0, 1] } }} label="Gate weights of the three experts" testId="gates" />
          <label>
            Per-channel gates of expert <select value={gateExpert} onChange={(e) => setGateExpert(Number(e.target.value))}>
              {[0, 1, 2].map((k) => <option key={k} value={k}>{k + 1}</option>)}
            </select>
          </label>
          <Plot data={gateHeatmap} layout={{ title: { text: `Expert ${gateExpert + 1}: mean gate per channel` }, xaxis: { title: { text: 'recording time (s)' } } }} label="Per-channel gate heatmap" height={Math.max(260, 14 * (model?.task.channels.length ?? 4))} />
          <div className="toolbar" role="group" aria-label="Export predictions">
            <button type="button" onClick={() => void exportAs('csv')}>Download CSV</button>
            <button type="button" onClick={() => void exportAs('json')}>Download JSON</button>
            <button type="button" onClick={() => void exportAs('edf')}>Download EDF+ annotations</button>
            <label><input type="checkbox" checked={deidentify} onChange={(e) => setDeidentify(e.target.checked)} /> de-identify the EDF+ header</label>
          </div>
          <table className="predictions" aria-label="Predictions per segment">
            <thead><tr><th>start (s)</th><th>class</th><th>p</th><th>gates 1/2/3</th></tr></thead>
            <tbody>
              {rows.slice(0, 500).map((r, i) => (
                <tr key={i} onClick={() => onJump(r.dataSec)}>
                  <td><button type="button" onClick={() => onJump(r.dataSec)}>{r.onset.toFixed(1)}</button></td>
                  <td>{r.class}{r.label ? ` (${r.label})` : ''}</td>
                  <td>{Math.max(...Object.values(r.probabilities)).toFixed(2)}</td>
                  <td>{r.gates.map((g) => g.toFixed(2)).join(' / ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {model && <Reconstructions api={api} rows={rows} model={model} onError={onError} />}
          </>
          )}
        </>
      )}
    </section>
  );
}
