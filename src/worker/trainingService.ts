// Fine-tuning in the worker: the user's annotated recordings (tagged with subject and split), the embedding cache in
// IndexedDB, head training with live epochs, and the trained head saved as a new bundle.
import { createStore, del, get, set, clear } from 'idb-keyval';
import { saveBundle } from '../io/bundle';
import { annotationTarget, importAnnotations, withAnnotations } from '../io/annotationImport';
import { openRecording } from '../io/open';
import type { Recording } from '../io/recording';
import { blobSource } from '../io/sources';
import { type FinetuneResult, finetune, finetunedBundle, type EmbeddingCache } from '../train/finetune';
import type { EpochRecord } from '../train/headTraining';
import { evaluationNotes, heldOutEvaluation, weakHeadWarnings } from '../train/heldOut';
import { sleepLabelMap } from '../dsp/hypnogram';
import { findTask } from '../model';
import { parseLabelMap, subjectOf } from '../train/labels';
import type { FinetuneRequest, FinetuneSummary, NamedBytes, TrainingRecordingSummary } from './api';
import type { ActiveModel, ModelService } from './modelService';
import { browserKernelThread } from '../runtime/wasm/browserKernelThread';

const embeddingStore = () => createStore('specmoe-embeddings', 'embeddings');

export const indexedDbCache: EmbeddingCache = {
  get: (key) => get<Uint8Array>(key, embeddingStore()),
  set: (key, bytes) => set(key, bytes, embeddingStore()),
};

export async function forgetEmbeddings(): Promise<void> {
  await clear(embeddingStore());
}

interface TrainingRecording {
  readonly summary: TrainingRecordingSummary;
  readonly recording: Recording;
}

export class TrainingService {
  private readonly recordings = new Map<string, TrainingRecording>();
  /** The last run's result and the model whose experts it trained on. */
  private result: { readonly trained: FinetuneResult; readonly base: ActiveModel } | null = null;
  private abort: AbortController | null = null;

  constructor(private readonly models: ModelService) {}

  async add(file: Blob, name: string, split: TrainingRecordingSummary['split']): Promise<TrainingRecordingSummary> {
    return this.register(await openRecording(blobSource(file, name)), name, split);
  }

  /** A recording whose labels are in another file (a PSG and its hypnogram), laid over it by the start times. */
  async addPair(file: Blob, name: string, annotations: Blob, annotationsName: string, split: TrainingRecordingSummary['split']): Promise<TrainingRecordingSummary> {
    const recording = await openRecording(blobSource(file, name));
    try {
      const imported = await importAnnotations(blobSource(annotations, annotationsName), annotationTarget(recording));
      return this.register(withAnnotations(recording, imported.annotations), `${name} + ${annotationsName}`, split);
    } catch (e) {
      await recording.close();
      throw e;
    }
  }

  private register(recording: Recording, name: string, split: TrainingRecordingSummary['split']): TrainingRecordingSummary {
    // Annotations counted where they overlap the recording: a whole night's hypnogram over a short PSG shows what trains.
    const { clockStartSec, clockEndSec } = annotationTarget(recording);
    const counts: Record<string, number> = {};
    for (const a of recording.annotations) {
      if (a.onsetSec > clockEndSec || a.onsetSec + Math.max(0, a.durationSec ?? 0) < clockStartSec) continue;
      counts[a.description.trim()] = (counts[a.description.trim()] ?? 0) + 1;
    }
    let id = recording.source.name.replace(/\.(edf|bdf)$/i, '');
    while (this.recordings.has(id)) id += "'";
    const summary: TrainingRecordingSummary = { id, name, subject: subjectOf(recording.source.name), split, annotations: counts };
    this.recordings.set(id, { summary, recording });
    return summary;
  }

  /** The recordings the next run trains on, in the order they were added. */
  list(): TrainingRecordingSummary[] {
    return [...this.recordings.values()].map((r) => r.summary);
  }

  /** The sleep label map of every text the training recordings' annotations use, outside the recordings too. */
  sleepLabelMap(): string {
    return sleepLabelMap([...this.recordings.values()].flatMap(({ recording }) => recording.annotations.map((a) => a.description)));
  }

  async remove(id: string): Promise<void> {
    await this.recordings.get(id)?.recording.close();
    this.recordings.delete(id);
  }

  cancel(): void {
    this.abort?.abort();
  }

  async run(request: FinetuneRequest, onEpoch: (r: EpochRecord) => void, onStage: (stage: string, done: number, total: number) => void): Promise<FinetuneSummary> {
    const active = this.models.current();
    this.abort = new AbortController();
    const started = performance.now();
    this.result?.trained.trainer.params.dispose();
    this.result = null;
    const task = request.taskId === undefined ? undefined : findTask(request.taskId);
    if (request.taskId !== undefined && !task) throw new Error(`unknown task "${request.taskId}"`);
    const result = await finetune({
      base: active.loaded,
      task,
      segmentation: request.segmentation,
      expertsId: active.expertsId,
      labelMap: parseLabelMap(request.labelMap),
      segmentSec: request.segmentSec,
      offsetSec: request.offsetSec,
      recordings: [...this.recordings.values()].map(({ summary, recording }) => ({ recording, recordingId: summary.id, subject: summary.subject, split: summary.split })),
      settings: request.settings,
      cache: indexedDbCache,
      signal: this.abort.signal,
      onStage,
      onEpoch,
      kernelThread: browserKernelThread(),
    });
    this.result = { trained: result, base: active };
    const evaluation = heldOutEvaluation(result);
    return {
      classes: result.classes,
      splits: result.splits,
      history: result.history,
      bestEpoch: result.trainer.bestEpoch,
      validation: result.validation.metrics,
      test: result.test?.metrics ?? null,
      references: result.references,
      evaluation,
      weakWarnings: weakHeadWarnings(evaluation, result.classes.length),
      cachedRecordings: result.cachedRecordings,
      cancelled: result.cancelled,
      seconds: (performance.now() - started) / 1000,
      kernelThreads: result.trainer.kernelThreads,
    };
  }

  /** Writes the trained head into a bundle, keeps it in IndexedDB, and makes it the loaded model. */
  async save(name: string): Promise<NamedBytes[]> {
    if (!this.result) throw new Error('train a head first');
    const { trained, base } = this.result;
    const files = await saveBundle(finetunedBundle(base.loaded, base.tensors, trained, name, evaluationNotes(heldOutEvaluation(trained))));
    const named = [...files].map(([n, bytes]) => ({ name: n, bytes }));
    await set('latest', named, createStore('specmoe-heads', 'bundles'));
    await this.models.loadFiles(named);
    return named;
  }
}

/** The head saved by a previous visit, if any. */
export async function savedHead(): Promise<NamedBytes[] | undefined> {
  return get<NamedBytes[]>('latest', createStore('specmoe-heads', 'bundles'));
}

export async function forgetHeads(): Promise<void> {
  await del('latest', createStore('specmoe-heads', 'bundles'));
}
