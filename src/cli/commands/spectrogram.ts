// `specmoe spectrogram FILE --channel LABEL --out OUT.safetensors`: the complex STFT of one channel of a recording
// at its own sample rate, equal to scipy.signal.stft with its defaults (src/dsp/stft.ts).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { writeSafetensors } from '../../io/safetensors';
import type { ChannelInfo, Recording } from '../../io/recording';
import { frequencyMajor, stft } from '../../dsp/stft';
import { CliError, type Command, numberOption, option, parseArgs } from '../command';
import { checkReadable, openRecordingFile } from '../files';

const help = `usage: specmoe spectrogram FILE --channel LABEL --out OUT.safetensors [--nperseg N] [--noverlap M]
                           [--start SEC] [--duration SEC] [--f64]
  Complex STFT of one channel of a recording (EDF/BDF, .gz ok), in the channel's physical units and at its own
  sample rate, equal to scipy.signal.stft(x, fs, nperseg=N, noverlap=M) with scipy's other defaults (periodic
  Hann window, boundary='zeros', padded=True, scaling='spectrum', one-sided). Writes the tensors
    re, im   [freqs, times]   real and imaginary parts (scipy's Zxx layout)
    freqs    [freqs]          Hz
    times    [times]          s of data time from the recording's first sample (scipy's times + --start)
  and prints a one-line summary.
  --channel LABEL  the channel's label as in "specmoe info FILE" (e.g. C3..); case and trailing dots are
                   forgiven when that leaves one match
  --nperseg N      samples per segment (default 400)
  --noverlap M     samples shared by neighbouring segments (default nperseg/2, rounded down, as scipy)
  --start SEC      window start, seconds of data time (default 0)
  --duration SEC   window length in seconds (default: to the end)
  --f64            write float64 tensors (default float32)
Exit code 2 when the recording cannot be read.`;

const normalise = (label: string) => label.trim().replace(/\.+$/, '').toLowerCase();

/** The channel called `label`: exact match first, then ignoring case, blanks and trailing dots if that is unique. */
export function findChannel(channels: readonly ChannelInfo[], label: string, file: string): ChannelInfo {
  const exact = channels.find((c) => c.label === label) ?? channels.find((c) => c.label.trim() === label.trim());
  if (exact) return exact;
  const loose = channels.filter((c) => normalise(c.label) === normalise(label));
  if (loose.length === 1) return loose[0]!;
  const labels = channels.map((c) => c.label.trim()).join(', ');
  throw new CliError(`${file} has no channel "${label}"${loose.length > 1 ? ' (ambiguous)' : ''}; channels: ${labels}`);
}

function integerOption(value: number, name: string, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new CliError(`option --${name} needs an integer >= ${min}, got ${value}`);
  return value;
}

async function readWindow(recording: Recording, channel: ChannelInfo, startSec: number, durationSec: number | undefined) {
  const fs = channel.sampleRateHz;
  const total = channel.nSamples;
  const start = Math.round(startSec * fs);
  if (start >= total) throw new CliError(`--start ${startSec} s is at or past the end of ${channel.label.trim()} (${(total / fs).toFixed(3)} s)`);
  const count = durationSec === undefined ? total - start : Math.min(Math.round(durationSec * fs), total - start);
  return { start, samples: await recording.readSamples(channel.index, start, count) };
}

export const spectrogramCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['channel', 'nperseg', 'noverlap', 'start', 'duration', 'out'], [], ['f64']);
    const [file, extra] = args.positional;
    if (!file) throw new CliError('spectrogram needs a recording FILE');
    if (extra !== undefined) throw new CliError(`unexpected argument "${extra}"`);
    checkReadable(file);
    const label = option(args, 'channel');
    if (!label) throw new CliError('spectrogram needs --channel LABEL (see "specmoe info FILE")');
    const outPath = option(args, 'out');
    if (!outPath) throw new CliError('spectrogram needs --out OUT.safetensors');
    const nperseg = integerOption(numberOption(args, 'nperseg', 400), 'nperseg', 1);
    const noverlap = integerOption(numberOption(args, 'noverlap', Math.floor(nperseg / 2)), 'noverlap', 0);
    if (noverlap >= nperseg) throw new CliError(`--noverlap ${noverlap} must be smaller than --nperseg ${nperseg}`);
    const startSec = numberOption(args, 'start', 0);
    if (startSec < 0) throw new CliError(`--start must be >= 0, got ${startSec}`);
    const durationSec = option(args, 'duration') === undefined ? undefined : numberOption(args, 'duration', 0);
    if (durationSec !== undefined && !(durationSec > 0)) throw new CliError(`--duration must be > 0, got ${durationSec}`);
    const f64 = args.flags.has('f64');

    const recording = await openRecordingFile(file);
    try {
      const channel = findChannel(recording.header.channels, label, basename(file));
      const fs = channel.sampleRateHz;
      const { start, samples } = await readWindow(recording, channel, startSec, durationSec);
      if (samples.length < nperseg) {
        throw new CliError(`the window has ${samples.length} samples of ${channel.label.trim()} (${fs} Hz), fewer than --nperseg ${nperseg}`);
      }
      if (recording.hasGaps) console.error('warning: the recording has gaps: times count data seconds, not clock time (see "specmoe info")');
      const spec = stft(samples, { sampleRateHz: fs, nperseg, noverlap });
      const offset = start / fs;
      const times = spec.times.map((t) => t + offset);
      const dtype = f64 ? 'F64' : 'F32';
      const shape = [spec.nFreqs, spec.nFrames];
      const { re, im } = frequencyMajor(spec);
      const bytes = writeSafetensors(
        {
          re: { dtype, shape, data: re },
          im: { dtype, shape, data: im },
          freqs: { dtype, shape: [spec.nFreqs], data: spec.freqs },
          times: { dtype, shape: [spec.nFrames], data: times },
        },
        {
          file: basename(file),
          channel: channel.label.trim(),
          unit: channel.unit,
          sample_rate_hz: String(fs),
          nperseg: String(nperseg),
          noverlap: String(noverlap),
          start_sample: String(start),
          n_samples: String(samples.length),
          stft: 'scipy.signal.stft defaults: hann, boundary=zeros, padded, scaling=spectrum, onesided',
        },
      );
      mkdirSync(dirname(outPath), { recursive: true });
      writeFileSync(outPath, bytes);
      const end = (start + samples.length) / fs;
      console.log(
        `${basename(file)} ${channel.label.trim()} (${channel.unit || 'no unit'}, ${fs} Hz): ${samples.length} samples ${offset.toFixed(3)}–${end.toFixed(3)} s, ` +
          `nperseg ${nperseg} noverlap ${noverlap} → re/im [${shape.join(', ')}] ${dtype} (${Number((fs / nperseg).toPrecision(6))} Hz bins, ${Number(((nperseg - noverlap) / fs).toPrecision(6))} s hop) → ${outPath}`,
      );
    } finally {
      await recording.close();
    }
    return 0;
  },
};
