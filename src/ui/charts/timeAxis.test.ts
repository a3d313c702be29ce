import { describe, expect, it } from 'vitest';
import { timeAxis } from './timeAxis';

describe('Plotly time axis', () => {
  it('labels round clock steps with clock time over the offset', () => {
    const axis = timeAxis({ startIso: '1989-04-24T16:13:00.000Z' }, 0, 300) as { tickvals: number[]; ticktext: string[] };
    expect(axis.tickvals).toEqual([0, 60, 120, 180, 240, 300]);
    expect(axis.ticktext[1]).toBe('16:14:00<br>60 s');
    const bare = timeAxis({ startIso: null }, 12, 22) as { tickvals: number[]; ticktext: string[] };
    expect(bare.tickvals).toEqual([12, 14, 16, 18, 20, 22]);
    expect(bare.ticktext[0]).toBe('12 s');
  });
});
