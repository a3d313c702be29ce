// The reader on real files and on real files made non-compliant or hostile byte by byte.
import { readFileSync } from 'node:fs';
import { gunzipSync, gzipSync } from 'node:zlib';
import { expect, it } from 'vitest';
import { EdfFormatError } from './errors';
import { openRecording } from './open';
import type { ByteSource } from './recording';
import { blobSource } from './sources';
import { repeatedEdf } from '../testing/bigEdf';
import { DATA_DIR, describeShared } from '../testing/shared';

/** A fresh copy each time (Node's Buffer.slice would share memory, so mutations must start from a Uint8Array). */
function shared(path: string): Uint8Array {
  return new Uint8Array(gunzipSync(readFileSync(`${DATA_DIR}/${path}.gz`)));
}

/** Counts what the reader asks for. */
function counting(source: ByteSource) {
  const counter = { bytes: 0, reads: 0 };
  const wrapped: ByteSource = {
    name: source.name,
    size: source.size,
    async read(offset, length) {
      const out = await source.read(offset, length);
      counter.bytes += out.length;
      counter.reads++;
      return out;
    },
  };
  return { source: wrapped, counter };
}

function memory(bytes: Uint8Array, name = 'test.edf'): ByteSource {
  return blobSource(new Blob([bytes as Uint8Array<ArrayBuffer>]), name);
}

/** A copy of `bytes` with the ASCII field at `offset` rewritten (space padded to `width`). */
function withField(bytes: Uint8Array, offset: number, width: number, text: string): Uint8Array {
  const out = bytes.slice();
  out.set(new TextEncoder().encode(text.padEnd(width)), offset);
  return out;
}

async function openError(bytes: Uint8Array): Promise<EdfFormatError> {
  const error = await openRecording(memory(bytes)).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EdfFormatError);
  return error as EdfFormatError;
}

// S001R04: 64 EEG signals of 160 samples and 1 annotation signal of 80 (2 bytes each), 125 one-second records.
const R04 = 'eegmmidb/S001/S001R04.edf';
const R04_HEADER = 256 * 66;
const R04_ANNOTATION = 80 * 2;
const R04_RECORD = 64 * 160 * 2 + R04_ANNOTATION;
/** Offset of signal i's field in S001R04's header (65 signals). */
const r04Field = (before: number, width: number, i: number) => 256 + 65 * before + width * i;

describeShared('EDF reader: laziness', () => {
  it('opening reads the header and the annotation-signal bytes only, and a window reads only its records', async () => {
    const { source, counter } = counting(memory(shared(R04)));
    const recording = await openRecording(source);
    expect(counter.bytes).toBe(2 + R04_HEADER + 125 * R04_ANNOTATION);
    expect(recording.annotations).toHaveLength(30);
    counter.bytes = 0;
    const [fc5, iz] = await recording.readChannels([0, 63], 10, 5);
    expect(counter.bytes).toBe(5 * R04_RECORD);
    expect(fc5).toHaveLength(800);
    expect(iz).toHaveLength(800);
  });

  it('opening a 1 GiB recording reads 0.8 % of it, and a window at hour 11 reads one record', async () => {
    const big = await repeatedEdf(shared(R04), 52_100);
    expect(big.size).toBeGreaterThan(2 ** 30);
    const { source, counter } = counting(big);
    const recording = await openRecording(source);
    expect(counter.bytes).toBe(2 + R04_HEADER + 52_100 * R04_ANNOTATION);
    expect(counter.bytes / big.size).toBeLessThan(0.008);
    expect(recording.header.nRecords).toBe(52_100);
    expect(recording.recordStartTimesSec[52_099]).toBe(52_099);
    expect(recording.hasGaps).toBe(false);
    counter.bytes = 0;
    const [window] = await recording.readChannels([5], 40_000, 1);
    expect(counter.bytes).toBe(R04_RECORD);
    // record 40 000 repeats real record 40 000 mod 125 = 0
    const small = await openRecording(memory(shared(R04)));
    expect(Array.from(window!)).toEqual(Array.from(await small.readSamples(5, 0, 160)));
  });
});

