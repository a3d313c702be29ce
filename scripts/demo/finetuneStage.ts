// Stage "finetune" of `npm run train-demo`: the pretrained experts (stage "pretrain") and a fresh head become a base
// bundle; `specmoe finetune --full` fine-tunes the whole model on the demo split (the bundle), the same from randomly
// initialised experts (does pretraining help?), and `specmoe finetune` trains the head alone on the frozen pretrained
// experts (the in-tab fine-tuning). The two full runs go in parallel, one per core; each checkpoints every epoch
// and resumes. Then every model and the band-power reference are evaluated on the test subjects, and the bundle,
// its model card, loss curves and report are written to models/specmoe-demo-mi.
import { spawn } from 'node:child_process';
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { saveBundle } from '../../src/io/bundle';
import { readSafetensors, type NamedTensor } from '../../src/io/safetensors';
import { isEncoderKey } from '../../src/io/stateDict';
import { readWeights } from '../../src/io/weights';
import { initBackend } from '../../src/runtime/backend';
import { specMoEConfig, type SpecMoEConfig } from '../../src/model/config';
import { specMoEFromWeights } from '../../src/model/load';
import { parameterCount } from '../../src/model/params';
import type { CheckpointState } from '../../src/train/checkpoint';
import { trialBandPowerReference, MOTOR_REFERENCE } from '../../src/train/bandPowerReference';
import type { FullEpochRecord } from '../../src/train/fullFinetune';
import { classificationMetrics, type Metrics } from '../../src/train/metrics';
import { readModelFiles } from '../../src/cli/modelFiles';
import { REPO_ROOT } from '../../src/cli/paths';
import { reconstructionReport, reconstructionSection } from '../demoReconstruction';
import { lineChart } from './charts';
import { codeVersion, describeCode, FINETUNE_CODE_FILE, PRETRAINING_CODE_FILE, recordedCode } from './codeVersion';
import { CHANNELS, CLASSES, LABELS, PREPROCESSING, recordingsOf, SEGMENT_SEC, SPLIT, splitTrials } from './data';
import { CARD_FILE, EARLIER_RUNS_HEADING, earlierRuns, NOISE_BULLET } from './earlierRuns';
import { asNamed, freshExpert, specMoEStateDict } from './finetuneRun';

export const OUT_DIR = dirname(CARD_FILE);
export const LABEL_ARG = [...LABELS].map(([a, c]) => `${a}=${c}`).join(',');
const MIRROR_ARG = `${CLASSES[0]}=${CLASSES[1]}`;
/** Fine-tuning settings of the bundle and of the random-init ablation (the CLI's options). */
export const FULL_ARGS = ['--epochs', '20', '--batch', '16', '--experts-lr', '5e-4', '--lr', '1e-3', '--gate-lr', '5e-2', '--patience', '6', '--shift', '0.5', '--channel-dropout', '0.1', '--mirror', MIRROR_ARG, '--seed', '1', '--gate-weight-scale', '10'];
/** The epoch from which the recipe averages weights (`--average-from`), or null when it does not. */
const AVERAGE_FROM = FULL_ARGS.includes('--average-from') ? Number(FULL_ARGS[FULL_ARGS.indexOf('--average-from') + 1]) : null;

/** How far the figures above can be trusted: the bundle's own numbers, so a retraining keeps the bullet true. */
function noiseBullet(r: { bundled: Report; aligned: Metrics; alignedValidation: Metrics }): string {
  const standardError = 100 * Math.sqrt(0.25 / r.bundled.test.count);
  return `${NOISE_BULLET} ${r.bundled.test.count} test trials give a standard error of about ${standardError.toFixed(0)} points of balanced accuracy from
  the trials alone; the same recipe with another seed moved it by up to 6.8 points (50.9 → 57.7 %); the subjects
  differ far more (per-subject figures above); and the ${SPLIT.validation.length} validation subjects rank runs poorly (this bundle: ${pct(r.bundled.validation.balancedAccuracy)} on
  validation, ${pct(r.bundled.test.balancedAccuracy)} on test; aligned band power ${pct(r.alignedValidation.balancedAccuracy)} and ${pct(r.aligned.balancedAccuracy)}). A difference of a few points between two rows here is
  not evidence that one recipe is better.`;
}

