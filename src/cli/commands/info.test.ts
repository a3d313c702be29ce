// `specmoe info` against the shared data's expected JSON (`native` block), and its exit code on bad input.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterEach, expect, it, vi } from 'vitest';
import { main } from '../main';
import { DATA_DIR, describeShared, REPO_ROOT } from '../../testing/shared';

interface Native {
  n_records_read: number;
  channels: Record<string, unknown>[];
  annotations?: { onset: number; duration: number | null; description: string }[];
  record_start_times_first50?: (number | null)[];
  n_record_start_times?: number;
  discontinuous_records?: { record: number; start: number | null }[];
  n_discontinuous_records?: number;
}

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((s: unknown) => void out.push(String(s)));
  vi.spyOn(console, 'error').mockImplementation((s: unknown) => void err.push(String(s)));
  const code = await main(argv);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

afterEach(() => vi.restoreAllMocks());

const sorted = <T extends { onset: number; description: string }>(list: T[]) =>
  [...list].sort((a, b) => a.onset - b.onset || a.description.localeCompare(b.description));

describeShared('specmoe info', () => {
  it.each([
    'eegmmidb/S001/S001R04.edf',
    'edge-cases/edfReader/edfPlusD.edf',
    'edge-cases/edfReader/edfAnnonC.edf',
    'edge-cases/mne-python/test.bdf',
    'sleep/SC4001EC-Hypnogram.edf',
  ])('--json on %s prints the native reading', async (file) => {
    const expected = JSON.parse(readFileSync(`${DATA_DIR}/${file}.expected.json`, 'utf8')) as { header: { format: string }; native: Native };
    const native = expected.native;
    const { code, out } = await run('info', `${DATA_DIR}/${file}.gz`, '--json');
    expect(code).toBe(0);
    const json = JSON.parse(out);
    expect(Object.keys(json)).toEqual(['format', 'n_records_read', 'channels', 'annotations', 'record_start_times', 'discontinuous_records', 'warnings']);
    expect(json.format).toBe(expected.header.format.replace(' (24BIT)', ''));
    expect(json.n_records_read).toBe(native.n_records_read);
    expect(json.channels).toHaveLength(native.channels.length);
    json.channels.forEach((c: Record<string, number | string | number[]>, i: number) => {
      const want = native.channels[i]!;
      expect(Object.keys(c)).toEqual(['label', 'unit', 'sample_rate_hz', 'n_samples', 'first', 'mean', 'std', 'min', 'max']);
      for (const key of ['label', 'unit', 'sample_rate_hz', 'n_samples']) expect(c[key], key).toEqual(want[key]);
      const scale = Math.max(Math.abs(want.min as number), Math.abs(want.max as number), 1);
      for (const key of ['mean', 'std', 'min', 'max']) expect(Math.abs((c[key] as number) - (want[key] as number)), key).toBeLessThan(2e-7 * scale);
      (c.first as number[]).forEach((v, k) => expect(Math.abs(v - (want.first as number[])[k]!)).toBeLessThan(2e-7 * scale));
    });
    expect(sorted(json.annotations)).toEqual(sorted(native.annotations ?? []));
    expect(json.record_start_times).toHaveLength(native.n_record_start_times ?? native.n_records_read);
    if (native.record_start_times_first50) expect(json.record_start_times.slice(0, 50)).toEqual(native.record_start_times_first50);
    if (native.discontinuous_records) {
      expect(json.discontinuous_records).toHaveLength(native.n_discontinuous_records!);
      expect(json.discontinuous_records.slice(0, 50)).toEqual(native.discontinuous_records);
    }
    expect(json.warnings).toEqual([]);
  });

  it('reports warnings in --json, and prints a readable summary without it', async () => {
    const path = `${DATA_DIR}/edge-cases/EDF.jl/test_uneven_samp_trailing_byte.edf.gz`;
    const json = JSON.parse((await run('info', path, '--json')).out);
    expect(json.warnings).toEqual(['1 trailing bytes after the last data record are ignored', 'impossible start date/time "42.00.00" "26.00.99"; the start date is unknown']);
    const { code, out } = await run('info', `${DATA_DIR}/eegmmidb/S001/S001R04.edf.gz`);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toBe('S001R04.edf: EDF+C, 125 records × 1 s = 125 s');
    expect(lines[1]).toBe('start:     2009-08-12 16:15:00');
    expect(lines).toContain('channels:  64');
    expect(lines).toContain('    1 Fc5.             uV            160 Hz  [-8092, 8092]');
    expect(lines).toContain('annotations: 30 (T0 ×15, T2 ×7, T1 ×8)');
    expect(lines).toContain('records: back to back');
  });

  it('exits with 2 and the error on stderr when the file cannot be read', async () => {
    const { code, err } = await run('info', `${DATA_DIR}/PROVENANCE.md`);
    expect(code).toBe(2);
    expect(err).toBe(`specmoe info: cannot read ${DATA_DIR}/PROVENANCE.md: not an EDF or BDF file: version is "# Proven", expected "0" (EDF) or 0xFF "BIOSEMI" (BDF) (field "version" at byte 0)`);
    expect((await run('info', `${DATA_DIR}/missing.edf`)).code).toBe(2);
    expect((await run('info')).code).toBe(1);
  });

  it('the installed command (bin/specmoe.mjs) exits with 2 on an unreadable file', () => {
    let status = 0;
    let stderr = '';
    try {
      execFileSync('node', [`${REPO_ROOT}/bin/specmoe.mjs`, 'info', `${DATA_DIR}/manifest.json`], { stdio: 'pipe' });
    } catch (e) {
      ({ status, stderr } = e as { status: number; stderr: string });
    }
    expect(status).toBe(2);
    expect(String(stderr)).toContain(`specmoe info: cannot read ${DATA_DIR}/manifest.json: not an EDF or BDF file`);
  });
});
