// Where this checkout and the shared material next to it are, for the Node entries (CLI, benchmarks, scripts) and
// the tests: the bundled model, the demo recording, ../shared (or $SPECMOE_SHARED). No test runner here: the CLI
// runs on production dependencies alone.
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const SHARED_DIR = resolve(process.env.SPECMOE_SHARED ?? join(REPO_ROOT, '..', 'shared'));
export const REFERENCE_DIR = join(SHARED_DIR, 'reference', 'specmoe');
export const DATA_DIR = join(SHARED_DIR, 'data');
