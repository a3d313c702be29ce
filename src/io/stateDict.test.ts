import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { readSafetensors } from './safetensors';
import {
  assembleSpecMoEStateDict,
  checkStateDict,
  expertEncoderStateDict,
  specMoEHeadStateDict,
  StateDictMismatchError,
  stripModulePrefix,
} from './stateDict';
import { shapesOf, stateDictTable } from './testdata/stateDictTable';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

const shaped = (entries: [string, number[]][]): Map<string, { shape: number[] }> => new Map(entries.map(([k, shape]) => [k, { shape }]));

describe('checkStateDict', () => {
  const expected = new Map<string, number[]>([
    ['Down1.features1.0.weight', [32, 1, 4]],
    ['Down1.features1.1.weight', [32]],
    ['Down1.features1.1.num_batches_tracked', []],
    ['classifier.net.4.weight', [4, 128]],
  ]);

  it('accepts exactly the expected keys and shapes, in any order', () => {
    expect(() => checkStateDict(expected, shaped([...expected].reverse()))).not.toThrow();
  });

  it('lists every missing, extra and mis-shaped tensor with expected and found shapes', () => {
    const found = shaped([
      ['Down1.features1.0.weight', [32, 1, 5]],
      ['Down1.features1.1.num_batches_tracked', []],
      ['classifier.net.4.weight', [2, 128]],
      ['classifier.net.9.bias', [2]],
    ]);
    let error: StateDictMismatchError | undefined;
    try {
      checkStateDict(expected, found, 'head.safetensors');
    } catch (e) {
      error = e as StateDictMismatchError;
    }
    expect(error).toBeInstanceOf(StateDictMismatchError);
    expect(error).toBeInstanceOf(WeightsError);
    expect(error!.tensorName).toBe('Down1.features1.0.weight');
    expect(error!.message).toBe(
      [
        'head.safetensors does not fit the model: 1 missing, 1 extra, 2 mis-shaped',
        '  mis-shaped Down1.features1.0.weight: expected [32, 1, 4], found [32, 1, 5]',
        '  missing Down1.features1.1.weight: expected [32]',
        '  mis-shaped classifier.net.4.weight: expected [4, 128], found [2, 128]',
        '  extra classifier.net.9.bias: found [2]',
      ].join('\n'),
    );
    expect(error!.problems).toHaveLength(4);
    expect(error!.problems[1]).toEqual({ key: 'Down1.features1.1.weight', expected: [32] });
  });

  it('tells a scalar from a one-element vector', () => {
    const found = shaped([...expected].map(([k, s]) => [k, k.endsWith('num_batches_tracked') ? [1] : s]));
    expect(() => checkStateDict(expected, found)).toThrow('mis-shaped Down1.features1.1.num_batches_tracked: expected [], found [1]');
  });
});

describe('stripModulePrefix', () => {
  it('strips DataParallel prefixes key by key and refuses collisions', () => {
    expect([...stripModulePrefix(new Map([['module.a.weight', 1], ['b', 2]])).keys()]).toEqual(['a.weight', 'b']);
    expect(() => stripModulePrefix(new Map([['module.a', 1], ['a', 2]]))).toThrow('state dict has both "a" and "module.a"');
  });
});

describeShared('state dicts of the reference models', () => {
  const expert = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
  const moe = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;

  it('the fixtures fit the authors\' key and shape tables (334 expert and 468 SpecMoE entries)', () => {
    expect(() => checkStateDict(shapesOf(stateDictTable('Expert')), expert)).not.toThrow();
    expect(() => checkStateDict(shapesOf(stateDictTable('SpecMoE')), moe)).not.toThrow();
    expect(() => checkStateDict(shapesOf(stateDictTable('SpecMoE')), expert)).toThrow(/468 missing, 334 extra/);
  });

  it('splits a SpecMoE state dict into three encoders and a head and assembles it back', () => {
    const encoders = [0, 1, 2].map((k) => expertEncoderStateDict(moe, k));
    const head = specMoEHeadStateDict(moe);
    expect(encoders[0]!.size).toBe(152);
    expect([...head.keys()].every((k) => k.startsWith('gate_LinearT_') || k.startsWith('classifier.'))).toBe(true);
    const assembled = assembleSpecMoEStateDict(encoders, head);
    expect(assembled.size).toBe(468);
    for (const [key, tensor] of moe) expect(assembled.get(key), key).toBe(tensor);
  });

  it('assembles a SpecMoE from full experts: decoder keys dropped, every shape as the authors\' SpecMoE', () => {
    const assembled = assembleSpecMoEStateDict([expert, expert, expert], specMoEHeadStateDict(moe));
    expect(() => checkStateDict(shapesOf(stateDictTable('SpecMoE')), assembled)).not.toThrow();
    expect(assembled.get('experts.2.Bottom2.features1.0.weight')).toBe(expert.get('Bottom2.features1.0.weight'));
    expect([...assembled.keys()].some((k) => k.includes('Up1') || k.includes('aux_head'))).toBe(false);
  });

  it('refuses the wrong number of experts and expert keys in the head', () => {
    expect(() => assembleSpecMoEStateDict([expert, expert], new Map())).toThrow('SpecMoE needs 3 experts, got 2');
    expect(() => assembleSpecMoEStateDict([expert, expert, expert], moe)).toThrow(/head key "experts\.0\..*" belongs to an expert/);
  });
});
