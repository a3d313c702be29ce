import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadBundle, saveBundle, specMoEFileLayout, type BundleToSave } from './bundle';
import { BundleConfigError, parseBundleConfig } from './bundleConfig';
import { WeightsError } from './errors';
import { floatToHalf, halfToFloat, readSafetensors } from './safetensors';
import { checkStateDict } from './stateDict';
import { shapesOf, stateDictTable } from './testdata/stateDictTable';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

const specMoEConfig: BundleToSave['config'] = {
  name: 'sleep staging (untrained plumbing)',
  model: 'specmoe',
  architecture: { nClasses: 4, sampleRateHz: 200, segmentSec: 6 },
  task: 'sleep-staging',
  classes: ['W', 'N1', 'N2', 'N3'],
  gateMode: 1,
  channels: ['F4-M1', 'C4-M1', 'O2-M1', 'C3-M2'],
  sampleRateHz: 200,
  segmentSec: 6,
  trained: false,
  provenance: { source: 'moe_small parity fixture (random init, seeds 2000/2100/2200/3000)', createdAt: '2026-11-23T12:00:00Z' },
};

const tinyTensors = new Map([
  ['classifier.net.4.weight', { dtype: 'F32' as const, shape: [2, 2], data: new Float32Array([0.1, -2, 3.5, 1e-3]) }],
  ['experts.0.Down1.features1.1.num_batches_tracked', { dtype: 'I64' as const, shape: [], data: new Float64Array([1007]) }],
]);

/** bundle.json of a saved bundle, edited by `edit`, as the files of a new bundle. */
async function editedBundle(edit: (json: Record<string, unknown>) => void): Promise<Map<string, Uint8Array>> {
  const files = await saveBundle({ config: specMoEConfig, tensors: tinyTensors, dtype: 'F32' });
  const json = JSON.parse(new TextDecoder().decode(files.get('bundle.json')));
  edit(json);
  files.set('bundle.json', new TextEncoder().encode(JSON.stringify(json)));
  return files;
}

describeShared('model bundle round trip on the reference SpecMoE', () => {
  const moe = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;

  it('saves 468 tensors in float32 across expert and head files and loads them back bit for bit', async () => {
    const files = await saveBundle({ config: specMoEConfig, tensors: moe, dtype: 'F32', fileOf: specMoEFileLayout });
    expect([...files.keys()]).toEqual(['bundle.json', 'expert1.safetensors', 'expert2.safetensors', 'expert3.safetensors', 'head.safetensors']);
    const bundle = await loadBundle(files);
    expect(bundle.config).toMatchObject({ ...specMoEConfig, format: 'specmoe-bundle', formatVersion: 1 });
    expect(bundle.config.weights.map((w) => w.file)).toEqual(['expert1.safetensors', 'expert2.safetensors', 'expert3.safetensors', 'head.safetensors']);
    expect(() => checkStateDict(shapesOf(stateDictTable('SpecMoE')), bundle.tensors)).not.toThrow();
    for (const [key, tensor] of moe) {
      const loaded = bundle.tensors.get(key)!;
      expect(loaded.dtype, key).toBe(tensor.dtype);
      expect(Buffer.from(loaded.data.buffer).equals(Buffer.from(tensor.data.buffer)), key).toBe(true);
    }
  });

  it('stores float16 weights at half the size, rounded to nearest, integer buffers exact', async () => {
    const files = await saveBundle({ config: specMoEConfig, tensors: moe, dtype: 'F16' });
    expect(files.get('model.safetensors')!.length).toBeLessThan(17_316_184 / 2 + 60_000);
    const bundle = await loadBundle(files);
    const key = 'experts.1.TransformerEnc2.MultiH_Attn.k_proj.weight';
    const original = moe.get(key)!.data;
    const loaded = bundle.tensors.get(key)!;
    expect(loaded.dtype).toBe('F16');
    for (let i = 0; i < original.length; i += 97) expect(loaded.data[i]).toBe(halfToFloat(floatToHalf(original[i]!)));
    expect(bundle.tensors.get('experts.2.Down1.features1.1.num_batches_tracked')).toMatchObject({ dtype: 'I64' });
    expect(bundle.tensors.get('experts.2.Down1.features1.1.num_batches_tracked')!.data[0]).toBe(moe.get('experts.2.Down1.features1.1.num_batches_tracked')!.data[0]);
  });
});

