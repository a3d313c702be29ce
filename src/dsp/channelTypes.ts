// What a channel carries, told from its label and unit the way PSG and EEG viewers tell them apart: EEG, EOG, EMG,
// ECG, respiration or something else (temperature, SpO2, event markers, status). And the default set of channels a
// viewer shows at once: for a high-density cap, its 10-20 electrodes (plus the polygraphic channels).
import { channelKey } from './channels';
import { microvoltsPerUnit } from './units';

export type ChannelType = 'eeg' | 'eog' | 'emg' | 'ecg' | 'resp' | 'other';

export const CHANNEL_TYPES: readonly ChannelType[] = ['eeg', 'eog', 'emg', 'ecg', 'resp', 'other'];

/** How the type reads in a sentence (the mapping checks' refusals, dsp/mappingChecks.ts). */
export const CHANNEL_TYPE_NAMES: Readonly<Record<ChannelType, string>> = {
  eeg: 'EEG',
  eog: 'EOG (eye movement)',
  emg: 'EMG (muscle)',
  ecg: 'ECG (heart)',
  resp: 'respiration',
  other: 'non-EEG (temperature, SpO2, event marker, …)',
};

/** A type word at the start of the label, as EDF+ asks ("EEG Fpz-Cz", "EMG submental", "Resp oro-nasal"). */
const TYPE_PREFIX: readonly [RegExp, ChannelType][] = [
  [/^EEG\b/i, 'eeg'],
  [/^EOG\b/i, 'eog'],
  [/^EMG\b/i, 'emg'],
  [/^(ECG|EKG)\b/i, 'ecg'],
  [/^(RESP|RESPIRATION)\b/i, 'resp'],
];

/** Words anywhere in the label, for systems that do not write the EDF+ type prefix. */
const TYPE_WORDS: readonly [RegExp, ChannelType][] = [
  [/EOG|\b(LOC|ROC)\b|\beye/i, 'eog'],
  [/EMG|\bchin|submental|\bleg\b|tibialis/i, 'emg'],
  [/ECG|EKG|\bheart\b/i, 'ecg'],
  [/spo2|sao2|pleth|pulse|temp|position|\blight|event|marker|status|trigger|\bstim\b/i, 'other'],
  [/resp|thor|abdo|\babd\b|airflow|\bflow\b|nasal|thermistor|effort|\bbelt\b|pressure|snore/i, 'resp'],
];

/** A 10-10 electrode name after channelKey (FP1, FCZ, T7, A1, M2, CB1, …). */
const ELECTRODE = /^(FP|AF|F|FT|FC|T|TP|C|CP|P|PO|O|I|A|M|CB|N)(Z|\d{1,2})$/;

/** Whether the label names a 10-20/10-10 electrode or a derivation of two ("Fpz-Cz"). */
export function isElectrodeLabel(label: string): boolean {
  const parts = channelKey(label).split('-');
  return parts.length <= 2 && parts.every((p) => ELECTRODE.test(p));
}

/**
 * The signal type of a channel: the EDF+ type prefix first, then telling words, then electrode names; an unnamed
 * voltage channel is taken as EEG (this is an EEG viewer: intracranial and rodent electrodes have such labels), and
 * any other unit as "other".
 */
export function channelType(label: string, unit: string): ChannelType {
  const text = label.trim();
  for (const [pattern, type] of TYPE_PREFIX) if (pattern.test(text)) return type;
  for (const [pattern, type] of TYPE_WORDS) if (pattern.test(text)) return type;
  if (isElectrodeLabel(text)) return 'eeg';
  return microvoltsPerUnit(unit) !== null ? 'eeg' : 'other';
}

/** The 19 electrodes of the international 10-20 system, with the modern names of T3/T4/T5/T6. */
export const TEN_TWENTY = ['Fp1', 'Fp2', 'F7', 'F3', 'Fz', 'F4', 'F8', 'T7', 'C3', 'Cz', 'C4', 'T8', 'P7', 'P3', 'Pz', 'P4', 'P8', 'O1', 'O2'] as const;

/** A cap with this many 10-20 electrodes among more channels than fit counts as high-density with a 10-20 subset. */
const MIN_TEN_TWENTY = 15;

/**
 * Indices of the channels to show by default when there are more than `maxShown`: on a high-density cap the 10-20
 * electrodes (one channel each, in file order) and every EOG, EMG, ECG and respiration channel; otherwise all of them
 * (the viewer then pages through them).
 */
export function defaultShownChannels(channels: readonly { label: string; type: ChannelType }[], maxShown: number): number[] {
  const all = channels.map((_, i) => i);
  if (channels.length <= maxShown) return all;
  const wanted = new Set<string>(TEN_TWENTY.map((e) => channelKey(e)));
  const seen = new Set<string>();
  const tenTwenty = all.filter((i) => {
    const c = channels[i]!;
    const key = channelKey(c.label);
    if (c.type !== 'eeg' || !wanted.has(key) || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (tenTwenty.length < MIN_TEN_TWENTY) return all;
  return all.filter((i) => tenTwenty.includes(i) || (channels[i]!.type !== 'eeg' && channels[i]!.type !== 'other'));
}
