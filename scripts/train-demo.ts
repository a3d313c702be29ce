// `npm run train-demo [-- --stage pretrain|finetune|all] [--steps N]`: retrains the bundled demo model from the shared
// eegmmidb recordings (../shared/data). Stage "pretrain" trains three experts on disjoint partitions of the
// pretraining subjects' recordings (by recording, as the paper partitions its data); stage "finetune" trains the
// motor-imagery head on frozen experts and writes the bundle and its model card to models/.
// Subjects: pretraining and head training S001–S011 (validation S010–S011), test S012, S013, S015, S042 (never
// seen by any stage before the final evaluation).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, REPO_ROOT } from '../src/testing/shared';

export const PRETRAIN_SUBJECTS = ['S001', 'S002', 'S003', 'S004', 'S005', 'S006', 'S007', 'S008', 'S009', 'S010', 'S011'];
export const RUN_DIR = join(REPO_ROOT, '.cache', 'demo-run');

const args = process.argv.slice(2);
const stage = args.includes('--stage') ? args[args.indexOf('--stage') + 1]! : 'all';
const steps = args.includes('--steps') ? args[args.indexOf('--steps') + 1]! : '900';

function recordingsOf(subjects: readonly string[]): string[] {
  const eegmmidb = join(DATA_DIR, 'eegmmidb');
  if (!existsSync(eegmmidb)) throw new Error(`${eegmmidb} is missing: the demo model is trained from the shared data`);
  return subjects.flatMap((s) =>
    readdirSync(join(eegmmidb, s))
      .filter((f) => f.endsWith('.edf.gz'))
      .sort()
      .map((f) => join(eegmmidb, s, f)),
  );
}

/** Recording i goes to expert i mod 3 (sorted by subject and run): three disjoint partitions. */
export function partitions(files: readonly string[]): string[][] {
  return [0, 1, 2].map((k) => files.filter((_, i) => i % 3 === k));
}

function run(cmd: string, argv: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${[cmd, ...argv].map((a) => `'${a}'`).join(' ')} > '${logFile}' 2>&1`], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${cmd} exited with ${code}; see ${logFile}`))));
  });
}

async function pretrain(): Promise<void> {
  const parts = partitions(recordingsOf(PRETRAIN_SUBJECTS));
  const evalFiles = recordingsOf(['S012', 'S013']).filter((f) => /R0?4\.edf\.gz$/.test(f));
  await Promise.all(
    parts.map((files, k) =>
      run(
        process.execPath,
        [join(REPO_ROOT, 'bin', 'specmoe.mjs'), 'pretrain', '--data', ...files, '--out', join(RUN_DIR, `expert${k + 1}`), '--steps', steps, '--seed', String(100 + k), '--artifact-uv', '250', '--resume', '--eval', ...evalFiles],
        join(RUN_DIR, `expert${k + 1}.log`),
      ),
    ),
  );
}

if (stage === 'pretrain' || stage === 'all') await pretrain();
