// Tests that read our files back with MNE-Python (Debian's python3-mne). Where it is missing they are skipped, and
// the skip is announced on stderr and in the suite name (never silent): `apt-get install -y python3-mne` runs them.
import { spawnSync } from 'node:child_process';
import { describe } from 'vitest';

const PYTHON = '/usr/bin/python3';

export const hasMne = spawnSync(PYTHON, ['-c', 'import mne'], { stdio: 'ignore' }).status === 0;

/** `describe` for suites that run MNE; skipped with a visible message where python3-mne is absent. */
export function describeWithMne(name: string, fn: () => void): void {
  if (hasMne) {
    describe(`${name} [MNE-Python]`, fn);
    return;
  }
  const why = `SKIPPED: ${PYTHON} cannot import mne (apt-get install -y python3-mne runs these checks)`;
  console.warn(`[specmoe tests] ${name}: ${why}`);
  describe.skipIf(true)(`${name} — ${why}`, fn);
}

/** Runs a Python script with MNE imported as `mne`; `argv` reach it as sys.argv[1:]. Returns its stdout as JSON. */
export function runMne<T>(script: string, argv: readonly string[]): T {
  const result = spawnSync(PYTHON, ['-c', `import json, sys, mne\nmne.set_log_level('ERROR')\n${script}`, ...argv], { encoding: 'utf8', timeout: 120_000 });
  if (result.status !== 0) throw new Error(`MNE script failed (${result.status}): ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
