// The app shell: the model worker's life cycle (restarted with the same recording and model if it dies), opening
// recordings (choose, drop, or the demo), the header panel, errors that never drop what is loaded, and the views.
import { useCallback, useEffect, useRef, useState } from 'react';
import { type BackendName, FALLBACK_ORDER, preferring } from '../model/backendNames';
import type { AnnotationImport, BackendInfo, ModelSummary, NamedBytes, RecordingSummary } from '../worker/api';
import { DecodeView } from './DecodeView';
import { FinetuneView } from './FinetuneView';
import { errorText } from './format';
import { HeaderPanel } from './HeaderPanel';
import { MaskView } from './MaskView';
import { SpectrogramView } from './SpectrogramView';
import { TraceView } from './traces/TraceView';
import { INITIAL_VIEWER, type ViewerState } from './traces/viewerState';
import { startWorker, type WorkerClient } from './workerClient';

const DEMO_URL = `${import.meta.env.BASE_URL}demo/S001R04.edf.gz`;

type Tab = 'traces' | 'spectrogram' | 'masks' | 'decode' | 'finetune';
const TABS: readonly { id: Tab; label: string }[] = [
  { id: 'traces', label: 'Traces' },
  { id: 'spectrogram', label: 'Spectrogram' },
  { id: 'masks', label: 'Mask preview' },
  { id: 'decode', label: 'Decode' },
  { id: 'finetune', label: 'Fine-tune' },
];

/** The WAI-ARIA tabs pattern: arrows move between tabs (wrapping), Home and End go to the ends. */
function tabKeyTarget(key: string, current: number): number | null {
  const n = TABS.length;
  if (key === 'ArrowRight') return (current + 1) % n;
  if (key === 'ArrowLeft') return (current - 1 + n) % n;
  if (key === 'Home') return 0;
  if (key === 'End') return n - 1;
  return null;
}

/** What the user gave the app, kept here so a restarted worker can be given it again. */
interface Loaded {
  file: Blob | null;
  fileName: string;
  /** Annotation files added to the recording ("add annotations from file"), in order. */
  annotationFiles: { file: Blob; name: string }[];
  model: { kind: 'bundled' } | { kind: 'saved' } | { kind: 'files'; files: NamedBytes[]; taskId?: string } | null;
}

/**
 * True once a service worker controls the page: the app shell, wasm binaries, bundled model and demo recording are
 * then cached and the whole demo works with the network off. (The worker exists only in the built app.)
 */
function useOfflineReady(): boolean {
  const [ready, setReady] = useState(false);
  useEffect(() => {
    const sw = navigator.serviceWorker;
    if (!sw) return;
    const check = () => setReady(!!sw.controller);
    check();
    void sw.ready.then(check);
    sw.addEventListener('controllerchange', check);
    return () => sw.removeEventListener('controllerchange', check);
  }, []);
  return ready;
}