function config(expert: SpecMoEConfig['expert']): SpecMoEConfig {
  return specMoEConfig({ expert, nClasses: CLASSES.length, segmentSec: SEGMENT_SEC, clfHidden: 32, lPool: 'mean', cPool: 'max' });
}

/** A base bundle: three experts (with decoders) and a fresh head, the demo task and preprocessing; head untrained. */
async function writeBaseBundle(dir: string, experts: Map<string, NamedTensor>[], widths: SpecMoEConfig['expert'], name: string): Promise<void> {
  const cfg = config(widths);
  const tensors = specMoEStateDict(experts, cfg, 11);
  experts.forEach((e, k) => {
    for (const [key, t] of e) if (!tensors.has(`experts.${k}.${key}`) && !key.endsWith('num_batches_tracked')) tensors.set(`experts.${k}.${key}`, t);
  });
  mkdirSync(dir, { recursive: true });
  const files = await saveBundle({
    config: {
      name,
      model: 'specmoe',
      architecture: { expert: { ...cfg.expert }, clfHidden: cfg.clfHidden, lPool: cfg.lPool, cPool: cfg.cPool },
      task: 'motor-imagery',
      classes: CLASSES,
      gateMode: 1,
      channels: CHANNELS,
      sampleRateHz: 200,
      segmentSec: SEGMENT_SEC,
      trained: false,
      provenance: { source: 'specmoe-web train-demo (base for fine-tuning)', createdAt: new Date().toISOString(), notes: 'head not trained' },
      preprocessing: PREPROCESSING,
      labels: Object.fromEntries(LABELS),
    },
    tensors,
    dtype: 'F32',
    fileOf: (key) => (key.startsWith('experts.') ? `expert${Number(key[8]) + 1}.safetensors` : 'head.safetensors'),
  });
  for (const [file, bytes] of files) writeFileSync(join(dir, file), bytes);
}

/** `specmoe ARGV...` in a child process, its output to `logFile`; rejects naming the log when it fails. */
export function cli(argv: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('sh', ['-c', `${[process.execPath, join(REPO_ROOT, 'bin', 'specmoe.mjs'), ...argv].map((a) => `'${a}'`).join(' ')} > '${logFile}' 2>&1`], { cwd: REPO_ROOT, stdio: 'inherit' });
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`specmoe ${argv[0]} exited with ${code}; see ${logFile}`))));
  });
}

const splitArgs = () => ['--train', ...recordingsOf(SPLIT.train, 'imagery'), '--val', ...recordingsOf(SPLIT.validation, 'imagery'), '--test', ...recordingsOf(SPLIT.test, 'imagery')];

interface Report {
  readonly validation: Metrics;
  readonly test: Metrics;
  readonly history: (FullEpochRecord | { epoch: number; trainLoss: number; validationLoss: number })[];
  readonly bestEpoch: number;
  readonly trainSec?: number;
  readonly seconds?: number;
  readonly bandPowerReference: Metrics & { channels?: string[] };
}

const readReport = (dir: string) => JSON.parse(readFileSync(join(dir, 'finetune-report.json'), 'utf8')) as Report;
const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const row = (name: string, m: Metrics) => `| ${name} | ${pct(m.balancedAccuracy)} | ${m.kappa.toFixed(3)} | ${m.weightedF1.toFixed(3)} | ${m.recall.map(pct).join(' / ')} | ${m.confusion.map((r) => r.join(' ')).join(' / ')} | ${m.count} |`;

