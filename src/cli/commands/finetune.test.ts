// Fine-tuning on real data through the CLI: the bundled demo model's experts, a head trained on eegmmidb subjects
// S002–S003 (imagery runs), validated on S004 and tested on S005 (subjects never mixed), then `predict --annotations`
// with the new bundle. Needs ../shared (the eegmmidb runs).
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it, vi } from 'vitest';
import { DATA_DIR, describeShared } from '../../testing/shared';
import { main } from '../main';
import { DEFAULT_MODEL_DIR } from '../modelFiles';

const runs = (subject: string) => ['04', '08', '12'].map((r) => join(DATA_DIR, 'eegmmidb', subject, `${subject}R${r}.edf.gz`)).filter(existsSync);

describeShared('specmoe finetune on eegmmidb (subject split)', () => {
  it('trains a head on frozen experts, reports held-out metrics beside the band-power reference, and the new bundle predicts annotated segments', async () => {
    const out = mkdtempSync(join(tmpdir(), 'finetune-'));
    const cache = mkdtempSync(join(tmpdir(), 'embcache-'));
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const err = vi.spyOn(console, 'error').mockImplementation(() => {});
    const args = ['finetune', '--model', DEFAULT_MODEL_DIR, '--labels', 'T1=left fist,T2=right fist', '--segment', '4', '--epochs', '5', '--cache', cache, '--out', out,
      '--train', ...runs('S002'), ...runs('S003'), '--val', ...runs('S004'), '--test', ...runs('S005')];
    const code = await main(args);
    expect(code).toBe(0);
    const report = JSON.parse(readFileSync(join(out, 'finetune-report.json'), 'utf8')) as {
      splits: { name: string; subjects: string[]; segments: number }[];
      test: { balancedAccuracy: number; confusion: number[][] };
      bandPowerReference: { balancedAccuracy: number };
    };
    expect(report.splits.map((s) => [s.name, s.subjects])).toEqual([['train', ['S002', 'S003']], ['validation', ['S004']], ['test', ['S005']]]);
    expect(report.splits[0]!.segments).toBe(90); // 15 imagery trials × 3 runs × 2 subjects
    const n = report.test.confusion.flat().reduce((a, b) => a + b, 0);
    expect(n).toBe(45);
    expect(report.test.balancedAccuracy).toBeGreaterThanOrEqual(0);
    expect(report.test.balancedAccuracy).toBeLessThanOrEqual(1);
    expect(report.bandPowerReference.balancedAccuracy).toBeGreaterThanOrEqual(0);
    console.info(`S005 test: head ${report.test.balancedAccuracy.toFixed(3)}, band power ${report.bandPowerReference.balancedAccuracy.toFixed(3)} balanced accuracy`);

    // The second run reads the embeddings from the cache.
    const lines: string[] = [];
    log.mockImplementation((s: string) => void lines.push(String(s)));
    expect(await main(args)).toBe(0);
    expect(lines.join('\n')).toMatch(/cache/i);

    // The new bundle records the subjects its weights learned from: its training split and those of the base's experts.
    const bundle = JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')) as { provenance: { trainingSubjects: string[] } };
    const base = JSON.parse(readFileSync(join(DEFAULT_MODEL_DIR, 'bundle.json'), 'utf8')) as { provenance: { trainingSubjects: string[] } };
    expect(bundle.provenance.trainingSubjects).toEqual([...new Set([...base.provenance.trainingSubjects, 'S002', 'S003'])].sort());

    const rows: string[] = [];
    const errors: string[] = [];
    log.mockImplementation((s: string) => void rows.push(String(s)));
    err.mockImplementation((s: string) => void errors.push(String(s)));
    expect(await main(['predict', runs('S005')[0]!, '--model', out, '--annotations', '--json'])).toBe(0);
    log.mockRestore();
    err.mockRestore();
    const predicted = JSON.parse(rows.join('\n')) as { label: string; class: string }[];
    expect(predicted).toHaveLength(15);
    expect(new Set(predicted.map((r) => r.label))).toEqual(new Set(['T1', 'T2']));
    // S005 is a test subject of this run but trained the base's experts: the agreement says so.
    const learned = bundle.provenance.trainingSubjects.length;
    expect(errors.find((e) => e.startsWith("agreement with the recording's labels"))).toMatch(new RegExp(`Caveat: S005 was one of this model's ${learned} training subjects: this agreement is on data the model learned from`));
  }, 600_000);
});
