// Fine-tuning the whole model end to end (`specmoe finetune --full`, and the last stage of `npm run train-demo`):
// labelled trials of each split read as decoding reads them, the experts, gate and classifier trained together
// (fullFinetune.ts) with checkpoints a later run resumes from, evaluation on validation and test, the band-power
// reference on each of them, and a bundle holding the fine-tuned weights and that held-out evaluation (heldOut.ts).
import type { BundleToSave } from '../io/bundle';
import type { BundlePreprocessing } from '../io/bundleConfig';
import type { NamedTensor } from '../io/safetensors';
import type { Recording } from '../io/recording';
import type { SpecMoEConfig } from '../model/config';
import { splitDecoders } from '../model/load';
import type { TaskDefinition } from '../model/tasks';
import { MOTOR_REFERENCE, trialBandPowerReference } from './bandPowerReference';
import { type FullEpochRecord, type FullFinetuneSettings, FullFinetuner, trainableSpecMoE, type TrialEvaluation } from './fullFinetune';
import { fineTunedBundle } from './savedBundle';
import type { Metrics } from './metrics';
import type { SplitName } from './splits';
import { concatTrials, recordingTrials, type TrialSet } from './trials';

export interface LabelledRecordingFile {
  readonly recording: Recording;
  readonly recordingId: string;
  readonly subject: string;
  readonly split: SplitName;
}

export interface FullFinetuneRequest {
  /** The starting SpecMoE state dict (experts' encoders and decoders, a head of any shape: it is replaced). */
  readonly tensors: ReadonlyMap<string, NamedTensor>;
  /** Architecture of the experts and head (nClasses is taken from the label map). */
  readonly config: SpecMoEConfig;
  readonly task: TaskDefinition;
  readonly preprocessing: BundlePreprocessing | null;
  /** Annotation text → class name, in class order of first appearance. */
  readonly labelMap: ReadonlyMap<string, string>;
  readonly recordings: readonly LabelledRecordingFile[];
  readonly settings: FullFinetuneSettings;
  /** Fresh head parameters: seeded. */
  readonly headSeed: number;
  /** A fresh head for the label map's classes: state-dict entries (gate linears and classifier). */
  readonly freshHead: (config: SpecMoEConfig, seed: number) => Map<string, NamedTensor>;
  /**
   * Start from the state dict's own head (gate linears and classifier, e.g. one trained on frozen experts: a linear
   * probe, then fine-tuning) instead of a fresh one; it must have the fresh head's keys and shapes.
   */
  readonly keepHead?: boolean;
  readonly checkpoint?: { load(): Promise<ReadonlyMap<string, Uint8Array> | null>; save(files: ReadonlyMap<string, Uint8Array>): Promise<void> };
  readonly signal?: AbortSignal;
  readonly onStage?: (stage: string) => void;
  readonly onBatch?: (epoch: number, done: number, total: number, loss: number) => void;
  readonly onEpoch?: (record: FullEpochRecord) => void;
}

export interface SplitTrialsReport {
  readonly name: SplitName;
  readonly subjects: string[];
  readonly recordings: number;
  readonly trials: number;
  readonly classCounts: number[];
}

export interface FullFinetuneResult {
  readonly classes: string[];
  readonly config: SpecMoEConfig;
  readonly task: TaskDefinition;
  readonly finetuner: FullFinetuner;
  readonly splits: SplitTrialsReport[];
  readonly history: FullEpochRecord[];
  readonly validation: TrialEvaluation;
  readonly test: TrialEvaluation | null;
  /** Log band power + logistic regression (no alignment), trained on the training split, on test (else validation). */
  readonly reference: { readonly channels: string[]; readonly metrics: Metrics; readonly predicted: number[] };
  /** The same reference on each held-out split, so each of the model's scores has its own to compare with. */
  readonly references: { readonly validation: Metrics; readonly test: Metrics | null };
  /** Seconds spent in training epochs (the checkpoints' sum when resumed). */
  readonly trainSec: number;
}

/** Every split's trials, read with `preprocessing` (training trials with a margin for time shifts). */
async function readSplits(request: FullFinetuneRequest, preprocessing: BundlePreprocessing | null, classOf: ReadonlyMap<string, number>, trainMarginSec: number): Promise<Partial<Record<SplitName, TrialSet>>> {
  const parts: Record<SplitName, TrialSet[]> = { train: [], validation: [], test: [] };
  for (const r of request.recordings) {
    if (request.signal?.aborted) break;
    request.onStage?.(`reading ${r.recordingId}`);
    const set = await recordingTrials(r.recording, r, request.task, classOf, {
      sampleRateHz: request.config.sampleRateHz,
      preprocessing,
      marginSec: r.split === 'train' ? trainMarginSec : 0,
    });
    if (set.n > 0) parts[r.split].push(set);
  }
  const out: Partial<Record<SplitName, TrialSet>> = {};
  for (const name of ['train', 'validation', 'test'] as const) if (parts[name].length > 0) out[name] = concatTrials(parts[name]);
  return out;
}

