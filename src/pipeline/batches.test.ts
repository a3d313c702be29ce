import { describe, expect, it } from 'vitest';
import { ALIGNMENT_MAX_SEC, alignmentWindows } from './batches';

describe('alignmentWindows', () => {
  it('covers a recording up to the cap whole, in back-to-back windows', () => {
    expect(alignmentWindows(125)).toEqual([0]);
    expect(alignmentWindows(900)).toEqual([0, 300, 600]);
    expect(alignmentWindows(ALIGNMENT_MAX_SEC)).toEqual([0, 300, 600, 900, 1200, 1500]);
  });

  it('samples a longer recording in windows spread from its start to its end, reading no more than the cap', () => {
    const duration = 93 * 3600;
    const starts = alignmentWindows(duration);
    expect(starts.length * 300).toBeLessThanOrEqual(ALIGNMENT_MAX_SEC);
    expect(starts[0]).toBe(0);
    expect(starts[starts.length - 1]! + 300).toBeCloseTo(duration, 6);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThan(300);
  });
});
