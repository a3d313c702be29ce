import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { saveBundle } from './bundle';
import { writeSafetensors } from './safetensors';
import { readWeights } from './weights';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

const file = (name: string): Map<string, Uint8Array> => new Map([[name, readFileSync(`${REFERENCE_DIR}/${name}`)]]);

describeShared('readWeights tells formats and model kinds apart', () => {
  it('reads a PyTorch checkpoint of an expert and a safetensors SpecMoE', async () => {
    const pth = await readWeights(file('expert_small_ckpt.pth'));
    expect([pth.format, pth.model, pth.tensors.size]).toEqual(['pth', 'expert', 334]);
    const moe = await readWeights(file('moe_small.safetensors'));
    expect([moe.format, moe.model, moe.tensors.size]).toEqual(['safetensors', 'specmoe', 468]);
  });

  it('reads a bundle and checks that its config names the right model', async () => {
    const moe = await readWeights(file('moe_small.safetensors'));
    const config = {
      name: 'x',
      model: 'specmoe' as const,
      architecture: {},
      task: 'sleep-staging',
      classes: ['a', 'b', 'c', 'd'],
      gateMode: 1 as const,
      channels: ['C3', 'C4', 'O1', 'O2'],
      sampleRateHz: 200,
      segmentSec: 6,
      trained: false,
      provenance: { source: 'test', createdAt: '2026-11-23' },
    };
    const bundle = await readWeights(await saveBundle({ config, tensors: moe.tensors, dtype: 'F32' }));
    expect([bundle.format, bundle.model, bundle.tensors.size, bundle.bundle?.task]).toEqual(['bundle', 'specmoe', 468, 'sleep-staging']);
    const { task: _t, classes: _c, gateMode: _g, ...expertConfig } = config;
    const wrong = await saveBundle({ config: { ...expertConfig, model: 'expert' }, tensors: moe.tensors, dtype: 'F32' });
    await expect(readWeights(wrong)).rejects.toThrow('bundle: config.model says expert but the weights are a specmoe state dict');
  });
});

describe('readWeights on odd inputs', () => {
  it('strips DataParallel prefixes from safetensors too', async () => {
    const bytes = writeSafetensors({ 'module.Down1.features1.0.weight': { dtype: 'F32', shape: [1], data: [1] } });
    const w = await readWeights(new Map([['w.safetensors', bytes]]));
    expect([...w.tensors.keys()]).toEqual(['Down1.features1.0.weight']);
    expect(w.model).toBe('expert');
  });

  it('names the file that is neither format, and a state dict of another model', async () => {
    await expect(readWeights(new Map([['notes.txt', new TextEncoder().encode('hello world, not weights')]]))).rejects.toThrow(
      /^notes\.txt: neither a PyTorch zip checkpoint nor a valid safetensors file: safetensors: header length/,
    );
    const resnet = writeSafetensors({ 'conv1.weight': { dtype: 'F32', shape: [1], data: [1] } });
    await expect(readWeights(new Map([['r.safetensors', resnet]]))).rejects.toThrow(/neither an expert \(Down1\.\*, \.\.\.\) nor a SpecMoE .* first keys: conv1\.weight/);
    await expect(readWeights(new Map([['a', new Uint8Array(1)], ['b', new Uint8Array(1)]]))).rejects.toThrow(/expected one \.pth or \.safetensors file, or a bundle with bundle\.json; got a, b/);
  });
});
