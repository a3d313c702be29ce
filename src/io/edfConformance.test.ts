// Every recording under ../shared/data, read through openRecordingFile (gzip undone on the fly), against the
// independent `native` reading in its `<file>.expected.json`. Where we deliberately differ, the test says so.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { openRecordingFile } from '../cli/files';
import { channelStats } from './channelStats';
import { discontinuousRecords, gapToleranceSec } from './recordTimes';
import { DATA_DIR, describeShared, hasShared } from '../testing/shared';

interface NativeChannel {
  label: string;
  unit: string;
  sample_rate_hz: number;
  n_samples: number;
  first: number[];
  mean: number;
  std: number;
  min: number;
  max: number;
}
interface Expected {
  header: { format: string; signals: { label: string; physical_min: number; physical_max: number; is_annotation: boolean }[] };
  native: {
    n_records_read: number;
    channels: NativeChannel[];
    annotations?: { onset: number; duration: number | null; description: string }[];
    record_start_times_first50?: (number | null)[];
    n_record_start_times?: number;
    discontinuous_records?: { record: number; start: number | null }[];
    n_discontinuous_records?: number;
  };
}

function recordingFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? recordingFiles(join(dir, e.name)) : /\.(edf|bdf)\.gz$/i.test(e.name) ? [join(dir, e.name)] : [],
  );
}

const files = hasShared ? recordingFiles(DATA_DIR).sort() : [];

/** Float32 samples carry ~6e-8 relative rounding of the channel's physical scale. */
function closeTo(actual: number | null, expected: number | null, scale: number, what: string): void {
  if (expected === null) return expect(actual, what).toBeNull();
  expect(Math.abs(actual! - expected), `${what}: ${actual} vs ${expected}`).toBeLessThanOrEqual(2e-7 * scale + 1e-12);
}

/**
 * The native reading decodes non-UTF-8 annotation bytes with U+FFFD; we read them as Latin-1 (docs/edf-reader.md).
 * Our text agrees when each of its non-ASCII characters sits where the native text has U+FFFD.
 */
function sameDescription(ours: string, native: string): boolean {
  if (ours === native || !native.includes('\uFFFD')) return ours === native;
  return ours.replace(/[^\x00-\x7f]/g, '\uFFFD') === native;
}

function byOnset<T extends { onset: number; description: string }>(list: T[]): T[] {
  return [...list].sort((a, b) => a.onset - b.onset || (a.description < b.description ? -1 : a.description > b.description ? 1 : 0));
}

describeShared('EDF/BDF conformance with the native reading of every shared file', () => {
  // The corpus grows (103 recordings, then 135): the count only guards against a glob that finds nothing.
  it('finds the shared recordings', () => {
    expect(files.length).toBeGreaterThanOrEqual(103);
  });

  it.each(files.map((f) => [relative(DATA_DIR, f), f]))('%s', async (_name, path) => {
    const expected = JSON.parse(readFileSync(path.replace(/\.gz$/, '.expected.json'), 'utf8')) as Expected;
    const native = expected.native;
    const recording = await openRecordingFile(path);
    const { header } = recording;

    expect(header.format).toBe(expected.header.format.replace(/ \(.*\)$/, ''));
    expect(header.nRecords).toBe(native.n_records_read);

    const dataSignals = expected.header.signals.filter((s) => !s.is_annotation);
    expect(header.channels.map((c) => c.label)).toEqual(native.channels.map((c) => c.label));
    expect(header.channels.map((c) => c.unit)).toEqual(native.channels.map((c) => c.unit));
    expect(header.channels.map((c) => c.nSamples)).toEqual(native.channels.map((c) => c.n_samples));
    header.channels.forEach((c, i) => expect(c.sampleRateHz).toBeCloseTo(native.channels[i]!.sample_rate_hz, 9));

    const stats = await channelStats(recording);
    stats.forEach((s, i) => {
      const want = native.channels[i]!;
      // Digital values may lie outside the declared range (faster2's mouse file), so the data's extremes count too.
      const { physical_min, physical_max } = dataSignals[i]!;
      const scale = Math.max(Math.abs(physical_min), Math.abs(physical_max), Math.abs(want.min), Math.abs(want.max), 1);
      const where = `${want.label} (channel ${i})`;
      expect(s.nSamples).toBe(want.n_samples);
      expect(s.first.length).toBe(want.first.length);
      s.first.forEach((v, k) => closeTo(v, want.first[k]!, scale, `${where} first[${k}]`));
      closeTo(s.mean, want.mean, scale, `${where} mean`);
      closeTo(s.std, want.std, scale, `${where} std`);
      closeTo(s.min, want.min, scale, `${where} min`);
      closeTo(s.max, want.max, scale, `${where} max`);
    });

    const ours = byOnset(recording.annotations.map((a) => ({ onset: a.onsetSec, duration: a.durationSec, description: a.description })));
    const theirs = byOnset(native.annotations ?? []);
    expect(ours.length).toBe(theirs.length);
    ours.forEach((a, k) => {
      expect(a.onset, `annotation ${k} onset`).toBeCloseTo(theirs[k]!.onset, 9);
      expect(a.duration === null ? null : a.duration, `annotation ${k} duration`).toBe(theirs[k]!.duration);
      expect(sameDescription(a.description, theirs[k]!.description), `annotation ${k}: "${a.description}" vs "${theirs[k]!.description}"`).toBe(true);
    });

    const starts = Array.from(recording.recordStartTimesSec, (s) => (Number.isNaN(s) ? null : s));
    expect(starts.length).toBe(native.n_record_start_times ?? native.n_records_read);
    if (native.record_start_times_first50) {
      starts.slice(0, 50).forEach((s, r) => {
        const want = native.record_start_times_first50![r]!;
        if (want === null) expect(s, `record ${r} start`).toBeNull();
        else expect(s!, `record ${r} start`).toBeCloseTo(want, 9);
      });
    }
    const gaps = discontinuousRecords(recording.recordStartTimesSec, header.recordDurationSec, gapToleranceSec(header.channels.map((c) => c.sampleRateHz)));
    if (native.discontinuous_records) {
      expect(gaps.length).toBe(native.n_discontinuous_records);
      expect(gaps.slice(0, 50)).toEqual(native.discontinuous_records.map((d) => d.record));
      expect(recording.hasGaps).toBe(gaps.length > 0);
    }
    await recording.close();
  });
});
