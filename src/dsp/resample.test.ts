import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { relToAbsMax } from '../testing/compare';
import { resample, resampleRate } from './resample';

// References written by scripts/fixtures/resample_scipy.py (scipy.signal.resample, float64).
const fixture = readSafetensors(readFileSync(new URL('./fixtures/resample_scipy.safetensors', import.meta.url)));

describe('resample equals scipy.signal.resample', () => {
  const cases = JSON.parse(fixture.metadata.cases!) as Record<string, [number, number]>;
  for (const [name, [, num]] of Object.entries(cases)) {
    it(name, () => {
      const x = fixture.tensors.get(`x_${name}`)!.data;
      const want = fixture.tensors.get(`y_${name}`)!.data;
      const got = resample(x, num);
      expect(got.length).toBe(num);
      expect(relToAbsMax(got, want)).toBeLessThan(1e-12);
    });
  }

  it('writes into out when given and returns its first num values', () => {
    const x = fixture.tensors.get('x_down_256_200_even')!.data;
    const out = new Float64Array(801).fill(7);
    const got = resample(x, 800, out);
    expect(got.buffer).toBe(out.buffer);
    expect(Array.from(got)).toEqual(Array.from(resample(x, 800)));
    expect(out[800]).toBe(7);
    expect(() => resample(x, 800, new Float64Array(799))).toThrow(/fewer/);
  });

  it('resampleRate picks round(N·to/from) samples and keeps a sine\'s frequency', () => {
    const x = new Float64Array(1600).map((_, i) => Math.sin((2 * Math.PI * 10 * i) / 160));
    const y = resampleRate(x, 160, 200);
    expect(y.length).toBe(2000);
    for (const i of [0, 123, 1000, 1999]) expect(y[i]).toBeCloseTo(Math.sin((2 * Math.PI * 10 * i) / 200), 9);
    expect(() => resampleRate(x, 0, 200)).toThrow(/positive/);
  });
});