/** The pretraining stage's experts in the run folder, their checkpoint states and widths. */
function pretrainedExperts(runDir: string) {
  const experts = [1, 2, 3].map((k) => readSafetensors(readFileSync(join(runDir, `expert${k}`, 'expert.safetensors'))).tensors);
  const states = [1, 2, 3].map((k) => JSON.parse(readFileSync(join(runDir, `expert${k}`, 'state.json'), 'utf8')) as CheckpointState);
  return { experts, states, widths: states[0]!.settings.expert };
}

/**
 * The run folder's base bundles (written once): base-pretrained (the pretrained experts and a fresh head) and
 * base-random (random experts, the same fresh head); `specmoe finetune` starts from them.
 */
export async function baseBundles(runDir: string, { experts, widths } = pretrainedExperts(runDir)): Promise<{ readonly pretrained: string; readonly random: string }> {
  await initBackend(['wasm']); // the base bundles' fresh heads and random experts are drawn with tfjs
  const bases = { pretrained: join(runDir, 'base-pretrained'), random: join(runDir, 'base-random') };
  if (!existsSync(join(bases.pretrained, 'bundle.json'))) await writeBaseBundle(bases.pretrained, experts, widths, 'SpecMoE demo base (pretrained experts)');
  if (!existsSync(join(bases.random, 'bundle.json'))) await writeBaseBundle(bases.random, [0, 1, 2].map((k) => freshExpert(widths, 500 + k)), widths, 'SpecMoE demo base (random experts)');
  return bases;
}