/** The starting state dict's head tensor `key`, which must have the fresh head's `shape`. */
function keptHeadTensor(tensors: ReadonlyMap<string, NamedTensor>, key: string, shape: readonly number[]): NamedTensor {
  const kept = tensors.get(key);
  if (!kept) throw new RangeError(`keeping the model's head: it has no tensor "${key}"`);
  if (kept.shape.join() !== shape.join()) throw new RangeError(`keeping the model's head: "${key}" has shape [${kept.shape.join(', ')}], the task needs [${shape.join(', ')}]`);
  return kept;
}

export async function finetuneFull(request: FullFinetuneRequest): Promise<FullFinetuneResult> {
  const classes = [...new Set(request.labelMap.values())];
  if (classes.length < 2) throw new RangeError(`fine-tuning needs at least 2 classes, the label map gives ${classes.length}`);
  const classOf = new Map([...request.labelMap].map(([annotation, cls]) => [annotation, classes.indexOf(cls)]));
  const config: SpecMoEConfig = { ...request.config, nClasses: classes.length };
  const task: TaskDefinition = { ...request.task, classes };
  // The experts' encoders are fine-tuned; their decoders (reconstruction only) stay out of training and go back
  // into the bundle unchanged (fullFinetunedBundle). A kept head is checked before any recording is read.
  const tensors = splitDecoders(request.tensors).core;
  for (const key of [...tensors.keys()]) if (!key.startsWith('experts.')) tensors.delete(key);
  for (const [key, t] of request.freshHead(config, request.headSeed)) tensors.set(key, request.keepHead ? keptHeadTensor(request.tensors, key, t.shape) : t);

  const splits = await readSplits(request, request.preprocessing, classOf, request.settings.shiftSec);
  const { train, validation, test } = splits;
  if (!train || !validation) throw new RangeError('fine-tuning needs labelled trials in both the training and the validation split');
  const finetuner = new FullFinetuner(trainableSpecMoE(tensors, config), request.settings);
  let trainSec = 0;
  const saved = await request.checkpoint?.load();
  if (saved) {
    trainSec = Number(finetuner.restore(saved).trainSec ?? 0);
    request.onStage?.(`resumed after epoch ${finetuner.epoch} (best ${finetuner.bestEpoch})`);
  }
  request.onStage?.('training');
  await finetuner.fit(train, validation, {
    signal: request.signal,
    onBatch: (done, total, loss) => request.onBatch?.(finetuner.epoch + 1, done, total, loss),
    onEpoch: async (r) => {
      trainSec += r.seconds;
      request.onEpoch?.(r);
      await request.checkpoint?.save(finetuner.checkpoint({ trainSec }));
    },
  });

  request.onStage?.('evaluating');
  // The reference reads the same trials without alignment: what a user of plain band power would compute.
  const plain = request.preprocessing ? { lowHz: request.preprocessing.lowHz, highHz: request.preprocessing.highHz, notchHz: request.preprocessing.notchHz } : null;
  const reference = await readSplits(request, plain, classOf, 0);
  const motor = MOTOR_REFERENCE.channels.filter((c) => task.channels.includes(c));
  const referenceChannels = motor.length >= 2 ? motor : [...task.channels];
  const onSplit = (set: TrialSet) => trialBandPowerReference(reference.train!, set, referenceChannels.map((c) => task.channels.indexOf(c)), classes.length, config.sampleRateHz);
  const onValidation = onSplit(reference.validation!);
  const onTest = reference.test ? onSplit(reference.test) : null;

  const report = (name: SplitName, set: TrialSet | undefined): SplitTrialsReport => {
    const counts = new Array<number>(classes.length).fill(0);
    if (set) for (const l of set.labels) counts[l]!++;
    return { name, subjects: [...new Set(set?.subjects ?? [])].sort(), recordings: new Set(set?.recordingIds ?? []).size, trials: set?.n ?? 0, classCounts: counts };
  };
  return {
    classes,
    config,
    task,
    finetuner,
    splits: [report('train', train), report('validation', validation), report('test', test)],
    history: finetuner.history,
    validation: finetuner.evaluate(validation),
    test: test ? finetuner.evaluate(test) : null,
    reference: { channels: referenceChannels, ...(onTest ?? onValidation) },
    references: { validation: onValidation.metrics, test: onTest?.metrics ?? null },
    trainSec,
  };
}

/** The fine-tuned model as a bundle: fine-tuned encoders and head, the base's decoders (for reconstructions). */
export function fullFinetunedBundle(
  base: {
    readonly tensors: ReadonlyMap<string, NamedTensor>;
    readonly preprocessing: BundlePreprocessing | null;
    /** The subjects the base's weights learned from (its bundle's provenance.trainingSubjects), when recorded. */
    readonly trainingSubjects?: readonly string[];
  },
  result: FullFinetuneResult,
  name: string,
  provenance: { readonly source: string; readonly notes: string },
  labels: ReadonlyMap<string, string>,
): BundleToSave {
  return fineTunedBundle({
    name,
    baseTensors: base.tensors,
    trained: result.finetuner.model.params.entries(),
    config: result.config,
    task: result.task,
    classes: result.classes,
    provenance,
    baseSubjects: base.trainingSubjects,
    scores: result,
    preprocessing: base.preprocessing,
    labels,
  });
}