describeShared('EDF reader: samples', () => {
  it('readSamples and readChannels agree, across record boundaries and at several rates', async () => {
    const recording = await openRecording(memory(shared('edge-cases/mne-python/test_uneven_samp.edf')));
    const [fast, slow] = recording.header.channels;
    expect([fast!.sampleRateHz, slow!.sampleRateHz].sort()).toEqual([100, 12.8]);
    const all = await recording.readChannels([0, 1], 0, 110);
    expect(all.map((a) => a.length)).toEqual([fast!.nSamples, slow!.nSamples]);
    for (const [ch, rate] of [[0, fast!.sampleRateHz], [1, slow!.sampleRateHz]] as const) {
      // data time → sample index: round(sec × rate) at each end of the window
      const start = Math.round(9.5 * rate);
      const part = await recording.readSamples(ch, start, Math.round(11.5 * rate) - start);
      expect(Array.from(part)).toEqual(Array.from(all[ch]!.subarray(start, start + part.length)));
      const [window] = await recording.readChannels([ch], 9.5, 2);
      expect(Array.from(window!)).toEqual(Array.from(part));
    }
  });

  it('decodes the same from buffers at odd byte offsets, where no 16-bit view fits', async () => {
    const bytes = shared(R04);
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const odd: ByteSource = { name: 'odd.edf', size: bytes.length, read: async (o, l) => shifted.subarray(1 + o, 1 + Math.min(o + l, bytes.length)) };
    const all = Array.from({ length: 64 }, (_, i) => i);
    const [a, b] = await Promise.all([openRecording(odd), openRecording(memory(bytes))].map(async (r) => (await r).readChannels(all, 0, 125)));
    expect(a!.map((x) => Array.from(x))).toEqual(b!.map((x) => Array.from(x)));
    expect(a![0]!.subarray(0, 5)).toEqual(Float32Array.of(-5, -12, -77, -66, -45));
  });

  it('clips windows to the data and names a missing channel', async () => {
    const recording = await openRecording(memory(shared(R04)));
    const [before, after] = await Promise.all([recording.readChannels([0], -2, 3), recording.readChannels([0], 124.5, 10)]);
    expect(before).toHaveLength(1);
    expect(before[0]).toHaveLength(160);
    expect(after[0]).toHaveLength(80);
    expect(await recording.readSamples(0, 19_990, 100)).toHaveLength(10);
    await expect(recording.readChannels([64], 0, 1)).rejects.toThrow('no data channel 64 (the recording has 64)');
    await expect(recording.readChannels([0], Number.NaN, 1)).rejects.toThrow('a window needs finite numbers, got start NaN, length 1');
  });

  it('keeps the gaps of EDF+D: data time skips them, record start times expose them', async () => {
    const recording = await openRecording(memory(shared('edge-cases/edfReader/edfPlusD.edf')));
    expect(recording.header.format).toBe('EDF+D');
    expect(recording.hasGaps).toBe(true);
    expect(Array.from(recording.recordStartTimesSec)).toEqual([0, 2, 4, 5, 6, 7, 8, 9, 12, 15, 19]);
    expect(recording.durationSec).toBe(11);
    const [window] = await recording.readChannels([0], 0, 11);
    expect(window).toHaveLength(2200);
  });

  it('reads the sub-second start of the first record from its time-keeping TAL', async () => {
    const recording = await openRecording(memory(shared('edge-cases/mne-testing-data/subsecond_starttime.edf')));
    expect(recording.recordStartTimesSec[0]).toBe(0.3945312);
    expect(recording.annotations.map((a) => a.onsetSec)).toEqual([2.3457031, 3.8867187]);
    expect(recording.header.startDate?.toISOString()).toBe('2020-01-24T04:05:56.000Z');
  });
});

