// Fine-tuning as the user set it up, kept above the tabs: the annotated recordings (the table shows what the worker
// holds — exactly what the next run trains on — and each can be removed), the label map, segment and training
// settings, and the last run's curves and result. The recordings' files are kept here too, so a restarted worker
// is given the same ones again.
import { useCallback, useEffect, useRef, useState } from 'react';
import { DEFAULT_HEAD_SETTINGS, type EpochRecord, type FinetuneSummary, type HeadSettings, type NamedBytes, type TrainingRecordingSummary, type WorkerApi } from '../../worker/api';
import { errorText } from '../format';
import { Comlink } from '../workerClient';

export type Split = TrainingRecordingSummary['split'];

export interface FinetuneSettings {
  readonly labelMap: string;
  readonly segmentSec: number;
  readonly offsetSec: number;
  readonly head: HeadSettings;
  /** Sleep staging (SleepTraining): a sleep task's channels and one segment per scored epoch; null: one per onset. */
  readonly sleep: { readonly taskId: string; readonly segmentation: 'epochs' } | null;
}

export interface FinetuneSession {
  /** What the worker holds: the next run trains on exactly these. */
  readonly recordings: readonly TrainingRecordingSummary[];
  readonly add: (files: readonly File[], split: Split) => Promise<void>;
  /** A recording with its scoring file, added to the worker by SleepTraining: kept for a restarted worker. */
  readonly addedPair: (summary: TrainingRecordingSummary, file: File, annotations: File, split: Split) => Promise<void>;
  readonly remove: (id: string) => Promise<void>;
  readonly settings: FinetuneSettings;
  readonly setSettings: (patch: Partial<FinetuneSettings>) => void;
  readonly history: readonly EpochRecord[];
  readonly stage: string;
  readonly training: boolean;
  readonly result: FinetuneSummary | null;
  readonly saved: readonly NamedBytes[] | null;
  readonly train: () => Promise<void>;
  readonly cancel: () => void;
  readonly save: (name: string) => Promise<NamedBytes[] | null>;
  /** Gives a restarted worker the same recordings, in the same order and splits. */
  readonly restore: (api: Comlink.Remote<WorkerApi>) => Promise<void>;
}

export function useFinetuneSession(api: Comlink.Remote<WorkerApi> | null, onError: (message: string) => void): FinetuneSession {
  const [recordings, setRecordings] = useState<TrainingRecordingSummary[]>([]);
  const files = useRef(new Map<string, { file: File; split: Split; annotations?: File }>());
  const [settings, setAll] = useState<FinetuneSettings>({ labelMap: 'T1=left fist,T2=right fist', segmentSec: 4, offsetSec: 0, head: DEFAULT_HEAD_SETTINGS, sleep: null });
  const [history, setHistory] = useState<EpochRecord[]>([]);
  const [stage, setStage] = useState('');
  const [training, setTraining] = useState(false);
  const [result, setResult] = useState<FinetuneSummary | null>(null);
  const [saved, setSaved] = useState<NamedBytes[] | null>(null);

  const refresh = useCallback(async (a: Comlink.Remote<WorkerApi>) => setRecordings(await a.trainingRecordings()), []);
  // A new worker (first start or after a crash) is asked what it holds, so the table never shows what it lacks.
  useEffect(() => {
    if (api) void refresh(api).catch(() => {});
  }, [api, refresh]);

  const add = useCallback(
    async (list: readonly File[], split: Split) => {
      if (!api) return;
      for (const f of list) {
        try {
          const summary = await api.addTrainingRecording(f, f.name, split);
          files.current.set(summary.id, { file: f, split });
        } catch (e) {
          onError(`Could not add ${f.name}: ${errorText(e)}`);
        }
      }
      await refresh(api);
    },
    [api, onError, refresh],
  );

  const addedPair = useCallback(
    async (summary: TrainingRecordingSummary, file: File, annotations: File, split: Split) => {
      files.current.set(summary.id, { file, split, annotations });
      if (api) await refresh(api);
    },
    [api, refresh],
  );

  const remove = useCallback(
    async (id: string) => {
      if (!api) return;
      await api.removeTrainingRecording(id);
      files.current.delete(id);
      await refresh(api);
    },
    [api, refresh],
  );

  const restore = useCallback(
    async (a: Comlink.Remote<WorkerApi>) => {
      const kept = [...files.current.values()];
      files.current.clear();
      for (const { file, split, annotations } of kept) {
        try {
          const summary = annotations ? await a.addTrainingPair(file, file.name, annotations, annotations.name, split) : await a.addTrainingRecording(file, file.name, split);
          files.current.set(summary.id, { file, split, ...(annotations ? { annotations } : {}) });
        } catch (e) {
          onError(`Could not add ${file.name} again: ${errorText(e)}`);
        }
      }
      await refresh(a);
    },
    [onError, refresh],
  );

  const train = useCallback(async () => {
    if (!api) return;
    setTraining(true);
    setHistory([]);
    setResult(null);
    setSaved(null);
    try {
      const collected: EpochRecord[] = [];
      const { labelMap, segmentSec, offsetSec, head, sleep } = settings;
      const summary = await api.finetune(
        { labelMap, segmentSec, offsetSec, settings: head, ...sleep },
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
  }, [api, settings, onError]);

  const save = useCallback(
    async (name: string) => {
      if (!api) return null;
      try {
        const bundle = await api.saveFinetuned(name);
        setSaved(bundle);
        return bundle;
      } catch (e) {
        onError(errorText(e));
        return null;
      }
    },
    [api, onError],
  );

  return {
    recordings,
    add,
    addedPair,
    remove,
    settings,
    setSettings: useCallback((patch: Partial<FinetuneSettings>) => setAll((s) => ({ ...s, ...patch })), []),
    history,
    stage,
    training,
    result,
    saved,
    train,
    cancel: useCallback(() => void api?.cancel(), [api]),
    save,
    restore,
  };
}
