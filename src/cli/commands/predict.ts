// `specmoe predict FILE [options]`: decodes a recording with a SpecMoE
// on the same core as the app (src/pipeline/decode.ts).
import { type AnnotationSegments, annotationSegments } from '../../pipeline/annotationSegments';
import { initBackend } from '../../runtime/backend';
import { decodeRecording, preferredBatchSize } from '../../pipeline/decode';
import { plannedSegments } from '../../pipeline/plan';
import { closeLanes, nodeLaneCount, nodeLanes } from '../decodeLanes';
import { predictionRows } from '../../pipeline/exports';
import { BUILTIN_TASKS, findTask, load } from '../../model';
import { readWeights } from '../../io/weights';
import { seenSubject } from '../../train/seenSubjects';
import { agreementLine, trialAgreement } from '../../train/trialAgreement';
import { CliError, type Command, numberOption, option, parseArgs } from '../command';
import { checkReadable, openRecordingFile, reading } from '../files';
import { defaultModelFiles, readModelFiles } from '../modelFiles';

const help = `usage: specmoe predict FILE [--model BUNDLE] [--task TASK] [--annotations] [--json] [--batch N] [--workers N]
  Decodes a recording (EDF/BDF, .gz ok) with a SpecMoE and prints one row per segment.
  --model BUNDLE   a bundle folder (bundle.json + .safetensors), or a SpecMoE .safetensors/.pth (then --task is
                   needed); default: the bundled demo model
  --task TASK      ${BUILTIN_TASKS.map((t) => t.id).join(', ')}
  --annotations    one segment per annotation whose text is in the bundle's label map, starting at its onset,
                   instead of back-to-back segments; each row also carries "label" (the annotation text), and
                   the agreement with those labels (balanced accuracy, chance, κ, confusion) goes to stderr,
                   with a caveat when the recording's subject (from its file name) trained or validated the model
  --json           a JSON array of rows: onset (s after the header's start time), dataOnset (s of data from the
                   first sample; differs across the gaps of EDF+D/BDF+D), duration (s), class, probabilities
                   (class -> p), gates (mean gate of experts 1-3)
  --batch N        segments per forward (default 1 for full-size experts, 4 for small ones: fastest on tfjs-wasm)
  --workers N      decode on N threads, each with its own copy of the model (default: one per core, at most 4,
                   for recordings of 16 segments or more; 1 otherwise)
Exit code 2 when the recording or the model cannot be read or does not fit.`;

export const predictCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['model', 'task', 'batch', 'workers'], [], ['annotations', 'json']);
    const [file, extra] = args.positional;
    if (!file) throw new CliError('predict needs a recording FILE');
    if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"`);
    checkReadable(file);
    const taskId = option(args, 'task');
    const task = taskId ? findTask(taskId) : undefined;
    if (taskId && !task) throw new CliError(`unknown task "${taskId}" (tasks: ${BUILTIN_TASKS.map((t) => t.id).join(', ')})`);
    const modelPath = option(args, 'model');
    await initBackend(['wasm', 'cpu']);
    const weights = modelPath ? await reading(modelPath, () => readWeights(readModelFiles(modelPath))) : await readWeights(defaultModelFiles());
    const loaded = load(weights, task);
    const recording = await openRecordingFile(file);
    try {
      let segments: AnnotationSegments | undefined;
      if (args.flags.has('annotations')) {
        const labels = loaded.bundle?.labels;
        if (!labels) throw new CliError('--annotations needs a bundle with a label map (bundle.json "labels")', 2);
        segments = annotationSegments(recording, labels);
        if (segments.length === 0) throw new CliError(`${file} has no annotations among ${Object.keys(labels).join(', ')}`, 2);
      }
      const planned = plannedSegments(recording, loaded.task.segmentSec, segments).length;
      const workers = numberOption(args, 'workers', nodeLaneCount(loaded.model, planned));
      if (!Number.isInteger(workers) || workers < 1) throw new CliError(`--workers must be a whole number ≥ 1, got ${workers}`);
      const lanes = nodeLanes(loaded.model, workers);
      let result;
      try {
        result = await decodeRecording(recording, loaded.model, {
          task: loaded.task,
          filter: loaded.preprocessing,
          batchSize: numberOption(args, 'batch', preferredBatchSize(loaded.model.config)),
          lanes,
          ...(segments ? { segments } : {}),
        });
      } finally {
        closeLanes(lanes);
      }
      for (const w of result.warnings) console.error(`warning: ${w}`);
      if (!loaded.trained) console.error('warning: this model is UNTRAINED: its predictions mean nothing');
      const rows = predictionRows(result.rows, loaded.task.classes);
      const agreement = segments && loaded.bundle?.labels ? trialAgreement(result.rows, loaded.bundle.labels, loaded.task.classes) : null;
      if (agreement) {
        const seen = seenSubject(loaded.bundle, file);
        console.error(`agreement with the recording's labels: ${agreementLine(agreement, loaded.task.classes)}${seen ? `. Caveat: ${seen.message}` : ''}`);
      }
      if (args.flags.has('json')) console.log(JSON.stringify(rows, null, 1));
      else {
        console.log(`${loaded.description}\n${file}: ${rows.length} segments`);
        for (const r of rows) {
          const p = Math.max(...Object.values(r.probabilities));
          console.log(`${r.onset.toFixed(2).padStart(9)} s  ${r.class.padEnd(12)} p=${p.toFixed(2)}  gates ${r.gates.map((g) => g.toFixed(2)).join('/')}${r.label ? `  (${r.label})` : ''}`);
        }
      }
    } finally {
      await recording.close();
      loaded.model.params.dispose();
    }
    return 0;
  },
};
