// `specmoe finetune --model BUNDLE --labels T1=left,T2=right --segment 4 --train FILES... --val FILES... --out DIR`:
// trains a new head on frozen experts (src/train/finetune.ts, the same code as the tab) and writes a bundle.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, join } from 'node:path';
import { saveBundle } from '../../io/bundle';
import { readWeights } from '../../io/weights';
import { initBackend } from '../../runtime/backend';
import { load, poolingNote } from '../../model';
import { DEFAULT_HEAD_SETTINGS } from '../../train/headSettings';
import { type EmbeddingCache, finetune, finetunedBundle, type LabelledRecording, type SplitName } from '../../train/finetune';
import { parseLabelMap, subjectOf } from '../../train/labels';
import { evaluationNotes, heldOutEvaluation, weakHeadWarnings } from '../../train/heldOut';
import { CliError, type Command, numberOption, option, parseArgs } from '../command';
import { checkReadable, openRecordingFile, reading } from '../files';
import { defaultModelFiles, readModelFiles } from '../modelFiles';
import { nodeKernelThread } from '../../runtime/wasm/nodeKernelThread';
import { FULL_OPTIONS, fullHelp, runFullFinetune } from './finetuneFull';
import { metricsLine, pct } from './metricsLine';

const help = `usage: specmoe finetune --model BUNDLE --labels A=class,B=class --segment SEC --train FILES... --val FILES...
                         [--test FILES...] --out DIR [options]
  Trains the spectral gate and classifier on frozen experts from annotated recordings (EDF+ annotations), split by
  recording as given (subjects are read from eegmmidb names), and writes a new bundle to DIR.
  --offset SEC      segment start relative to each annotation onset (default 0)
  --epochs N --batch N --lr LR --weight-decay WD --patience N --seed S   (defaults ${DEFAULT_HEAD_SETTINGS.epochs}, ${DEFAULT_HEAD_SETTINGS.batchSize}, ${DEFAULT_HEAD_SETTINGS.learningRate}, ${DEFAULT_HEAD_SETTINGS.weightDecay}, ${DEFAULT_HEAD_SETTINGS.patience}, ${DEFAULT_HEAD_SETTINGS.seed})
  --cache DIR       embedding cache (default ~/.cache/specmoe/embeddings); a second run on the same data starts at once
  --name NAME       bundle name
${fullHelp}
Prints the split, per-epoch curves, and balanced accuracy / weighted F1 / kappa / recall on validation and test beside
a band-power + logistic-regression reference; writes DIR/finetune-report.json too.`;

function folderCache(dir: string): EmbeddingCache {
  mkdirSync(dir, { recursive: true });
  return {
    async get(key) {
      const path = join(dir, `${key}.safetensors`);
      return existsSync(path) ? new Uint8Array(readFileSync(path)) : undefined;
    },
    async set(key, bytes) {
      writeFileSync(join(dir, `${key}.safetensors`), bytes);
    },
  };
}