describeShared('EDF reader: lenient with non-compliant files', () => {
  it('a wrong header-bytes field: data read after the real header, with a warning', async () => {
    const recording = await openRecording(memory(withField(shared(R04), 184, 8, '256')));
    expect(recording.warnings).toContain('header-bytes field says "256" but 65 signals make a 16896-byte header; data read from byte 16896');
    expect(recording.annotations).toHaveLength(30);
  });

  it('n_records = -1: the records are counted from the file size', async () => {
    const recording = await openRecording(memory(withField(shared(R04), 236, 8, '-1')));
    expect(recording.header.nRecords).toBe(125);
    expect(recording.warnings[0]).toBe('number of data records is -1 (recording not closed); 125 complete records found in the file');
  });

  it('a truncated file: the complete records are read, the partial one is reported', async () => {
    const bytes = shared(R04).subarray(0, R04_HEADER + 100 * R04_RECORD + 1234);
    const recording = await openRecording(memory(bytes));
    expect(recording.header.nRecords).toBe(100);
    expect(recording.warnings[0]).toBe('the header declares 125 data records but the file holds 100 complete ones (truncated file); a trailing partial record (1234 bytes) is ignored');
    expect(recording.annotations.every((a) => a.onsetSec < 100)).toBe(true);
    expect((await recording.readChannels([0], 99, 5))[0]).toHaveLength(160);
  });

  it('more complete records than declared: the header count wins, with a warning', async () => {
    const recording = await openRecording(memory(withField(shared(R04), 236, 8, '120')));
    expect(recording.header.nRecords).toBe(120);
    expect(recording.warnings[0]).toBe('the file holds 125 complete data records, more than the 120 the header declares; the extra records are ignored');
  });

  it('impossible start date/time and a trailing byte (EDF.jl test file)', async () => {
    const recording = await openRecording(memory(shared('edge-cases/EDF.jl/test_uneven_samp_trailing_byte.edf')));
    expect(recording.header.startDate).toBeNull();
    expect(recording.warnings).toEqual(['1 trailing bytes after the last data record are ignored', 'impossible start date/time "42.00.00" "26.00.99"; the start date is unknown']);
  });

  it('physical min = max: read as MNE does (physical range 1), with a warning naming the signal', async () => {
    const original = shared(R04);
    const bytes = withField(original, r04Field(16 + 80 + 8 + 8, 8, 2), 8, '-8092');
    const recording = await openRecording(memory(bytes));
    expect(recording.warnings).toContain('signal "Fc1.": physical minimum = maximum (-8092); physical range taken as 1, as MNE does');
    const digital = Array.from((await (await openRecording(memory(original))).readSamples(2, 0, 5)));
    // the original maps digital d to d µV (range ±8092 over ±8092), so d is the digital value
    const expected = digital.map((d) => Math.fround(-8092 + (d + 8092) / 16184));
    expect(Array.from(await recording.readSamples(2, 0, 5))).toEqual(expected);
  });

  it('annotation texts that are not UTF-8 are read as Latin-1, with a warning', async () => {
    const recording = await openRecording(memory(shared('edge-cases/EDFPlusChecker/ExampleEDFPlusFile_BioTrace_Sourced.edf')));
    expect(recording.annotations.map((a) => a.description)).toEqual(["RS232 Trigger: 113('q')", "RS232 Trigger: 177('±')", "RS232 Trigger: 255('ÿ')", "RS232 Trigger: 55('7')"]);
    expect(recording.warnings).toEqual([`2 annotation texts are not valid UTF-8 and were read as Latin-1, e.g. "RS232 Trigger: 177('±')"`]);
  });

  it('annotations outside the recorded data are kept, with a warning (MNE drops them)', async () => {
    const recording = await openRecording(memory(shared('edge-cases/edfReader/edfPlusC.edf')));
    expect(recording.annotations.map((a) => [a.onsetSec, a.description])).toEqual([[0, 'RECORD START'], [600, 'REC STOP']]);
    expect(recording.warnings).toEqual(['1 annotations lie outside the recorded data (e.g. "REC STOP" at 600 s); kept (MNE drops them)']);
  });

  it('a file damaged by LF→CRLF conversion opens, with its unreadable record times as NaN and warnings', async () => {
    const recording = await openRecording(memory(shared('edge-cases/corrupted-in-the-wild/S001R04_crlf_corrupted.edf')));
    expect(recording.header.nRecords).toBe(125);
    expect(recording.hasGaps).toBe(true);
    expect(recording.recordStartTimesSec[33]).toBe(5);
    expect(Number.isNaN(recording.recordStartTimesSec[0])).toBe(true);
    expect(recording.warnings[0]).toBe('10853 trailing bytes after the last data record are ignored');
    expect(recording.warnings[1]).toMatch(/^the time-keeping annotation of 121 of 125 data records is unreadable/);
  });
});