export async function finetuneStage(runDir: string): Promise<void> {
  // Read before the long runs, so later edits to the checkout do not pass for the code that ran; pretraining's own
  // record comes from the run folder (it may have run at another commit, or before this record existed).
  const pretrainedAt = recordedCode(runDir, PRETRAINING_CODE_FILE);
  const cardAt = codeVersion();
  const runs = { full: join(runDir, 'full-pretrained'), random: join(runDir, 'full-random'), head: join(runDir, 'head-only') };
  const done = (dir: string) => existsSync(join(dir, 'finetune-report.json'));
  // The fine-tuning runs' code is recorded when they first start: a stage started again over finished runs (to rewrite
  // the card) must not pass its own commit for theirs, nor claim runs that finished before this record existed.
  if (!existsSync(join(runDir, FINETUNE_CODE_FILE)) && !Object.values(runs).some(done)) writeFileSync(join(runDir, FINETUNE_CODE_FILE), `${cardAt}\n`);
  const code = describeCode({ pretraining: pretrainedAt, finetuning: recordedCode(runDir, FINETUNE_CODE_FILE), card: cardAt });
  const pretrained = pretrainedExperts(runDir);
  const { states, widths } = pretrained;
  const bases = await baseBundles(runDir, pretrained);
  console.log('fine-tuning the whole model from pretrained and from random experts (in parallel), then the head alone');
  await Promise.all([
    done(runs.full) ? null : cli(['finetune', '--full', '--model', bases.pretrained, '--labels', LABEL_ARG, '--segment', String(SEGMENT_SEC), ...FULL_ARGS, ...splitArgs(), '--out', runs.full], join(runDir, 'full-pretrained.log')),
    done(runs.random) ? null : cli(['finetune', '--full', '--model', bases.random, '--labels', LABEL_ARG, '--segment', String(SEGMENT_SEC), ...FULL_ARGS, ...splitArgs(), '--out', runs.random], join(runDir, 'full-random.log')),
  ]);
  if (!done(runs.head)) await cli(['finetune', '--model', bases.pretrained, '--labels', LABEL_ARG, '--segment', String(SEGMENT_SEC), ...splitArgs(), '--cache', join(runDir, 'embeddings'), '--out', runs.head], join(runDir, 'head-only.log'));
  const [full, random, head] = [readReport(runs.full), readReport(runs.random), readReport(runs.head)];
  // Training time from the runs' own reports (a resumed or re-evaluated stage counts each run once), evaluation here.
  const trainedSec = Math.max(full.trainSec ?? 0, random.trainSec ?? 0) + (head.seconds ?? head.trainSec ?? 0);
  const evaluationStarted = Date.now();
  // The bundle is the variant with the better validation score (the test subjects choose nothing).
  const chosen: 'full' | 'head' = head.validation.balancedAccuracy > full.validation.balancedAccuracy ? 'head' : 'full';
  const bundled = chosen === 'full' ? full : head;
  console.log(`bundling the ${chosen === 'full' ? 'whole-model' : 'head-only'} fine-tuning (validation ${pct(full.validation.balancedAccuracy)} whole model, ${pct(head.validation.balancedAccuracy)} head only)`);

  console.log('evaluating on the test subjects');
  const loaded = specMoEFromWeights(await readWeights(readModelFiles(runs[chosen])));
  const test = await splitTrials(SPLIT.test, 0);
  const train = await splitTrials(SPLIT.train, 0);
  const refChannels = MOTOR_REFERENCE.channels.map((c) => CHANNELS.indexOf(c));
  const aligned = { ...trialBandPowerReference(train, test, refChannels, 2, 200), name: 'the same with Euclidean alignment' };
  const alignedValidation = trialBandPowerReference(train, await splitTrials(SPLIT.validation, 0), refChannels, 2, 200).metrics;
  const { gates, predicted } = await testGates(loaded, test);
  const perSubject = SPLIT.test.map((subject) => {
    const idx = test.subjects.flatMap((s, i) => (s === subject ? [i] : []));
    const score = (pred: readonly number[]) => classificationMetrics(idx.map((i) => test.labels[i]!), idx.map((i) => pred[i]!), CLASSES.length).balancedAccuracy;
    return { subject, trials: idx.length, bundle: score(predicted), bandPowerAligned: score(aligned.predicted) };
  });
  const reconstruction = await reconstructionReport(loaded.experts!, recordingsOf(SPLIT.test, 'imagery').filter((f) => /R04\.edf\.gz$/.test(f)));

  const pretrainSec = states.map((s) => Number(s.notes.wallSec ?? 0));
  rmSync(OUT_DIR, { recursive: true, force: true });
  mkdirSync(OUT_DIR, { recursive: true });
  for (const file of ['expert1.safetensors', 'expert2.safetensors', 'expert3.safetensors', 'head.safetensors']) writeFileSync(join(OUT_DIR, file), readFileSync(join(runs[chosen], file)));
  writeFileSync(join(OUT_DIR, 'bundle.json'), demoBundleJson(readFileSync(join(runs[chosen], 'bundle.json'), 'utf8'), { chosen, full, random, head, code }));
  const smooth = (xs: number[]) => xs.map((_, i) => xs.slice(Math.max(0, i - 24), i + 1).reduce((a, b) => a + b, 0) / Math.min(i + 1, 25));
  writeFileSync(join(OUT_DIR, 'pretraining-loss.svg'), lineChart('Pretraining loss (moving average of 25 steps)', states.map((s, k) => ({ name: `expert ${k + 1}`, values: smooth(s.history.map((h) => h.total)), colour: ['#0072B2', '#E69F00', '#009E73'][k]! })), 'step'));
  writeFileSync(
    join(OUT_DIR, 'finetune-curves.svg'),
    lineChart('Fine-tuning loss (whole model)', [
      { name: 'pretrained: train', values: full.history.map((h) => h.trainLoss), colour: '#0072B2' },
      { name: 'pretrained: validation', values: full.history.map((h) => h.validationLoss), colour: '#D55E00' },
      { name: 'random init: train', values: random.history.map((h) => h.trainLoss), colour: '#56B4E9' },
      { name: 'random init: validation', values: random.history.map((h) => h.validationLoss), colour: '#E69F00' },
    ], 'epoch'),
  );
  const parameters = {
    classifier: parameterCount(loaded.model.params.entries()),
    decoders: (loaded.experts ?? []).reduce((a, e) => a + parameterCount([...e.params.entries()].filter(([k]) => !isEncoderKey(k))), 0),
  };
  const card = modelCard({ code, chosen, bundled, full, random, head, aligned: aligned.metrics, alignedValidation, perSubject, gates, pretrainSec, states, widths, parameters, finetuneWallSec: trainedSec + (Date.now() - evaluationStarted) / 1000, reconstruction: reconstructionSection(reconstruction) });
  writeFileSync(CARD_FILE, card);
  writeFileSync(join(OUT_DIR, 'report.json'), JSON.stringify({ split: SPLIT, chosen, full, random, head, bandPowerAligned: aligned.metrics, perSubject, gates, pretrainSec, reconstruction }, null, 1));
  console.log(`wrote ${OUT_DIR}: test balanced accuracy ${pct(bundled.test.balancedAccuracy)}, band power ${pct(full.bandPowerReference.balancedAccuracy)}`);
}

