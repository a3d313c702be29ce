// Channel mappings that make no sense for a model, caught before anything is decoded: one recording channel feeding
// several model channels (16 copies of a sleep montage's Fpz-Cz are not a motor cortex), a non-EEG channel (EOG,
// EMG, respiration, events) feeding an EEG input, a pinned channel the recording does not have as a voltage, and a
// sample rate too low to hold the band the model's data covered. Errors refuse the mapping; warnings are shown
// beside the results and carried into exports.
import { CHANNEL_TYPE_NAMES, channelType } from './channelTypes';
import type { ChannelMap, ChannelSource, RecordingChannel } from './segments';
import { channelKey } from './channels';
import { microvoltsPerUnit } from './units';

export interface MappingCheck {
  readonly errors: string[];
  readonly warnings: string[];
}

/** The frequency band the model's training data covered: its band-pass when the bundle declares one. */
export interface ModelDataBand {
  readonly lowHz: number | null;
  readonly highHz: number;
}

/** A recording channel's Nyquist frequency may fall to this fraction of the top of the model's band before we warn. */
const NYQUIST_MARGIN = 0.75;

const sourceKey = (s: ChannelSource) => (s.kind === 'channel' ? `${s.index}` : s.kind === 'derived' ? `${s.plus}-${s.minus}` : null);

/** How a model channel's source reads: "EEG Fpz-Cz", "C3.. − Cz..", or null when missing. */
export function sourceLabel(recording: readonly RecordingChannel[], s: ChannelSource): string | null {
  if (s.kind === 'channel') return recording[s.index]!.label;
  if (s.kind === 'derived') return `${recording[s.plus]!.label} − ${recording[s.minus]!.label}`;
  return null;
}

const list = (names: readonly string[], max = 6) => (names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', '));

export function checkChannelMap(
  recording: readonly RecordingChannel[],
  modelChannels: readonly string[],
  map: ChannelMap,
  band: ModelDataBand,
  overrides: Readonly<Record<string, string>> = {},
): MappingCheck {
  const errors: string[] = [];
  const warnings: string[] = [];
  // A pinned label the recording lacks, or holds only as a non-voltage channel, must not turn silently into zeros.
  for (const [model, pinned] of Object.entries(overrides)) {
    if (!pinned || !modelChannels.includes(model)) continue;
    const found = recording.find((c) => channelKey(c.label) === channelKey(pinned));
    if (!found) errors.push(`model channel ${model} is mapped to "${pinned}", which this recording does not have`);
    else if (microvoltsPerUnit(found.unit) === null) errors.push(`model channel ${model} is mapped to "${found.label}", which is not a voltage (unit "${found.unit}")`);
  }
  const users = new Map<string, string[]>();
  map.sources.forEach((s, i) => {
    const key = sourceKey(s);
    if (key !== null) users.set(key, [...(users.get(key) ?? []), modelChannels[i]!]);
  });
  for (const [key, models] of users) {
    if (models.length < 2) continue;
    const source = sourceLabel(recording, map.sources[modelChannels.indexOf(models[0]!)]!) ?? key;
    errors.push(
      `recording channel "${source}" feeds ${models.length} model channels (${list(models)}): the model reads each input as a different place on the head, ` +
        'so copies of one channel give it a picture of the brain that does not exist. Map each model channel to its own electrode, or use a model made for these channels',
    );
  }
  map.sources.forEach((s, i) => {
    // A model input named for another kind of signal (a model trained on "ECG") takes that kind; EEG inputs take EEG.
    if (channelType(modelChannels[i]!, 'uV') !== 'eeg') return;
    const indices = s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : [];
    for (const index of indices) {
      const c = recording[index]!;
      const type = channelType(c.label, c.unit);
      if (type !== 'eeg') errors.push(`model channel ${modelChannels[i]} is an EEG input, but "${c.label}" is ${/^[aeiou]/i.test(CHANNEL_TYPE_NAMES[type]) ? 'an' : 'a'} ${CHANNEL_TYPE_NAMES[type]} channel`);
    }
  });
  const slow = new Map<number, string[]>();
  for (const s of map.sources) {
    for (const index of s.kind === 'channel' ? [s.index] : s.kind === 'derived' ? [s.plus, s.minus] : []) {
      const c = recording[index]!;
      if (c.sampleRateHz / 2 < NYQUIST_MARGIN * band.highHz && !slow.get(c.sampleRateHz)?.includes(c.label)) slow.set(c.sampleRateHz, [...(slow.get(c.sampleRateHz) ?? []), c.label]);
    }
  }
  for (const [rate, labels] of slow) {
    warnings.push(
      `${list(labels, 4)} ${labels.length > 1 ? 'are' : 'is'} sampled at ${rate} Hz, so ${labels.length > 1 ? 'they hold' : 'it holds'} nothing above ${rate / 2} Hz, ` +
        `while the model's data covered ${band.lowHz !== null ? `${band.lowHz}–` : 'up to '}${band.highHz} Hz: its spectrum looks unlike what the model learned from, and the predictions may be meaningless`,
    );
  }
  return { errors, warnings };
}
