// The CLI on production dependencies alone: a copy of the checkout whose node_modules holds only the packages the
// lockfile does not mark as development ones (what `npm ci --omit=dev` installs, linked from this checkout's
// node_modules instead of downloaded), then `specmoe info`, `predict`, `forward` and `finetune` run in it as a user
// runs them. A module of the CLI that imported a development dependency (vitest, vite, playwright…) fails here.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeShared, REFERENCE_DIR, REPO_ROOT } from '../testing/shared';

interface LockPackage {
  readonly dev?: boolean;
}

/** Top-level packages of node_modules that production code may use (nested ones come inside their parent). */
function productionPackages(): string[] {
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockPackage> };
  return Object.entries(lock.packages)
    .filter(([path, p]) => path.startsWith('node_modules/') && !path.slice('node_modules/'.length).includes('/node_modules/') && p.dev !== true)
    .map(([path]) => path)
    .filter((path) => existsSync(join(REPO_ROOT, path)));
}

/** Copies a package folder as hard links (same file system; cheap), or as files where links cannot be made. */
function copyPackage(from: string, to: string): void {
  mkdirSync(dirname(to), { recursive: true });
  try {
    execFileSync('cp', ['-al', from, to]);
  } catch {
    cpSync(from, to, { recursive: true });
  }
}

let root = '';

function specmoe(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [join(root, 'bin/specmoe.mjs'), ...args], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' }, timeout: 300_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'specmoe-prod-'));
  for (const entry of ['bin', 'src', 'models', 'package.json']) cpSync(join(REPO_ROOT, entry), join(root, entry), { recursive: true });
  for (const path of productionPackages()) copyPackage(join(REPO_ROOT, path), join(root, path));
});

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

it('the copy resolves production packages and refuses development ones', () => {
  writeFileSync(join(root, 'probe.mjs'), "await import('@tensorflow/tfjs');\nawait import('tsx/esm/api');\nawait import('vitest');\n");
  const probe = spawnSync(process.execPath, [join(root, 'probe.mjs')], { cwd: root, encoding: 'utf8' });
  expect(probe.status).not.toBe(0);
  expect(probe.stderr).toContain("Cannot find package 'vitest'");
  expect(probe.stderr).not.toContain('@tensorflow/tfjs');
});

it('specmoe info and predict run (the bundled model, two decoding threads)', () => {
  const demo = join(REPO_ROOT, 'public/demo/S001R04.edf.gz');
  const info = specmoe(['info', demo]);
  expect(info.stderr).toBe('');
  expect(info.status).toBe(0);
  expect(info.stdout).toContain('64');
  const predict = specmoe(['predict', demo, '--json', '--workers', '2']);
  expect(predict.status, predict.stderr).toBe(0);
  const rows = JSON.parse(predict.stdout) as { onset: number; class: string }[];
  expect(rows).toHaveLength(31);
  expect(rows[1]!.onset).toBe(4);
  expect(predict.stderr).not.toContain('worker thread'); // a replica that failed to start would be reported so
});

it('specmoe finetune runs (head training with its kernel thread) and writes a bundle', () => {
  const out = join(root, 'finetuned');
  const fixture = (name: string) => join(REPO_ROOT, 'e2e/fixtures', name);
  const r = specmoe(['finetune', '--model', join(root, 'models/specmoe-demo-mi'), '--labels', 'T1=left fist,T2=right fist', '--segment', '4', '--epochs', '2',
    '--train', fixture('S002R04.edf.gz'), '--val', fixture('S003R04.edf.gz'), '--out', out]);
  expect(r.status, r.stderr).toBe(0);
  expect(existsSync(join(out, 'bundle.json'))).toBe(true);
  expect(existsSync(join(out, 'finetune-report.json'))).toBe(true);
  expect(r.stderr).not.toMatch(/runs on one thread|without its WebAssembly kernels/); // the kernel thread started
});

describeShared('specmoe forward on production dependencies', () => {
  it('runs the parity fixture expert and compares it with the reference', () => {
    const r = specmoe(['forward', '--weights', join(REFERENCE_DIR, 'expert_small.safetensors'), '--input', join(REFERENCE_DIR, 'expert_small_io.safetensors'),
      '--out', join(root, 'out.safetensors'), '--compare', join(REFERENCE_DIR, 'expert_small_io.safetensors')]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(root, 'out.safetensors'))).toBe(true);
  });
});
