// Stage "cv" of `npm run train-demo`: the whole-model fine-tuning recipe (FULL_ARGS) judged by subject-wise
// cross-validation instead of by the 4 validation subjects alone. The 21 train + validation subjects fall into the
// three folds of scripts/demo/folds.json; each fold is held out in turn while the other 14 subjects train, from one
// base bundle (by default the run folder's base-pretrained; pass another with --base, e.g. one with other head
// settings in its bundle.json). Each fold trains epochs 1..N of the recipe's schedule without early stopping
// (--stop-after N) and is scored on its held-out subjects after every epoch; two folds run at a time, each resuming
// from its checkpoint. `--with 'OPTIONS' --name NAME` adds fine-tuning options to the recipe's, for an arm of its
// own. Aligned band power, fitted and scored on the same folds, is the yardstick. The test subjects are in no fold.
// Writes DIR/cv-<NAME, or the base's folder name>/cv.json and prints each epoch's fold scores, their mean and its peak.
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MOTOR_REFERENCE, trialBandPowerReference } from '../../src/train/bandPowerReference';
import { pct } from '../../src/cli/commands/metricsLine';
import { REPO_ROOT } from '../../src/cli/paths';
import { codeVersion } from './codeVersion';
import { CHANNELS, CLASSES, recordingsOf, SEGMENT_SEC, SPLIT, splitTrials } from './data';
import { cli, FULL_ARGS, LABEL_ARG } from './finetuneStage';

export const FOLDS_FILE = join(REPO_ROOT, 'scripts', 'demo', 'folds.json');

export interface Fold {
  readonly heldOut: readonly string[];
  readonly train: readonly string[];
}

/**
 * Each fold held out in turn, the others training. Refuses folds that share a subject, hold a test subject, or do
 * not cover the train and validation subjects exactly (naming the subject and the fold).
 */
export function foldSplits(folds: readonly (readonly string[])[], split: { readonly train: readonly string[]; readonly validation: readonly string[]; readonly test: readonly string[] } = SPLIT): Fold[] {
  const seen = new Map<string, number>();
  folds.forEach((fold, k) => {
    for (const subject of fold) {
      if (split.test.includes(subject)) throw new Error(`fold ${k + 1} holds test subject ${subject}: the test subjects must be in no fold`);
      if (seen.has(subject)) throw new Error(`subject ${subject} is in fold ${seen.get(subject)! + 1} and fold ${k + 1}`);
      seen.set(subject, k);
    }
  });
  const missing = [...split.train, ...split.validation].filter((s) => !seen.has(s));
  if (missing.length) throw new Error(`no fold holds ${missing.join(', ')} (the folds must cover the train and validation subjects)`);
  const extra = [...seen.keys()].filter((s) => !split.train.includes(s) && !split.validation.includes(s));
  if (extra.length) throw new Error(`the folds hold ${extra.join(', ')}, which the split does not list as train or validation`);
  return folds.map((heldOut, k) => ({ heldOut: [...heldOut], train: folds.filter((_, j) => j !== k).flat().sort() }));
}

export const readFolds = (): Fold[] => foldSplits((JSON.parse(readFileSync(FOLDS_FILE, 'utf8')) as { folds: string[][] }).folds);

export interface CvSummary {
  /** Every epoch that all folds reached: each fold's held-out balanced accuracy and their mean. */
  readonly epochs: readonly { readonly epoch: number; readonly folds: readonly number[]; readonly mean: number }[];
  /** The epoch with the highest mean (the earliest of equals). */
  readonly peak: { readonly epoch: number; readonly folds: readonly number[]; readonly mean: number };
}

/** The folds' per-epoch held-out balanced accuracy (their fine-tuning histories), averaged over folds epoch by epoch. */
export function cvSummary(histories: readonly (readonly { readonly epoch: number; readonly validationBalancedAccuracy: number }[])[]): CvSummary {
  if (histories.length === 0) throw new Error('no fold histories to summarise');
  const byEpoch = histories.map((h) => new Map(h.map((r) => [r.epoch, r.validationBalancedAccuracy])));
  const common = [...byEpoch[0]!.keys()].filter((e) => byEpoch.every((m) => m.has(e))).sort((a, b) => a - b);
  if (common.length === 0) throw new Error('the folds share no finished epoch');
  const epochs = common.map((epoch) => {
    const folds = byEpoch.map((m) => m.get(epoch)!);
    return { epoch, folds, mean: folds.reduce((a, b) => a + b, 0) / folds.length };
  });
  const peak = epochs.reduce((best, e) => (e.mean > best.mean ? e : best));
  return { epochs, peak };
}

/** The printed table: one row per epoch, the fold scores and their mean, the peak marked; band power last. */
export function cvTable(summary: CvSummary, bandPower: readonly number[]): string {
  const mean = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const header = `epoch | ${summary.epochs[0]!.folds.map((_, k) => `fold ${k + 1}`).join(' | ')} | mean`;
  const rows = summary.epochs.map((e) => `${String(e.epoch).padStart(5)} | ${e.folds.map(pct).join(' | ')} | ${pct(e.mean)}${e.epoch === summary.peak.epoch ? '  <- peak' : ''}`);
  return [header, ...rows, `band power (aligned) | ${bandPower.map(pct).join(' | ')} | ${pct(mean(bandPower))}`].join('\n');
}

