// `specmoe finetune --full ...`: the whole SpecMoE (experts unfrozen) fine-tuned on annotated recordings
// (src/train/finetuneFull.ts), checkpointed every epoch and resumed when the checkpoint folder holds a run. It is the
// last stage of `npm run train-demo`, so a researcher can reproduce (or continue) the bundled model.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { saveBundle } from '../../io/bundle';
import type { NamedTensor } from '../../io/safetensors';
import { readWeights } from '../../io/weights';
import { initBackend } from '../../runtime/backend';
import type { SpecMoEConfig } from '../../model/config';
import { initHeadParams } from '../../model/init';
import { specMoEFromWeights } from '../../model/load';
import { poolingNote } from '../../model/pooling';
import { mirrorPermutation } from '../../dsp/channels';
import { checkFullFinetuneSettings, DEFAULT_FULL_FINETUNE, FULL_FINETUNE_FILES, type FullFinetuneSettings } from '../../train/fullFinetune';
import { finetuneFull, fullFinetunedBundle, type LabelledRecordingFile } from '../../train/finetuneFull';
import { evaluationNotes, heldOutEvaluation, weakHeadWarnings } from '../../train/heldOut';
import { parseLabelMap, subjectOf } from '../../train/labels';
import type { SplitName } from '../../train/splits';
import { CliError, numberOption, option, type ParsedArgs } from '../command';
import { openRecordingFile } from '../files';
import { defaultModelFiles, readModelFiles } from '../modelFiles';
import { metricsLine, pct } from './metricsLine';

export const FULL_OPTIONS = ['experts-lr', 'gate-lr', 'gate-weight-scale', 'shift', 'channel-dropout', 'mixup', 'mirror', 'average-from', 'stop-after', 'checkpoint'] as const;

export const fullHelp = `  --full            fine-tune the whole model (experts unfrozen, as the paper does) instead of the head alone:
                    --experts-lr LR (default ${DEFAULT_FULL_FINETUNE.expertLearningRate}) --lr LR (classifier, ${DEFAULT_FULL_FINETUNE.headLearningRate})
                    --gate-lr LR (${DEFAULT_FULL_FINETUNE.gateLearningRate}) --gate-weight-scale S (the gate weights' steps S times
                    the biases': a gate that follows the spectrum faster; ${DEFAULT_FULL_FINETUNE.gateWeightScale}: as the authors) --epochs N (${DEFAULT_FULL_FINETUNE.epochs}) --batch N (${DEFAULT_FULL_FINETUNE.batchSize})
                    --patience N (${DEFAULT_FULL_FINETUNE.patience}) --weight-decay WD (${DEFAULT_FULL_FINETUNE.weightDecay}) --seed S
                    --shift SEC (random time shifts, ${DEFAULT_FULL_FINETUNE.shiftSec}) --channel-dropout P (${DEFAULT_FULL_FINETUNE.channelDropout})
                    --mixup ALPHA (mix each training window with another trial's, λ ~ Beta(ALPHA, ALPHA), and
                    their labels' losses by λ; ${DEFAULT_FULL_FINETUNE.mixup}: off)
                    --mirror "A=B" (left-right mirroring of 10-20 channels, swapping classes A and B, half the time)
                    --average-from N (average the weights of epochs N, N+1, ... and validate, stop on and keep the
                    average: stochastic weight averaging; ${DEFAULT_FULL_FINETUNE.averageFrom}: off)
                    --stop-after N (train epochs 1..N of the --epochs schedule and keep epoch N, no early stopping:
                    for an epoch count chosen beforehand, e.g. by cross-validation; ${DEFAULT_FULL_FINETUNE.stopAfter}: off)
                    --keep-head (start from the model's own gate and classifier, e.g. a head-only fine-tuning's,
                    instead of a fresh head: its classes must be the label map's, in the same order)
                    --checkpoint DIR (default OUT/checkpoint; a run there is resumed)`;

function folderCheckpoint(dir: string) {
  return {
    async load() {
      if (!existsSync(join(dir, FULL_FINETUNE_FILES.state))) return null;
      const names = new Set<string>(Object.values(FULL_FINETUNE_FILES));
      return new Map(readdirSync(dir).filter((f) => names.has(f)).map((f) => [f, new Uint8Array(readFileSync(join(dir, f)))]));
    },
    async save(files: ReadonlyMap<string, Uint8Array>) {
      mkdirSync(dir, { recursive: true });
      for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
    },
  };
}

