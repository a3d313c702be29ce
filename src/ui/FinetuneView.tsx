// Fine-tuning in the tab: annotated recordings tagged with split, a label map (annotation text → class), segment
// length and offset, training settings; live curves, then the confusion matrix and metrics beside the band-power
// reference; the trained head saved as a bundle (download, and kept for the next visit) and used for decoding.
import { useMemo, useState } from 'react';
import { DEFAULT_HEAD_SETTINGS, type HeadSettings } from '../train/headSettings';
import type { EpochRecord } from '../train/headTraining';
import type { Metrics } from '../train/metrics';
import type { FinetuneSummary, ModelSummary, NamedBytes, TrainingRecordingSummary, WorkerApi } from '../worker/api';
import { download, errorText, pct } from './format';
import { Plot } from './Plot';
import { type SleepSettings, SleepTraining } from './sleep/SleepTraining';
import { Comlink } from './workerClient';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly model: ModelSummary | null;
  readonly onModelLoaded: (summary: ModelSummary, source: { kind: 'saved' }) => void;
  readonly onError: (message: string) => void;
}

function MetricsTable({ title, m, classes }: { title: string; m: Metrics; classes: readonly string[] }) {
  return (
    <table className="metrics" aria-label={title}>
      <caption>{title}: balanced accuracy {pct(m.balancedAccuracy)}, weighted F1 {m.weightedF1.toFixed(3)}, Cohen's κ {m.kappa.toFixed(3)}, n = {m.count}</caption>
      <thead>
        <tr><th>true \ predicted</th>{classes.map((c) => <th key={c}>{c}</th>)}<th>recall</th></tr>
      </thead>
      <tbody>
        {m.confusion.map((row, i) => (
          <tr key={i}><th>{classes[i]}</th>{row.map((v, j) => <td key={j}>{v}</td>)}<td>{pct(m.recall[i]!)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

export function FinetuneView({ api, model, onModelLoaded, onError }: Props) {
  const [recordings, setRecordings] = useState<TrainingRecordingSummary[]>([]);
  const [split, setSplit] = useState<TrainingRecordingSummary['split']>('train');
  const [labelMap, setLabelMap] = useState('T1=left fist,T2=right fist');
  const [segmentSec, setSegmentSec] = useState(model?.task.segmentSec ?? 4);
  const [offsetSec, setOffsetSec] = useState(0);
  const [settings, setSettings] = useState<HeadSettings>(DEFAULT_HEAD_SETTINGS);
  const [history, setHistory] = useState<EpochRecord[]>([]);
  const [stage, setStage] = useState('');
  const [result, setResult] = useState<FinetuneSummary | null>(null);
  const [training, setTraining] = useState(false);
  const [saved, setSaved] = useState<NamedBytes[] | null>(null);
  const [sleep, setSleep] = useState<Pick<SleepSettings, 'taskId' | 'segmentation'> | null>(null);

  const add = async (list: FileList | null) => {
    for (const f of [...(list ?? [])]) {
      try {
        const summary = await api.addTrainingRecording(f, f.name, split);
        setRecordings((r) => [...r, summary]);
      } catch (e) {
        onError(`Could not add ${f.name}: ${errorText(e)}`);
      }
    }
  };

  const train = async () => {
    setTraining(true);
    setHistory([]);
    setResult(null);
    setSaved(null);
    try {
      const collected: EpochRecord[] = [];
      const summary = await api.finetune(
        { labelMap, segmentSec, offsetSec, settings, ...sleep },
        Comlink.proxy((r: EpochRecord) => {
          collected.push(r);
          setHistory([...collected]);
        }),
        Comlink.proxy((s: string, done: number, total: number) => setStage(`${s} (${Math.min(done + 1, total)}/${total})`)),
      );
      setResult(summary);
      setStage('');
    } catch (e) {
      onError(`Training failed: ${errorText(e)}`);
    } finally {
      setTraining(false);
    }
  };

  const save = async () => {
    try {
      const files = await api.saveFinetuned(`${model?.name ?? 'SpecMoE'} + ${result?.classes.join('/')} head`);
      setSaved(files);
      const summary = await api.loadSavedModel();
      if (summary) onModelLoaded(summary, { kind: 'saved' });
    } catch (e) {
      onError(errorText(e));
    }
  };

  const curves = useMemo(() => {
    const x = history.map((h) => h.epoch);
    return {
      loss: [
        { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.trainLoss), name: 'train', line: { color: '#0072B2' } },
        { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.validationLoss), name: 'validation', line: { color: '#D55E00' } },
      ],
      accuracy: [
        { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.trainBalancedAccuracy), name: 'train', line: { color: '#0072B2' } },
        { type: 'scatter', mode: 'lines+markers', x, y: history.map((h) => h.validationBalancedAccuracy), name: 'validation', line: { color: '#D55E00' } },
      ],
    };
  }, [history]);
  const num = (key: keyof HeadSettings) => (e: React.ChangeEvent<HTMLInputElement>) => setSettings({ ...settings, [key]: Number(e.target.value) });

  return (
    <section aria-labelledby="ft-title">
      <h2 id="ft-title">Fine-tune a head (experts frozen)</h2>
      {!model && <p role="status">Load a model first (Decode tab).</p>}
      <div className="toolbar">
        <label>
          Add to split <select value={split} onChange={(e) => setSplit(e.target.value as TrainingRecordingSummary['split'])}>
            <option value="train">training</option>
            <option value="validation">validation</option>
            <option value="test">test</option>
          </select>
        </label>
        <label>
          Annotated recordings <input type="file" multiple accept=".edf,.bdf,.gz" onChange={(e) => {
            void add(e.target.files);
            e.target.value = '';
          }} />
        </label>
      </div>
      <SleepTraining api={api} split={split} recordings={recordings} onAdded={(r) => setRecordings((all) => [...all, r])} onError={onError} onSettings={(s) => {
        setSleep(s && { taskId: s.taskId, segmentation: s.segmentation });
        if (!s) return;
        setLabelMap(s.labelMap);
        setSegmentSec(s.segmentSec);
        setOffsetSec(s.offsetSec);
      }} />
      <table className="training-recordings" aria-label="Training recordings">
        <thead><tr><th>recording</th><th>subject</th><th>split</th><th>annotations</th><th /></tr></thead>
        <tbody>
          {recordings.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td><td>{r.subject}</td><td>{r.split}</td>
              <td>{Object.entries(r.annotations).map(([k, v]) => `${k} ×${v}`).join(', ')}</td>
              <td><button type="button" onClick={() => void api.removeTrainingRecording(r.id).then(() => setRecordings((all) => all.filter((x) => x.id !== r.id)))}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form">
        <label>Label map <input value={labelMap} onChange={(e) => setLabelMap(e.target.value)} size={40} aria-describedby="labelmap-help" /></label>
        <span id="labelmap-help" className="hint">annotation=class pairs; other annotations are ignored</span>
        <label>Segment (s) <input type="number" min={1} step={0.5} value={segmentSec} onChange={(e) => setSegmentSec(Number(e.target.value))} /></label>
        <label>Offset from onset (s) <input type="number" step={0.1} value={offsetSec} onChange={(e) => setOffsetSec(Number(e.target.value))} /></label>
        <label>Epochs <input type="number" min={1} value={settings.epochs} onChange={num('epochs')} /></label>
        <label>Batch <input type="number" min={1} value={settings.batchSize} onChange={num('batchSize')} /></label>
        <label>Learning rate <input type="number" step={0.0001} value={settings.learningRate} onChange={num('learningRate')} /></label>
        <label>Patience <input type="number" min={1} value={settings.patience} onChange={num('patience')} /></label>
      </div>
      <div className="toolbar">
        <button type="button" onClick={() => void train()} disabled={!model || training || recordings.length === 0}>Train head</button>
        <button type="button" onClick={() => void api.cancel()} disabled={!training}>Stop</button>
        <span aria-live="polite" data-testid="train-status">{training ? stage || `epoch ${history.length}` : result ? `done in ${result.seconds.toFixed(1)} s (${result.kernelThreads > 0 ? `head kernels on ${result.kernelThreads} thread${result.kernelThreads > 1 ? 's' : ''}` : 'tfjs'}), best epoch ${result.bestEpoch}${result.cachedRecordings ? `, ${result.cachedRecordings} recording(s) from the embedding cache` : ''}` : ''}</span>
      </div>
      {history.length > 0 && (
        <div className="grid2">
          <Plot data={curves.loss} layout={{ title: { text: 'Loss' }, xaxis: { title: { text: 'epoch' } } }} label="Loss curves" height={260} testId="loss-curve" />
          <Plot data={curves.accuracy} layout={{ title: { text: 'Balanced accuracy' }, xaxis: { title: { text: 'epoch' } }, yaxis: { range: [0, 1] } }} label="Balanced accuracy curves" height={260} />
        </div>
      )}
      {result && (
        <div data-testid="finetune-result">
          <ul className="splits" aria-label="Splits">
            {result.splits.map((s) => <li key={s.name}>{s.name}: subjects {s.subjects.join(', ') || '–'}; {s.recordings} recordings, {s.segments} segments ({s.classCounts.join(' / ')})</li>)}
          </ul>
          <MetricsTable title="Validation" m={result.validation} classes={result.classes} />
          {result.test && <MetricsTable title="Test" m={result.test} classes={result.classes} />}
          <p>Band-power + logistic regression on the same split ({result.test ? 'test' : 'validation'}): balanced accuracy {pct(result.reference.balancedAccuracy)}, weighted F1 {result.reference.weightedF1.toFixed(3)}.</p>
          <div className="toolbar">
            <button type="button" onClick={() => void save()}>Save head and use it for decoding</button>
            {saved && saved.map((f) => <button key={f.name} type="button" onClick={() => download(f.name, f.bytes)}>Download {f.name}</button>)}
            {saved && <span role="status">Saved in this browser; the Decode tab now uses it.</span>}
          </div>
        </div>
      )}
    </section>
  );
}
