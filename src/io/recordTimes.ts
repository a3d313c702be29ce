// Where data records sit in time. An EDF+D/BDF+D file may leave gaps between records; we expose them, never
// close them (see docs/edf-reader.md).

/**
 * Records that do not start where a continuous recording would put them (first record's start + r × record
 * duration, within `toleranceSec`), including records whose start is unknown (NaN). Same convention as the
 * `native.discontinuous_records` of the shared data's expected JSON.
 */
export function discontinuousRecords(recordStartTimesSec: Float64Array, recordDurationSec: number, toleranceSec: number): number[] {
  const first = Number.isNaN(recordStartTimesSec[0]) ? 0 : (recordStartTimesSec[0] ?? 0);
  const out: number[] = [];
  for (let r = 0; r < recordStartTimesSec.length; r++) {
    const start = recordStartTimesSec[r]!;
    if (Number.isNaN(start) || Math.abs(start - (first + r * recordDurationSec)) > toleranceSec) out.push(r);
  }
  return out;
}

/** Half a sample period of the fastest channel: a shift smaller than that is rounding in the TAL, not a gap. */
export function gapToleranceSec(sampleRatesHz: readonly number[]): number {
  const fastest = sampleRatesHz.reduce((max, rate) => (Number.isFinite(rate) && rate > max ? rate : max), 0);
  return fastest > 0 ? 0.5 / fastest : 1e-6;
}
