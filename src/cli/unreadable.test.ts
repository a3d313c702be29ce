// Every command speaks one language about input it cannot read: one line on stderr, `specmoe CMD: cannot read
// PATH: why`, and exit code 2, for a missing file, a directory and a text file renamed .edf.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { writeSafetensors } from '../io/safetensors';
import { REPO_ROOT } from '../testing/shared';
import { main } from './main';

const dir = mkdtempSync(join(tmpdir(), 'specmoe-unreadable-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => vi.restoreAllMocks());

const missing = join(dir, 'missing.edf');
const folder = join(dir, 'folder.edf');
mkdirSync(folder);
const text = join(dir, 'notes.edf');
writeFileSync(text, 'Recording notes\nsubject 4, eyes closed from 60 s\n'.repeat(20));
const out = join(dir, 'out');
/** A valid input for `forward`, so that its --weights are what fails. */
const forwardInput = join(dir, 'io.safetensors');
writeFileSync(
  forwardInput,
  writeSafetensors({
    x: { dtype: 'F32', shape: [1, 16, 240], data: new Float32Array(16 * 240) },
    times: { dtype: 'F32', shape: [1, 1, 240], data: new Float32Array(240) },
  }),
);

const CASES = [
  { name: 'a missing file', path: missing, why: 'no such file' },
  { name: 'a directory', path: folder, why: 'it is a directory' },
  {
    name: 'a text file renamed .edf',
    path: text,
    why: 'not an EDF or BDF file: version is "Recordin", expected "0" (EDF) or 0xFF "BIOSEMI" (BDF) (field "version" at byte 0)',
  },
];

/** Each command with the file under test in its input's place. */
const COMMANDS: Record<string, (file: string) => string[]> = {
  info: (file) => ['info', file],
  spectrogram: (file) => ['spectrogram', file, '--channel', 'C3', '--out', `${out}/s.safetensors`],
  predict: (file) => ['predict', file],
  pretrain: (file) => ['pretrain', '--data', file, '--out', `${out}/pretrain`, '--steps', '1'],
  finetune: (file) => ['finetune', '--labels', 'T1=left,T2=right', '--train', file, '--val', file, '--out', `${out}/finetune`],
  'forward --input': (file) => ['forward', '--weights', `${REPO_ROOT}/models/specmoe-demo-mi`, '--input', file, '--out', `${out}/f.safetensors`],
  'forward --weights': (file) => ['forward', '--weights', file, '--input', forwardInput, '--out', `${out}/f.safetensors`],
};

/** forward's files are safetensors or weights: a text file is refused by those formats' readers. */
const FORWARD_TEXT_WHY: Record<string, string | RegExp> = {
  'forward --input': /^safetensors: header length \d+ at byte 0 exceeds the file size 980$/,
  'forward --weights': /^notes\.edf: neither a PyTorch zip checkpoint nor a valid safetensors file: safetensors: header length \d+ at byte 0 exceeds the file size 980$/,
};

async function run(argv: string[]): Promise<{ code: number; stderr: string[] }> {
  const stderr: string[] = [];
  vi.spyOn(console, 'log').mockImplementation(() => {});
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void stderr.push(...String(s).split('\n')));
  const code = await main(argv);
  return { code, stderr };
}

describe('unreadable input files', () => {
  for (const [command, argv] of Object.entries(COMMANDS)) {
    for (const { name, path, why } of CASES) {
      it(`${command} on ${name}: one line, exit code 2`, async () => {
        const { code, stderr } = await run(argv(path));
        expect(code).toBe(2);
        expect(stderr).toHaveLength(1);
        const prefix = `specmoe ${command.split(' ')[0]}: cannot read ${path}: `;
        expect(stderr[0]!.startsWith(prefix), stderr[0]).toBe(true);
        const reason = stderr[0]!.slice(prefix.length);
        if (command.startsWith('forward') && path === text) expect(reason).toMatch(FORWARD_TEXT_WHY[command]!);
        else if (command === 'forward --weights' && path === folder) expect(reason).toBe('it is a directory without bundle.json, not a model bundle');
        else expect(reason).toBe(why);
      });
    }
  }

  it('an unknown option is refused with a pointer to the help, exit code 1', async () => {
    const { code, stderr } = await run(['predict', text, '--worker', '2']);
    expect(code).toBe(1);
    expect(stderr).toEqual(['specmoe predict: unknown option --worker', 'run "specmoe predict --help" for its options']);
  });

  it('the installed command (bin/specmoe.mjs) prints the same line and exits with 2', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync('node', [`${REPO_ROOT}/bin/specmoe.mjs`, 'predict', missing], { stdio: 'pipe' });
    } catch (e) {
      ({ status, stderr } = e as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(String(stderr)).toBe(`specmoe predict: cannot read ${missing}: no such file\n`);
  });
});

describe('usage lines', () => {
  it("predict's usage line lists every option it accepts", async () => {
    const { predictCommand } = await import('./commands/predict');
    const usage = predictCommand.help.split('\n')[0]!;
    for (const option of ['--model BUNDLE', '--task TASK', '--annotations', '--json', '--batch N', '--workers N']) expect(usage).toContain(`[${option}]`);
  });
});
