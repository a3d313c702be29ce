import { describe, expect, it } from 'vitest';
import { bandFilter } from './bandFilter';

const fs = 200;
const sine = (hz: number, n: number, amp = 1) => new Float64Array(n).map((_, i) => amp * Math.sin((2 * Math.PI * hz * i) / fs));
const rms = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((a, v) => a + v * v, 0) / x.length);

describe('bandFilter', () => {
  it('passes 10 Hz unchanged and in phase, removes drift, 60 Hz mains and 90 Hz', () => {
    const n = 4000;
    const x = new Float64Array(n).map((_, i) => 5 + 0.002 * i + sine(10, n)[i]! + sine(60, n, 2)[i]! + sine(90, n)[i]!);
    const y = bandFilter(x, { sampleRateHz: fs, lowHz: 0.3, highHz: 75, notchHz: 60 });
    const residual = y.map((v, i) => v - sine(10, n)[i]!);
    // Away from the ends (the linear drift is not periodic), the output is the 10-Hz sine alone.
    expect(rms(residual.subarray(500, n - 500))).toBeLessThan(0.01);
  });

  it('refuses an empty band', () => {
    expect(() => bandFilter(new Float64Array(10), { sampleRateHz: fs, lowHz: 30, highHz: 10, notchHz: null })).toThrow(/high edge/);
  });
});
