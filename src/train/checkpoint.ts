// Pretraining checkpoints as files: the expert's state_dict under the authors' key names (so a checkpoint is also a
// loadable expert), the AdamW moments, and a JSON with the settings, step and loss history. Pure: bytes in, bytes
// out; the CLI writes them to a folder.
import * as tf from '@tensorflow/tfjs';
import { readSafetensors, type TensorToWrite, writeSafetensors } from '../io/safetensors';
import { expertStateDictShapes } from '../model/architecture';
import type { ParamStore } from '../model/params';
import type { AdamW } from './adamw';
import type { LossRecord, PretrainSettings } from './pretrain';

export const CHECKPOINT_FILES = { weights: 'expert.safetensors', optimizer: 'optimizer.safetensors', state: 'state.json' } as const;

export interface CheckpointState {
  readonly settings: PretrainSettings;
  readonly step: number;
  readonly history: readonly LossRecord[];
  /** Anything the caller wants to keep with the run (data partition, window counts, wall time). */
  readonly notes: Record<string, unknown>;
}

/** The expert's state_dict (authors' keys; num_batches_tracked = optimisation steps) as safetensors bytes. */
export function expertWeightsFile(params: ParamStore, settings: PretrainSettings, step: number, metadata: Record<string, string> = {}): Uint8Array {
  const tensors: Record<string, TensorToWrite> = {};
  for (const [key, shape] of expertStateDictShapes(settings.expert)) {
    if (key.endsWith('num_batches_tracked')) tensors[key] = { dtype: 'I64', shape, data: [step] };
    else tensors[key] = { dtype: 'F32', shape, data: params.get(key).dataSync() as Float32Array };
  }
  return writeSafetensors(tensors, metadata);
}

export function checkpointFiles(params: ParamStore, optimizer: AdamW, state: CheckpointState): Map<string, Uint8Array> {
  const moments: Record<string, TensorToWrite> = {};
  for (const [key, { m, v }] of optimizer.moments) {
    moments[`m.${key}`] = { dtype: 'F32', shape: m.shape, data: m.dataSync() as Float32Array };
    moments[`v.${key}`] = { dtype: 'F32', shape: v.shape, data: v.dataSync() as Float32Array };
  }
  return new Map([
    [CHECKPOINT_FILES.weights, expertWeightsFile(params, state.settings, state.step)],
    [CHECKPOINT_FILES.optimizer, writeSafetensors(moments, { step: String(optimizer.step) })],
    [CHECKPOINT_FILES.state, new TextEncoder().encode(JSON.stringify(state, null, 1))],
  ]);
}

/** Loads a checkpoint into existing variables and optimizer; returns its state. */
export function restoreCheckpoint(files: ReadonlyMap<string, Uint8Array>, params: ParamStore, optimizer: AdamW): CheckpointState {
  const need = (name: string) => {
    const bytes = files.get(name);
    if (!bytes) throw new Error(`checkpoint lacks ${name}`);
    return bytes;
  };
  const state = JSON.parse(new TextDecoder().decode(need(CHECKPOINT_FILES.state))) as CheckpointState;
  const weights = readSafetensors(need(CHECKPOINT_FILES.weights)).tensors;
  for (const [key, t] of params.entries()) {
    const saved = weights.get(key);
    if (!saved) throw new Error(`checkpoint weights lack "${key}"`);
    (t as tf.Variable).assign(tf.tensor(Float32Array.from(saved.data), [...saved.shape]));
  }
  const moments = readSafetensors(need(CHECKPOINT_FILES.optimizer)).tensors;
  optimizer.dispose();
  for (const [name, t] of moments) {
    if (!name.startsWith('m.')) continue;
    const key = name.slice(2);
    const v = moments.get(`v.${key}`)!;
    optimizer.moments.set(key, { m: tf.tensor(Float32Array.from(t.data), [...t.shape]), v: tf.tensor(Float32Array.from(v.data), [...v.shape]) });
  }
  optimizer.step = state.step;
  return state;
}
