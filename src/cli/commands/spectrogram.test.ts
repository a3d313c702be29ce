import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { readSafetensors } from '../../io/safetensors';
import { frequencyMajor, stft } from '../../dsp/stft';
import { relToAbsMax } from '../../testing/compare';
import { REPO_ROOT } from '../../testing/shared';
import { CliError } from '../command';
import { openRecordingFile } from '../files';
import { spectrogramCommand } from './spectrogram';

const EDF = `${REPO_ROOT}/public/demo/S001R04.edf.gz`;
const FS = 160; // every channel of the demo recording
// scipy.signal.stft references, written by scripts/fixtures/stft_cli_scipy.py from the same recording.
const scipyFixture = readSafetensors(readFileSync(new URL('./fixtures/stft_cli_scipy.safetensors', import.meta.url))).tensors;

async function run(argv: string[]): Promise<{ code: number; out: string }> {
  const lines: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(s));
  try {
    return { code: await spectrogramCommand.run(argv), out: lines.join('\n') };
  } finally {
    log.mockRestore();
  }
}

async function samplesOf(label: string, start: number, count: number): Promise<Float32Array> {
  const recording = await openRecordingFile(EDF);
  try {
    const channel = recording.header.channels.find((c) => c.label === label)!;
    return await recording.readSamples(channel.index, start, count);
  } finally {
    await recording.close();
  }
}

afterEach(() => vi.restoreAllMocks());

describe('specmoe spectrogram (public/demo/S001R04.edf.gz)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'specmoe-spectrogram-'));

  it('writes re/im [freqs, times], freqs and times equal to src/dsp/stft.ts on the whole channel (float32)', async () => {
    const out = join(dir, 'c3.safetensors');
    const { code, out: printed } = await run([EDF, '--channel', 'C3..', '--out', out]);
    expect(code).toBe(0);
    expect(printed.split('\n')).toHaveLength(1);
    expect(printed).toMatch(/C3\.\. \(uV, 160 Hz\): 20000 samples 0\.000–125\.000 s, nperseg 400 noverlap 200 → re\/im \[201, 101\] F32/);
    const t = readSafetensors(readFileSync(out)).tensors;
    expect([...t.keys()].sort()).toEqual(['freqs', 'im', 're', 'times']);
    const samples = await samplesOf('C3..', 0, 20000);
    const spec = stft(samples, { sampleRateHz: FS, nperseg: 400, noverlap: 200 });
    const ref = { ...spec, ...frequencyMajor(spec) };
    expect(t.get('re')!.shape).toEqual([201, 101]);
    expect(t.get('im')!.shape).toEqual([201, 101]);
    expect(t.get('freqs')!.shape).toEqual([201]);
    expect(t.get('times')!.shape).toEqual([101]);
    for (const name of ['re', 'im', 'freqs', 'times'] as const) {
      expect(t.get(name)!.dtype).toBe('F32');
      expect(Array.from(t.get(name)!.data), name).toEqual(Array.from(Float32Array.from(ref[name])));
    }
    expect(t.get('freqs')!.data[200]).toBe(80);
    expect(t.get('times')!.data[100]).toBe(125);
  });

  it('--start/--duration/--nperseg/--noverlap/--f64: bit-identical to src/dsp/stft.ts, times offset by --start', async () => {
    const out = join(dir, 'window.safetensors');
    expect(await run([EDF, '--channel', 'C3..', '--start', '10', '--duration', '5', '--nperseg', '127', '--noverlap', '50', '--f64', '--out', out])).toMatchObject({ code: 0 });
    const t = readSafetensors(readFileSync(out)).tensors;
    const spec = stft(await samplesOf('C3..', 1600, 800), { sampleRateHz: FS, nperseg: 127, noverlap: 50 });
    const ref = { ...spec, ...frequencyMajor(spec) };
    expect(t.get('re')!.shape).toEqual([64, 12]);
    for (const name of ['re', 'im', 'freqs'] as const) {
      expect(t.get(name)!.dtype).toBe('F64');
      expect(Array.from(t.get(name)!.data), name).toEqual(Array.from(ref[name]));
    }
    expect(Array.from(t.get('times')!.data)).toEqual(Array.from(ref.times, (s) => s + 10));
  });

  for (const [name, argv, start] of [
    ['odd_127_50', ['--start', '10', '--duration', '5', '--nperseg', '127', '--noverlap', '50', '--f64'], 10],
    ['default_400_200', ['--start', '60', '--duration', '8'], 60],
  ] as const) {
    it(`equals scipy.signal.stft (vendored fixture, case ${name})`, async () => {
      const out = join(dir, `scipy_${name}.safetensors`);
      expect((await run([EDF, '--channel', 'C3..', ...argv, '--out', out])).code).toBe(0);
      const t = readSafetensors(readFileSync(out)).tensors;
      const fx = (k: string) => scipyFixture.get(`${k}_${name}`)!;
      // the window the CLI read is the one scipy was given (both float32 physical values)
      const [first, count] = [start * FS, fx('samples').data.length];
      expect(relToAbsMax(await samplesOf('C3..', first, count), fx('samples').data)).toBeLessThan(1e-7);
      for (const k of ['re', 'im']) {
        expect(t.get(k)!.shape, k).toEqual(fx(k).shape);
        const err = relToAbsMax(t.get(k)!.data, fx(k).data);
        expect(err, `${k}: ${err}`).toBeLessThan(1e-6);
      }
      expect(relToAbsMax(t.get('freqs')!.data, fx('freqs').data)).toBeLessThan(1e-7);
      expect(relToAbsMax(t.get('times')!.data, fx('times').data.map((s) => s + start))).toBeLessThan(1e-7);
    });
  }

  it('an unknown channel is a CliError listing the labels; loose spelling finds the channel', async () => {
    const error = await spectrogramCommand.run([EDF, '--channel', 'Q7', '--out', join(dir, 'x.safetensors')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).message).toMatch(/S001R04\.edf\.gz has no channel "Q7"; channels: Fc5\., Fc3\., .*C3\.\., .*Iz\.\./);
    const out = join(dir, 'loose.safetensors');
    const { code, out: printed } = await run([EDF, '--channel', 'c3', '--duration', '4', '--out', out]);
    expect(code).toBe(0);
    expect(printed).toContain('C3..');
  });

  it('refuses windows shorter than nperseg and bad STFT settings', async () => {
    const out = join(dir, 'y.safetensors');
    await expect(spectrogramCommand.run([EDF, '--channel', 'C3..', '--duration', '1', '--out', out])).rejects.toThrow(/160 samples .* fewer than --nperseg 400/);
    await expect(spectrogramCommand.run([EDF, '--channel', 'C3..', '--nperseg', '100', '--noverlap', '100', '--out', out])).rejects.toThrow(/--noverlap 100 must be smaller than --nperseg 100/);
    await expect(spectrogramCommand.run([EDF, '--channel', 'C3..', '--start', '500', '--out', out])).rejects.toThrow(/past the end/);
    await expect(spectrogramCommand.run([EDF, '--out', out])).rejects.toThrow(/needs --channel/);
  });
});
