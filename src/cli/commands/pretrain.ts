// `specmoe pretrain --data FILES... --out DIR [...]`: self-supervised pretraining of one expert on real recordings
// (src/train/pretrain.ts), with checkpoints every N steps that a later run resumes from (--resume).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { DEFAULT_ALIGNMENT } from '../../dsp/alignment';
import { PAPER_MASK_PARAMS } from '../../dsp/masks';
import { initBackend } from '../../runtime/backend';
import { type ExpertConfig, initExpertParams } from '../../model';
import { PAPER_ADAMW } from '../../train/adamw';
import { CHECKPOINT_FILES, checkpointFiles, restoreCheckpoint } from '../../train/checkpoint';
import { Pretrainer, type PretrainSettings } from '../../train/pretrain';
import { extractWindows, type PretrainWindow, type WindowSpec } from '../../train/pretrainData';
import { evaluateReconstruction } from '../../train/reconstructionEval';
import { CliError, type Command, numberOption, option, parseArgs } from '../command';
import { checkReadable, openRecordingFile } from '../files';

/** Sensorimotor channels of the demo model (present in eegmmidb's 64). */
export const MOTOR_16 = ['FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP3', 'CP1', 'CP2', 'CP4'];

const help = `usage: specmoe pretrain --data FILES... --out DIR [options]
  Pretrains one SpecHi-Net expert by Gaussian-masked reconstruction on the recordings given (EDF/BDF, .gz ok).
  --channels LIST       model channels, comma-separated (default: ${MOTOR_16.join(',')})
  --window-sec S        window length (default 6)          --artifact-uv U  drop windows with |x| >= U (default 150)
  --notch HZ            mains notch, 50, 60 or 0 (default 60)  --band LO,HI     band-pass in Hz (default 0.3,75)
  --align               Euclidean alignment of each recording (s·R^-1/2, s = 100 µV, shrinkage 0.05), as bundles
                        with preprocessing.alignment decode
  --widths d1,d2,d3,m   expert widths (default 8,16,32,8)   --heads H        attention heads (default 4)
  --steps N             optimisation steps (default 900)     --batch B        windows per step (default 4)
  --lr LR               peak learning rate (default 1e-3)   --seed S         (default 1)
  --checkpoint-every N  (default 50)                         --resume         continue from DIR's checkpoint
  --eval FILES...       held-out recordings: report reconstruction error per band at the end
Writes DIR/expert.safetensors (authors' key names), DIR/optimizer.safetensors, DIR/state.json (settings, loss
history, data summary) and, with --eval, DIR/reconstruction.json.`;

async function windowsOf(files: readonly string[], spec: WindowSpec, log: (s: string) => void): Promise<{ windows: PretrainWindow[]; summary: Record<string, { kept: number; dropped: number }> }> {
  const windows: PretrainWindow[] = [];
  const summary: Record<string, { kept: number; dropped: number }> = {};
  for (const file of files) {
    const recording = await openRecordingFile(file);
    try {
      const id = basename(file).replace(/\.(edf|bdf)(\.gz)?$/i, '');
      const r = await extractWindows(recording, id, spec);
      windows.push(...r.windows);
      summary[id] = { kept: r.windows.length, dropped: r.dropped };
      log(`  ${id}: ${r.windows.length} windows kept, ${r.dropped} dropped (|x| >= ${spec.artifactUv} µV)`);
    } finally {
      await recording.close();
    }
  }
  return { windows, summary };
}

