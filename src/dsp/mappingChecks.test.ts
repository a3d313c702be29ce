import { describe, expect, it } from 'vitest';
import { checkChannelMap } from './mappingChecks';
import { mapChannels } from './segments';

const psg = [
  { label: 'EEG Fpz-Cz', unit: 'uV', sampleRateHz: 100 },
  { label: 'EEG Pz-Oz', unit: 'uV', sampleRateHz: 100 },
  { label: 'EOG horizontal', unit: 'uV', sampleRateHz: 100 },
  { label: 'Resp oro-nasal', unit: '', sampleRateHz: 1 },
  { label: 'EMG submental', unit: 'uV', sampleRateHz: 1 },
];
const motor = ['FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP3', 'CP1', 'CP2', 'CP4'];
const band = { lowHz: 0.3, highHz: 75 };

describe('channel mapping checks', () => {
  it('refuses sleep EEG as 16 copies of Fpz-Cz for a motor-imagery model, and warns about its 100-Hz rate', () => {
    const overrides = Object.fromEntries(motor.map((c) => [c, 'EEG Fpz-Cz']));
    const check = checkChannelMap(psg, motor, mapChannels(psg, motor, 'referential', overrides), band, overrides);
    expect(check.errors).toHaveLength(1);
    expect(check.errors[0]).toMatch(/^recording channel "EEG Fpz-Cz" feeds 16 model channels \(FC3, FC1, FCz, FC2, FC4, C5, …\)/);
    expect(check.warnings).toEqual([expect.stringMatching(/^EEG Fpz-Cz is sampled at 100 Hz, so it holds nothing above 50 Hz, while the model's data covered 0\.3–75 Hz/)]);
  });

  it('refuses EOG, EMG and respiration channels on EEG inputs, and pinned labels that are missing or not voltages', () => {
    const overrides = { C3: 'EOG horizontal', C4: 'EMG submental', Cz: 'Resp oro-nasal', CP3: 'Pz' };
    const check = checkChannelMap(psg, ['C3', 'C4', 'Cz', 'CP3'], mapChannels(psg, ['C3', 'C4', 'Cz', 'CP3'], 'referential', overrides), band, overrides);
    expect(check.errors).toEqual([
      'model channel Cz is mapped to "Resp oro-nasal", which is not a voltage (unit "")',
      'model channel CP3 is mapped to "Pz", which this recording does not have',
      'model channel C3 is an EEG input, but "EOG horizontal" is an EOG (eye movement) channel',
      'model channel C4 is an EEG input, but "EMG submental" is an EMG (muscle) channel',
    ]);
  });

  it('lets a model input named for another kind of signal take a non-EEG channel (a model trained on ECG)', () => {
    const channels = ['ECG', 'pulse'];
    const overrides = { ECG: 'EOG horizontal', pulse: 'EMG submental' };
    expect(checkChannelMap(psg, channels, mapChannels(psg, channels, 'referential', overrides), band, overrides).errors).toEqual([]);
  });

  it('passes a sensible mapping: distinct EEG channels at a rate that holds the model\'s band', () => {
    const eegmmidb = motor.map((c) => ({ label: `${c}.`, unit: 'uV', sampleRateHz: 160 }));
    expect(checkChannelMap(eegmmidb, motor, mapChannels(eegmmidb, motor, 'referential'), band)).toEqual({ errors: [], warnings: [] });
    // Bipolar derivations may share an electrode (F3-C3 and C3-P3): they are different signals.
    const ref = ['F3', 'C3', 'P3'].map((label) => ({ label, unit: 'uV', sampleRateHz: 256 }));
    const chain = ['F3-C3', 'C3-P3'];
    expect(checkChannelMap(ref, chain, mapChannels(ref, chain, 'bipolar'), { lowHz: null, highHz: 100 }).errors).toEqual([]);
  });
});