export function App() {
  const [client, setClient] = useState<WorkerClient | null>(null);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [recording, setRecording] = useState<RecordingSummary | null>(null);
  const [model, setModel] = useState<ModelSummary | null>(null);
  const [modelError, setModelError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [viewer, setViewer] = useState<ViewerState>(INITIAL_VIEWER);
  const [tab, setTab] = useState<Tab>('traces');
  const loaded = useRef<Loaded>({ file: null, fileName: '', annotationFiles: [], model: null });
  const [generation, setGeneration] = useState(0);
  const offlineReady = useOfflineReady();
  const [preferredBackend, setPreferredBackend] = useState<BackendName | ''>(() => (new URLSearchParams(location.search).get('backend') as BackendName | null) ?? '');

  // One worker per generation; a crash bumps the generation, which starts a new one and reloads what was loaded.
  useEffect(() => {
    let alive = true;
    const c = startWorker((message) => {
      if (!alive) return;
      setError(`The model worker stopped (${message}). It has been restarted; your recording and results are kept.`);
      setModel(null); // until the new worker has loaded it again
      setGeneration((g) => g + 1);
    });
    setClient(c);
    // `?bench`: the worker's benchmark entry for `npm run bench -- model-browser | finetune` (bench/browser.ts).
    const bench = new URLSearchParams(location.search).has('bench');
    if (bench) (window as unknown as { specmoeBench: unknown }).specmoeBench = c.api.benchmark;
    void (async () => {
      try {
        // `?wasmThreads=N` asks for N threads of the threaded wasm build (0: single-threaded); by default the worker picks.
        const threadsParam = new URLSearchParams(location.search).get('wasmThreads');
        const info = await c.api.init(preferredBackend ? preferring(preferredBackend) : undefined, threadsParam === null ? undefined : Number(threadsParam));
        if (!alive) return;
        setBackend(info);
        const { file, fileName, annotationFiles, model: m } = loaded.current;
        if (file) {
          let summary = await c.api.openRecording(file, fileName);
          for (const a of annotationFiles) summary = (await c.api.addAnnotations(a.file, a.name)).recording;
          setRecording(summary);
        }
        let summary: ModelSummary | null = null;
        try {
          if (m?.kind === 'files') summary = await c.api.loadModel(m.files, m.taskId);
          else if (m?.kind === 'saved') summary = await c.api.loadSavedModel();
          if (!summary) {
            summary = await c.api.loadBundledModel();
            loaded.current.model = { kind: 'bundled' };
          }
          if (alive) setModel(summary);
        } catch (e) {
          if (alive) setModelError(errorText(e));
        } finally {
          // `?bench`: benchmarks start once the worker has finished loading the model (not while it parses it).
          if (bench) (window as unknown as { specmoeModelSettled: boolean }).specmoeModelSettled = true;
        }
      } catch (e) {
        if (alive) setError(`The model worker could not start: ${errorText(e)}`);
      }
    })();
    return () => {
      alive = false;
      c.terminate();
    };
  }, [generation, preferredBackend]);

  const open = useCallback(
    async (file: Blob, name: string) => {
      if (!client) return;
      setBusy(`Opening ${name}…`);
      try {
        const summary = await client.api.openRecording(file, name);
        loaded.current = { ...loaded.current, file, fileName: name, annotationFiles: [] };
        setRecording(summary);
        setViewer({ ...INITIAL_VIEWER, sensitivityUvPerMm: viewer.sensitivityUvPerMm });
        setError(null);
      } catch (e) {
        setError(`Could not open ${name}: ${errorText(e)}`);
      } finally {
        setBusy(null);
      }
    },
    [client, viewer.sensitivityUvPerMm],
  );

  const openDemo = useCallback(async () => {
    setBusy('Loading the demo recording…');
    try {
      const response = await fetch(DEMO_URL);
      if (!response.ok) throw new Error(`${response.status} ${response.statusText}`);
      await open(await response.blob(), 'S001R04.edf.gz');
    } catch (e) {
      setError(`The demo recording could not be loaded: ${errorText(e)}`);
      setBusy(null);
    }
  }, [open]);

  const onAnnotationsAdded = useCallback((result: AnnotationImport, file: Blob, name: string) => {
    loaded.current.annotationFiles = [...loaded.current.annotationFiles, { file, name }];
    setRecording(result.recording);
  }, []);

  const onModelLoaded = useCallback((summary: ModelSummary, source: Loaded['model']) => {
    loaded.current.model = source;
    setModel(summary);
    setModelError(null);
  }, []);

  const forgetEverything = useCallback(async () => {
    if (!client) return;
    await client.api.forgetCaches();
    loaded.current = { file: null, fileName: '', annotationFiles: [], model: { kind: 'bundled' } };
    setRecording(null);
    setNotice('Forgot everything: cached embeddings and saved heads are deleted from this browser, and the recording is closed.');
    setGeneration((g) => g + 1);
  }, [client]);

  const onDrop = (e: React.DragEvent) => {
    e.preventDefault();
    const file = e.dataTransfer.files[0];
    if (file) void open(file, file.name);
  };

  return (
    <div className="app" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <header className="top">
        <h1>specmoe-web</h1>
        <p className="tagline">EEG decoding with SpecMoE, entirely in this tab — no recording leaves this computer.</p>
        <div className="status" aria-live="polite">
          <span data-testid="offline-ready" className="offline">{offlineReady ? 'available offline · ' : ''}</span>
          <span data-testid="backend">Back-end: {backend ? `${backend.backend}${backend.threads > 1 ? ` (${backend.threads} threads)` : ''}` : 'starting…'}</span>
          {backend?.tried.length ? <span title={backend.tried.map((t) => `${t.name}: ${t.error}`).join('\n')}> (fell back from {backend.tried.map((t) => t.name).join(', ')})</span> : null}
          <label>
            {' '}Use <select value={preferredBackend} onChange={(e) => setPreferredBackend(e.target.value as BackendName | '')} aria-label="Preferred back-end">
              <option value="">automatic</option>
              {FALLBACK_ORDER.map((b) => <option key={b} value={b}>{b}</option>)}
            </select>
          </label>
          {busy && <span className="busy"> {busy}</span>}
        </div>
      </header>
      <section className="open" aria-label="Open a recording">
        <label className="file">
          Open EDF / EDF+ / BDF (also .gz)
          <input type="file" accept=".edf,.bdf,.gz,.EDF,.BDF" onChange={(e) => {
            const f = e.target.files?.[0];
            if (f) void open(f, f.name);
            e.target.value = '';
          }} />
        </label>
        <button type="button" onClick={() => void openDemo()} disabled={!client}>Open demo recording (eegmmidb S001R04)</button>
        <span className="hint">or drop a file anywhere on the page</span>
        <button type="button" className="forget" onClick={() => void forgetEverything()}>Forget everything</button>
      </section>
      {error && (
        <div role="alert" className="error">
          {error} <button type="button" onClick={() => setError(null)} aria-label="Dismiss the message">×</button>
        </div>
      )}
      {notice && (
        <div role="status" className="notice">
          {notice} <button type="button" onClick={() => setNotice(null)} aria-label="Dismiss the notice">×</button>
        </div>
      )}
      {recording && client && <HeaderPanel recording={recording} />}
      <nav className="tabs" role="tablist" aria-label="Views">
        {TABS.map((t) => (
          <button
            key={t.id}
            id={`tab-${t.id}`}
            type="button"
            role="tab"
            aria-selected={tab === t.id}
            aria-controls="view-panel"
            tabIndex={tab === t.id ? 0 : -1}
            onClick={() => setTab(t.id)}
            onKeyDown={(e) => {
              const next = tabKeyTarget(e.key, TABS.findIndex((x) => x.id === tab));
              if (next === null) return;
              e.preventDefault();
              setTab(TABS[next]!.id);
              document.getElementById(`tab-${TABS[next]!.id}`)?.focus();
            }}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <main id="view-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {client && tab === 'traces' && (recording ? <TraceView api={client.api} recording={recording} state={viewer} onChange={setViewer} onError={setError} onAnnotationsAdded={onAnnotationsAdded} /> : <p>Open a recording to see its traces.</p>)}
        {client && tab === 'spectrogram' && (recording ? <SpectrogramView api={client.api} recording={recording} viewer={viewer} onJump={(sec) => { setViewer({ ...viewer, startSec: sec }); setTab('traces'); }} onError={setError} /> : <p>Open a recording first.</p>)}
        {client && tab === 'masks' && (recording ? <MaskView api={client.api} recording={recording} viewer={viewer} /> : <p>Open a recording first.</p>)}
        {client && tab === 'decode' && (
          <DecodeView api={client.api} recording={recording} model={model} modelError={modelError} backend={backend} onModelLoaded={onModelLoaded} onJump={(sec) => { setViewer({ ...viewer, startSec: sec }); setTab('traces'); }} onError={setError} />
        )}
        {client && tab === 'finetune' && <FinetuneView api={client.api} model={model} onModelLoaded={onModelLoaded} onError={setError} />}
      </main>
    </div>
  );
}