function freshHead(config: SpecMoEConfig, seed: number): Map<string, NamedTensor> {
  const store = initHeadParams(config, seed);
  const out = new Map<string, NamedTensor>([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));
  store.dispose();
  return out;
}

export async function runFullFinetune(args: ParsedArgs): Promise<number> {
  const out = option(args, 'out');
  const labelsText = option(args, 'labels');
  const train = args.options.get('train') ?? [];
  const val = args.options.get('val') ?? [];
  if (!out || !labelsText || train.length === 0 || val.length === 0) throw new CliError('finetune --full needs --labels, --train FILES..., --val FILES... and --out DIR');
  const labelMap = parseLabelMap(labelsText);
  const classes = [...new Set(labelMap.values())];
  const modelPath = option(args, 'model');
  const backend = await initBackend(['wasm', 'cpu']);
  console.log(`back-end: ${backend.backend}`);
  const weights = await readWeights(modelPath ? readModelFiles(modelPath) : defaultModelFiles());
  const base = specMoEFromWeights(weights);
  const pooling = poolingNote(base.task.channels.length, base.model.config.expert.d3);
  if (pooling) console.log(pooling);
  const segmentSec = numberOption(args, 'segment', base.task.segmentSec);
  const mirrorText = option(args, 'mirror');
  let mirror: FullFinetuneSettings['mirror'];
  if (mirrorText) {
    const [a, b] = mirrorText.split('=').map((s) => s.trim());
    if (!a || !b || !classes.includes(a) || !classes.includes(b)) throw new CliError(`--mirror "${mirrorText}" must name two of the classes (${classes.join(', ')}) as A=B`);
    const swap = classes.map((c, i) => (c === a ? classes.indexOf(b) : c === b ? classes.indexOf(a) : i));
    try {
      mirror = { probability: 0.5, channels: mirrorPermutation(base.task.channels), classes: swap };
    } catch (e) {
      throw new CliError(`--mirror: ${(e as Error).message}`);
    }
  }
  const settings: FullFinetuneSettings = {
    ...DEFAULT_FULL_FINETUNE,
    epochs: numberOption(args, 'epochs', DEFAULT_FULL_FINETUNE.epochs),
    batchSize: numberOption(args, 'batch', DEFAULT_FULL_FINETUNE.batchSize),
    expertLearningRate: numberOption(args, 'experts-lr', DEFAULT_FULL_FINETUNE.expertLearningRate),
    headLearningRate: numberOption(args, 'lr', DEFAULT_FULL_FINETUNE.headLearningRate),
    gateLearningRate: numberOption(args, 'gate-lr', DEFAULT_FULL_FINETUNE.gateLearningRate),
    gateWeightScale: numberOption(args, 'gate-weight-scale', DEFAULT_FULL_FINETUNE.gateWeightScale),
    weightDecay: numberOption(args, 'weight-decay', DEFAULT_FULL_FINETUNE.weightDecay),
    patience: numberOption(args, 'patience', DEFAULT_FULL_FINETUNE.patience),
    shiftSec: numberOption(args, 'shift', DEFAULT_FULL_FINETUNE.shiftSec),
    channelDropout: numberOption(args, 'channel-dropout', DEFAULT_FULL_FINETUNE.channelDropout),
    mixup: numberOption(args, 'mixup', DEFAULT_FULL_FINETUNE.mixup),
    seed: numberOption(args, 'seed', DEFAULT_FULL_FINETUNE.seed),
    averageFrom: numberOption(args, 'average-from', DEFAULT_FULL_FINETUNE.averageFrom),
    stopAfter: numberOption(args, 'stop-after', DEFAULT_FULL_FINETUNE.stopAfter),
    ...(mirror ? { mirror } : {}),
  };
  const keepHead = args.flags.has('keep-head');
  if (keepHead && base.task.classes.join('\n') !== classes.join('\n')) {
    throw new CliError(`--keep-head: the model's head decodes ${base.task.classes.join(', ')}; the label map's classes are ${classes.join(', ')} (same classes, same order needed)`);
  }
  // Refused before any recording is read (the trainer checks again when it is built).
  try {
    checkFullFinetuneSettings(settings);
  } catch (e) {
    throw new CliError((e as Error).message);
  }
  const recordings: LabelledRecordingFile[] = [];
  const open = async (paths: readonly string[], split: SplitName) => {
    for (const path of paths) recordings.push({ recording: await openRecordingFile(path), recordingId: basename(path).replace(/\.(edf|bdf)(\.gz)?$/i, ''), subject: subjectOf(path), split });
  };
  try {
    await open(train, 'train');
    await open(val, 'validation');
    await open(args.options.get('test') ?? [], 'test');
    const result = await finetuneFull({
      tensors: weights.tensors,
      config: { ...base.model.config, segmentSec },
      task: { ...base.task, segmentSec },
      preprocessing: base.preprocessing,
      labelMap,
      recordings,
      settings,
      headSeed: settings.seed + 10,
      freshHead,
      keepHead,
      checkpoint: folderCheckpoint(option(args, 'checkpoint') ?? join(out, 'checkpoint')),
      onStage: (stage) => console.log(stage),
      onBatch: (epoch, done, total, loss) => done % 10 === 0 && console.log(`epoch ${epoch} batch ${done}/${total} loss ${loss.toFixed(4)}`),
      onEpoch: (r) => console.log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)} BA ${pct(r.trainBalancedAccuracy)} | val loss ${r.validationLoss.toFixed(4)} BA ${pct(r.validationBalancedAccuracy)} (${r.seconds.toFixed(0)} s)`),
    });
    for (const s of result.splits) console.log(`${s.name}: subjects ${s.subjects.join(' ') || '-'}, ${s.recordings} recordings, ${s.trials} trials, per class ${s.classCounts.join('/')}`);
    console.log(`best epoch ${result.finetuner.bestEpoch} of ${result.history.length}; ${(result.trainSec / 60).toFixed(1)} min of training`);
    console.log(`validation: ${metricsLine(result.validation.metrics)}`);
    if (result.test) console.log(`test: ${metricsLine(result.test.metrics)}`);
    const channels = result.reference.channels.join(', ');
    console.log(`band-power reference (${channels}; validation): ${metricsLine(result.references.validation)}`);
    if (result.references.test) console.log(`band-power reference (${channels}; test): ${metricsLine(result.references.test)}`);
    const evaluation = heldOutEvaluation(result);
    for (const w of weakHeadWarnings(evaluation, result.classes.length)) console.error(`warning: ${w}`);
    const name = option(args, 'name') ?? `${base.bundle?.name ?? 'SpecMoE'}, fully fine-tuned for ${result.classes.join('/')}`;
    const notes = evaluationNotes(evaluation);
    const bundle = fullFinetunedBundle({ tensors: weights.tensors, preprocessing: base.preprocessing, trainingSubjects: base.bundle?.provenance.trainingSubjects }, result, name, { source: `whole model fine-tuned (specmoe finetune --full${keepHead ? ' --keep-head' : ''}) from ${base.bundle?.name ?? 'a SpecMoE state dict'}`, notes }, labelMap);
    mkdirSync(out, { recursive: true });
    for (const [file, bytes] of await saveBundle(bundle)) writeFileSync(join(out, file), bytes);
    const report = {
      classes: result.classes,
      labels: Object.fromEntries(labelMap),
      splits: result.splits,
      history: result.history,
      bestEpoch: result.finetuner.bestEpoch,
      validation: result.validation.metrics,
      test: result.test?.metrics ?? null,
      bandPowerReference: { channels: result.reference.channels, ...result.reference.metrics },
      settings,
      head: keepHead ? 'kept from the model (--keep-head)' : `fresh, seed ${settings.seed + 10}`,
      trainSec: result.trainSec,
    };
    writeFileSync(join(out, 'finetune-report.json'), JSON.stringify(report, null, 1));
    console.log(`wrote ${out}`);
    result.finetuner.dispose();
  } finally {
    for (const r of recordings) await r.recording.close();
    base.model.params.dispose();
  }
  return 0;
}
