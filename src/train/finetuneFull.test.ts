// finetuneFull's --keep-head check: a starting head that lacks a tensor or has another shape is refused, naming the
// tensor, before any recording is read (the request below has none, so reading would fail differently).
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleSpecMoEStateDict } from '../io/stateDict';
import type { NamedTensor } from '../io/safetensors';
import { specMoEConfig } from '../model/config';
import { initExpertParams, initHeadParams } from '../model/init';
import type { ParamStore } from '../model/params';
import { BUILTIN_TASKS } from '../model/tasks';
import { initBackend } from '../runtime/backend';
import { finetuneFull } from './finetuneFull';
import { DEFAULT_FULL_FINETUNE } from './fullFinetune';

const CONFIG = specMoEConfig({ expert: { d1: 4, d2: 8, d3: 16, up3Mid: 4, heads: 2, auxChannels: 4 }, nClasses: 2, segmentSec: 2, clfHidden: 8 });
const named = (store: ParamStore) => new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));
const freshHead = (config: typeof CONFIG, seed: number) => {
  const store = initHeadParams(config, seed);
  const out = named(store);
  store.dispose();
  return out;
};

function stateDict(): Map<string, NamedTensor> {
  const experts = [0, 1, 2].map((k) => initExpertParams(CONFIG.expert, k));
  const out = assembleSpecMoEStateDict(experts.map(named), freshHead(CONFIG, 9));
  for (const s of experts) s.dispose();
  return out;
}

const request = (tensors: Map<string, NamedTensor>) => ({
  tensors,
  config: CONFIG,
  task: { ...BUILTIN_TASKS[0]!, classes: ['left', 'right'] },
  preprocessing: null,
  labelMap: new Map([['T1', 'left'], ['T2', 'right']]),
  recordings: [],
  settings: DEFAULT_FULL_FINETUNE,
  headSeed: 1,
  freshHead,
  keepHead: true,
});

describe('finetuneFull with keepHead', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('refuses a head without one of its tensors, naming it', async () => {
    const tensors = stateDict();
    tensors.delete('gate_LinearT_2.bias');
    await expect(finetuneFull(request(tensors))).rejects.toThrow(`keeping the model's head: it has no tensor "gate_LinearT_2.bias"`);
  });

  it('refuses a head of another shape, naming the tensor and both shapes', async () => {
    const tensors = stateDict();
    const w = tensors.get('classifier.net.4.weight')!;
    tensors.set('classifier.net.4.weight', { ...w, shape: [3, w.shape[1]!], data: new Float32Array(3 * w.shape[1]!) });
    await expect(finetuneFull(request(tensors))).rejects.toThrow(`keeping the model's head: "classifier.net.4.weight" has shape [3, ${w.shape[1]}], the task needs [2, ${w.shape[1]}]`);
  });

  it('with a whole head goes on to the recordings (here none)', async () => {
    await expect(finetuneFull(request(stateDict()))).rejects.toThrow('fine-tuning needs labelled trials in both the training and the validation split');
  });
});
