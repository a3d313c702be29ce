// The shared recordings with gaps between their data records (EDF+D, BDF+D, and an EDF+ whose records jump 12 h), and
// the record start times their expected JSON lists: what tests check both clocks of a recording against.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { DATA_DIR } from '../cli/paths';

export const GAPPED_FILES = ['edfReader/edfPlusD.edf', 'edfReader/bdfPlusD.bdf', 'EDF.jl/test_merged.edf'] as const;

export const gappedPath = (file: string): string => `${DATA_DIR}/edge-cases/${file}.gz`;

/** Record start times (clock seconds) and record duration from the shared data's expected JSON of `file`. */
export function expectedRecordTimes(file: string): { startsSec: number[]; recordDurationSec: number } {
  const expected = JSON.parse(readFileSync(`${DATA_DIR}/edge-cases/${file}.expected.json`, 'utf8')) as {
    header: { record_duration_s: number };
    native: { record_start_times_first50: number[]; n_record_start_times: number };
  };
  if (expected.native.n_record_start_times > 50) throw new Error(`${file}: more records than the 50 start times listed`);
  return { startsSec: expected.native.record_start_times_first50, recordDurationSec: expected.header.record_duration_s };
}

/** Clock seconds of data second `dataSec`, computed from the listed record start times (not by the code under test). */
export function expectedClockSec(times: { startsSec: readonly number[]; recordDurationSec: number }, dataSec: number): number {
  const r = Math.min(times.startsSec.length - 1, Math.floor(dataSec / times.recordDurationSec + 1e-9));
  return times.startsSec[r]! + (dataSec - r * times.recordDurationSec);
}

/**
 * The file's bytes (inflated), with the physical dimension of its first four signals set to "uV" where it says
 * "n/a" (test_merged's BioSemi channels): a model can only be given channels in a voltage unit.
 */
export function decodableGappedBytes(file: string): Uint8Array {
  const bytes = new Uint8Array(gunzipSync(readFileSync(gappedPath(file))));
  const nSignals = Number(new TextDecoder().decode(bytes.subarray(252, 256)).trim());
  const unitsAt = 256 + nSignals * (16 + 80);
  for (let i = 0; i < 4; i++) {
    const at = unitsAt + 8 * i;
    if (new TextDecoder().decode(bytes.subarray(at, at + 8)).trim() === 'n/a') bytes.set(new TextEncoder().encode('uV'.padEnd(8)), at);
  }
  return bytes;
}