describeShared('EDF reader: unreadable files end in EdfFormatError naming the field and byte', () => {
  it('not an EDF file', async () => {
    const e = await openError(new TextEncoder().encode('%PDF-1.7 '.repeat(40)));
    expect(e.field).toBe('version');
    expect(e.byteOffset).toBe(0);
    expect(e.message).toBe('not an EDF or BDF file: version is "%PDF-1.7", expected "0" (EDF) or 0xFF "BIOSEMI" (BDF) (field "version" at byte 0)');
  });

  it('a header cut short, and a signal count far beyond the file', async () => {
    const cut = await openError(shared(R04).subarray(0, 5000));
    expect(cut.message).toBe('65 signals need a 16896-byte header but the file has 5000 bytes (field "number of signals" at byte 252)');
    const huge = await openError(withField(shared('edge-cases/mne-testing-data/subsecond_starttime.edf'), 252, 4, '9999'));
    expect(huge.message).toBe('9999 signals need a 2560000-byte header but the file has 16830 bytes (field "number of signals" at byte 252)');
    expect((await openError(new Uint8Array(100))).message).toMatch(/shorter than the 256-byte EDF header/);
  });

  it('unreadable numbers name the signal, the field and its byte', async () => {
    const spr = await openError(withField(shared(R04), r04Field(16 + 80 + 8 * 5 + 80, 8, 3), 8, 'x160'));
    expect(spr.field).toBe('number of samples in data record of signal 4 "Fcz."');
    expect(spr.byteOffset).toBe(256 + 65 * 216 + 8 * 3);
    const digitalMin = await openError(withField(shared(R04), r04Field(16 + 80 + 8 * 3, 8, 0), 8, 'minus'));
    expect(digitalMin.message).toBe('digital minimum of signal 1 "Fc5." is not a number: "minus" (field "digital minimum of signal 1 "Fc5."" at byte 8056)');
    const duration = await openError(withField(shared(R04), 244, 8, '-1'));
    expect(duration.field).toBe('duration of a data record');
  });

  it('hostile bytes never hang: 300 mutated headers and annotation signals open or throw EdfFormatError', async () => {
    const original = shared('edge-cases/mne-testing-data/subsecond_starttime.edf');
    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const outcomes = { opened: 0, refused: 0 };
    for (let trial = 0; trial < 300; trial++) {
      const bytes = original.slice();
      for (let k = 0; k < 1 + trial % 8; k++) {
        const at = random() < 0.7 ? Math.floor(random() * 1280) : 1280 + Math.floor(random() * (bytes.length - 1280));
        bytes[at] = random() < 0.5 ? Math.floor(random() * 256) : '0123456789-+. \x14\x15\x00'.charCodeAt(Math.floor(random() * 17));
      }
      try {
        const recording = await openRecording(memory(bytes));
        await recording.readChannels(recording.header.channels.map((c) => c.index), 0, recording.durationSec);
        outcomes.opened++;
      } catch (e) {
        expect(e, String(e)).toBeInstanceOf(EdfFormatError);
        outcomes.refused++;
      }
    }
    expect(outcomes.opened).toBeGreaterThan(50);
    expect(outcomes.refused).toBeGreaterThan(20);
  });
});

describeShared('EDF reader: gzip', () => {
  it('opens a .edf.gz transparently, under the name without .gz', async () => {
    const recording = await openRecording(blobSource(new Blob([readFileSync(`${DATA_DIR}/${R04}.gz`)]), 'S001R04.edf.gz'));
    expect(recording.source.name).toBe('S001R04.edf');
    expect(recording.header.channels).toHaveLength(64);
    expect(recording.annotations).toHaveLength(30);
  });

  it('a damaged gzip stream and a gzip bomb end in EdfFormatError', async () => {
    const gz = new Uint8Array(gzipSync(shared('edge-cases/mne-testing-data/subsecond_starttime.edf')));
    const damaged = gz.slice();
    damaged.fill(0xff, 100, 200);
    const e = await openError(damaged);
    expect(e.field).toBe('gzip stream');
    const bomb = await openRecording(memory(gz), { maxGunzippedBytes: 10_000 }).catch((err: unknown) => err);
    expect(bomb).toBeInstanceOf(EdfFormatError);
    expect((bomb as Error).message).toMatch(/inflates to more than 10000 bytes/);
  });
});
