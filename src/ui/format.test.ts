import { describe, expect, it } from 'vitest';
import { clockLabel, clockToDataSec, dataToClockSec, offsetLabel, timeLabel } from './format';

const night = { startIso: '1989-04-24T16:13:00.000Z', runs: [{ dataSec: 0, clockSec: 0 }] };
// An EDF+D recording: 0–20 s of data at 0.39 s on the clock, then a gap, then 20–40 s of data from 600 s on.
const gapped = { startIso: '2024-01-31T23:59:50.000Z', runs: [{ dataSec: 0, clockSec: 0.39 }, { dataSec: 20, clockSec: 600 }] };

describe('the time convention', () => {
  it('writes clock time with the offset in seconds', () => {
    expect(timeLabel(night, 30)).toBe('16:13:30 (30 s)');
    expect(timeLabel(night, 30_630)).toBe('00:43:30 (30\u2009630 s)');
    expect(timeLabel(night, 12.25, 1)).toBe('16:13:12 (12.3 s)');
    expect(timeLabel({ startIso: null }, 12)).toBe('12 s');
    expect(clockLabel({ startIso: null }, 12)).toBe('+12 s');
    expect(offsetLabel(-90)).toBe('−90 s');
  });

  it('converts data time and clock time through the runs of a recording with gaps', () => {
    expect(dataToClockSec(night, 42)).toBe(42);
    expect(dataToClockSec(gapped, 10)).toBeCloseTo(10.39, 12);
    expect(dataToClockSec(gapped, 25)).toBe(605);
    expect(clockToDataSec(gapped, 605)).toBe(25);
    expect(clockToDataSec(gapped, 300)).toBe(20); // inside the gap: the next run's start
    expect(timeLabel(gapped, dataToClockSec(gapped, 25))).toBe('00:09:55 (605 s)');
  });
});
