import { describe, expect, it } from 'vitest';
import { minMaxColumns } from './decimate';
import { applyDisplayFilter } from './displayFilter';
import { bipolarDerivations, commonAverage } from './montage';

const fs = 200;
const sine = (hz: number, n: number) => Float32Array.from({ length: n }, (_, i) => Math.sin((2 * Math.PI * hz * i) / fs));
const rms = (x: ArrayLike<number>, from: number, to: number) => {
  let s = 0;
  for (let i = from; i < to; i++) s += x[i]! ** 2;
  return Math.sqrt(s / (to - from));
};

describe('display filters (fili Butterworth, zero phase)', () => {
  it('a 50 Hz notch removes a 50 Hz sine to < 1 % and passes 10 Hz within 1 %, without phase shift', () => {
    const n = 4000;
    const mains = applyDisplayFilter(sine(50, n), fs, { highpassHz: null, lowpassHz: null, notchHz: 50 });
    expect(rms(mains, 1000, 3000) / rms(sine(50, n), 1000, 3000)).toBeLessThan(0.01);
    const alpha = applyDisplayFilter(sine(10, n), fs, { highpassHz: null, lowpassHz: null, notchHz: 50 });
    expect(Math.abs(rms(alpha, 1000, 3000) / rms(sine(10, n), 1000, 3000) - 1)).toBeLessThan(0.01);
    // Zero phase: the filtered sine lines up with the original (residual far below the amplitude).
    const ref = sine(10, n);
    let diff = 0;
    for (let i = 1000; i < 3000; i++) diff = Math.max(diff, Math.abs(alpha[i]! - ref[i]!));
    expect(diff).toBeLessThan(0.02);
  });

  it('high-pass removes a DC offset and low-pass removes 70 Hz', () => {
    const n = 4000;
    const x = Float32Array.from(sine(10, n), (v, i) => v + 50 + Math.sin((2 * Math.PI * 70 * i) / fs));
    const y = applyDisplayFilter(x, fs, { highpassHz: 1, lowpassHz: 40, notchHz: null });
    const ref = sine(10, n);
    let err = 0;
    for (let i = 1000; i < 3000; i++) err = Math.max(err, Math.abs(y[i]! - ref[i]!));
    expect(err).toBeLessThan(0.1);
  });
});

describe('montages and decimation', () => {
  it('builds the double banana from eegmmidb labels, with T7/P7 for T3/T5', () => {
    const labels = ['Fp1.', 'F7..', 'T7..', 'P7..', 'O1..', 'Fz..', 'Cz..', 'Pz..', 'C3..'];
    expect(bipolarDerivations(labels).map((d) => [d.label, d.plus, d.minus])).toEqual([
      ['Fp1-F7', 0, 1], ['F7-T7', 1, 2], ['T7-P7', 2, 3], ['P7-O1', 3, 4], ['Fz-Cz', 5, 6], ['Cz-Pz', 6, 7],
    ]);
    expect(bipolarDerivations(['EEG Fpz-Cz', 'EEG Pz-Oz'])).toEqual([]);
  });

  it('common average leaves zero-sum channels, decimation keeps every spike', () => {
    const car = commonAverage([Float32Array.from([1, 2, 3]), Float32Array.from([3, 2, 1])]);
    expect(Array.from(car[0]!)).toEqual([-1, 0, 1]);
    const x = new Float32Array(1000);
    x[517] = 9;
    const { min, max } = minMaxColumns(x, 100);
    expect(max[51]).toBe(9);
    expect(Math.max(...max)).toBe(9);
    expect(min.length).toBe(100);
  });
});
