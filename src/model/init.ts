// Fresh parameters for pretraining (ARCHITECTURE.md §8): Conv1d weights N(0, 0.02), BatchNorm weight N(1, 0.02)
// and bias 0, running statistics 0/1; ConvTranspose1d and Linear keep PyTorch's default, U(±1/√fan_in) for
// weight and bias; the transformer LayerNorm starts at a_2 = 1, b_2 = 0. Seeded, so a run is reproducible.
import * as tf from '@tensorflow/tfjs';
import { expertArchitecture, expertStateDictShapes, specMoEStateDictShapes } from './architecture';
import type { ExpertConfig, SpecMoEConfig } from './config';
import { ParamStore } from './params';

type Role = 'conv' | 'convT' | 'bn' | 'other';

/** Module key prefix ("Down1.features1.1") → what kind of layer owns the parameters under it. */
function layerRoles(cfg: ExpertConfig): Map<string, Role> {
  const roles = new Map<string, Role>();
  for (const [path, layers] of Object.entries(expertArchitecture(cfg))) {
    for (const l of layers) if (l.kind === 'conv' || l.kind === 'convT' || l.kind === 'bn') roles.set(`${path}.${l.idx}`, l.kind);
  }
  return roles;
}

/** PyTorch's fan-in: weight.size(1) × kernel size (for ConvTranspose1d that is out_channels × k). */
function fanIn(weightShape: readonly number[]): number {
  return weightShape.slice(1).reduce((a, b) => a * b, 1);
}

/**
 * A new expert's parameters as tf.Variables (running statistics not trainable). `prefix` is prepended to the keys
 * (e.g. "experts.0.") so several experts can live in one store.
 */
export function initExpertParams(cfg: ExpertConfig, seed: number, store = new ParamStore(), prefix = ''): ParamStore {
  const roles = layerRoles(cfg);
  const shapes = expertStateDictShapes(cfg);
  let s = seed;
  for (const [key, shape] of shapes) {
    const dot = key.lastIndexOf('.');
    const owner = key.slice(0, dot);
    const name = key.slice(dot + 1);
    if (name === 'num_batches_tracked') continue;
    const role = roles.get(owner) ?? 'other';
    let init: tf.Tensor;
    if (name === 'running_mean' || name === 'b_2') init = tf.zeros(shape);
    else if (name === 'running_var' || name === 'a_2') init = tf.ones(shape);
    else if (role === 'bn') init = name === 'weight' ? tf.randomNormal(shape, 1, 0.02, 'float32', s++) : tf.zeros(shape);
    else if (role === 'conv' && name === 'weight') init = tf.randomNormal(shape, 0, 0.02, 'float32', s++);
    else {
      const bound = 1 / Math.sqrt(fanIn(shapes.get(`${owner}.weight`)!));
      init = tf.randomUniform(shape, -bound, bound, 'float32', s++);
    }
    store.set(prefix + key, tf.variable(init, !name.startsWith('running_')));
    init.dispose();
  }
  return store;
}

/** Keys of the SpecMoE head (gate linears and classifier): what fine-tuning trains. */
export function headKeys(config: SpecMoEConfig): string[] {
  return [...specMoEStateDictShapes(config).keys()].filter((k) => !k.startsWith('experts.'));
}

/**
 * Head parameters as tf.Variables: copies of `from` (continue from a bundle's head) or PyTorch's defaults (Linear
 * U(±1/√fan_in), LayerNorm weight 1 and bias 0), seeded.
 */
export function initHeadParams(config: SpecMoEConfig, seed: number, from?: ParamStore): ParamStore {
  const shapes = specMoEStateDictShapes(config);
  const store = new ParamStore();
  let s = seed;
  for (const key of headKeys(config)) {
    const shape = shapes.get(key)!;
    let init: tf.Tensor;
    if (from?.has(key)) init = tf.clone(from.get(key));
    else if (key.startsWith('classifier.net.0.')) init = key.endsWith('weight') ? tf.ones(shape) : tf.zeros(shape);
    else {
      const owner = key.slice(0, key.lastIndexOf('.'));
      const bound = 1 / Math.sqrt(fanIn(shapes.get(`${owner}.weight`)!));
      init = tf.randomUniform(shape, -bound, bound, 'float32', s++);
    }
    store.set(key, tf.variable(init, true));
    init.dispose();
  }
  return store;
}
