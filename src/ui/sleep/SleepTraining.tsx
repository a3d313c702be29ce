// Fine-tuning a sleep head from polysomnograms and their hypnograms (as Sleep-EDF ships them, or a CSV/TSV scoring):
// a recording and its scoring file added as one training recording, and the sleep settings — a sleep task's
// channels, one segment per scored epoch, and the default label map (W, N1/S1, N2/S2, N3/S3+S4, REM; movement and
// unscored epochs ignored) — handed to the Fine-tune view.
import { useEffect, useState } from 'react';
import type { TaskSummary, TrainingRecordingSummary, WorkerApi } from '../../worker/api';
import { errorText } from '../format';
import type { Comlink } from '../workerClient';

export interface SleepSettings {
  readonly labelMap: string;
  readonly segmentSec: number;
  readonly offsetSec: number;
  readonly taskId: string;
  readonly segmentation: 'epochs';
}

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly split: TrainingRecordingSummary['split'];
  /** The training recordings shown in the Fine-tune view. */
  readonly recordings: readonly TrainingRecordingSummary[];
  /** The pair the worker now holds, with its two files (kept by the app for a restarted worker). */
  readonly onAdded: (recording: TrainingRecordingSummary, file: File, annotations: File) => void;
  /** The sleep settings to train with, or null to go back to one segment per annotation onset. */
  readonly onSettings: (settings: SleepSettings | null) => void;
  readonly onError: (message: string) => void;
}

export function SleepTraining({ api, split, recordings, onAdded, onSettings, onError }: Props) {
  const [tasks, setTasks] = useState<TaskSummary[]>([]);
  const [taskId, setTaskId] = useState('sleep-edf');
  const [psg, setPsg] = useState<File | null>(null);
  const [scoring, setScoring] = useState<File | null>(null);
  const [inUse, setInUse] = useState<SleepSettings | null>(null);
  const [busy, setBusy] = useState(false);
  /** Bumped after a pair is added, to clear the two file inputs. */
  const [added, setAdded] = useState(0);
  useEffect(() => {
    void api.tasks().then((all) => setTasks(all.filter((t) => t.sleepStaging)));
  }, [api]);
  const task = tasks.find((t) => t.id === taskId);

  const apply = async (id = taskId) => {
    const chosen = tasks.find((t) => t.id === id);
    const labelMap = await api.sleepLabelMap();
    if (!labelMap) {
      onError('None of the training recordings has sleep-stage annotations (e.g. "Sleep stage W", "N2", "REM"): add a recording with its hypnogram first.');
      return;
    }
    const settings: SleepSettings = { labelMap, segmentSec: chosen?.segmentSec ?? 30, offsetSec: 0, taskId: id, segmentation: 'epochs' };
    setInUse(settings);
    onSettings(settings);
  };

  const addPair = async () => {
    if (!psg || !scoring) return;
    setBusy(true);
    try {
      const pair = await api.addTrainingPair(psg, psg.name, scoring, scoring.name, split);
      onAdded(pair, psg, scoring);
      await apply();
      setPsg(null);
      setScoring(null);
      setAdded((n) => n + 1);
    } catch (e) {
      onError(`Could not add ${psg.name} with ${scoring.name}: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <fieldset className="sleep-training" aria-describedby="sleep-training-help">
      <legend>Sleep staging: a recording with its hypnogram</legend>
      <p id="sleep-training-help" className="hint">
        The hypnogram is an EDF+ annotation file (as Sleep-EDF ships them) or a CSV/TSV of onset, duration, stage, aligned by
        the start times. Each scored 30-s epoch is one segment; W, N1/S1, N2/S2, N3/S3+S4 and REM are the classes, movement
        and unscored ("?") epochs are left out.
      </p>
      <div className="toolbar">
        <label>
          Recording (PSG) <input key={`psg${added}`} type="file" accept=".edf,.bdf,.gz,.EDF,.BDF" onChange={(e) => setPsg(e.target.files?.[0] ?? null)} />
        </label>
        <label>
          Its hypnogram <input key={`scoring${added}`} type="file" accept=".edf,.bdf,.gz,.csv,.tsv,.txt,.EDF,.BDF" onChange={(e) => setScoring(e.target.files?.[0] ?? null)} />
        </label>
        <button type="button" onClick={() => void addPair()} disabled={!psg || !scoring || busy}>
          Add to {split === 'train' ? 'training' : split}
        </button>
      </div>
      <div className="toolbar">
        <label>
          Sleep task <select value={taskId} onChange={(e) => {
            setTaskId(e.target.value);
            if (inUse) void apply(e.target.value);
          }}>
            {tasks.map((t) => <option key={t.id} value={t.id}>{t.name}: {t.channels.join(', ')}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void apply()} disabled={recordings.length === 0}>Use sleep settings</button>
        {inUse && (
          <>
            <span role="status" data-testid="sleep-settings">
              Training for {task?.name ?? inUse.taskId} ({task?.channels.join(', ')}), one segment per scored {inUse.segmentSec}-s epoch.
            </span>
            <button type="button" onClick={() => {
              setInUse(null);
              onSettings(null);
            }}>Back to one segment per annotation</button>
          </>
        )}
      </div>
    </fieldset>
  );
}
