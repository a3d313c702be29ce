import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { parseBundleConfig } from '../../io/bundleConfig';
import { openRecording } from '../../io/open';
import { decodableGappedBytes, expectedClockSec, expectedRecordTimes, GAPPED_FILES } from '../../testing/gappedFiles';
import { plumbingBundleFiles } from '../../testing/plumbingBundle';
import { describeShared, REPO_ROOT } from '../../testing/shared';
import { fileSource } from '../files';
import { main } from '../main';

describeShared('specmoe predict (plumbing bundle)', () => {
  it('prints one JSON row per segment with onset, duration, class, probabilities and gates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'plumbing-'));
    for (const [name, bytes] of await plumbingBundleFiles()) writeFileSync(join(dir, name), bytes);
    const out: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const code = await main(['predict', `${REPO_ROOT}/public/demo/S001R04.edf.gz`, '--model', dir, '--json']);
    log.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { onset: number; duration: number; class: string; probabilities: Record<string, number>; gates: number[] }[];
    expect(rows.length).toBe(31);
    expect(rows[1]).toMatchObject({ onset: 4, duration: 4 });
    expect(Object.keys(rows[0]!.probabilities)).toEqual(['left fist', 'right fist', 'both fists', 'feet']);
    expect(rows[0]!.gates.length).toBe(3);
    const errors: string[] = [];
    const err2 = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(s));
    expect(await main(['predict', `${REPO_ROOT}/public/demo/S001R04.edf.gz`, '--model', dir, '--annotations'])).toBe(2);
    err2.mockRestore();
    expect(errors.join('\n')).toMatch(/--annotations needs a bundle with a label map/);
  });

  it('--annotations decodes the demo\'s labelled trials with the bundled model and prints the agreement on stderr', async () => {
    const out: string[] = [];
    const errors: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(s));
    const code = await main(['predict', `${REPO_ROOT}/public/demo/S001R04.edf.gz`, '--annotations', '--json', '--workers', '1']);
    log.mockRestore();
    err.mockRestore();
    expect(code).toBe(0);
    const rows = JSON.parse(out.join('\n')) as { label: string; class: string }[];
    expect(rows).toHaveLength(15);
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['T1', 'T2']));
    expect(errors.join('\n')).toMatch(/agreement with the recording's labels: 15 labelled trials: balanced accuracy \d+\.\d % \(chance 50\.0 %\)/);
    // S001 trained the bundled model: the agreement line says so, with the score on subjects it never saw.
    const summary = errors.find((e) => e.startsWith("agreement with the recording's labels"))!;
    const card = parseBundleConfig(readFileSync(join(REPO_ROOT, 'models/specmoe-demo-mi/bundle.json'), 'utf8'));
    const testScore = (100 * card.evaluation!.find((e) => e.split === 'test')!.balancedAccuracy).toFixed(1);
    expect(summary).toMatch(/\[\d+ \d+\] \[\d+ \d+\]\. Caveat: S001 was one of this model's 17 training subjects: this agreement is on data the model learned from, not a measure of how it decodes new people\. On 6 subjects it never saw it scores /);
    expect(summary.endsWith(`it scores ${testScore} % balanced accuracy (model card).`)).toBe(true);
  });
});

describeShared('specmoe predict on recordings with gaps (EDF+D, BDF+D)', () => {
  for (const file of GAPPED_FILES) {
    it(`${file}: every row's data onset and clock onset match the record start times`, async () => {
      const path = join(mkdtempSync(join(tmpdir(), 'gapped-')), file.replace(/.*\//, ''));
      writeFileSync(path, decodableGappedBytes(file));
      const recording = await openRecording(await fileSource(path));
      const channels = recording.header.channels.slice(0, 4).map((c) => c.label);
      const durationSec = recording.durationSec;
      await recording.close();
      const dir = mkdtempSync(join(tmpdir(), 'plumbing-gaps-'));
      for (const [name, bytes] of await plumbingBundleFiles(channels)) writeFileSync(join(dir, name), bytes);
      const out: string[] = [];
      const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void out.push(s));
      const errors: string[] = [];
      const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(String(s)));
      const code = await main(['predict', path, '--model', dir, '--json', '--workers', '1']);
      log.mockRestore();
      err.mockRestore();
      expect(code, errors.join('\n')).toBe(0);
      const rows = JSON.parse(out.join('\n')) as { onset: number; dataOnset: number; duration: number }[];
      const times = expectedRecordTimes(file);
      expect(rows.length).toBe(Math.floor(durationSec / 4));
      rows.forEach((row, i) => {
        expect(row.dataOnset).toBe(4 * i);
        expect(row.onset).toBeCloseTo(expectedClockSec(times, 4 * i), 6);
        expect(row.duration).toBe(4);
      });
      // Each file's last segment starts after a gap: its clock onset is ahead of its data onset.
      expect(rows[rows.length - 1]!.onset).toBeGreaterThan(rows[rows.length - 1]!.dataOnset);
    });
  }
});
