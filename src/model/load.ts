// Builds models from weights: configs read from a bundle (or inferred from the state dict's shapes for the authors'
// bare files), every tensor checked against the architecture's keys and shapes before anything is built.
import type { ModelBundleConfig } from '../io/bundleConfig';
import type { LoadedWeights } from '../io/weights';
import type { NamedTensor } from '../io/safetensors';
import { checkStateDict, expertEncoderStateDict, isEncoderKey } from '../io/stateDict';
import { expertStateDictShapes, specMoEStateDictShapes } from './architecture';
import { AUTHORS_EXPERT, type ExpertConfig, ModelShapeError, type SpecMoEConfig } from './config';
import { Expert } from './expert';
import { ParamStore } from './params';
import { SpecMoE } from './specMoE';
import { findTask, type TaskDefinition } from './tasks';

const shapeOf = (tensors: ReadonlyMap<string, NamedTensor>, key: string): readonly number[] => {
  const t = tensors.get(key);
  if (!t) throw new ModelShapeError(`weights lack the tensor "${key}"`, key);
  return t.shape;
};

/**
 * Expert widths from an expert state dict (keys under `prefix`). The head count cannot be read from shapes: the
 * authors always use 8, bundles record theirs.
 */
export function inferExpertConfig(tensors: ReadonlyMap<string, NamedTensor>, prefix = '', heads = AUTHORS_EXPERT.heads): ExpertConfig {
  const at = (key: string) => shapeOf(tensors, prefix + key);
  const has = (key: string) => tensors.has(prefix + key);
  return {
    d1: at('Down1.features1.0.weight')[0]!,
    d2: at('Down1.features1.5.weight')[0]!,
    d3: at('Down3.features1.0.weight')[0]!,
    up3Mid: has('Up3.features1.6.weight') ? at('Up3.features1.6.weight')[0]! : AUTHORS_EXPERT.up3Mid,
    heads,
    auxChannels: has('aux_head_up2.0.weight') ? at('aux_head_up2.0.weight')[0]! : AUTHORS_EXPERT.auxChannels,
  };
}

/** A SpecMoE config for a bare state dict: widths and classes from the shapes, 1-s vs ≥ 2-s Welch from the gate. */
export function inferSpecMoEConfig(tensors: ReadonlyMap<string, NamedTensor>, overrides: Partial<SpecMoEConfig> = {}): SpecMoEConfig {
  const gateInputs = shapeOf(tensors, 'gate_LinearT_1.weight')[1]!;
  const sampleRateHz = overrides.sampleRateHz ?? 200;
  return {
    expert: inferExpertConfig(tensors, 'experts.0.'),
    nClasses: shapeOf(tensors, 'classifier.net.4.weight')[0]!,
    sampleRateHz,
    segmentSec: gateInputs === Math.floor(sampleRateHz / 2) + 1 ? 1 : 2,
    clfHidden: shapeOf(tensors, 'classifier.net.1.weight')[0]! / 3,
    lPool: 'mean',
    cPool: 'max',
    ...overrides,
  };
}

/** The SpecMoE config a bundle describes (its `architecture` object holds SpecMoEConfig's fields). */
export function specMoEConfigOfBundle(bundle: ModelBundleConfig): SpecMoEConfig {
  const a = bundle.architecture as unknown as Partial<SpecMoEConfig>;
  if (!a.expert) throw new ModelShapeError('bundle architecture lacks "expert"', 'architecture.expert');
  return {
    expert: { ...AUTHORS_EXPERT, ...a.expert },
    nClasses: bundle.classes?.length ?? a.nClasses ?? 0,
    sampleRateHz: bundle.sampleRateHz,
    segmentSec: bundle.segmentSec,
    clfHidden: a.clfHidden ?? 128,
    lPool: a.lPool ?? 'mean',
    cPool: a.cPool ?? 'max',
  };
}

/** Checks every tensor against the SpecMoE's keys and shapes (all problems listed), then builds it. */
export function buildSpecMoE(tensors: ReadonlyMap<string, NamedTensor>, config: SpecMoEConfig): SpecMoE {
  const expected = specMoEStateDictShapes(config);
  const complete = withStepCounters(tensors, expected);
  checkStateDict(expected, complete, 'SpecMoE weights');
  return new SpecMoE(config, ParamStore.fromTensors(complete, expected));
}

/** Same for one expert (full, or encoder only when the state dict has no decoder). */
export function buildExpert(tensors: ReadonlyMap<string, NamedTensor>, config: ExpertConfig = inferExpertConfig(tensors)): Expert {
  const encoderOnly = !tensors.has('Up1.features1.0.weight');
  const expected = expertStateDictShapes(config, encoderOnly);
  const complete = withStepCounters(tensors, expected);
  checkStateDict(expected, complete, 'expert weights');
  return new Expert(config, ParamStore.fromTensors(complete, expected));
}

/**
 * BatchNorm's num_batches_tracked counts optimisation steps and plays no part in a forward pass; a state dict
 * that omits some (bundles may keep only the encoder's) gets zero counters instead of a refusal.
 */
