// Fine-tuning in the tab: annotated recordings tagged with split (removable one by one; the table is what the next
// run trains on), a label map (annotation text → class), segment length and offset, training settings; live
// curves, then the result (FinetuneResult). Sleep staging adds a recording with its hypnogram and the sleep settings
// (SleepTraining). The session (useFinetuneSession) lives above the tabs.
import { useMemo, useState } from 'react';
import type { HeadSettings, ModelSummary, WorkerApi } from '../../worker/api';
import { Plot } from '../charts/Plot';
import { SleepTraining } from '../sleep/SleepTraining';
import type { Comlink } from '../workerClient';
import { FinetuneResult } from './FinetuneResult';
import type { FinetuneSession, Split } from './useFinetuneSession';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly session: FinetuneSession;
  readonly model: ModelSummary | null;
  readonly onSaved: () => void;
  readonly onError: (message: string) => void;
}

export function FinetuneView({ api, session, model, onSaved, onError }: Props) {
  const [split, setSplit] = useState<Split>('train');
  const { recordings, settings, history, result, training, stage } = session;
  const curves = useMemo(() => {
    const x = history.map((h) => h.epoch);
    const pair = (train: number[], validation: number[]) => [
      { type: 'scatter', mode: 'lines+markers', x, y: train, name: 'train', line: { color: '#0072B2' } },
      { type: 'scatter', mode: 'lines+markers', x, y: validation, name: 'validation', line: { color: '#D55E00' } },
    ];
    return {
      loss: pair(history.map((h) => h.trainLoss), history.map((h) => h.validationLoss)),
      accuracy: pair(history.map((h) => h.trainBalancedAccuracy), history.map((h) => h.validationBalancedAccuracy)),
    };
  }, [history]);
  const names = useMemo(() => new Map(recordings.map((r) => [r.id, r.name])), [recordings]);
  const head = (key: keyof HeadSettings) => (e: React.ChangeEvent<HTMLInputElement>) => session.setSettings({ head: { ...settings.head, [key]: Number(e.target.value) } });
  const save = async () => {
    if (await session.save(`${model?.name ?? 'SpecMoE'} + ${result?.classes.join('/')} head`)) onSaved();
  };

  return (
    <section aria-labelledby="ft-title">
      <h2 id="ft-title">Fine-tune a head (experts frozen)</h2>
      {!model && <p role="status">Load a model first (Decode tab).</p>}
      <div className="toolbar">
        <label>
          Add to split <select value={split} onChange={(e) => setSplit(e.target.value as Split)}>
            <option value="train">training</option>
            <option value="validation">validation</option>
            <option value="test">test</option>
          </select>
        </label>
        <label>
          Annotated recordings <input type="file" multiple accept=".edf,.bdf,.gz" onChange={(e) => {
            void session.add([...(e.target.files ?? [])], split);
            e.target.value = '';
          }} />
        </label>
      </div>
      <SleepTraining api={api} split={split} recordings={recordings} onAdded={(r, file, annotations) => void session.addedPair(r, file, annotations, split)} onError={onError} onSettings={(s) => {
        if (!s) return session.setSettings({ sleep: null });
        session.setSettings({ sleep: { taskId: s.taskId, segmentation: s.segmentation }, labelMap: s.labelMap, segmentSec: s.segmentSec, offsetSec: s.offsetSec });
      }} />
      <table className="training-recordings" aria-label="Training recordings">
        <caption>{recordings.length ? `The next run trains on these ${recordings.length} recordings` : 'No recordings yet: add annotated recordings to each split'}</caption>
        <thead><tr><th>recording</th><th>subject</th><th>split</th><th>annotations</th><th /></tr></thead>
        <tbody>
          {recordings.map((r) => (
            <tr key={r.id}>
              <td>{r.name}</td><td>{r.subject}</td><td>{r.split}</td>
              <td>{Object.entries(r.annotations).map(([k, v]) => `${k} ×${v}`).join(', ')}</td>
              <td><button type="button" onClick={() => void session.remove(r.id)} disabled={training} aria-label={`Remove ${r.name}`}>Remove</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="form">
        <label>Label map <input value={settings.labelMap} onChange={(e) => session.setSettings({ labelMap: e.target.value })} size={40} aria-describedby="labelmap-help" /></label>
        <span id="labelmap-help" className="hint">annotation=class pairs; other annotations are ignored</span>
        <label>Segment (s) <input type="number" min={1} step={0.5} value={settings.segmentSec} onChange={(e) => session.setSettings({ segmentSec: Number(e.target.value) })} /></label>
        <label>Offset from onset (s) <input type="number" step={0.1} value={settings.offsetSec} onChange={(e) => session.setSettings({ offsetSec: Number(e.target.value) })} /></label>
        <label>Epochs <input type="number" min={1} value={settings.head.epochs} onChange={head('epochs')} /></label>
        <label>Batch <input type="number" min={1} value={settings.head.batchSize} onChange={head('batchSize')} /></label>
        <label>Learning rate <input type="number" step={0.0001} value={settings.head.learningRate} onChange={head('learningRate')} /></label>
        <label>Patience <input type="number" min={1} value={settings.head.patience} onChange={head('patience')} /></label>
      </div>
      <div className="toolbar">
        <button type="button" onClick={() => void session.train()} disabled={!model || training || recordings.length === 0}>Train head</button>
        <button type="button" onClick={session.cancel} disabled={!training}>Stop</button>
        <span aria-live="polite" data-testid="train-status">
          {training
            ? stage || `epoch ${history.length}`
            : result
              ? `done in ${result.seconds.toFixed(1)} s (${result.kernelThreads > 0 ? `head kernels on ${result.kernelThreads} thread${result.kernelThreads > 1 ? 's' : ''}` : 'tfjs'}), best epoch ${result.bestEpoch}${result.cachedRecordings ? `, ${result.cachedRecordings} recording(s) from the embedding cache` : ''}`
              : ''}
        </span>
      </div>
      {history.length > 0 && (
        <div className="grid2">
          <Plot data={curves.loss} layout={{ title: { text: 'Loss' }, xaxis: { title: { text: 'epoch' } } }} label="Loss curves" height={260} testId="loss-curve" />
          <Plot data={curves.accuracy} layout={{ title: { text: 'Balanced accuracy' }, xaxis: { title: { text: 'epoch' } }, yaxis: { range: [0, 1] } }} label="Balanced accuracy curves" height={260} />
        </div>
      )}
      {result && <FinetuneResult result={result} names={names} saved={session.saved} onSave={() => void save()} />}
    </section>
  );
}
