// `npm run train-demo [-- --stage pretrain|finetune|all|reconstruction|earlier-runs|bases|cv] [--steps N] [--run-dir DIR]`: retrains the
// bundled motor-imagery model from the shared eegmmidb recordings (../shared/data), the paper's recipe end to end:
//   pretrain  three experts by Gaussian-masked reconstruction on every shared run of the train and validation subjects,
//             on three disjoint partitions by recording (recording i → expert i mod 3), in parallel;
//   finetune  the whole SpecMoE on left vs right fist imagery (experts unfrozen), early stopping on validation, beside
//             the ablations (random-init experts, frozen experts) and the band-power reference; writes the bundle, its
//             model card and report to models/specmoe-demo-mi.
//   earlier-runs  only the card's "earlier runs" list, from scripts/demo/earlier-runs.md (no run folder needed).
//   bases     only the base bundles (pretrained experts and random ones, each with a fresh head) in the run folder, for
//             fine-tuning runs of one's own with `specmoe finetune` (the finetune stage starts from the same ones).
//   cv        the whole-model recipe cross-validated in the 3 subject-wise folds of scripts/demo/folds.json, from the
//             run folder's base-pretrained or [--base DIR], epochs 1..[--stop-after N, default 12], beside band power;
//             [--with 'OPTIONS' --name NAME] adds fine-tuning options for an arm of its own (DIR/cv-NAME).
// The subject split is scripts/demo/split.json; test subjects are seen by no stage. Every stage checkpoints into the
// run folder (default .cache/demo-run) and resumes from it when started again.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { codeVersion, PRETRAINING_CODE_FILE } from './demo/codeVersion';
import { CHANNELS, PREPROCESSING, recordingsOf, SPLIT } from './demo/data';
import { REPO_ROOT } from '../src/cli/paths';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const stage = arg('stage', 'all');
const STAGES = ['pretrain', 'finetune', 'all', 'reconstruction', 'earlier-runs', 'bases', 'cv'];
if (!STAGES.includes(stage)) {
  console.error(`train-demo: unknown --stage "${stage}" (one of ${STAGES.join(', ')})`);
  process.exit(2);
}
const steps = arg('steps', '600');
export const RUN_DIR = resolve(arg('run-dir', join(REPO_ROOT, '.cache', 'demo-run')));

/** Recording i goes to expert i mod 3 (sorted by subject and run): three disjoint partitions. */
export function partitions(files: readonly string[]): string[][] {
  return [0, 1, 2].map((k) => files.filter((_, i) => i % 3 === k));
}

function run(cmd: string, argv: string[], logFile: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn('sh', ['-c', `${[cmd, ...argv].map((a) => `'${a}'`).join(' ')} > '${logFile}' 2>&1`], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolvePromise() : reject(new Error(`${cmd} exited with ${code}; see ${logFile}`))));
  });
}

/** Held-out recordings for the reconstruction report: test subjects' first imagery run (evaluation only). */
export function reconstructionFiles(): string[] {
  return recordingsOf(SPLIT.test, 'imagery').filter((f) => /R04\.edf\.gz$/.test(f));
}

async function pretrain(): Promise<void> {
  mkdirSync(RUN_DIR, { recursive: true }); // the experts' logs are written beside their folders
  writeFileSync(join(RUN_DIR, PRETRAINING_CODE_FILE), `${codeVersion()}\n`); // for the model card (a resumed run records its last start)
  const parts = partitions(recordingsOf([...SPLIT.train, ...SPLIT.validation], 'all'));
  const { lowHz, highHz, notchHz, alignment } = PREPROCESSING;
  await Promise.all(
    parts.map((files, k) =>
      run(
        process.execPath,
        [
          join(REPO_ROOT, 'bin', 'specmoe.mjs'), 'pretrain', '--data', ...files, '--out', join(RUN_DIR, `expert${k + 1}`),
          '--steps', steps, '--seed', String(100 + k), '--channels', CHANNELS.join(','), '--band', `${lowHz},${highHz}`, '--notch', String(notchHz ?? 0),
          ...(alignment ? ['--align'] : []),
          // Aligned channels have an RMS of 100 µV: 1 000 µV is 10 σ.
          '--artifact-uv', '1000', '--resume', '--eval', ...reconstructionFiles(),
        ],
        join(RUN_DIR, `expert${k + 1}.log`),
      ),
    ),
  );
}

if (stage === 'pretrain' || stage === 'all') await pretrain();

if (stage === 'finetune' || stage === 'all') {
  const { finetuneStage } = await import('./demo/finetuneStage');
  await finetuneStage(RUN_DIR);
}

if (stage === 'bases') {
  const { baseBundles } = await import('./demo/finetuneStage');
  const bases = await baseBundles(RUN_DIR);
  console.log(`base bundles: ${bases.pretrained} (pretrained experts), ${bases.random} (random experts)`);
}

if (stage === 'cv') {
  const { crossValidationStage, extraFinetuneArgs } = await import('./demo/crossValidation');
  // Refusals (a bad --stop-after or --with, a missing base, a failed fold and its log) print as one line, not a stack trace.
  try {
    const base = args.includes('--base') ? resolve(arg('base', '')) : undefined;
    const name = args.includes('--name') ? arg('name', '') : undefined;
    await crossValidationStage(RUN_DIR, { base, stopAfter: Number(arg('stop-after', '12')), extraArgs: extraFinetuneArgs(arg('with', '')), name });
  } catch (error) {
    console.error(`train-demo: ${(error as Error).message}`);
    process.exit(1);
  }
}

if (stage === 'earlier-runs') {
  // Only the card's "earlier runs" list, from scripts/demo/earlier-runs.md; the weights, figures and evaluation stay.
  const { CARD_FILE, earlierRuns, withEarlierRuns } = await import('./demo/earlierRuns');
  writeFileSync(CARD_FILE, withEarlierRuns(readFileSync(CARD_FILE, 'utf8'), earlierRuns()));
  console.log(`rewrote the earlier-runs list in ${CARD_FILE}`);
}

if (stage === 'reconstruction') {
  const { refreshReconstruction } = await import('./demoReconstruction');
  await refreshReconstruction({ outDir: join(REPO_ROOT, 'models', 'specmoe-demo-mi'), reconstructionFiles: reconstructionFiles() });
}
