// A SpecMoE's config and weights as plain arrays (cloned or transferred between threads), and the model rebuilt from
// them: how a decoding replica with its own tfjs back-end gets a copy of the model.
import * as tf from '@tensorflow/tfjs';
import type { SpecMoEConfig } from './config';
import { ParamStore } from './params';
import { SpecMoE } from './specMoE';

export interface ParamSnapshot {
  readonly key: string;
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly data: Float32Array | Int32Array;
}

export interface SpecMoESnapshot {
  readonly config: SpecMoEConfig;
  readonly params: readonly ParamSnapshot[];
}

export function snapshotOf(model: SpecMoE): SpecMoESnapshot {
  const params = [...model.params.entries()].map(([key, t]) => ({ key, dtype: t.dtype, shape: [...t.shape], data: t.dataSync() as Float32Array | Int32Array }));
  return { config: model.config, params };
}

/** The model of a snapshot, its weights on the current back-end. */
export function specMoEFromSnapshot(snapshot: SpecMoESnapshot): SpecMoE {
  const store = new ParamStore();
  for (const p of snapshot.params) store.set(p.key, tf.tensor(p.data, p.shape, p.dtype));
  return new SpecMoE(snapshot.config, store);
}
