// Data time ↔ clock time on the shared recordings with gaps, against the record start times their expected JSON lists.
import { expect, it } from 'vitest';
import { fileSource } from '../cli/files';
import { expectedRecordTimes, GAPPED_FILES, gappedPath } from '../testing/gappedFiles';
import { describeShared } from '../testing/shared';
import { openRecording } from './open';
import { clockTime, dataTime } from './recordTimes';

describeShared('data time and clock time across the gaps of EDF+D / BDF+D', () => {
  for (const file of GAPPED_FILES) {
    it(`${file}: every record's data time maps to its start time and back`, async () => {
      const { startsSec, recordDurationSec } = expectedRecordTimes(file);
      const recording = await openRecording(await fileSource(gappedPath(file)));
      expect(recording.hasGaps).toBe(true);
      expect(Array.from(recording.recordStartTimesSec)).toEqual(startsSec);
      startsSec.forEach((start, r) => {
        for (const into of [0, 0.25 * recordDurationSec, 0.75 * recordDurationSec]) {
          const data = r * recordDurationSec + into;
          expect(clockTime(recording, data)).toBeCloseTo(start + into, 9);
          expect(dataTime(recording, start + into)).toBeCloseTo(data, 9);
        }
      });
      await recording.close();
    });
  }

  it('a clock time inside a gap maps to the end of the data before it', async () => {
    const recording = await openRecording(await fileSource(gappedPath('EDF.jl/test_merged.edf')));
    expect(dataTime(recording, 6)).toBe(6); // records 0–5 cover 0–6 s, record 6 starts at 43 200 s
    expect(dataTime(recording, 20_000)).toBe(6);
    expect(dataTime(recording, 43_200)).toBe(6);
    expect(clockTime(recording, 6)).toBe(43_200);
    await recording.close();
  });
});

it('without gaps the two clocks differ by the first record\'s start', () => {
  const times = { recordStartTimesSec: Float64Array.from([0.5, 1.5, 2.5]), header: { recordDurationSec: 1 } };
  expect(clockTime(times, 1.25)).toBe(1.75);
  expect(dataTime(times, 1.75)).toBe(1.25);
  expect(dataTime(times, 10)).toBe(9.5); // past the last record: its offset continues
  const unreadable = { recordStartTimesSec: Float64Array.from([0, Number.NaN, 5]), header: { recordDurationSec: 2 } };
  expect(clockTime(unreadable, 3)).toBe(3); // record 1's start is unknown: where back-to-back records would put it
  expect(clockTime(unreadable, 4.5)).toBe(5.5);
});
