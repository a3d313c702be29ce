import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { fftInPlace } from './fft';
import { welchPsd, welchSettings } from './welch';

/** max|a − ref| / max|ref| */
function relToAbsMax(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  let d = 0;
  let m = 0;
  for (let i = 0; i < ref.length; i++) {
    d = Math.max(d, Math.abs(a[i]! - ref[i]!));
    m = Math.max(m, Math.abs(ref[i]!));
  }
  return d / m;
}

describe('fft', () => {
  it('matches a direct DFT for power-of-two, composite and prime lengths, forward and inverse', () => {
    for (const n of [1, 2, 8, 12, 400, 401, 1009]) {
      const re = new Float64Array(n).map((_, i) => Math.sin(0.3 * i) + (i % 7) / 3 + 0.5);
      const im = new Float64Array(n).map((_, i) => Math.cos(0.11 * i * i) / 2);
      const wantRe = new Float64Array(n);
      const wantIm = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        for (let t = 0; t < n; t++) {
          const a = (-2 * Math.PI * ((k * t) % n)) / n;
          wantRe[k]! += re[t]! * Math.cos(a) - im[t]! * Math.sin(a);
          wantIm[k]! += re[t]! * Math.sin(a) + im[t]! * Math.cos(a);
        }
      }
      const r = re.slice();
      const i = im.slice();
      fftInPlace(r, i);
      expect(relToAbsMax(r, wantRe), `re n=${n}`).toBeLessThan(1e-12);
      expect(relToAbsMax(i, wantIm), `im n=${n}`).toBeLessThan(1e-12);
      fftInPlace(r, i, true);
      expect(relToAbsMax(r.map((v) => v / n), re), `inverse n=${n}`).toBeLessThan(1e-12);
    }
  });
});

describe('welchSettings', () => {
  it('follows the 1-s and >= 2-s rules and refuses the rest', () => {
    expect(welchSettings(30, 200)).toEqual({ nperseg: 400, noverlap: 200, nFreqs: 201 });
    expect(welchSettings(1, 200)).toEqual({ nperseg: 200, noverlap: 0, nFreqs: 101 });
    expect(() => welchSettings(1.5, 200)).toThrow(/1.5-s/);
  });
});

describeShared('welchPsd parity with dsp_io.safetensors', () => {
  const f = readSafetensors(readFileSync(`${REFERENCE_DIR}/dsp_io.safetensors`));
  const cases: [string, string, number][] = [
    ['welch_in_6s', 'welch_out_6s', 6],
    ['welch_in_1s', 'welch_out_1s', 1],
    ['welch_in_tail', 'welch_out_tail', 6],
  ];
  for (const [inName, outName, seconds] of cases) {
    it(`${outName} within 1e-6 of max`, () => {
      const x = f.tensors.get(inName)!;
      const ref = f.tensors.get(outName)!;
      const [b, c, t] = x.shape as [number, number, number];
      const { nperseg, noverlap, nFreqs } = welchSettings(seconds, 200);
      const got = new Float64Array(b * c * nFreqs);
      for (let row = 0; row < b * c; row++) {
        got.set(welchPsd(x.data.subarray(row * t, (row + 1) * t), 200, nperseg, noverlap), row * nFreqs);
      }
      expect(relToAbsMax(got, ref.data)).toBeLessThan(1e-6);
      if (outName === 'welch_out_6s') expect(relToAbsMax(got, f.tensors.get('welch_out_6s_f64')!.data)).toBeLessThan(1e-12);
    });
  }
});