interface GateSummary {
  /** Per expert: mean, standard deviation, min and max over test trials of the trial's mean gate value. */
  readonly perExpert: { mean: number; sd: number; min: number; max: number }[];
}

/** The chosen run's bundle.json under the name and provenance a user sees in the app (the CLI's writer names it after its base). */
function demoBundleJson(text: string, r: { chosen: 'full' | 'head'; full: Report; random: Report; head: Report; code: string }): string {
  const bundle = JSON.parse(text) as { name: string; provenance: Record<string, unknown> };
  const bundled = r[r.chosen];
  bundle.name = 'SpecMoE demo: motor imagery, left vs right fist (eegmmidb)';
  bundle.provenance = {
    ...bundle.provenance,
    source: `pretrained and fine-tuned by specmoe-web (npm run train-demo; ${r.code}) on PhysioNet eegmmidb`,
    notes: `${r.chosen === 'full' ? 'whole model' : 'head only'} fine-tuned; test balanced accuracy ${pct(bundled.test.balancedAccuracy)} (subjects ${SPLIT.test.join(', ')}); band-power reference ${pct(r.full.bandPowerReference.balancedAccuracy)}; random-init experts ${pct(r.random.test.balancedAccuracy)}; ${r.chosen === 'full' ? `head only ${pct(r.head.test.balancedAccuracy)}` : `whole model ${pct(r.full.test.balancedAccuracy)}`}`,
  };
  return `${JSON.stringify(bundle, null, 1)}\n`;
}

/** The bundle's gates on the test trials (what the app's gate views show). */
async function testGates(loaded: ReturnType<typeof specMoEFromWeights>, test: Awaited<ReturnType<typeof splitTrials>>): Promise<{ gates: GateSummary; predicted: number[] }> {
  const { FullFinetuner, DEFAULT_FULL_FINETUNE, trainableSpecMoE } = await import('../../src/train/fullFinetune');
  const evaluation = new FullFinetuner(trainableSpecMoE(asNamed(loaded.model.params), loaded.model.config), DEFAULT_FULL_FINETUNE).evaluate(test);
  const check = classificationMetrics(Array.from(test.labels), evaluation.predicted, 2);
  console.log(`bundle on test trials: BA ${pct(check.balancedAccuracy)}`);
  const gates = {
    perExpert: [0, 1, 2].map((k) => {
      const v = evaluation.gates.map((g) => g[k]!);
      const mean = v.reduce((a, b) => a + b, 0) / v.length;
      return { mean, sd: Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / v.length), min: Math.min(...v), max: Math.max(...v) };
    }),
  };
  return { gates, predicted: evaluation.predicted };
}

