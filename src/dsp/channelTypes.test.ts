import { describe, expect, it } from 'vitest';
import { channelType } from './channelTypes';

describe('channel types', () => {
  it('reads the type from Sleep-EDF, eegmmidb, rodent and clinical labels', () => {
    const cases: [string, string, string][] = [
      ['EEG Fpz-Cz', 'uV', 'eeg'],
      ['C3..', 'uV', 'eeg'],
      ['EEG09', 'uV', 'eeg'],
      ['EOG horizontal', 'uV', 'eog'],
      ['EMG submental', 'uV', 'emg'],
      ['EMG09', 'uV', 'emg'],
      ['ECG', 'mV', 'ecg'],
      ['EKG1', 'uV', 'ecg'],
      ['Resp oro-nasal', '', 'respiration'],
      ['Event marker', '', 'event'],
      ['Temp rectal', 'DegC', 'other'],
      ['LOC-A2', 'uV', 'eog'],
      ['Chin1-Chin2', 'uV', 'emg'],
      ['FP1-F7', 'uV', 'eeg'],
    ];
    expect(cases.map(([label, unit]) => channelType(label, unit))).toEqual(cases.map(([, , t]) => t));
  });
});
