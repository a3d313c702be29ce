import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSafetensors, writeSafetensors } from '../../io/safetensors';
import { relToAbsMax } from '../../testing/compare';
import { describeShared, REFERENCE_DIR } from '../../testing/shared';
import { CliError } from '../command';
import { forwardCommand } from './forward';

const TOLERANCE = 1e-4;

/** Runs the command with console output captured. */
async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
  try {
    const code = await forwardCommand.run(argv);
    return { code, out: lines.join('\n') };
  } finally {
    log.mockRestore();
  }
}

afterEach(() => vi.restoreAllMocks());

describeShared('specmoe forward against the reference fixtures', () => {
  const cases = [
    { name: 'expert_small', weights: 'expert_small.safetensors', io: 'expert_small_io.safetensors', extras: [] as string[] },
    { name: 'moe_small', weights: 'moe_small.safetensors', io: 'moe_small_io.safetensors', extras: ['moe_logits', 'probabilities'] },
  ];
  for (const c of cases) {
    it(`${c.name}: writes every reference tensor, each within ${TOLERANCE} of max|ref|`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'specmoe-forward-'));
      const out = join(dir, `${c.name}_out.safetensors`);
      const io = `${REFERENCE_DIR}/${c.io}`;
      const { code, out: printed } = await run(['--weights', `${REFERENCE_DIR}/${c.weights}`, '--input', io, '--out', out]);
      expect(code).toBe(0);
      expect(printed).toContain(out);
      const written = readSafetensors(readFileSync(out));
      const reference = readSafetensors(readFileSync(io)).tensors;
      const expected = [...reference.keys()].filter((n) => n !== 'x' && n !== 'times');
      const names = [...written.tensors.keys()];
      expect(names.filter((n) => !reference.has(n)).sort()).toEqual([...c.extras].sort());
      expect(expected.filter((n) => !written.tensors.has(n))).toEqual([]);
      for (const name of expected) {
        const ours = written.tensors.get(name)!;
        const ref = reference.get(name)!;
        expect(ours.dtype, name).toBe('F32');
        expect(ours.shape, name).toEqual(ref.shape);
        const err = relToAbsMax(ours.data, ref.data);
        expect(err, `${name}: ${err}`).toBeLessThan(TOLERANCE);
      }
      expect(written.metadata.model).toBe(c.name === 'expert_small' ? 'expert' : 'specmoe');
    });
  }

  it('--compare prints one ok row per reference tensor and exits 0; a wrong C-pooling exits 3', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specmoe-forward-'));
    const io = `${REFERENCE_DIR}/moe_small_io.safetensors`;
    const weights = `${REFERENCE_DIR}/moe_small.safetensors`;
    const good = await run(['--weights', weights, '--input', io, '--out', join(dir, 'a.safetensors'), '--compare', io, '--backend', 'cpu']);
    expect(good.code).toBe(0);
    for (const name of ['psd_x', 'gate_pre1', 'gate3', 'expert1_x_bot2', 'pooled2', 'h_cat', 'h_fused', 'logits']) {
      expect(good.out).toMatch(new RegExp(`^${name}\\s.*\\sok$`, 'm'));
    }
    expect(good.out).not.toMatch(/FAIL/);
    const bad = await run(['--weights', weights, '--input', io, '--out', join(dir, 'b.safetensors'), '--compare', io, '--cpool', 'mean']);
    expect(bad.code).toBe(3);
    expect(bad.out).toMatch(/^h_fused\s.*\sFAIL$/m);
    expect(bad.out).toMatch(/^logits\s.*\sFAIL$/m);
    expect(bad.out).toMatch(/^gate1\s.*\sok$/m);
  });
});

describe('specmoe forward input checks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specmoe-forward-'));
  const file = (name: string, tensors: Parameters<typeof writeSafetensors>[0]) => {
    const path = join(dir, name);
    writeFileSync(path, writeSafetensors(tensors));
    return path;
  };
  // The input is checked before the weights are read, so these need no model.
  const argv = (input: string) => ['--weights', join(dir, 'no-such-weights.safetensors'), '--input', input, '--out', join(dir, 'out.safetensors')];

  it('a missing "x" is a CliError naming the tensor and the file', async () => {
    const input = file('no_x.safetensors', { times: { dtype: 'F32', shape: [1, 1, 120], data: new Float32Array(120) } });
    const error = await forwardCommand.run(argv(input)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toContain('no tensor "x"');
    expect((error as CliError).message).toContain(input);
    expect((error as CliError).message).toContain('times');
  });

  it('wrong shapes are CliErrors naming the tensor and the shapes', async () => {
    const times = file('bad_times.safetensors', {
      x: { dtype: 'F32', shape: [2, 3, 240], data: new Float32Array(1440) },
      times: { dtype: 'F32', shape: [1, 1, 240], data: new Float32Array(240) },
    });
    await expect(forwardCommand.run(argv(times))).rejects.toThrow(/tensor "times" .* has shape \[1, 1, 240\]; expected \[2, 1, 240\] for "x" of shape \[2, 3, 240\]/);
    const length = file('bad_length.safetensors', {
      x: { dtype: 'F32', shape: [1, 4, 100], data: new Float32Array(400) },
      times: { dtype: 'F32', shape: [1, 1, 100], data: new Float32Array(100) },
    });
    await expect(forwardCommand.run(argv(length))).rejects.toThrow(/tensor "x" .* has shape \[1, 4, 100\]: input length 100 is not a positive multiple of 120/);
    const rank = file('bad_rank.safetensors', {
      x: { dtype: 'F32', shape: [4, 120], data: new Float32Array(480) },
      times: { dtype: 'F32', shape: [1, 1, 120], data: new Float32Array(120) },
    });
    await expect(forwardCommand.run(argv(rank))).rejects.toThrow(/tensor "x" .* has shape \[4, 120\]; expected \[B, C, T\]/);
  });

  it('refuses an unknown back-end or pooling before reading anything', async () => {
    await expect(forwardCommand.run(['--weights', 'w', '--input', 'i', '--out', 'o', '--backend', 'webgl'])).rejects.toThrow(/--backend must be wasm or cpu/);
    await expect(forwardCommand.run(['--weights', 'w', '--input', 'i', '--out', 'o', '--lpool', 'sum'])).rejects.toThrow(/--lpool must be mean or max/);
    await expect(forwardCommand.run(['--input', 'i', '--out', 'o'])).rejects.toThrow(/needs --weights/);
  });
});
