// The app shell: what the user loaded (recording, model) and made (decode results, fine-tuning set-up, mask and
// viewer settings) kept above the tabs so switching views never loses it; the model worker (useModelWorker) given it
// all again when it restarts; opening recordings (choose, drop, or the demo); errors that never drop what is loaded.
import { useCallback, useMemo, useRef, useState } from 'react';
import type { AnnotationImport, ModelSummary, RecordingSummary, SleepPredictions } from '../worker/api';
import { BackendChoice } from './BackendChoice';
import { DecodeView } from './decode/DecodeView';
import type { ModelSource } from './decode/LoadModel';
import { useDecodeSession } from './decode/useDecodeSession';
import { FinetuneView } from './finetune/FinetuneView';
import { type FinetuneSession, useFinetuneSession } from './finetune/useFinetuneSession';
import { errorText } from './format';
import { HeaderPanel } from './HeaderPanel';
import { type MaskSettings, MaskView } from './MaskView';
import { SpectrogramView } from './SpectrogramView';
import { type Tab, Tabs } from './Tabs';
import { TraceView } from './traces/TraceView';
import { INITIAL_VIEWER, type ViewerState } from './traces/viewerState';
import { useModelWorker } from './useModelWorker';
import { useOfflineReady } from './useOfflineReady';

const DEMO_URL = `${import.meta.env.BASE_URL}demo/S001R04.edf.gz`;

/** What the user gave the app, kept here so a restarted worker can be given it again. */
interface Loaded {
  file: Blob | null;
  fileName: string;
  /** Annotation files added to the recording ("add annotations from file"), in order. */
  annotationFiles: { file: Blob; name: string }[];
  model: ModelSource | null;
}

export function App() {
  const [recording, setRecording] = useState<RecordingSummary | null>(null);
  const [model, setModel] = useState<ModelSummary | null>(null);
  const [modelError, setModelError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [viewer, setViewer] = useState<ViewerState>(INITIAL_VIEWER);
  const [maskSettings, setMaskSettings] = useState<MaskSettings | null>(null);
  const [tab, setTab] = useState<Tab>('traces');
  /** The tab a jump to the traces came from, offered as the way back. */
  const [returnTo, setReturnTo] = useState<Tab | null>(null);
  const loaded = useRef<Loaded>({ file: null, fileName: '', annotationFiles: [], model: null });
  const finetuneRef = useRef<FinetuneSession | null>(null);
  const offlineReady = useOfflineReady();

  const worker = useModelWorker({
    onCrash: (message) => {
      setError(`The model worker stopped (${message}). It has been restarted; your recording and results are kept.`);
      setModel(null); // until the new worker has loaded it again
    },
    onStartError: setError,
    restore: async ({ api }) => {
      const { file, fileName, annotationFiles, model: m } = loaded.current;
      if (file) {
        let summary = await api.openRecording(file, fileName);
        for (const a of annotationFiles) summary = (await api.addAnnotations(a.file, a.name)).recording;
        setRecording(summary);
      }
      try {
        let summary: ModelSummary | null = null;
        if (m?.kind === 'files') summary = await api.loadModel(m.files, m.taskId);
        else if (m?.kind === 'saved') summary = await api.loadSavedModel();
        if (!summary) {
          summary = await api.loadBundledModel();
          loaded.current.model = { kind: 'bundled' };
        }
        setModel(summary);
        setModelError(null);
      } catch (e) {
        setModelError(errorText(e));
      }
      await finetuneRef.current?.restore(api);
    },
  });
  const api = worker.client?.api ?? null;
  const decode = useDecodeSession(api, model, recording, setError);
  // A sleep-staging model's decode of the open recording, for the hypnogram beside the traces.
  const sleepPredictions = useMemo<SleepPredictions | null>(() => {
    const r = decode.results;
    return r && model?.task.sleepStaging && r.context.recording.fileName === recording?.name ? { model: r.context.model.name, rows: r.rows } : null;
  }, [decode.results, model, recording]);
  const finetune = useFinetuneSession(api, setError);
  finetuneRef.current = finetune;

  const open = useCallback(
    async (file: Blob, name: string) => {
      if (!api) return;
      setBusy(`Opening ${name}…`);
      try {
        const summary = await api.openRecording(file, name);
        loaded.current = { ...loaded.current, file, fileName: name, annotationFiles: [] };
        setRecording(summary);
        setViewer((v) => ({ ...INITIAL_VIEWER, sensitivityUvPerMm: v.sensitivityUvPerMm }));
        setError(null);
      } catch (e) {
        setError(`Could not open ${name}: ${errorText(e)}`);
      } finally {
        setBusy(null);
      }
    },
    [api],
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

  const onModelLoaded = useCallback((summary: ModelSummary, source: ModelSource) => {
    loaded.current.model = source;
    setModel(summary);
    setModelError(null);
  }, []);

  const onHeadSaved = useCallback(async () => {
    const summary = await api?.loadSavedModel();
    if (summary) onModelLoaded(summary, { kind: 'saved' });
  }, [api, onModelLoaded]);

  const forgetEverything = useCallback(async () => {
    if (!api) return;
    await api.forgetCaches();
    loaded.current = { file: null, fileName: '', annotationFiles: [], model: { kind: 'bundled' } };
    setRecording(null);
    setNotice('Forgot everything: cached embeddings and saved heads are deleted from this browser, and the recording is closed.');
    worker.restart();
  }, [api, worker]);

  /** Shows the traces at `dataSec`, remembering where the user came from. */
  const jumpFrom = (from: Tab) => (dataSec: number) => {
    setViewer((v) => ({ ...v, startSec: Math.max(0, dataSec) }));
    setReturnTo(from);
    setTab('traces');
  };
  const choose = (next: Tab) => {
    setReturnTo(null);
    setTab(next);
  };

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
          <BackendChoice worker={worker} />
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
        <button type="button" onClick={() => void openDemo()} disabled={!api}>Open demo recording (eegmmidb S001R04)</button>
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
      {recording && api && <HeaderPanel recording={recording} />}
      <Tabs tab={tab} onChoose={choose} />
      <main id="view-panel" role="tabpanel" aria-labelledby={`tab-${tab}`}>
        {tab === 'traces' && returnTo && (
          <button type="button" className="back" onClick={() => choose(returnTo)}>
            ← Back to the {returnTo === 'decode' ? 'Decode results' : returnTo}
          </button>
        )}
        {api && tab === 'traces' && (recording ? <TraceView api={api} recording={recording} state={viewer} onChange={setViewer} onError={setError} onAnnotationsAdded={onAnnotationsAdded} sleepPredictions={sleepPredictions} /> : <p>Open a recording to see its traces.</p>)}
        {api && tab === 'spectrogram' && (recording ? <SpectrogramView api={api} recording={recording} viewer={viewer} onJump={jumpFrom('spectrogram')} onError={setError} /> : <p>Open a recording first.</p>)}
        {api && tab === 'masks' && (recording ? <MaskView api={api} recording={recording} viewer={viewer} settings={maskSettings} onSettings={setMaskSettings} /> : <p>Open a recording first.</p>)}
        {api && tab === 'decode' && (
          <DecodeView api={api} session={decode} recording={recording} model={model} modelError={modelError} backend={worker.backend} onModelLoaded={onModelLoaded} onJump={jumpFrom('decode')} onError={setError} />
        )}
        {api && tab === 'finetune' && <FinetuneView api={api} session={finetune} model={model} onSaved={() => void onHeadSaved()} onError={setError} />}
      </main>
    </div>
  );
}
