import { describe, expect, it } from 'vitest';
import { bandErrorPower, bandMagnitudeError, reconstructionBandErrors } from './bandErrors';

const FS = 200;
/** Cells of the magnitude grid of a 6-s signal: 201 frequencies × 7 frames (nperseg 400, noverlap 200, padded). */
const GRID_CELLS = 201 * 7;
const sine = (hz: number, amplitude: number, phase = 0) => Float64Array.from({ length: 6 * FS }, (_, i) => amplitude * Math.sin((2 * Math.PI * hz * i) / FS + phase));

describe('band errors', () => {
  it('puts the error of a missing 10-Hz component in alpha, in both senses', () => {
    const original = sine(10, 1);
    const missing = new Float64Array(original.length);
    const waveform = bandErrorPower(original, missing, FS);
    const magnitude = bandMagnitudeError(original, missing, FS);
    expect(waveform.alpha).toBeGreaterThan(100 * (waveform.delta + waveform.beta + waveform.gamma));
    expect(magnitude.alpha).toBeGreaterThan(100 * (magnitude.delta + magnitude.beta + magnitude.gamma));
  });

  it('tells phase errors (waveform) from magnitude errors', () => {
    const original = sine(10, 1);
    const shifted = sine(10, 1, Math.PI); // same magnitude, opposite phase
    expect(bandMagnitudeError(original, shifted, FS).alpha).toBeLessThan(1e-6 * bandMagnitudeError(original, new Float64Array(original.length), FS).alpha);
    expect(bandErrorPower(original, shifted, FS).alpha).toBeGreaterThan(3 * bandErrorPower(original, new Float64Array(original.length), FS).alpha);
  });

  it('averages over signals and ranks a closer reconstruction lower', () => {
    const original = sine(6, 1);
    const rows = reconstructionBandErrors([{ original, masked: sine(6, 0.2), dec1: sine(6, 0.9), dec2: sine(6, 0.5), mask: new Float64Array(GRID_CELLS).fill(0.5) }], FS);
    const theta = rows.find((r) => r.band === 'theta')!;
    expect(theta.magnitude.dec1).toBeLessThan(theta.magnitude.dec2);
    expect(theta.magnitude.dec2).toBeLessThan(theta.magnitude.masked);
    expect(theta.waveform.dec1).toBeLessThan(theta.waveform.masked);
    // A uniform mask weights every cell alike: the masked-region measure is the plain magnitude error.
    expect(theta.maskedRegions.dec2).toBeCloseTo(theta.magnitude.dec2, 10);
  });

  it('weights the magnitude error by cell: only the cells given count', () => {
    const original = sine(10, 1);
    // Equal to the original in the first 3 s, silent afterwards.
    const candidate = original.map((v, i) => (i < 3 * FS ? v : 0));
    const frames = GRID_CELLS / 201;
    const early = Float64Array.from({ length: GRID_CELLS }, (_, i) => (i % frames < 2 ? 1 : 0)); // frames at 0 and 1 s
    const late = Float64Array.from({ length: GRID_CELLS }, (_, i) => (i % frames >= frames - 2 ? 1 : 0));
    expect(bandMagnitudeError(original, candidate, FS, early).alpha).toBeLessThan(1e-9);
    expect(bandMagnitudeError(original, candidate, FS, late).alpha).toBeGreaterThan(0.01);
    expect(() => bandMagnitudeError(original, candidate, FS, new Float64Array(3))).toThrow(/3 weights for a grid of/);
  });
});
