// Fine-tuning end to end, on the same code in the tab and the CLI: labelled segments from annotations, embeddings
// of the frozen experts (cached per model and recording), a split by subject or recording, head training with live
// curves, evaluation beside the band-power reference, and a new bundle holding the trained head.
import type { PrepareOptions } from '../dsp/segments';
import type { BundleToSave } from '../io/bundle';
import type { NamedTensor } from '../io/safetensors';
import type { Recording } from '../io/recording';
import { annotationSegments } from '../pipeline/annotationSegments';
import type { SpecMoEConfig } from '../model/config';
import type { LoadedModel } from '../model/load';
import type { TaskDefinition } from '../model/tasks';
import { bandPowerReference } from './bandPowerReference';
import { embedSegments, type EmbeddedSegments, embeddingCacheKey, embeddingsFromBytes, embeddingsToBytes } from './embeddings';
import type { HeadSettings } from './headSettings';
import { type HeadDataset, headDataset } from './headDataset';
import type { Evaluation } from './headStepper';
import { type EpochRecord, HeadTrainer } from './headTraining';
import { fineTunedBundle } from './savedBundle';
import { scoredEpochSegments } from './scoredEpochs';
import type { Metrics } from './metrics';
import type { KernelThreadFactory } from '../runtime/wasm/kernelThread';

/** Where embeddings are kept between runs: IndexedDB in the browser, a folder in Node. */
export interface EmbeddingCache {
  get(key: string): Promise<Uint8Array | undefined>;
  set(key: string, bytes: Uint8Array): Promise<void>;
}

export type SplitName = 'train' | 'validation' | 'test';

export interface LabelledRecording {
  readonly recording: Recording;
  readonly recordingId: string;
  readonly subject: string;
  readonly split: SplitName;
}

export interface FinetuneRequest {
  readonly base: LoadedModel;
  /** Identity of the frozen experts for the embedding cache (e.g. their files' SHA-256). */
  readonly expertsId: string;
  /** Annotation text → class name, in class order of first appearance. */
  readonly labelMap: ReadonlyMap<string, string>;
  readonly segmentSec: number;
  /** Segment start relative to each annotation onset (s). */
  readonly offsetSec: number;
  /**
   * Segments from each labelled annotation: one at its onset (cues, the default), or one per whole segment inside
   * its duration ('epochs': scored sleep stages, scoredEpochs.ts).
   */
  readonly segmentation?: 'onset' | 'epochs';
  /**
   * The task the head is trained for: its id and channels (default: the base model's task). Pooling stays the base
   * model's, which its experts' embeddings were pooled with.
   */
  readonly task?: TaskDefinition;
  readonly recordings: readonly LabelledRecording[];
  readonly settings: HeadSettings;
  readonly cache?: EmbeddingCache;
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: string, done: number, total: number) => void;
  readonly onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** A second thread for head training's kernels (see HeadTrainer). */
  readonly kernelThread?: KernelThreadFactory;
}

export interface SplitReport {
  readonly name: SplitName;
  readonly subjects: string[];
  readonly recordings: number;
  /** The recordings that gave the split labelled segments (ones without any are left out). */
  readonly recordingIds: string[];
  readonly segments: number;
  readonly classCounts: number[];
}

export interface FinetuneResult {
  readonly classes: string[];
  readonly labelMap: ReadonlyMap<string, string>;
  readonly task: TaskDefinition;
  readonly config: SpecMoEConfig;
  readonly trainer: HeadTrainer;
  readonly splits: SplitReport[];
  readonly history: EpochRecord[];
  readonly validation: Evaluation;
  readonly test: Evaluation | null;
  /** Band-power + logistic regression on the same split (test if there is one, else validation). */
  readonly reference: Metrics;
  /** The same reference on each held-out split, so each of the head's scores has its own to compare with. */
  readonly references: { readonly validation: Metrics; readonly test: Metrics | null };
  readonly cachedRecordings: number;
  readonly cancelled: boolean;
}

