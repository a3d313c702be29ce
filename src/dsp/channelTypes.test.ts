import { describe, expect, it } from 'vitest';
import { channelType, defaultShownChannels, isElectrodeLabel, TEN_TWENTY } from './channelTypes';

describe('channel types from label and unit', () => {
  it("types Sleep-EDF's seven signals as a PSG viewer would", () => {
    const psg: [string, string][] = [
      ['EEG Fpz-Cz', 'uV'], ['EEG Pz-Oz', 'uV'], ['EOG horizontal', 'uV'], ['Resp oro-nasal', ''],
      ['EMG submental', 'uV'], ['Temp rectal', 'DegC'], ['Event marker', ''],
    ];
    expect(psg.map(([l, u]) => channelType(l, u))).toEqual(['eeg', 'eeg', 'eog', 'resp', 'emg', 'other', 'other']);
  });

  it('reads labels without the EDF+ type prefix', () => {
    expect(channelType('Fc5.', 'uV')).toBe('eeg');
    expect(channelType('EEG FP1-REF', 'uV')).toBe('eeg');
    expect(channelType('LOC-A2', 'uV')).toBe('eog');
    expect(channelType('Chin1-Chin2', 'uV')).toBe('emg');
    expect(channelType('EKG', 'mV')).toBe('ecg');
    expect(channelType('Thor', 'mV')).toBe('resp');
    expect(channelType('Airflow', '')).toBe('resp');
    expect(channelType('SpO2', '%')).toBe('other');
    expect(channelType('Status', 'Boolean')).toBe('other');
    // The FASTER2 mouse file: EEG and EMG of eight mice.
    expect(channelType('EEG09', 'uV')).toBe('eeg');
    expect(channelType('EMG09', 'uV')).toBe('emg');
    // An intracranial contact with a free label is taken as EEG; an unknown non-voltage signal as other.
    expect(channelType('GD028Ra1', 'uV')).toBe('eeg');
    expect(channelType('X1', 'mmHg')).toBe('other');
  });

  it('reads Sleep-EDF, eegmmidb, rodent and clinical labels as the mapping checks need them', () => {
    const cases: [string, string, string][] = [
      ['EEG Fpz-Cz', 'uV', 'eeg'],
      ['C3..', 'uV', 'eeg'],
      ['EOG horizontal', 'uV', 'eog'],
      ['EKG1', 'uV', 'ecg'],
      ['Resp oro-nasal', '', 'resp'],
      ['Event marker', '', 'other'],
      ['FP1-F7', 'uV', 'eeg'],
    ];
    expect(cases.map(([label, unit]) => channelType(label, unit))).toEqual(cases.map(([, , t]) => t));
  });

  it('knows electrode names and bipolar derivations', () => {
    expect(isElectrodeLabel('Fpz-Cz')).toBe(true);
    expect(isElectrodeLabel('T3')).toBe(true);
    expect(isElectrodeLabel('M2')).toBe(true);
    expect(isElectrodeLabel('Resp')).toBe(false);
  });
});

describe('the default channel view', () => {
  // eegmmidb's 64-channel cap in file order (its files write them as "Fc5.", "Fp1.", …).
  const EEGMMIDB_64 = ('FC5 FC3 FC1 FCz FC2 FC4 FC6 C5 C3 C1 Cz C2 C4 C6 CP5 CP3 CP1 CPz CP2 CP4 CP6 Fp1 Fpz Fp2 AF7 AF3 AFz AF4 AF8 F7 F5 F3 F1 ' +
    'Fz F2 F4 F6 F8 FT7 FT8 T7 T8 T9 T10 TP7 TP8 P7 P5 P3 P1 Pz P2 P4 P6 P8 PO7 PO3 POz PO4 PO8 O1 Oz O2 Iz').split(' ');
  const typed = (labels: readonly string[]) => labels.map((label) => ({ label, type: channelType(label, 'uV') }));

  it("shows the 19 10-20 electrodes of eegmmidb's 64-channel cap", () => {
    const labels = EEGMMIDB_64.map((l) => `${l}.`);
    const shown = defaultShownChannels(typed(labels), 24).map((i) => labels[i]!.replace('.', ''));
    expect(shown).toHaveLength(19);
    expect([...shown].sort()).toEqual([...TEN_TWENTY].sort());
  });

  it('keeps the polygraphic channels beside the 10-20 subset, and shows small montages whole', () => {
    const labels = [...EEGMMIDB_64, 'EOG left', 'EMG chin', 'ECG', 'Status'];
    const shown = defaultShownChannels(typed(labels), 24).map((i) => labels[i]);
    expect(shown).toHaveLength(22);
    expect(shown.slice(-3)).toEqual(['EOG left', 'EMG chin', 'ECG']);
    expect(defaultShownChannels(typed(['EEG Fpz-Cz', 'EEG Pz-Oz', 'EOG horizontal']), 24)).toEqual([0, 1, 2]);
  });

  it('shows every channel of a large cap without 10-20 names (the viewer pages through them)', () => {
    const labels = Array.from({ length: 128 }, (_, i) => `E${i + 1}`);
    expect(defaultShownChannels(typed(labels), 24)).toHaveLength(128);
  });
});