function withStepCounters(tensors: ReadonlyMap<string, NamedTensor>, expected: ReadonlyMap<string, readonly number[]>): ReadonlyMap<string, NamedTensor> {
  const missing = [...expected.keys()].filter((k) => k.endsWith('num_batches_tracked') && !tensors.has(k));
  if (missing.length === 0) return tensors;
  const out = new Map(tensors);
  for (const k of missing) out.set(k, { dtype: 'I64', shape: [], data: new Float64Array([0]) });
  return out;
}

/**
 * The task a bundle decodes: the registry's definition of its task id (montage, pooling, description) with the
 * bundle's own classes, channels and segment length, which are what its weights were trained for.
 */
export function taskOfBundle(bundle: ModelBundleConfig, extraTasks: readonly TaskDefinition[] = []): TaskDefinition {
  const base = bundle.task ? findTask(bundle.task, extraTasks) : undefined;
  const channels = bundle.channels;
  const montage = base?.montage ?? (channels.some((c) => c.includes('-')) ? 'bipolar' : 'referential');
  return {
    id: base?.id ?? bundle.task ?? 'custom',
    name: base?.name ?? bundle.task ?? bundle.name,
    description: base?.description ?? '',
    classes: bundle.classes ?? base?.classes ?? [],
    channels,
    montage,
    segmentSec: bundle.segmentSec,
    sampleRateHz: bundle.sampleRateHz,
    lPool: base?.lPool ?? 'mean',
    cPool: base?.cPool ?? 'max',
    reference: base?.reference ?? '',
  };
}

/**
 * A SpecMoE state dict may also carry its experts' decoders (`experts.k.Up1…`, bundles written by our pretraining
 * pipeline do): they are not part of the classifier, but let the app show each expert's reconstruction.
 */
export function splitDecoders(tensors: ReadonlyMap<string, NamedTensor>): { core: Map<string, NamedTensor>; experts: Map<string, NamedTensor>[] | null } {
  const core = new Map<string, NamedTensor>();
  const decoders = [0, 1, 2].map(() => new Map<string, NamedTensor>());
  for (const [key, t] of tensors) {
    const [, k, expertKey] = /^experts\.(\d)\.(.+)$/.exec(key) ?? [];
    if (expertKey !== undefined && !isEncoderKey(expertKey)) decoders[Number(k)]?.set(expertKey, t);
    else core.set(key, t);
  }
  if (decoders.every((d) => d.size === 0)) return { core, experts: null };
  const experts = decoders.map((d, k) => new Map([...expertEncoderStateDict(core, k), ...d]));
  return { core, experts };
}

/** A decoding-ready model: the SpecMoE, the task it decodes, and what the bundle says about it. */
export interface LoadedModel {
  readonly model: SpecMoE;
  /** The three full experts (encoder + decoder) when the weights include decoders, for reconstructions. */
  readonly experts: Expert[] | null;
  readonly task: TaskDefinition;
  readonly bundle: ModelBundleConfig | null;
  /** False for untrained (plumbing) weights: their outputs mean nothing and every view must say so. */
  readonly trained: boolean;
  readonly preprocessing: NonNullable<ModelBundleConfig['preprocessing']> | null;
  /** A one-line account of what was loaded. */
  readonly description: string;
}

/**
 * A SpecMoE from loaded weights: a bundle carries its own config and task; a bare SpecMoE state dict (the authors'
 * fine-tuned checkpoint) needs the task it was trained for, and is assumed trained.
 */
export function specMoEFromWeights(weights: LoadedWeights, task?: TaskDefinition): LoadedModel {
  if (weights.model !== 'specmoe') throw new ModelShapeError('these weights are one expert, not a SpecMoE classifier: decoding needs three experts and a head');
  const { core, experts } = splitDecoders(weights.tensors);
  if (weights.bundle) {
    const config = specMoEConfigOfBundle(weights.bundle);
    const bundleTask = taskOfBundle(weights.bundle);
    return {
      model: buildSpecMoE(core, config),
      experts: experts ? experts.map((e) => buildExpert(e, config.expert)) : null,
      task: bundleTask,
      bundle: weights.bundle,
      trained: weights.bundle.trained,
      preprocessing: weights.bundle.preprocessing ?? null,
      description: `${weights.bundle.name} (${bundleTask.name}: ${bundleTask.classes.join(', ')}; ${bundleTask.channels.length} channels, ${bundleTask.segmentSec}-s segments${weights.bundle.trained ? '' : '; UNTRAINED'})`,
    };
  }
  if (!task) throw new ModelShapeError('a bare SpecMoE state dict does not say which task it decodes: choose the task');
  const config = inferSpecMoEConfig(core, { segmentSec: task.segmentSec, lPool: task.lPool, cPool: task.cPool });
  return {
    model: buildSpecMoE(core, config),
    experts: experts ? experts.map((e) => buildExpert(e, config.expert)) : null,
    task,
    bundle: null,
    trained: true,
    preprocessing: null,
    description: `SpecMoE state dict (${weights.format}) for ${task.name}: ${config.nClasses} classes`,
  };
}