async function embedCached(request: FinetuneRequest, r: LabelledRecording, task: TaskDefinition, segments: { dataSec: number; label: string }[]): Promise<{ embedded: EmbeddedSegments; cached: boolean }> {
  const filter: PrepareOptions['filter'] = request.base.preprocessing;
  const key = await embeddingCacheKey({ experts: request.expertsId, recordingName: r.recording.source.name, recordingSize: r.recording.source.size, segments, task, filter });
  const hit = await request.cache?.get(key);
  if (hit) return { embedded: { ...embeddingsFromBytes(hit), recordingId: r.recordingId, subject: r.subject }, cached: true };
  const embedded = await embedSegments(r.recording, { recordingId: r.recordingId, subject: r.subject }, request.base.model, task, segments, {
    filter,
    signal: request.signal,
  });
  if (!request.signal?.aborted) await request.cache?.set(key, embeddingsToBytes(embedded));
  return { embedded, cached: false };
}

export async function finetune(request: FinetuneRequest): Promise<FinetuneResult> {
  const classes = [...new Set(request.labelMap.values())];
  if (classes.length < 2) throw new RangeError(`fine-tuning needs at least 2 classes, the label map gives ${classes.length}`);
  const baseTask = request.task ?? request.base.task;
  const task: TaskDefinition = { ...baseTask, classes, segmentSec: request.segmentSec };
  const config: SpecMoEConfig = { ...request.base.model.config, nClasses: classes.length, segmentSec: request.segmentSec };
  const labels = Object.fromEntries(request.labelMap);
  const embedded: Record<SplitName, EmbeddedSegments[]> = { train: [], validation: [], test: [] };
  let cachedRecordings = 0;
  for (const [i, r] of request.recordings.entries()) {
    request.onStage?.(`embedding ${r.recordingId}`, i, request.recordings.length);
    if (request.signal?.aborted) break;
    const segments = request.segmentation === 'epochs' ? scoredEpochSegments(r.recording, labels, request.segmentSec, request.offsetSec) : annotationSegments(r.recording, labels, request.offsetSec);
    if (segments.length === 0) continue;
    const { embedded: e, cached } = await embedCached(request, r, task, segments);
    if (cached) cachedRecordings++;
    embedded[r.split].push(e);
  }
  request.onStage?.('embedding', request.recordings.length, request.recordings.length);
  const classOf = (label: string) => {
    const cls = request.labelMap.get(label);
    return cls === undefined ? undefined : classes.indexOf(cls);
  };
  const data = (name: SplitName): HeadDataset | null => (embedded[name].length > 0 ? headDataset(embedded[name], classOf) : null);
  const train = data('train');
  const validation = data('validation');
  if (!train || !validation) throw new RangeError('fine-tuning needs labelled segments in both the training and the validation split');
  const test = data('test');
  const splits: SplitReport[] = (['train', 'validation', 'test'] as const).map((name) => {
    const d = name === 'train' ? train : name === 'validation' ? validation : test;
    const counts = new Array<number>(classes.length).fill(0);
    if (d) for (const l of d.labels) counts[l]!++;
    const ids = embedded[name].map((e) => e.recordingId);
    return { name, subjects: [...new Set(embedded[name].map((e) => e.subject))].sort(), recordings: ids.length, recordingIds: ids, segments: d?.n ?? 0, classCounts: counts };
  });
  const trainer = new HeadTrainer(config, request.settings, undefined, request.kernelThread);
  const history = await trainer.train(train, validation, request.onEpoch, request.signal);
  const sampleRateHz = config.sampleRateHz;
  const references = {
    validation: bandPowerReference(train, validation, classes.length, sampleRateHz),
    test: test ? bandPowerReference(train, test, classes.length, sampleRateHz) : null,
  };
  return {
    classes,
    labelMap: request.labelMap,
    task,
    config,
    trainer,
    splits,
    history,
    validation: trainer.evaluate(validation),
    test: test ? trainer.evaluate(test) : null,
    reference: references.test ?? references.validation,
    references,
    cachedRecordings,
    cancelled: request.signal?.aborted ?? false,
  };
}

/** The fine-tuned model as a bundle: the base's experts (with their decoders when present) and the new head. */
export function finetunedBundle(base: LoadedModel, baseTensors: ReadonlyMap<string, NamedTensor>, result: FinetuneResult, name: string, notes: string): BundleToSave {
  return fineTunedBundle({
    name,
    baseTensors,
    trained: result.trainer.params.entries(),
    config: result.config,
    task: result.task,
    classes: result.classes,
    provenance: { source: `head fine-tuned on frozen experts of ${base.bundle?.name ?? 'a SpecMoE state dict'}`, notes },
    baseSubjects: base.bundle?.provenance.trainingSubjects,
    scores: result,
    preprocessing: base.preprocessing,
    labels: result.labelMap,
  });
}
