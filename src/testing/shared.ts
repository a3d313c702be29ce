// Tests that need the shared material (src/cli/paths.ts) wrap themselves in `describeShared`: where ../shared is
// absent (a clone elsewhere) they are skipped, and the skip is announced on stderr and in the suite name, never silent.
import { existsSync } from 'node:fs';
import { describe } from 'vitest';
import { DATA_DIR, REFERENCE_DIR, SHARED_DIR } from '../cli/paths';

export { DATA_DIR, REFERENCE_DIR, REPO_ROOT, SHARED_DIR } from '../cli/paths';

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
