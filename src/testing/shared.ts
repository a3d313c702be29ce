// Where tests find the shared material: ../shared next to this clone (or $SPECMOE_SHARED).
// Tests that need it wrap themselves in `describeShared`: where ../shared is absent (a clone elsewhere) they
// are skipped, and the skip is announced on stderr and in the suite name, never silent.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe } from 'vitest';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const SHARED_DIR = resolve(process.env.SPECMOE_SHARED ?? join(REPO_ROOT, '..', 'shared'));
export const REFERENCE_DIR = join(SHARED_DIR, 'reference', 'specmoe');
export const DATA_DIR = join(SHARED_DIR, 'data');

export const hasShared = existsSync(REFERENCE_DIR) && existsSync(DATA_DIR);

/** `describe` for suites that read ../shared; skipped with a visible message where it is absent. */
export function describeShared(name: string, fn: () => void): void {
  if (hasShared) {
    describe(`${name} [reads ${SHARED_DIR}]`, fn);
    return;
  }
  const why = `SKIPPED: ${SHARED_DIR} is absent (this suite reads the shared data and parity fixtures)`;
  console.warn(`[specmoe tests] ${name}: ${why}`);
  describe.skipIf(true)(`${name} — ${why}`, fn);
}
