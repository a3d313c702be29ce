// The bundles fine-tuning writes (a head on frozen experts: the tab and `specmoe finetune`; the whole model:
// `specmoe finetune --full`) record the subjects their weights learned from: the training split's and the base's.
// The results are stand-ins holding what the writers read; the bundles go through saveBundle's validation.
import { describe, expect, it } from 'vitest';
import { loadBundle, saveBundle } from '../io/bundle';
import type { ModelBundleConfig } from '../io/bundleConfig';
import { specMoEConfig } from '../model/config';
import type { LoadedModel } from '../model/load';
import { type FinetuneResult, finetunedBundle } from './finetune';
import { type FullFinetuneResult, fullFinetunedBundle } from './finetuneFull';
import { classificationMetrics } from './metrics';

const metrics = classificationMetrics([0, 1, 0, 1], [0, 1, 1, 1], 2);
const config = specMoEConfig({ expert: { d1: 4, d2: 8, d3: 16, up3Mid: 4, heads: 2, auxChannels: 2 }, nClasses: 2, segmentSec: 4, clfHidden: 8 });
const task = { id: 'motor-imagery', name: 'motor imagery', classes: ['left fist', 'right fist'], channels: ['C3', 'C4'], montage: 'referential', segmentSec: 4 };
const tensor = { dtype: 'F32' as const, shape: [2], data: new Float32Array([0.5, -1]) };
const params = { entries: () => [['classifier.net.4.bias', { shape: [2], dataSync: () => new Float32Array([0.1, 0.2]) }]] };
const splits = [
  { name: 'train' as const, subjects: ['S007', 'S002'] },
  { name: 'validation' as const, subjects: ['S003'] },
  { name: 'test' as const, subjects: ['S004'] },
];
const scores = { classes: task.classes, config, task, splits, validation: { metrics }, test: { metrics }, references: { validation: metrics, test: metrics } };
const baseTensors = new Map([['experts.0.Down1.features1.0.weight', tensor]]);

const saved = async (bundle: Parameters<typeof saveBundle>[0]) => (await loadBundle(await saveBundle(bundle))).config;
const base = (trainingSubjects?: string[]) =>
  ({ bundle: { name: 'base', provenance: { source: 'test', createdAt: '2026-12-04T00:00:00Z', ...(trainingSubjects ? { trainingSubjects } : {}) } } as ModelBundleConfig, preprocessing: null }) as unknown as LoadedModel;

describe('fine-tuned bundles record their training subjects', () => {
  it('a head on frozen experts (the tab, specmoe finetune): its training split and the subjects the base learned from', async () => {
    const result = { ...scores, labelMap: new Map([['T1', 'left fist'], ['T2', 'right fist']]), trainer: { params } } as unknown as FinetuneResult;
    const fresh = await saved(finetunedBundle(base(), baseTensors, result, 'head', 'notes'));
    expect(fresh.provenance.trainingSubjects).toEqual(['S002', 'S007']);
    expect(fresh.evaluation?.map((e) => [e.split, e.subjects])).toEqual([['validation', ['S003']], ['test', ['S004']]]);
    const onTrained = await saved(finetunedBundle(base(['S001', 'S002']), baseTensors, result, 'head', 'notes'));
    expect(onTrained.provenance.trainingSubjects).toEqual(['S001', 'S002', 'S007']);
  });

  it('the whole model (specmoe finetune --full): its training split and the base\'s', async () => {
    const result = { ...scores, finetuner: { model: { params } } } as unknown as FullFinetuneResult;
    const labels = new Map([['T1', 'left fist']]);
    const fresh = await saved(fullFinetunedBundle({ tensors: baseTensors, preprocessing: null }, result, 'full', { source: 'test', notes: '' }, labels));
    expect(fresh.provenance.trainingSubjects).toEqual(['S002', 'S007']);
    const onTrained = await saved(fullFinetunedBundle({ tensors: baseTensors, preprocessing: null, trainingSubjects: ['S015'] }, result, 'full', { source: 'test', notes: '' }, labels));
    expect(onTrained.provenance.trainingSubjects).toEqual(['S002', 'S007', 'S015']);
  });
});
