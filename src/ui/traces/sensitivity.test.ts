import { describe, expect, it } from 'vitest';
import { nextGain, nextSensitivity, PX_PER_MM, sensitivityLabel, traceScale } from './sensitivity';

const trace = (type: 'eeg' | 'eog' | 'emg' | 'ecg' | 'resp' | 'other', unit: string, physicalMin: number, physicalMax: number) => ({ type, unit, physicalMin, physicalMax });

describe('trace sensitivity', () => {
  it('draws EEG at 7 µV/mm: 70 µV is 10 CSS mm', () => {
    const s = traceScale(trace('eeg', 'µV', -3200, 3200), 7, 1, 40);
    expect(70 * s.pxPerUnit).toBeCloseTo(10 * PX_PER_MM, 9);
    expect(sensitivityLabel(s, 'µV')).toBe('7 µV/mm');
  });

  it('gives each type its default and scales them with the EEG sensitivity and the trace factor', () => {
    expect(sensitivityLabel(traceScale(trace('eog', 'µV', -1000, 1000), 7, 1, 40), 'µV')).toBe('10 µV/mm');
    expect(sensitivityLabel(traceScale(trace('ecg', 'µV', -5000, 5000), 7, 1, 40), 'µV')).toBe('100 µV/mm');
    expect(sensitivityLabel(traceScale(trace('eeg', 'µV', -3200, 3200), 14, 1, 40), 'µV')).toBe('14 µV/mm');
    expect(sensitivityLabel(traceScale(trace('eog', 'µV', -1000, 1000), 14, 1, 40), 'µV')).toBe('20 µV/mm');
    expect(sensitivityLabel(traceScale(trace('eeg', 'µV', -3200, 3200), 7, 2, 40), 'µV')).toBe('3.5 µV/mm');
  });

  it('fits respiration, temperature and tiny voltage ranges to the row', () => {
    const resp = traceScale(trace('resp', '', -2048, 2047), 7, 1, 40);
    expect(resp.fitted).toBe(true);
    expect(4095 * resp.pxPerUnit).toBeCloseTo(36, 9); // 90 % of a 40-px row
    expect(sensitivityLabel(resp, '')).toMatch(/units\/mm$/);
    // Sleep-EDF's submental EMG is an envelope of ±5 µV: 2.5 mm at 10 µV/mm, so it is fitted as well.
    const emg = traceScale(trace('emg', 'µV', -5, 5), 7, 1, 40);
    expect(emg.fitted).toBe(true);
    expect(traceScale(trace('emg', 'µV', -5, 5), 7, 2, 40).pxPerUnit).toBeCloseTo(2 * emg.pxPerUnit, 12);
  });

  it('steps through the standard sensitivities and doubles or halves a trace', () => {
    expect(nextSensitivity(7, 1)).toBe(5);
    expect(nextSensitivity(7, -1)).toBe(10);
    expect(nextSensitivity(1, 1)).toBe(1);
    expect(nextSensitivity(8, 1)).toBe(7); // off the steps: to the neighbouring step
    expect(nextSensitivity(8, -1)).toBe(10);
    expect(nextSensitivity(5000, 1)).toBe(1000);
    expect(nextGain(1, 1)).toBe(2);
    expect(nextGain(1 / 64, -1)).toBe(1 / 64);
  });
});
