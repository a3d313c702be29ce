// What a fine-tuning run saves, whether it trained the head alone (train/finetune.ts) or the whole model
// (train/finetuneFull.ts): the base's expert tensors, the run's trained parameters over them, and a config that
// describes the run's model, task, labels, provenance and held-out scores.
import { type BundleToSave, specMoEFileLayout } from '../io/bundle';
import type { BundlePreprocessing } from '../io/bundleConfig';
import type { NamedTensor } from '../io/safetensors';
import type { SpecMoEConfig } from '../model/config';
import type { TaskDefinition } from '../model/tasks';
import { heldOutEvaluation, type HeldOutScores, trainingSubjects } from './heldOut';

/** A trained parameter as the trainers hold it (a tf.Variable): its shape and its values. */
interface TrainedParameter {
  readonly shape: readonly number[];
  dataSync(): unknown;
}

export interface FineTunedParts {
  readonly name: string;
  /** The base's tensors; its `experts.*` keys (decoders included) are kept unless `trained` replaces them. */
  readonly baseTensors: ReadonlyMap<string, Pick<NamedTensor, 'dtype' | 'shape' | 'data'>>;
  readonly trained: Iterable<readonly [string, TrainedParameter]>;
  readonly config: SpecMoEConfig;
  readonly task: TaskDefinition;
  readonly classes: readonly string[];
  /** Where the weights come from and what the run wants said of them; the save time is added. */
  readonly provenance: { readonly source: string; readonly notes: string };
  /** The subjects the base's weights learned from (its bundle's provenance.trainingSubjects), when recorded. */
  readonly baseSubjects: readonly string[] | undefined;
  /** The run's splits and held-out scores: the bundle's training subjects and `evaluation`. */
  readonly scores: HeldOutScores;
  readonly preprocessing: BundlePreprocessing | null | undefined;
  /** Class of each recording label (annotation code → class). */
  readonly labels: ReadonlyMap<string, string>;
}

/** The fine-tuned model as a bundle to save (experts and head in separate files, float32). */
export function fineTunedBundle(parts: FineTunedParts): BundleToSave {
  const tensors = new Map<string, Pick<NamedTensor, 'dtype' | 'shape' | 'data'>>();
  for (const [key, t] of parts.baseTensors) if (key.startsWith('experts.')) tensors.set(key, t);
  for (const [key, t] of parts.trained) tensors.set(key, { dtype: 'F32', shape: [...t.shape], data: t.dataSync() as Float32Array });
  const c = parts.config;
  return {
    config: {
      name: parts.name,
      model: 'specmoe',
      architecture: { expert: { ...c.expert }, clfHidden: c.clfHidden, lPool: c.lPool, cPool: c.cPool },
      task: parts.task.id,
      classes: [...parts.classes],
      gateMode: 1,
      channels: [...parts.task.channels],
      sampleRateHz: c.sampleRateHz,
      segmentSec: c.segmentSec,
      trained: true,
      provenance: { ...parts.provenance, createdAt: new Date().toISOString(), trainingSubjects: trainingSubjects(parts.scores, parts.baseSubjects) },
      ...(parts.preprocessing ? { preprocessing: parts.preprocessing } : {}),
      labels: Object.fromEntries(parts.labels),
      evaluation: heldOutEvaluation(parts.scores),
    },
    tensors,
    dtype: 'F32',
    fileOf: specMoEFileLayout,
  };
}