export const pretrainCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['data', 'out', 'channels', 'window-sec', 'artifact-uv', 'notch', 'band', 'widths', 'heads', 'steps', 'batch', 'lr', 'seed', 'checkpoint-every', 'eval'], ['data', 'eval'], ['resume', 'align']);
    if (args.positional.length > 0) throw new CliError(`unexpected argument "${args.positional[0]}"`);
    const data = args.options.get('data') ?? [];
    const out = option(args, 'out');
    if (data.length === 0 || !out) throw new CliError('pretrain needs --data FILES... and --out DIR');
    for (const file of [...data, ...(args.options.get('eval') ?? [])]) checkReadable(file);
    const channels = (option(args, 'channels') ?? MOTOR_16.join(',')).split(',').map((c) => c.trim()).filter(Boolean);
    const notch = numberOption(args, 'notch', 60);
    if (![0, 50, 60].includes(notch)) throw new CliError(`--notch must be 50, 60 or 0, got ${notch}`);
    const [lowHz, highHz] = (option(args, 'band') ?? '0.3,75').split(',').map(Number);
    if (!(lowHz! >= 0 && highHz! > lowHz! && highHz! < 100)) throw new CliError(`--band needs LO,HI with 0 <= LO < HI < 100 Hz, got ${option(args, 'band')}`);
    const spec: WindowSpec = {
      channels,
      windowSec: numberOption(args, 'window-sec', 6),
      sampleRateHz: 200,
      artifactUv: numberOption(args, 'artifact-uv', 150),
      lowHz: lowHz!,
      highHz: highHz!,
      notchHz: notch === 0 ? null : (notch as 50 | 60),
      ...(args.flags.has('align') ? { alignment: DEFAULT_ALIGNMENT } : {}),
    };
    if ((spec.windowSec * 200) % 120 !== 0) throw new CliError(`--window-sec ${spec.windowSec} gives ${spec.windowSec * 200} samples, not a multiple of 120`);
    const [d1, d2, d3, up3Mid] = (option(args, 'widths') ?? '8,16,32,8').split(',').map(Number);
    const expert: ExpertConfig = { d1: d1!, d2: d2!, d3: d3!, up3Mid: up3Mid!, heads: numberOption(args, 'heads', 4), auxChannels: channels.length };
    const settings: PretrainSettings = {
      expert,
      batchSize: numberOption(args, 'batch', 4),
      totalSteps: numberOption(args, 'steps', 900),
      optimizer: { ...PAPER_ADAMW, learningRate: numberOption(args, 'lr', 1e-3) },
      minLearningRate: 1e-6,
      clipNorm: 5,
      mask: PAPER_MASK_PARAMS,
      seed: numberOption(args, 'seed', 1),
      sampleRateHz: 200,
    };
    const checkpointEvery = numberOption(args, 'checkpoint-every', 50);
    const log = (s: string) => console.log(s);

    const backend = await initBackend(['wasm', 'cpu']);
    log(`back-end: ${backend.backend}`);
    log(`reading ${data.length} recordings`);
    const { windows, summary } = await windowsOf(data, spec, log);
    log(`${windows.length} training windows of ${spec.windowSec} s × ${channels.length} channels`);

    const trainer = new Pretrainer(settings, initExpertParams(expert, settings.seed), windows);
    mkdirSync(out, { recursive: true });
    let wallSec = 0;
    if (args.flags.has('resume') && existsSync(join(out, CHECKPOINT_FILES.state))) {
      const files = new Map(Object.values(CHECKPOINT_FILES).map((f) => [f, new Uint8Array(readFileSync(join(out, f)))]));
      const state = restoreCheckpoint(files, trainer.expert.params, trainer.optimizer);
      trainer.history.push(...state.history);
      wallSec = Number(state.notes.wallSec ?? 0);
      log(`resumed at step ${state.step}`);
    }
    const save = () => {
      const notes = { data: summary, windowSpec: spec, wallSec, backend: backend.backend };
      for (const [name, bytes] of checkpointFiles(trainer.expert.params, trainer.optimizer, { settings, step: trainer.step, history: trainer.history, notes })) {
        writeFileSync(join(out, name), bytes);
      }
    };
    while (trainer.step < settings.totalSteps) {
      const r = trainer.trainStep();
      wallSec += r.seconds;
      log(`step ${r.step}/${settings.totalSteps} loss ${r.total.toFixed(4)} (dec1 ${r.dec1.toFixed(4)} dec2 ${r.dec2.toFixed(4)} aux ${r.auxU2.toFixed(4)}/${r.auxU1.toFixed(4)}) |g| ${r.gradNorm.toFixed(2)} lr ${r.learningRate.toExponential(2)} ${r.seconds.toFixed(2)} s`);
      if (r.step % checkpointEvery === 0) save();
    }
    save();

    const evalFiles = args.options.get('eval') ?? [];
    if (evalFiles.length > 0) {
      const held = await windowsOf(evalFiles, spec, log);
      const report = evaluateReconstruction(trainer.expert, held.windows, channels.length, settings.mask, 12345);
      writeFileSync(join(out, 'reconstruction.json'), JSON.stringify({ windows: held.windows.length, bands: report }, null, 1));
      const ratios = (e: { masked: number; dec1: number; dec2: number }) => `×${(e.dec1 / e.masked).toFixed(3)} / ×${(e.dec2 / e.masked).toFixed(3)}`;
      log('reconstruction error ÷ masked input error (branch 1 / branch 2): waveform, spectrogram magnitude, magnitude in the masked regions:');
      for (const b of report) log(`  ${b.band}: waveform ${ratios(b.waveform)}  magnitude ${ratios(b.magnitude)}  masked regions ${ratios(b.maskedRegions)}`);
    }
    trainer.expert.params.dispose();
    trainer.optimizer.dispose();
    return 0;
  },
};
