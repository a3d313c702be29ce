// Stage "finetune" of `npm run train-demo`: three pretrained experts (from stage "pretrain") + a motor-imagery head
// fine-tuned with the app's own fine-tuning code, evaluated on held-out subjects beside the band-power reference
// and beside randomly initialised experts; writes the bundle, loss curves and the model card to models/.
import { cpus } from 'node:os';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openRecordingFile } from '../src/cli/files';
import { MOTOR_16 } from '../src/cli/commands/pretrain';
import { saveBundle } from '../src/io/bundle';
import { readSafetensors, type NamedTensor } from '../src/io/safetensors';
import { assembleSpecMoEStateDict } from '../src/io/stateDict';
import { expertStateDictShapes } from '../src/model/architecture';
import { initBackend } from '../src/model/backend';
import { specMoEConfig, type SpecMoEConfig } from '../src/model/config';
import { initExpertParams, initHeadParams } from '../src/model/init';
import { buildExpert, buildSpecMoE, type LoadedModel, specMoEFromWeights } from '../src/model/load';
import { readWeights } from '../src/io/weights';
import { readModelFiles } from '../src/cli/modelFiles';
import type { ParamStore } from '../src/model/params';
import { findTask } from '../src/model/tasks';
import type { CheckpointState } from '../src/train/checkpoint';
import { type FinetuneResult, finetune, finetunedBundle, type LabelledRecording } from '../src/train/finetune';
import { DEFAULT_HEAD_SETTINGS } from '../src/train/headSettings';
import type { Metrics } from '../src/train/metrics';
import { subjectOf } from '../src/train/labels';
import type { ReconstructionBandErrors } from '../src/dsp/bandErrors';
import { PAPER_MASK_PARAMS } from '../src/dsp/masks';
import type { Expert } from '../src/model/expert';
import { extractWindows, type PretrainWindow } from '../src/train/pretrainData';
import { evaluateReconstruction } from '../src/train/reconstructionEval';
import { makeBatch } from '../src/train/pretrain';
import { LOSS_WEIGHTS, stftMagnitude } from '../src/train/reconstructionLoss';
import { seededRandom } from '../src/dsp/random';
import * as tf from '@tensorflow/tfjs';

const CLASSES = ['left fist', 'right fist'];
const LABELS = new Map([['T1', 'left fist'], ['T2', 'right fist']]);
const PREPROCESSING = { lowHz: 0.3, highHz: 75, notchHz: 60 as const };
const SEGMENT_SEC = 4;

const asNamed = (store: ParamStore): Map<string, NamedTensor> =>
  new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));

/** A fresh expert as a state dict, BatchNorm step counters included (they are not parameters). */
function freshExpert(config: SpecMoEConfig['expert'], seed: number): Map<string, NamedTensor> {
  const tensors = asNamed(initExpertParams(config, seed));
  for (const [key] of expertStateDictShapes(config)) if (key.endsWith('num_batches_tracked')) tensors.set(key, { dtype: 'I64', shape: [], data: new Float64Array([0]) });
  return tensors;
}

/** A LoadedModel from three expert state dicts (full experts) and a fresh, seeded head. */
function baseModel(experts: Map<string, NamedTensor>[], config: SpecMoEConfig, seed: number): { loaded: LoadedModel; tensors: Map<string, NamedTensor> } {
  const head = initHeadParams(config, seed);
  const tensors = assembleSpecMoEStateDict(experts, asNamed(head));
  head.dispose();
  // The bundle keeps the decoders too (experts.k.Up1…), for the reconstruction view.
  const withDecoders = new Map(tensors);
  experts.forEach((e, k) => {
    for (const [key, t] of e) if (!withDecoders.has(`experts.${k}.${key}`) && !key.endsWith('num_batches_tracked')) withDecoders.set(`experts.${k}.${key}`, t);
  });
  const task = { ...findTask('motor-imagery')!, classes: CLASSES, channels: MOTOR_16, segmentSec: SEGMENT_SEC };
  return {
    loaded: {
      model: buildSpecMoE(tensors, config),
      experts: experts.map((e) => buildExpert(e, config.expert)),
      task,
      bundle: null,
      trained: true,
      preprocessing: PREPROCESSING,
      description: 'demo SpecMoE (pretrained experts, head to be trained)',
    },
    tensors: withDecoders,
  };
}