export const finetuneCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['model', 'labels', 'segment', 'offset', 'train', 'val', 'test', 'out', 'epochs', 'batch', 'lr', 'weight-decay', 'patience', 'seed', 'cache', 'name', ...FULL_OPTIONS], ['train', 'val', 'test'], ['full', 'keep-head']);
    if (args.positional.length > 0) throw new CliError(`unexpected argument "${args.positional[0]}"`);
    if (args.flags.has('full')) return runFullFinetune(args);
    if (args.flags.has('keep-head')) throw new CliError('--keep-head starts a whole-model fine-tuning (--full) from the model\'s own head; the head-only fine-tuning always trains a fresh one');
    const out = option(args, 'out');
    const labelsText = option(args, 'labels');
    const train = args.options.get('train') ?? [];
    const val = args.options.get('val') ?? [];
    if (!out || !labelsText || train.length === 0 || val.length === 0) throw new CliError('finetune needs --labels, --train FILES..., --val FILES... and --out DIR');
    for (const file of [...train, ...val, ...(args.options.get('test') ?? [])]) checkReadable(file);
    const labelMap = parseLabelMap(labelsText);
    const modelPath = option(args, 'model');
    const files = modelPath ? readModelFiles(modelPath) : defaultModelFiles();
    const expertsId = createHash('sha256')
      .update([...files].filter(([name]) => name !== 'head.safetensors' && name !== 'bundle.json').map(([n, b]) => n + createHash('sha256').update(b).digest('hex')).join())
      .digest('hex');
    const backend = await initBackend(['wasm', 'cpu']);
    console.log(`back-end: ${backend.backend}`);
    const weights = await (modelPath ? reading(modelPath, () => readWeights(files)) : readWeights(files));
    const base = load(weights);
    const pooling = poolingNote(base.task.channels.length, base.model.config.expert.d3);
    if (pooling) console.log(pooling);
    const settings = {
      epochs: numberOption(args, 'epochs', DEFAULT_HEAD_SETTINGS.epochs),
      batchSize: numberOption(args, 'batch', DEFAULT_HEAD_SETTINGS.batchSize),
      learningRate: numberOption(args, 'lr', DEFAULT_HEAD_SETTINGS.learningRate),
      weightDecay: numberOption(args, 'weight-decay', DEFAULT_HEAD_SETTINGS.weightDecay),
      patience: numberOption(args, 'patience', DEFAULT_HEAD_SETTINGS.patience),
      dropout: DEFAULT_HEAD_SETTINGS.dropout,
      seed: numberOption(args, 'seed', DEFAULT_HEAD_SETTINGS.seed),
    };
    const recordings: LabelledRecording[] = [];
    const open = async (paths: readonly string[], split: SplitName) => {
      for (const path of paths) {
        recordings.push({ recording: await openRecordingFile(path), recordingId: basename(path).replace(/\.(edf|bdf)(\.gz)?$/i, ''), subject: subjectOf(path), split });
      }
    };
    try {
      await open(train, 'train');
      await open(val, 'validation');
      await open(args.options.get('test') ?? [], 'test');
      const started = performance.now();
      const result = await finetune({
        base,
        expertsId,
        labelMap,
        segmentSec: numberOption(args, 'segment', base.task.segmentSec),
        offsetSec: numberOption(args, 'offset', 0),
        recordings,
        settings,
        kernelThread: nodeKernelThread,
        cache: folderCache(option(args, 'cache') ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'specmoe', 'embeddings')),
        onStage: (stage, done, total) => done < total && console.log(`${stage} (${done + 1}/${total})`),
        onEpoch: (r) =>
          console.log(`epoch ${r.epoch}: train loss ${r.trainLoss.toFixed(4)} BA ${pct(r.trainBalancedAccuracy)} | val loss ${r.validationLoss.toFixed(4)} BA ${pct(r.validationBalancedAccuracy)} (${r.seconds.toFixed(2)} s)`),
      });
      const seconds = (performance.now() - started) / 1000;
      for (const s of result.splits) console.log(`${s.name}: subjects ${s.subjects.join(' ') || '-'}, ${s.recordings} recordings, ${s.segments} segments, per class ${s.classCounts.join('/')}`);
      console.log(`embeddings from cache: ${result.cachedRecordings} of ${recordings.length} recordings; total ${seconds.toFixed(1)} s; best epoch ${result.trainer.bestEpoch}`);
      console.log(`validation: ${metricsLine(result.validation.metrics)}`);
      if (result.test) console.log(`test: ${metricsLine(result.test.metrics)}`);
      console.log(`band-power reference (validation): ${metricsLine(result.references.validation)}`);
      if (result.references.test) console.log(`band-power reference (test): ${metricsLine(result.references.test)}`);
      const evaluation = heldOutEvaluation(result);
      for (const w of weakHeadWarnings(evaluation, result.classes.length)) console.error(`warning: ${w}`);
      const report = {
        classes: result.classes,
        labels: Object.fromEntries(labelMap),
        splits: result.splits,
        history: result.history,
        bestEpoch: result.trainer.bestEpoch,
        validation: result.validation.metrics,
        test: result.test?.metrics ?? null,
        bandPowerReference: result.reference,
        settings,
        seconds,
      };
      const name = option(args, 'name') ?? `${base.bundle?.name ?? 'SpecMoE'} + ${result.classes.join('/')} head`;
      const notes = evaluationNotes(evaluation);
      mkdirSync(out, { recursive: true });
      for (const [file, bytes] of await saveBundle(finetunedBundle(base, weights.tensors, result, name, notes))) writeFileSync(join(out, file), bytes);
      writeFileSync(join(out, 'finetune-report.json'), JSON.stringify(report, null, 1));
      console.log(`wrote ${out}`);
      result.trainer.params.dispose();
    } finally {
      for (const r of recordings) await r.recording.close();
      base.model.params.dispose();
    }
    return 0;
  },
};
