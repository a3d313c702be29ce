import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { relToAbsMax } from '../testing/compare';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { applyMask, maskFromComponents, type MaskComponent, PAPER_MASK_PARAMS, randomGaussianMask } from './masks';
import { seededRandom } from './random';
import { frequencyMajor, istft, stft } from './stft';

const OPTIONS = { sampleRateHz: 200, nperseg: 400, noverlap: 200 };

describeShared('STFT, ISTFT and Gaussian masks against scipy (dsp_io.safetensors)', () => {
  const dsp = readSafetensors(readFileSync(`${REFERENCE_DIR}/dsp_io.safetensors`));
  const full = readSafetensors(readFileSync(`${REFERENCE_DIR}/full_size_io.safetensors`)).tensors.get('x')!;
  const channel = (c: number) => Float64Array.from(full.data.subarray(c * 6000, (c + 1) * 6000));
  const t = (name: string) => dsp.tensors.get(name)!;

  it('stft re/im, freqs and times equal scipy.signal.stft for all 19 channels', () => {
    const re: number[] = [];
    const im: number[] = [];
    for (let c = 0; c < 19; c++) {
      const s = stft(channel(c), OPTIONS);
      expect([s.nFreqs, s.nFrames]).toEqual([201, 31]);
      const z = frequencyMajor(s);
      re.push(...z.re);
      im.push(...z.im);
      if (c === 0) {
        expect(Array.from(s.freqs)).toEqual(Array.from(t('stft_freqs').data));
        expect(Array.from(s.times)).toEqual(Array.from(t('stft_times').data));
      }
    }
    expect(relToAbsMax(re, t('stft_re').data)).toBeLessThan(1e-6);
    expect(relToAbsMax(im, t('stft_im').data)).toBeLessThan(1e-6);
  });

  it('istft of the stft gives the signal back (and scipy\'s round trip)', () => {
    const out: number[] = [];
    for (let c = 0; c < 19; c++) {
      const x = channel(c);
      const y = istft(stft(x, OPTIONS), OPTIONS);
      expect(y.length).toBe(6000);
      expect(relToAbsMax(y, x)).toBeLessThan(1e-12);
      out.push(...y);
    }
    expect(relToAbsMax(out, t('istft_roundtrip').data)).toBeLessThan(1e-6);
  });

  it('the explicit component list reproduces mask_map (1e-12) and masked_signal (1e-6)', () => {
    const components = JSON.parse(dsp.metadata.mask_components!) as MaskComponent[];
    const mask = maskFromComponents(201, 31, components);
    expect(relToAbsMax(mask.map, t('mask_map').data)).toBeLessThan(1e-12);
    const trace = JSON.parse(dsp.metadata.mask_area_trace!) as number[];
    expect(mask.maskedFraction * 201 * 31).toBeCloseTo(trace[trace.length - 1]!, 6);
    const masked = applyMask(Array.from({ length: 19 }, (_, c) => channel(c)), mask, OPTIONS);
    expect(relToAbsMax(masked.flatMap((m) => Array.from(m)), t('masked_signal').data)).toBeLessThan(1e-6);
  });
});

describe('STFT on lengths scipy pads', () => {
  it('round-trips odd and non-power-of-two settings', () => {
    for (const [n, nperseg, noverlap] of [[1001, 256, 128], [777, 100, 75], [50, 64, 32]] as const) {
      const x = new Float64Array(n).map((_, i) => Math.sin(i / 7) + ((i * 31) % 5));
      const y = istft(stft(x, { sampleRateHz: 100, nperseg, noverlap }), { sampleRateHz: 100, nperseg, noverlap });
      expect(relToAbsMax(y.subarray(0, n), x), `${n}/${nperseg}/${noverlap}`).toBeLessThan(1e-10);
    }
  });

  it('writes into handed-back buffers when they are large enough (same values), and allocates otherwise', () => {
    const options = { sampleRateHz: 100, nperseg: 100, noverlap: 50 };
    const a = new Float64Array(1000).map((_, i) => Math.cos(i / 3));
    const b = new Float64Array(1000).map((_, i) => Math.sin(i / 5) * 2);
    const first = stft(a, options);
    const second = stft(b, options, first);
    expect(second.data.buffer).toBe(first.data.buffer);
    expect(Array.from(second.data)).toEqual(Array.from(stft(b, options).data));
    const longer = stft(new Float64Array(5000).fill(1), options, second);
    expect(longer.data.buffer).not.toBe(second.data.buffer);
  });
});

describe('random Gaussian masks', () => {
  const freqs = new Float64Array(201).map((_, k) => k * 0.5);
  it('reach the ratio, are reproducible from the seed and differ between seeds', () => {
    const a = randomGaussianMask(freqs, 31, PAPER_MASK_PARAMS, seededRandom(41));
    const b = randomGaussianMask(freqs, 31, PAPER_MASK_PARAMS, seededRandom(41));
    const c = randomGaussianMask(freqs, 31, PAPER_MASK_PARAMS, seededRandom(42));
    expect(a.maskedFraction).toBeGreaterThanOrEqual(0.5);
    expect(a.maskedFraction).toBeLessThan(0.8);
    expect(a.components).toEqual(b.components);
    expect(c.components).not.toEqual(a.components);
    // Removing the last component falls below the ratio: the loop stops at the first one that reaches it.
    expect(maskFromComponents(201, 31, a.components.slice(0, -1)).maskedFraction).toBeLessThan(0.5);
  });

  it('biases frequency centres into the EEG bands', () => {
    let inBands = 0;
    let total = 0;
    for (let seed = 0; seed < 200; seed++) {
      for (const [kind, f0] of randomGaussianMask(freqs, 31, PAPER_MASK_PARAMS, seededRandom(seed)).components) {
        if (kind === 'time') continue;
        total++;
        if (f0 >= 2 && f0 <= 60) inBands++;
      }
    }
    // Uniform centres would land in bins 2..60 about 29 % of the time; half of the draws are band-biased.
    expect(inBands / total).toBeGreaterThan(0.55);
  });
});