describe('model bundle validation names the JSON path', () => {
  const failsWith = async (edit: (json: Record<string, unknown>) => void, path: string, message: RegExp): Promise<void> => {
    const files = await editedBundle(edit);
    const error = await loadBundle(files).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BundleConfigError);
    expect((error as BundleConfigError).jsonPath).toBe(path);
    expect((error as Error).message).toMatch(message);
  };

  it('names a repeated or empty class by index', async () => {
    await failsWith((j) => (j.classes = ['W', 'N1', 'W']), 'config.classes[2]', /^bundle: config\.classes\[2\] "W" repeats config\.classes\[0\]$/);
    await failsWith((j) => (j.classes = ['W', '']), 'config.classes[1]', /must be a non-empty string, found ""/);
  });

  it('names wrong types, unknown fields, versions and fields that only a SpecMoE has', async () => {
    await failsWith((j) => (j.sampleRateHz = '200'), 'config.sampleRateHz', /must be a positive number, found "200"/);
    await failsWith((j) => (j.trained = 'no'), 'config.trained', /must be true or false/);
    await failsWith((j) => (j.gateMode = 2), 'config.gateMode', /must be one of 0, 1, found 2/);
    await failsWith((j) => (j.sampelRateHz = 200), 'config.sampelRateHz', /is not a bundle field/);
    await failsWith((j) => (j.formatVersion = 2), 'config.formatVersion', /is 2; this app reads version 1/);
    await failsWith((j) => (j.model = 'expert'), 'config.task', /only applies to a specmoe bundle/);
    await failsWith((j) => ((j.provenance as Record<string, unknown>).createdAt = 'yesterday'), 'config.provenance.createdAt', /"yesterday" is not an ISO 8601 time/);
    await failsWith((j) => ((j.weights as Record<string, unknown>[])[0]!.file = '../etc/passwd.safetensors'), 'config.weights[0].file', /must be a plain file name/);
    await failsWith((j) => ((j.weights as Record<string, unknown>[])[0]!.dtype = 'BF16'), 'config.weights[0].dtype', /must be one of "F32", "F16", found "BF16"/);
  });

  it('validates the optional preprocessing and annotation label map', async () => {
    await failsWith((j) => (j.preprocessing = { lowHz: 30, highHz: 10, notchHz: 60 }), 'config.preprocessing.highHz', /must exceed lowHz \(30\)/);
    await failsWith((j) => (j.preprocessing = { lowHz: 0.3, highHz: 75, notchHz: 55 }), 'config.preprocessing.notchHz', /must be one of 50, 60/);
    await failsWith((j) => (j.labels = { T1: 'W', T2: 'REM' }), 'config.labels.T2', /names class "REM", which is not in config.classes/);
    const ok = await loadBundle(await editedBundle((j) => Object.assign(j, { labels: { T1: 'W', T2: 'N1' }, preprocessing: { lowHz: 0.3, highHz: 75, notchHz: null } })));
    expect(ok.config.labels).toEqual({ T1: 'W', T2: 'N1' });
    expect(ok.config.preprocessing).toEqual({ lowHz: 0.3, highHz: 75, notchHz: null });
  });

  it('validates the optional evaluation, split by split', async () => {
    const test = { split: 'test', subjects: ['S012'], segments: 180, balancedAccuracy: 0.513, kappa: 0.025, bandPowerBalancedAccuracy: 0.634 };
    await failsWith((j) => (j.evaluation = [{ ...test, split: 'train' }]), 'config.evaluation[0].split', /must be one of "validation", "test", found "train"/);
    await failsWith((j) => (j.evaluation = [{ ...test, balancedAccuracy: 51.3 }]), 'config.evaluation[0].balancedAccuracy', /must be a number from 0 to 1, found 51.3/);
    await failsWith((j) => (j.evaluation = [{ ...test, segments: 1.5 }]), 'config.evaluation[0].segments', /must be a whole number/);
    await failsWith((j) => (j.evaluation = [{ ...test, accuracy: 0.5 }]), 'config.evaluation[0].accuracy', /is not a bundle field/);
    const ok = await loadBundle(await editedBundle((j) => (j.evaluation = [test, { ...test, split: 'validation', bandPowerBalancedAccuracy: null, kappa: -0.1 }])));
    expect(ok.config.evaluation?.map((e) => [e.split, e.balancedAccuracy, e.bandPowerBalancedAccuracy])).toEqual([['test', 0.513, 0.634], ['validation', 0.513, null]]);
  });

  it('validates the optional training subjects in the provenance; bundles without them load as before', async () => {
    const provenance = (j: Record<string, unknown>) => j.provenance as Record<string, unknown>;
    await failsWith((j) => (provenance(j).trainingSubjects = 'S001'), 'config.provenance.trainingSubjects', /must be a list, found "S001"/);
    await failsWith((j) => (provenance(j).trainingSubjects = []), 'config.provenance.trainingSubjects', /must have at least 1 entry/);
    await failsWith((j) => (provenance(j).trainingSubjects = ['S001', 7]), 'config.provenance.trainingSubjects[1]', /must be a non-empty string, found 7/);
    await failsWith((j) => (provenance(j).trainingSubjects = ['S001', 'S002', 'S001']), 'config.provenance.trainingSubjects[2]', /"S001" repeats config\.provenance\.trainingSubjects\[0\]/);
    await failsWith((j) => (provenance(j).trainingSubject = ['S001']), 'config.provenance.trainingSubject', /is not a bundle field \(fields: source, createdAt, notes, trainingSubjects\)/);
    const ok = await loadBundle(await editedBundle((j) => (provenance(j).trainingSubjects = ['S001', 'S002'])));
    expect(ok.config.provenance.trainingSubjects).toEqual(['S001', 'S002']);
    const older = await loadBundle(await editedBundle(() => {}));
    expect(older.config.provenance).toEqual(specMoEConfig.provenance);
    expect('trainingSubjects' in older.config.provenance).toBe(false);
    // An expert bundle (pretraining) may record them too.
    const { task: _task, classes: _classes, gateMode: _gate, ...rest } = specMoEConfig;
    const expert = await saveBundle({ config: { ...rest, model: 'expert', provenance: { ...rest.provenance, trainingSubjects: ['S001'] } }, tensors: tinyTensors, dtype: 'F32' });
    expect((await loadBundle(expert)).config.provenance.trainingSubjects).toEqual(['S001']);
  });

  it('names a weight file that is missing, replaced, or holds another dtype than declared', async () => {
    await failsWith((j) => ((j.weights as Record<string, unknown>[])[0]!.file = 'other.safetensors'), 'config.weights[0].file', /names "other\.safetensors", which is not among the bundle's files/);
    const replaced = await editedBundle(() => {});
    replaced.get('model.safetensors')![200]! ^= 1;
    await expect(loadBundle(replaced)).rejects.toThrow(/model\.safetensors has SHA-256 [0-9a-f]{64} but config\.weights\[0\]\.sha256 says/);
    const f16 = await saveBundle({ config: specMoEConfig, tensors: tinyTensors, dtype: 'F16' });
    const json = JSON.parse(new TextDecoder().decode(f16.get('bundle.json')));
    json.weights[0].dtype = 'F32';
    f16.set('bundle.json', new TextEncoder().encode(JSON.stringify(json)));
    await expect(loadBundle(f16)).rejects.toThrow('bundle: tensor "classifier.net.4.weight" in model.safetensors is F16 but config.weights[0].dtype says F32');
  });

  it('says what is wrong with the JSON itself', async () => {
    expect(() => parseBundleConfig('{"format": ')).toThrow(/^bundle: config is not valid JSON/);
    expect(() => parseBundleConfig('[]')).toThrow('bundle: config must be an object, found []');
    await expect(loadBundle(new Map([['model.safetensors', new Uint8Array(8)]]))).rejects.toThrow(WeightsError);
    await expect(loadBundle(new Map([['bundle.json', new Uint8Array([0xff, 0xfe])]]))).rejects.toThrow('bundle: config is not UTF-8 text');
  });

  it('refuses to save a config that would not load back', async () => {
    await expect(saveBundle({ config: { ...specMoEConfig, classes: [] }, tensors: tinyTensors, dtype: 'F32' })).rejects.toThrow('bundle: config.classes must have at least 1 entry');
  });

  it('saves an expert bundle without task, classes or gate', async () => {
    const { task: _task, classes: _classes, gateMode: _gate, ...rest } = specMoEConfig;
    const files = await saveBundle({ config: { ...rest, model: 'expert' }, tensors: tinyTensors, dtype: 'F32' });
    const bundle = await loadBundle(files);
    expect(bundle.config.model).toBe('expert');
    expect(bundle.config.classes).toBeUndefined();
    expect(Array.from(bundle.tensors.get('classifier.net.4.weight')!.data)).toEqual(Array.from(new Float32Array([0.1, -2, 3.5, 1e-3])));
  });
});
