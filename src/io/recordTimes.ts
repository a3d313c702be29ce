// Where data records sit in time, and the one conversion between the two clocks of a recording:
// - data time: seconds of samples from the first sample, gaps not counted (sample index = round(sec × rate));
// - clock time: seconds after the header's start date/time, as TAL onsets and record start times are written.
// An EDF+D/BDF+D file may leave gaps between records; we expose them, never close them (see docs/edf-reader.md).
import type { Recording } from './recording';

/** What the conversions read from a recording. */
export type RecordTimes = Pick<Recording, 'recordStartTimesSec'> & { readonly header: Pick<Recording['header'], 'recordDurationSec'> };

/** Start of record r in clock seconds; records whose start is unreadable (NaN) sit where back-to-back records would. */
function recordStart(times: RecordTimes, r: number): number {
  const start = times.recordStartTimesSec[r];
  return start !== undefined && Number.isFinite(start) ? start : r * times.header.recordDurationSec;
}

/** Data seconds → clock seconds: the record holding that sample, plus the offset into it. */
export function clockTime(times: RecordTimes, dataSec: number): number {
  const { recordDurationSec } = times.header;
  const count = times.recordStartTimesSec.length;
  if (recordDurationSec <= 0 || count === 0) return dataSec;
  const r = Math.min(count - 1, Math.max(0, Math.floor(dataSec / recordDurationSec)));
  return recordStart(times, r) + (dataSec - r * recordDurationSec);
}

/**
 * Clock seconds → data seconds: the last record starting at or before that time, plus the offset into it. A time in
 * a gap maps to the end of the record before the gap (the data has nothing in between).
 */
export function dataTime(times: RecordTimes, clockSec: number): number {
  const { recordDurationSec } = times.header;
  const count = times.recordStartTimesSec.length;
  if (recordDurationSec <= 0 || count === 0) return clockSec;
  let r = 0;
  while (r + 1 < count && recordStart(times, r + 1) <= clockSec) r++;
  const offset = clockSec - recordStart(times, r);
  return r * recordDurationSec + (r + 1 < count ? Math.min(offset, recordDurationSec) : offset);
}

/**
 * Records that do not start where a continuous recording would put them (first record's start + r × record
 * duration, within `toleranceSec`), including records whose start is unknown (NaN). Same convention as the
 * `native.discontinuous_records` of the shared data's expected JSON.
 */
export function discontinuousRecords(recordStartTimesSec: Float64Array, recordDurationSec: number, toleranceSec: number): number[] {
  const first = recordStartTimesSec[0];
  const origin = first === undefined || Number.isNaN(first) ? 0 : first;
  const out: number[] = [];
  recordStartTimesSec.forEach((start, r) => {
    if (Number.isNaN(start) || Math.abs(start - (origin + r * recordDurationSec)) > toleranceSec) out.push(r);
  });
  return out;
}

/** Half a sample period of the fastest channel: a shift smaller than that is rounding in the TAL, not a gap. */
export function gapToleranceSec(sampleRatesHz: readonly number[]): number {
  const fastest = sampleRatesHz.reduce((max, rate) => (Number.isFinite(rate) && rate > max ? rate : max), 0);
  return fastest > 0 ? 0.5 / fastest : 1e-6;
}
