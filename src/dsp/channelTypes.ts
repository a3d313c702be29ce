// What a recording channel measures, told from its label and unit as EDF writers name them ("EEG Fpz-Cz",
// "EOG horizontal", "EMG submental", "Resp oro-nasal", "Event marker", "Temp rectal"). Voltage channels with no type
// prefix are taken as EEG (eegmmidb's "C3..", a mouse's "EEG09").
import { microvoltsPerUnit } from './units';

export type ChannelType = 'eeg' | 'eog' | 'emg' | 'ecg' | 'respiration' | 'event' | 'other';

const PATTERNS: readonly (readonly [Exclude<ChannelType, 'eeg' | 'other'>, RegExp])[] = [
  ['eog', /^(EOG|HEOG|VEOG|LOC\b|ROC\b)|\bEOG/i],
  ['emg', /^(EMG|CHIN)|\bEMG/i],
  ['ecg', /^(ECG|EKG)|\b(ECG|EKG)/i],
  ['respiration', /^(RESP|FLOW|AIRFLOW|THOR|THORAX|ABD|ABDO|ABDOMEN|NASAL|SNORE|PLETH|SPO2|SAO2)\b|\bRESP/i],
  ['event', /^(EVENT|MARKER|TRIGGER|STATUS|STIM|ANNOTATION)|\b(EVENT|MARKER|TRIGGER)\b/i],
];

export function channelType(label: string, unit: string): ChannelType {
  const text = label.trim();
  for (const [type, pattern] of PATTERNS) if (pattern.test(text)) return type;
  return microvoltsPerUnit(unit) === null ? 'other' : 'eeg';
}

/** How the type reads in a sentence. */
export const CHANNEL_TYPE_NAMES: Readonly<Record<ChannelType, string>> = {
  eeg: 'EEG',
  eog: 'EOG (eye movement)',
  emg: 'EMG (muscle)',
  ecg: 'ECG (heart)',
  respiration: 'respiration',
  event: 'event marker',
  other: 'non-EEG',
};