async function run(loaded: LoadedModel, expertsId: string, split: Record<'train' | 'validation' | 'test', string[]>): Promise<FinetuneResult> {
  const recordings: LabelledRecording[] = [];
  for (const name of ['train', 'validation', 'test'] as const) {
    for (const path of split[name]) recordings.push({ recording: await openRecordingFile(path), recordingId: basename(path).replace(/\.edf\.gz$/, ''), subject: subjectOf(path), split: name });
  }
  const cacheDir = join('.cache', 'embeddings');
  mkdirSync(cacheDir, { recursive: true });
  try {
    return await finetune({
      base: loaded,
      expertsId,
      labelMap: LABELS,
      segmentSec: SEGMENT_SEC,
      offsetSec: 0,
      recordings,
      settings: DEFAULT_HEAD_SETTINGS,
      cache: {
        get: async (key) => {
          try {
            return new Uint8Array(readFileSync(join(cacheDir, `${key}.safetensors`)));
          } catch {
            return undefined;
          }
        },
        set: async (key, bytes) => writeFileSync(join(cacheDir, `${key}.safetensors`), bytes),
      },
      onStage: (stage, done, total) => done < total && console.log(`  ${stage} (${done + 1}/${total})`),
      onEpoch: (r) => console.log(`  epoch ${r.epoch}: train ${r.trainLoss.toFixed(3)} / val ${r.validationLoss.toFixed(3)}, val BA ${(100 * r.validationBalancedAccuracy).toFixed(1)} %`),
    });
  } finally {
    for (const r of recordings) await r.recording.close();
  }
}

