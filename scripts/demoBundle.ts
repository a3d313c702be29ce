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
import { initBackend } from '../src/runtime/backend';
import { specMoEConfig, type SpecMoEConfig } from '../src/model/config';
import { initExpertParams, initHeadParams } from '../src/model/init';
import { buildExpert, buildSpecMoE, type LoadedModel } from '../src/model/load';
import type { ParamStore } from '../src/model/params';
import { findTask } from '../src/model/tasks';
import type { CheckpointState } from '../src/train/checkpoint';
import { type FinetuneResult, finetune, finetunedBundle, type LabelledRecording } from '../src/train/finetune';
import { DEFAULT_HEAD_SETTINGS } from '../src/train/headSettings';
import type { Metrics } from '../src/train/metrics';
import { subjectOf } from '../src/train/labels';
import { DEMO_PREPROCESSING, reconstructionReport, reconstructionSection } from './demoReconstruction';

const CLASSES = ['left fist', 'right fist'];
const LABELS = new Map([['T1', 'left fist'], ['T2', 'right fist']]);
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
      preprocessing: DEMO_PREPROCESSING,
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