function modelCard(r: {
  code: string;
  chosen: 'full' | 'head';
  bundled: Report;
  full: Report;
  random: Report;
  head: Report;
  aligned: Metrics;
  alignedValidation: Metrics;
  perSubject: { subject: string; trials: number; bundle: number; bandPowerAligned: number }[];
  gates: GateSummary;
  pretrainSec: number[];
  states: CheckpointState[];
  widths: SpecMoEConfig['expert'];
  parameters: { classifier: number; decoders: number };
  finetuneWallSec: number;
  reconstruction: string;
}): string {
  const s0 = r.states[0]!.settings;
  const windows = r.states.map((s) => Object.values(s.notes.data as Record<string, { kept: number }>).reduce((a, d) => a + d.kept, 0));
  const margin = 100 * (r.bundled.test.balancedAccuracy - r.full.bandPowerReference.balancedAccuracy);
  const pretrainWall = Math.max(...r.pretrainSec);
  const totalHours = (pretrainWall + r.finetuneWallSec) / 3600;
  return `# SpecMoE demo model: motor imagery (left vs right fist)

Pretrained and fine-tuned by this project's own pipeline (\`npm run train-demo\`; ${r.code}) on real EEG: PhysioNet EEG Motor
Movement/Imagery (eegmmidb, ODC-By 1.0; Schalk et al. 2004, Goldberger et al. 2000). Not the authors' weights.

**What it can and cannot do.** On ${SPLIT.test.length} subjects it never saw, it tells imagined left-fist from right-fist
movement in ${pct(r.bundled.test.balancedAccuracy)} of trials (balanced accuracy; chance is 50 %), ${margin >= 0 ? `${margin.toFixed(1)} points above` : `${(-margin).toFixed(1)} points below`} mu/beta band power with
logistic regression on the same trials (${pct(r.full.bandPowerReference.balancedAccuracy)}). ${margin >= 5 ? 'That is a usable demonstration of cross-subject decoding, not a clinical or BCI-grade decoder' : margin > 0 ? 'It is only slightly better than that simple baseline, and not a clinical or BCI-grade decoder' : 'A simple baseline does as well or better: treat it as a demonstration of the pipeline, not as a decoder to rely on'}: about ${Math.round(100 - 100 * r.bundled.test.accuracy)} in 100 trials are wrong, and accuracy varies widely between people.
${r.chosen === 'full' ? 'The whole model (experts included) was fine-tuned on the task.' : 'The bundle is the head-only variant (gate and classifier trained on the frozen pretrained experts): it scored better on the validation subjects than fine-tuning the whole model.'}
It expects 4-s segments from the ${CHANNELS.length} sensorimotor channels below at the imagery cue (T1/T2 onsets), and whole
recordings (it aligns each recording's channels on that recording's own covariance).

## Data and split
- Task: imagined left vs right fist, eegmmidb runs 4, 8 and 12 (T1 = left fist, T2 = right fist; T0, rest, is not a
  class), one 4-s segment from each T1/T2 onset.
- Channels: ${CHANNELS.join(', ')}; 160 → 200 Hz (FFT resampling), band-pass ${PREPROCESSING.lowHz}–${PREPROCESSING.highHz} Hz, then per-recording Euclidean
  alignment (each recording's channels times s·R^-1/2, R its shrunk covariance, s = ${PREPROCESSING.alignment!.targetRmsUv} µV; He & Wu 2020), µV/100.
- Subjects (scripts/demo/split.json, drawn once at random): train ${SPLIT.train.join(', ')}; validation ${SPLIT.validation.join(', ')};
  test ${SPLIT.test.join(', ')}. Test subjects are seen by no stage. The subjects reserved for an independent check are never read.
- Pretraining (self-supervised): every shared run of the train and validation subjects (all 14 runs of S001, 8 of S015
  and S042, 3 of the others), 6-s windows, three experts on three disjoint partitions by recording: ${windows.join(', ')} windows.

## Configuration and parameters
- Experts: SpecHi-Net, widths d1 ${r.widths.d1}, d2 ${r.widths.d2}, d3 ${r.widths.d3}, up3Mid ${r.widths.up3Mid}, ${r.widths.heads} heads (the authors': 32/64/128/32, 8 heads).
- Pretraining: Gaussian STFT masks with the paper's defaults; input the masked window, target the original; loss MSE +
  0.02·spectral for both branches + 0.3/0.2 × the aux heads; AdamW lr ${s0.optimizer.learningRate}, weight decay ${s0.optimizer.weightDecay}, cosine to 1e-6, clipping 5,
  batch ${s0.batchSize}, ${s0.totalSteps} steps per expert.
- Fine-tuning of the whole model (\`specmoe finetune --full ${FULL_ARGS.join(' ')}\`): experts, gate
  and classifier trained together (AdamW, experts at a lower rate), class-weighted cross-entropy, classifier dropout 0.2,
  random time shifts of ±0.5 s, channel dropout 0.1, left-right mirroring (C3 ↔ C4 …, classes swapped) half the time,
  cosine schedule, ${AVERAGE_FROM === null ? '' : `the weights averaged over the epochs from ${AVERAGE_FROM} on (stochastic weight averaging: validation,
  early stopping and the kept weights use the average),\n  `}early stopping on the validation loss (best epoch ${r.full.bestEpoch} of ${r.full.history.length}).
- Parameters: ${r.parameters.classifier.toLocaleString('en')} in the classifying model (three expert encoders, gate and classifier), plus
  ${r.parameters.decoders.toLocaleString('en')} in the experts' decoders, used only for the reconstruction views.
- SpecMoE head: gate mode 1 (Welch PSD → linear → sigmoid per expert), L-pool mean, C-pool max, classifier hidden 3 × 32.

## Wall time and hardware
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, no GPU, tfjs-backend-wasm in Node ${process.version}. Pretraining: the three experts in parallel, ${(pretrainWall / 60).toFixed(0)} min
(step time of the slowest); fine-tuning stage (the longer of the two full runs, which run in parallel, then the head-only
run and the evaluation): ${(r.finetuneWallSec / 60).toFixed(0)} min.
In all ${totalHours.toFixed(1)} h of wall time (the machine was not reserved for the run: other work may have slowed it).

## Results on the test subjects
| model | balanced accuracy | Cohen's κ | weighted F1 | recall left / right | confusion (rows: true left / right) | n |
|---|---:|---:|---:|---|---|---:|
${row(`${r.chosen === 'full' ? '**this bundle**: ' : ''}pretrained experts, whole model fine-tuned`, r.full.test)}
${row('same fine-tuning from randomly initialised experts', r.random.test)}
${row(`${r.chosen === 'head' ? '**this bundle**: ' : ''}head only (gate + classifier) on the frozen pretrained experts`, r.head.test!)}
${row('log band power 8–13, 13–30 Hz on C3, Cz, C4, CP3, CP4, FC3, FC4 (Welch) + logistic regression', r.full.bandPowerReference)}
${row('the same band power after Euclidean alignment', r.aligned)}

Per test subject (balanced accuracy of ${r.chosen === 'full' ? 'this bundle' : 'the bundled head-only model'} / of aligned band power): ${r.perSubject.map((p) => `${p.subject} ${pct(p.bundle)} / ${pct(p.bandPowerAligned)} (${p.trials} trials)`).join('; ')}.

Validation balanced accuracy (which chose the bundle): whole model ${pct(r.full.validation.balancedAccuracy)}, random init ${pct(r.random.validation.balancedAccuracy)}, head only ${pct(r.head.validation.balancedAccuracy)}.
Band power and the models are trained on the same training subjects (band power: train only; the models stop early on validation).

${EARLIER_RUNS_HEADING}
${earlierRuns()}
${noiseBullet(r)}

## What the gate learned
Mean gate value per test trial (sigmoid of the gate's linear map of the trial's Welch PSD, averaged over channels
and features), per expert: ${r.gates.perExpert.map((g, k) => `expert ${k + 1} ${g.mean.toFixed(3)} ± ${g.sd.toFixed(3)} (${g.min.toFixed(3)}–${g.max.toFixed(3)})`).join('; ')}.
${r.gates.perExpert.every((g) => g.sd < 0.01) ? '**The gate is nearly flat** (spread below 0.01 on every expert): it weighs the experts almost equally whatever the spectrum.' : 'The gate varies with the spectrum from trial to trial (spread above); the app shows it per segment and per channel.'}

## Loss curves
![pretraining loss](pretraining-loss.svg) ![fine-tuning loss](finetune-curves.svg)

${r.reconstruction}`;
}
