// The seeded generator's Beta draws (mixup's λ): within (0, 1), the moments of Beta(α, α), reproducible from a seed.
import { describe, expect, it } from 'vitest';
import { betaSample, seededRandom } from './random';

describe('betaSample', () => {
  it.each([0.2, 0.4, 1, 2])('draws Beta(%s, %s): mean 1/2, variance 1/(4(2α + 1))', (alpha) => {
    const random = seededRandom(5);
    const draws = Array.from({ length: 20_000 }, () => betaSample(random, alpha));
    expect(Math.min(...draws)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...draws)).toBeLessThanOrEqual(1);
    const mean = draws.reduce((a, b) => a + b, 0) / draws.length;
    const variance = draws.reduce((a, b) => a + (b - mean) ** 2, 0) / draws.length;
    expect(mean).toBeCloseTo(0.5, 1);
    expect(variance).toBeCloseTo(1 / (4 * (2 * alpha + 1)), 2);
  });

  it('draws the same values from the same seed, and refuses α ≤ 0', () => {
    const draw = () => {
      const random = seededRandom(9);
      return Array.from({ length: 5 }, () => betaSample(random, 0.4));
    };
    expect(draw()).toEqual(draw());
    expect(() => betaSample(seededRandom(1), 0)).toThrow(/α > 0, got 0/);
  });
});