/** A small SVG line chart (no dependency): one polyline per series. */
function lineChart(title: string, series: { name: string; values: number[]; colour: string }[], xLabel: string): string {
  const w = 640;
  const h = 260;
  const pad = 40;
  const all = series.flatMap((s) => s.values).filter(Number.isFinite);
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const n = Math.max(...series.map((s) => s.values.length));
  const x = (i: number) => pad + (i / Math.max(1, n - 1)) * (w - 2 * pad);
  const y = (v: number) => h - pad - ((v - lo) / (hi - lo || 1)) * (h - 2 * pad);
  const lines = series.map((s) => `<polyline fill="none" stroke="${s.colour}" stroke-width="1.2" points="${s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')}"/>`);
  const legend = series.map((s, i) => `<text x="${w - 200}" y="${20 + 14 * i}" fill="${s.colour}" font-size="11">${s.name}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif"><rect width="100%" height="100%" fill="#fff"/><text x="${pad}" y="16" font-size="13">${title}</text>${lines.join('')}${legend.join('')}<text x="${w / 2}" y="${h - 8}" font-size="11">${xLabel}</text><text x="4" y="${pad}" font-size="10">${hi.toPrecision(3)}</text><text x="4" y="${h - pad}" font-size="10">${lo.toPrecision(3)}</text></svg>\n`;
}

/** Held-out windows for the reconstruction report: the pretraining window spec on recordings no stage trains on. */
async function heldOutWindows(files: readonly string[]): Promise<PretrainWindow[]> {
  const windows: PretrainWindow[] = [];
  for (const file of files) {
    const recording = await openRecordingFile(file);
    try {
      const spec = { channels: MOTOR_16, windowSec: 6, sampleRateHz: 200, artifactUv: 250, ...PREPROCESSING };
      windows.push(...(await extractWindows(recording, basename(file), spec)).windows);
    } finally {
      await recording.close();
    }
  }
  return windows;
}

export interface ReconstructionReport {
  readonly files: string[];
  readonly windows: number;
  /** The pretraining loss's two terms for the masked input taken as the prediction (mean over windows). */
  readonly maskedInputLoss: { readonly mse: number; readonly spectral: number };
  /** Per expert, per band. */
  readonly experts: ReconstructionBandErrors[][];
}

/** Each expert's reconstruction of Gaussian-masked held-out windows (the same masks for the three experts). */
export async function reconstructionReport(experts: readonly Expert[], files: readonly string[]): Promise<ReconstructionReport> {
  const windows = await heldOutWindows(files);
  // The same masks as evaluateReconstruction draws (same seed, one per window, in order).
  const random = seededRandom(12345);
  let mse = 0;
  let spectral = 0;
  for (const w of windows) {
    const batch = makeBatch([w], MOTOR_16.length, PAPER_MASK_PARAMS, 200, random);
    const [m, sp] = tf.tidy(() => {
      const shape = batch.shape as [number, number, number];
      const [pred, target] = [tf.tensor3d(batch.x, shape), tf.tensor3d(batch.target, shape)];
      const rows = [shape[0] * shape[1], shape[2]] as [number, number];
      const magnitudes = [pred, target].map((t) => stftMagnitude(tf.reshape(t, rows) as tf.Tensor2D));
      return [tf.mean(tf.squaredDifference(pred, target)).dataSync()[0]!, LOSS_WEIGHTS.spectral * tf.mean(tf.squaredDifference(magnitudes[0]!, magnitudes[1]!)).dataSync()[0]!];
    });
    mse += m / windows.length;
    spectral += sp / windows.length;
  }
  return { files: files.map((f) => basename(f)), windows: windows.length, maskedInputLoss: { mse, spectral }, experts: experts.map((e) => evaluateReconstruction(e, windows, MOTOR_16.length, PAPER_MASK_PARAMS, 12345)) };
}

const ratioCell = (e: { masked: number; dec1: number; dec2: number }) => `${(e.dec1 / e.masked).toFixed(2)} / ${(e.dec2 / e.masked).toFixed(2)}`;

type Measure = 'waveform' | 'magnitude' | 'maskedRegions';

/** The model card's reconstruction section: three measures per band, and what they say, from the measured ratios. */
export function reconstructionSection(report: ReconstructionReport): string {
  const table = (m: Measure) => ['| band | expert 1 | expert 2 | expert 3 |', '|---|---|---|---|', ...report.experts[0]!.map((b, i) => `| ${b.band} | ${report.experts.map((e) => ratioCell(e[i]![m])).join(' | ')} |`)].join('\n');
  const summary = (m: Measure) => {
    const ratios = report.experts.flatMap((e) => e.flatMap((b) => [b[m].dec1 / b[m].masked, b[m].dec2 / b[m].masked]));
    const worse = [...new Set(report.experts.flatMap((e) => e.filter((b) => b[m].dec1 >= b[m].masked || b[m].dec2 >= b[m].masked).map((b) => b.band)))];
    return `${ratios.filter((r) => r < 1).length} of ${ratios.length} band/branch/expert cases${worse.length > 0 && worse.length < 5 ? ` (not in ${worse.join(', ')})` : ''}`;
  };
  return `${RECONSTRUCTION_HEADING}
Each expert reconstructs ${report.windows} Gaussian-masked 6-s windows of held-out recordings (${report.files.join(', ')};
subjects no stage trains on), masked with the paper's default masks (one seeded mask per window, the same for
the three experts). Figures are error ratios, branch 1 / branch 2, divided by the masked input's error: below 1 =
the reconstruction is closer to the original than the masked input. The app's reconstruction view shows the same
three measures for any segment, beside the four spectrograms on one colour scale.

**Spectrogram magnitude in the masked regions** (squared difference of STFT magnitudes, 2-s Hann frames on the
masking grid, each cell weighted by how much it was masked, 1 − M: the part a masked model is asked to fill in):

${table('maskedRegions')}

**Spectrogram magnitude, all cells** (the unmasked cells of the masked input are the original's, so any change there counts against the reconstruction):

${table('magnitude')}

**Waveform** (power of the difference signal per band; needs the phase right):

${table('waveform')}

Closer to the original than the masked input: in the masked regions in ${summary('maskedRegions')}; over all cells in
${summary('magnitude')}; as a waveform in ${summary('waveform')}.
Why the waveform differs: the pretraining loss is MSE + 0.02 × the spectral term with the authors' unnormalised
\`torch.stft\` (n_fft 512). Taking the masked input as the prediction on these windows gives MSE ${report.maskedInputLoss.mse.toFixed(3)} and
0.02 × spectral ${report.maskedInputLoss.spectral.toFixed(3)} (${(report.maskedInputLoss.spectral / report.maskedInputLoss.mse).toFixed(1)}×), so training mostly teaches the
experts to put the right spectral magnitude back into the masked regions, not the right phase; a waveform with the
right magnitudes and a guessed phase has a larger sample-by-sample error than the masked input. More pretraining
(the paper: 50 epochs over 1.1 M windows on 8 GPUs; this bundle: see Configuration) is what would improve all three.
`;
}

const RECONSTRUCTION_HEADING = '## Reconstruction of held-out windows';

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;
const metricsRow = (name: string, m: Metrics) => `| ${name} | ${pct(m.balancedAccuracy)} | ${m.weightedF1.toFixed(3)} | ${m.kappa.toFixed(3)} | ${m.recall.map(pct).join(' / ')} | ${m.count} |`;

export async function buildDemoBundle(options: { runDir: string; outDir: string; split: Record<'train' | 'validation' | 'test', string[]>; reconstructionFiles: string[] }): Promise<void> {
  const started = Date.now();
  await initBackend(['wasm']);
  const states = [1, 2, 3].map((k) => JSON.parse(readFileSync(join(options.runDir, `expert${k}`, 'state.json'), 'utf8')) as CheckpointState);
  const experts = [1, 2, 3].map((k) => readSafetensors(readFileSync(join(options.runDir, `expert${k}`, 'expert.safetensors'))).tensors);
  const expertConfig = states[0]!.settings.expert;
  const config = specMoEConfig({ expert: expertConfig, nClasses: CLASSES.length, segmentSec: SEGMENT_SEC, clfHidden: 32, lPool: 'mean', cPool: 'max' });

  console.log('fine-tuning the head on the pretrained experts');
  const pretrained = baseModel(experts, config, 11);
  const result = await run(pretrained.loaded, 'demo-pretrained', options.split);
  console.log('the same with randomly initialised experts (what pretraining buys)');
  const randomExperts = [0, 1, 2].map((k) => freshExpert(expertConfig, 500 + k));
  const random = baseModel(randomExperts, config, 11);
  const randomResult = await run(random.loaded, 'demo-random-init', options.split);
  console.log('reconstructions of held-out windows');
  const reconstruction = await reconstructionReport(pretrained.loaded.experts!, options.reconstructionFiles);

  rmSync(options.outDir, { recursive: true, force: true });
  mkdirSync(options.outDir, { recursive: true });
  const test = result.test!;
  const notes = `test balanced accuracy ${pct(test.metrics.balancedAccuracy)} (subjects ${result.splits[2]!.subjects.join(', ')}); band-power reference ${pct(result.reference.balancedAccuracy)}; random-init experts ${pct(randomResult.test!.metrics.balancedAccuracy)}`;
  const bundle = finetunedBundle(pretrained.loaded, pretrained.tensors, result, 'SpecMoE demo: motor imagery, left vs right fist (eegmmidb)', notes);
  const files = await saveBundle({ ...bundle, config: { ...bundle.config, provenance: { ...bundle.config.provenance, source: 'pretrained and fine-tuned by specmoe-web (npm run train-demo) on PhysioNet eegmmidb' } } });
  for (const [name, bytes] of files) writeFileSync(join(options.outDir, name), bytes);
  let parameters = 0;
  for (const [key, t] of pretrained.tensors) if (!key.includes('running_')) parameters += t.data.length;
  const pretrainSec = states.reduce((a, s) => a + Number(s.notes.wallSec ?? 0), 0);
  const histories = states.map((s) => s.history.map((h) => h.total));
  const smooth = (xs: number[]) => xs.map((_, i) => xs.slice(Math.max(0, i - 24), i + 1).reduce((a, b) => a + b, 0) / Math.min(i + 1, 25));
  writeFileSync(join(options.outDir, 'pretraining-loss.svg'), lineChart('Pretraining loss (moving average of 25 steps)', histories.map((h, k) => ({ name: `expert ${k + 1}`, values: smooth(h), colour: ['#0072B2', '#E69F00', '#009E73'][k]! })), 'step'));
  writeFileSync(
    join(options.outDir, 'head-curves.svg'),
    lineChart('Head fine-tuning loss', [
      { name: 'train', values: result.history.map((h) => h.trainLoss), colour: '#0072B2' },
      { name: 'validation', values: result.history.map((h) => h.validationLoss), colour: '#D55E00' },
    ], 'epoch'),
  );
  const windows = states.map((s) => Object.values(s.notes.data as Record<string, { kept: number }>).reduce((a, d) => a + d.kept, 0));
  const card = `# SpecMoE demo model: motor imagery (left vs right fist)

Pretrained and fine-tuned by this project's own pipeline (\`npm run train-demo\`) on real EEG: PhysioNet EEG Motor
Movement/Imagery (eegmmidb, ODC-By 1.0; Schalk et al. 2004, Goldberger et al. 2000). Not the authors' weights.
**A small demonstration model, trained on a 2-core CPU in about ${((pretrainSec + (Date.now() - started) / 1000) / 3600).toFixed(1)} hours: read the figures below before trusting a prediction.**

## Data and subjects
- Channels: ${MOTOR_16.join(', ')} (16 sensorimotor channels), 160 → 200 Hz (FFT resampling), band-pass 0.3–75 Hz and a 60 Hz notch, µV/100.
- Pretraining (self-supervised): eegmmidb subjects S001–S011 (every run present in the shared data), 6-s windows, windows with |x| ≥ 250 µV dropped; three experts on three disjoint partitions of the recordings (recording i → expert i mod 3): ${windows.join(', ')} windows.
- Head: imagined left vs right fist (runs 4, 8, 12; T1 = left fist, T2 = right fist, T0 ignored), 4-s segments from each annotation onset.
  Train subjects ${result.splits[0]!.subjects.join(', ')} (${result.splits[0]!.segments} segments), validation ${result.splits[1]!.subjects.join(', ')} (${result.splits[1]!.segments}), test ${result.splits[2]!.subjects.join(', ')} (${result.splits[2]!.segments}); no test subject is seen by pretraining or head training.

## Configuration
- Experts: SpecHi-Net with widths d1 ${expertConfig.d1}, d2 ${expertConfig.d2}, d3 ${expertConfig.d3}, up3Mid ${expertConfig.up3Mid}, ${expertConfig.heads} heads, aux heads of ${expertConfig.auxChannels} rows (the authors': 32/64/128/32, 8 heads, 19); the same code path as the full model.
- Pretraining: Gaussian STFT masks with the paper's defaults (ratio 0.5, types 0.6/0.3/0.1, band bias 0.5, band probabilities 0.3/0.4/0.2/0.1, level 1); input = masked window, **target = original window (the paper's description; the authors' released loop used the masked window as target too)**; loss = MSE + 0.02·spectral for both branches + 0.3/0.2 × the aux heads; AdamW lr ${states[0]!.settings.optimizer.learningRate}, weight decay ${states[0]!.settings.optimizer.weightDecay}, cosine to 1e-6, clipping 5, batch ${states[0]!.settings.batchSize}, ${states[0]!.settings.totalSteps} steps per expert, pretraining positions linspace(1 + 10k, 10 + 10k, T).
- SpecMoE head: gate mode 1 (Welch PSD → linear → sigmoid per expert), L-pool mean, C-pool max, classifier hidden 3 × ${config.clfHidden}; AdamW lr ${DEFAULT_HEAD_SETTINGS.learningRate}, weight decay ${DEFAULT_HEAD_SETTINGS.weightDecay}, batch ${DEFAULT_HEAD_SETTINGS.batchSize}, up to ${DEFAULT_HEAD_SETTINGS.epochs} epochs, early stopping (patience ${DEFAULT_HEAD_SETTINGS.patience}) on validation loss; best epoch ${result.trainer.bestEpoch}.
- Parameters: ${parameters.toLocaleString('en')} in the bundle (three full experts with decoders, and the head); float32 weights.

## Wall time and hardware
${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, tfjs-backend-wasm in Node ${process.version}, no GPU. Pretraining ${(pretrainSec / 60).toFixed(0)} min of step time summed over the three experts (run in parallel); head fine-tuning and evaluation (both heads) ${((Date.now() - started) / 60000).toFixed(1)} min.

## Held-out results (test subjects)
| model | balanced accuracy | weighted F1 | Cohen's κ | recall left / right | n |
|---|---:|---:|---:|---|---:|
${metricsRow('this bundle (pretrained experts + head)', test.metrics)}
${metricsRow('randomly initialised experts + head, same split', randomResult.test!.metrics)}
${metricsRow('log band power + logistic regression, same split', result.reference)}

Validation balanced accuracy: ${pct(result.validation.metrics.balancedAccuracy)} (random-init experts ${pct(randomResult.validation.metrics.balancedAccuracy)}).
Chance is 50 %. Cross-subject left/right motor imagery from a few subjects is hard for any method; these numbers are what was measured, nothing more.

## Pretraining loss
![pretraining loss](pretraining-loss.svg) ![head curves](head-curves.svg)

${reconstructionSection(reconstruction)}`;
  writeFileSync(join(options.outDir, 'README.md'), card);
  writeFileSync(join(options.outDir, 'report.json'), JSON.stringify({ test: test.metrics, validation: result.validation.metrics, reference: result.reference, randomInit: { test: randomResult.test!.metrics, validation: randomResult.validation.metrics }, splits: result.splits, history: result.history, reconstruction, parameters, pretrainSec }, null, 1));
  console.log(`wrote ${options.outDir}: ${notes}`);
}

/**
 * Stage "reconstruction": re-measures the bundled experts' reconstructions and rewrites that section of the model
 * card and report.json, without retraining (the bundle's weights are all it needs).
 */
export async function refreshReconstruction(options: { outDir: string; reconstructionFiles: string[] }): Promise<void> {
  await initBackend(['wasm']);
  const loaded = specMoEFromWeights(await readWeights(readModelFiles(options.outDir)));
  if (!loaded.experts) throw new Error(`${options.outDir}: the bundle carries no expert decoders`);
  const reconstruction = await reconstructionReport(loaded.experts, options.reconstructionFiles);
  const cardFile = join(options.outDir, 'README.md');
  const card = readFileSync(cardFile, 'utf8');
  const at = card.indexOf(RECONSTRUCTION_HEADING);
  if (at < 0) throw new Error(`${cardFile} has no "${RECONSTRUCTION_HEADING}" section; rebuild the card with --stage finetune`);
  writeFileSync(cardFile, card.slice(0, at) + reconstructionSection(reconstruction));
  const reportFile = join(options.outDir, 'report.json');
  writeFileSync(reportFile, JSON.stringify({ ...JSON.parse(readFileSync(reportFile, 'utf8')), reconstruction }, null, 1));
  console.log(`rewrote the reconstruction section of ${cardFile}`);
}