/** Runs `jobs` with at most `width` at a time, in order. */
async function inTurn(jobs: readonly (() => Promise<void>)[], width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
}

/** Fine-tuning options the stage sets itself, which `--with` may not change. */
const STAGE_OPTIONS = ['model', 'labels', 'segment', 'epochs', 'stop-after', 'train', 'val', 'test', 'out', 'checkpoint'];

/**
 * `--with` text: fine-tuning options added after the recipe's (the CLI keeps an option's last value), split at
 * white space, so a value cannot hold a space. Refuses text that does not start with an option, and options the
 * stage sets itself.
 */
export function extraFinetuneArgs(text: string): string[] {
  const args = text.trim().split(/\s+/).filter((a) => a.length > 0);
  if (args.length > 0 && !args[0]!.startsWith('--')) throw new Error(`--with must start with a fine-tuning option such as --mixup, got "${args[0]}"`);
  for (const a of args.filter((x) => x.startsWith('--'))) {
    const name = a.slice(2).split('=')[0]!;
    if (STAGE_OPTIONS.includes(name)) throw new Error(`--with may not set --${name}: the cv stage sets it (${STAGE_OPTIONS.map((o) => `--${o}`).join(', ')})`);
  }
  return args;
}

export async function crossValidationStage(runDir: string, options: { base?: string; stopAfter: number; extraArgs?: readonly string[]; name?: string }): Promise<void> {
  const epochs = Number(FULL_ARGS[FULL_ARGS.indexOf('--epochs') + 1]);
  if (!Number.isInteger(options.stopAfter) || options.stopAfter < 1 || options.stopAfter > epochs) throw new Error(`--stop-after must be an epoch number from 1 to the recipe's ${epochs}, got ${options.stopAfter}`);
  const base = options.base ?? join(runDir, 'base-pretrained');
  if (!existsSync(join(base, 'bundle.json'))) throw new Error(`${base}/bundle.json is missing: run --stage bases first, or pass --base DIR`);
  const extraArgs = options.extraArgs ?? [];
  if (extraArgs.length > 0 && !options.name) throw new Error('--with needs --name NAME: the arm\'s folds go to DIR/cv-NAME, apart from the recipe\'s');
  if (options.name !== undefined && !/^\w[\w.-]*$/.test(options.name)) throw new Error(`--name must be a folder name of letters, digits, "_", "." and "-", got "${options.name}"`);
  const folds = readFolds();
  const outDir = join(runDir, `cv-${options.name ?? basename(base)}`);
  mkdirSync(outDir, { recursive: true });
  // An arm's folds must all run with the same arguments: a restart with others is refused, not mixed in.
  const armFile = join(outDir, 'arm.json');
  const arm = `${JSON.stringify({ base, stopAfter: options.stopAfter, extraArgs }, null, 1)}\n`;
  if (existsSync(armFile) && readFileSync(armFile, 'utf8') !== arm) throw new Error(`${outDir} was started with other arguments (${armFile}): pass another --name, or the same arguments to resume`);
  writeFileSync(armFile, arm);
  const foldDir = (k: number) => join(outDir, `fold${k + 1}`);
  const done = (k: number) => existsSync(join(foldDir(k), 'finetune-report.json'));
  const args = (fold: Fold, k: number) => [
    'finetune', '--full', '--model', base, '--labels', LABEL_ARG, '--segment', String(SEGMENT_SEC), ...FULL_ARGS, ...extraArgs, '--stop-after', String(options.stopAfter),
    '--train', ...recordingsOf(fold.train, 'imagery'), '--val', ...recordingsOf(fold.heldOut, 'imagery'), '--out', foldDir(k),
  ];
  console.log(`cross-validating ${base}${extraArgs.length ? ` with ${extraArgs.join(' ')}` : ''} over ${folds.length} folds, epochs 1..${options.stopAfter}, ${Math.min(2, cpus().length)} at a time (logs in ${outDir})`);
  await inTurn(folds.map((fold, k) => async () => (done(k) ? undefined : cli(args(fold, k), join(outDir, `fold${k + 1}.log`)))), Math.min(2, cpus().length));

  const reports = folds.map((_, k) => JSON.parse(readFileSync(join(foldDir(k), 'finetune-report.json'), 'utf8')) as { history: { epoch: number; validationBalancedAccuracy: number }[] });
  const summary = cvSummary(reports.map((r) => r.history));
  console.log('band power (aligned) on the same folds');
  const refChannels = MOTOR_REFERENCE.channels.map((c) => CHANNELS.indexOf(c));
  const bandPower: number[] = [];
  for (const fold of folds) bandPower.push(trialBandPowerReference(await splitTrials(fold.train, 0), await splitTrials(fold.heldOut, 0), refChannels, CLASSES.length, 200).metrics.balancedAccuracy);
  const result = { base, stopAfter: options.stopAfter, recipe: FULL_ARGS, extraArgs, folds, summary, bandPower, summarisedBy: codeVersion() };
  writeFileSync(join(outDir, 'cv.json'), `${JSON.stringify(result, null, 1)}\n`);
  console.log(cvTable(summary, bandPower));
  console.log(`peak of the fold mean: epoch ${summary.peak.epoch}, ${pct(summary.peak.mean)}; wrote ${join(outDir, 'cv.json')}`);
}
