// `npm run train-demo [-- --stage pretrain|finetune|all|reconstruction] [--steps N]`: retrains the bundled demo model
// from the shared eegmmidb recordings (../shared/data). Stage "pretrain" trains three experts on disjoint partitions
// of the pretraining subjects' recordings (by recording, as the paper partitions its data); stage "finetune" trains
// the motor-imagery head on frozen experts and writes the bundle and its model card to models/; stage
// "reconstruction" (not part of "all") re-measures the bundled experts' reconstructions and rewrites that card section.
// Subjects: pretraining and head training S001–S011 (validation S010–S011), test S012, S013, S015, S042 (never
// seen by any stage before the final evaluation).
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR, REPO_ROOT } from '../src/cli/paths';

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

/** Held-out recordings for the reconstruction report (subjects no stage trains on). */
function reconstructionFiles(): string[] {
  return recordingsOf(['S012', 'S013']).filter((f) => /R0?4\.edf\.gz$/.test(f));
}

async function pretrain(): Promise<void> {
  const parts = partitions(recordingsOf(PRETRAIN_SUBJECTS));
  const evalFiles = reconstructionFiles();
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

// ---- stage "finetune": the motor-imagery head on frozen experts, the bundle and its model card ----

export const HEAD_SPLIT = {
  train: ['S001', 'S002', 'S003', 'S004', 'S005', 'S006', 'S007', 'S008', 'S009'],
  validation: ['S010', 'S011'],
  test: ['S012', 'S013', 'S015', 'S042'],
} as const;

/** Imagined left vs right fist: runs 4, 8 and 12 of eegmmidb (T1 = left fist, T2 = right fist). */
const IMAGERY_RUN = /R(04|08|12)\.edf\.gz$/;

async function finetuneStage(): Promise<void> {
  const { buildDemoBundle } = await import('./demoBundle');
  const runs = (subjects: readonly string[]) => recordingsOf(subjects).filter((f) => IMAGERY_RUN.test(f));
  await buildDemoBundle({
    runDir: RUN_DIR,
    outDir: join(REPO_ROOT, 'models', 'specmoe-demo-mi'),
    split: { train: runs(HEAD_SPLIT.train), validation: runs(HEAD_SPLIT.validation), test: runs(HEAD_SPLIT.test) },
    reconstructionFiles: reconstructionFiles(),
  });
}

if (stage === 'finetune' || stage === 'all') await finetuneStage();

// ---- stage "reconstruction": re-measure the bundled experts' reconstructions (no training) ----
if (stage === 'reconstruction') {
  const { refreshReconstruction } = await import('./demoReconstruction');
  await refreshReconstruction({ outDir: join(REPO_ROOT, 'models', 'specmoe-demo-mi'), reconstructionFiles: reconstructionFiles() });
}
