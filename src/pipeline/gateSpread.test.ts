import { describe, expect, it } from 'vitest';
import { FLAT_GATE_SPREAD, gateSpread } from './gateSpread';

const row = (gates: number[], channelGates: number[][]) => ({ gates, channelGates });

describe('gate spread', () => {
  it('measures max − min of the mean gate across segments and of the channel means across channels', () => {
    const s = gateSpread([
      row([0.2, 0.5, 0.5], [[0.1, 0.3], [0.5, 0.5], [0.49, 0.51]]),
      row([0.6, 0.5, 0.51], [[0.5, 0.7], [0.5, 0.5], [0.5, 0.52]]),
    ])!;
    expect(s.acrossSegments.map((v) => Number(v.toFixed(6)))).toEqual([0.4, 0, 0.01]);
    // channel means of expert 1: (0.1+0.5)/2 = 0.3 and (0.3+0.7)/2 = 0.5
    expect(s.acrossChannels.map((v) => Number(v.toFixed(6)))).toEqual([0.2, 0, 0.02]);
    expect(s.largest).toBeCloseTo(0.4, 12);
    expect(s.flat).toBe(false);
  });

  it('calls a gate flat when every spread is below the threshold', () => {
    const s = gateSpread([row([0.5, 0.49, 0.51], [[0.5], [0.49], [0.51]]), row([0.51, 0.5, 0.5], [[0.51], [0.5], [0.5]])])!;
    expect(s.flat).toBe(true);
    expect(s.threshold).toBe(FLAT_GATE_SPREAD);
    expect(gateSpread([])).toBeNull();
  });
});
