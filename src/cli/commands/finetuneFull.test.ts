// `specmoe finetune --full` on real recordings with a tiny model: trains the whole model on eegmmidb S002 (imagery
// runs), validates on S003, tests on S004's first run; the bundle keeps the alignment, its experts changed; a second
// run with more epochs resumes from the checkpoint; `predict --annotations` with the new bundle reports its agreement
// with the recording's labels. Needs ../shared (the eegmmidb runs).
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { saveBundle, specMoEFileLayout } from '../../io/bundle';
import { readSafetensors } from '../../io/safetensors';
import { assembleSpecMoEStateDict } from '../../io/stateDict';
import { initBackend } from '../../runtime/backend';
import { specMoEConfig } from '../../model/config';
import { initExpertParams, initHeadParams } from '../../model/init';
import type { ParamStore } from '../../model/params';
import { DATA_DIR, describeShared } from '../../testing/shared';
import { main } from '../main';

const CHANNELS = ['FC3', 'C3', 'Cz', 'C4', 'FC4', 'CP3', 'CP4'];
const EXPERT = { d1: 4, d2: 8, d3: 16, up3Mid: 4, heads: 2, auxChannels: CHANNELS.length };
const runs = (subject: string, which = ['04', '08', '12']) => which.map((r) => join(DATA_DIR, 'eegmmidb', subject, `${subject}R${r}.edf.gz`)).filter(existsSync);
const named = (store: ParamStore) => new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));

async function tinyBaseBundle(dir: string): Promise<void> {
  await initBackend(['wasm']);
  const config = specMoEConfig({ expert: EXPERT, nClasses: 2, segmentSec: 4, clfHidden: 8 });
  const experts = [0, 1, 2].map((k) => initExpertParams(EXPERT, 40 + k));
  const head = initHeadParams(config, 50);
  const tensors = assembleSpecMoEStateDict(experts.map(named), named(head));
  // The base keeps its experts' decoders (as the demo's does): fine-tuning leaves them out and the bundle keeps them.
  experts.forEach((e, k) => {
    for (const [key, t] of named(e)) if (!tensors.has(`experts.${k}.${key}`)) tensors.set(`experts.${k}.${key}`, t);
  });
  const files = await saveBundle({
    config: {
      name: 'tiny test base',
      model: 'specmoe',
      architecture: { expert: EXPERT, clfHidden: 8, lPool: 'mean', cPool: 'max' },
      task: 'motor-imagery',
      classes: ['left fist', 'right fist'],
      gateMode: 1,
      channels: CHANNELS,
      sampleRateHz: 200,
      segmentSec: 4,
      trained: false,
      provenance: { source: 'random weights (test)', createdAt: '2026-12-04T00:00:00Z' },
      preprocessing: { lowHz: 4, highHz: 40, notchHz: null, alignment: { method: 'euclidean', targetRmsUv: 100, shrinkage: 0.05 } },
      labels: { T1: 'left fist', T2: 'right fist' },
    },
    tensors,
    dtype: 'F32',
    fileOf: specMoEFileLayout,
  });
  for (const [name, bytes] of files) writeFileSync(join(dir, name), bytes);
}

describe('specmoe finetune --keep-head, bad uses', () => {
  it.each([
    [['--full', '--labels', 'T1=right fist,T2=left fist'], /--keep-head: the model's head decodes left fist, right fist; the label map's classes are right fist, left fist/],
    [['--labels', 'T1=left fist,T2=right fist'], /--keep-head starts a whole-model fine-tuning \(--full\)/],
  ])('refuses %j before reading any recording', async (extra, message) => {
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(String(s)));
    const missing = join(tmpdir(), 'no-such-recording.edf');
    const code = await main(['finetune', '--keep-head', ...extra, '--model', join('models', 'specmoe-demo-mi'), '--segment', '4', '--out', tmpdir(), '--train', missing, '--val', missing]);
    err.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(message);
    expect(errors.join('\n')).not.toMatch(/no-such-recording/);
  });
});

describe('specmoe finetune --full, bad options', () => {
  // The recordings do not exist: each option must be refused before any of them is read, as a usage error.
  it.each([
    [['--gate-weight-scale', '0'], /gateWeightScale \(--gate-weight-scale\) must be a positive number, got 0/],
    [['--stop-after', '30'], /stopAfter \(--stop-after\) must be an epoch number from 1 to epochs \(20\) or 0 for early stopping, got 30/],
    [['--average-from', '1.5'], /averageFrom \(--average-from\) must be an epoch number .* got 1.5/],
    [['--mixup', '-0.5'], /mixup \(--mixup\) must be a Beta distribution's α > 0, or 0 for none, got -0.5/],
    [['--batch', '1'], /batchSize \(--batch\) must be a whole number of at least 2 trials .* got 1/],
    [['--epochs', '0', '--stop-after', '0'], /epochs \(--epochs\) must be a whole number of at least 1, got 0/],
  ])('refuses %j before reading any recording, naming the option', async (bad, message) => {
    const errors: string[] = [];
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(String(s)));
    const missing = join(tmpdir(), 'no-such-recording.edf');
    const code = await main(['finetune', '--full', '--model', join('models', 'specmoe-demo-mi'), '--labels', 'T1=left fist,T2=right fist', '--segment', '4', '--epochs', '20', ...bad, '--out', tmpdir(), '--train', missing, '--val', missing]);
    err.mockRestore();
    expect(code).toBe(1);
    expect(errors.join('\n')).toMatch(message);
    expect(errors.join('\n')).not.toMatch(/no-such-recording/);
  });
});

describeShared('specmoe finetune --full on eegmmidb (tiny model)', () => {
  it('fine-tunes every weight, resumes with more epochs, and the new bundle decodes trials with their agreement', async () => {
    const base = mkdtempSync(join(tmpdir(), 'full-base-'));
    const out = mkdtempSync(join(tmpdir(), 'full-out-'));
    await tinyBaseBundle(base);
    const lines: string[] = [];
    const errors: string[] = [];
    const log = vi.spyOn(console, 'log').mockImplementation((s: string) => void lines.push(String(s)));
    const err = vi.spyOn(console, 'error').mockImplementation((s: string) => void errors.push(String(s)));
    const args = (epochs: number) => ['finetune', '--full', '--model', base, '--labels', 'T1=left fist,T2=right fist', '--segment', '4', '--epochs', String(epochs), '--batch', '8',
      '--mirror', 'left fist=right fist', '--out', out, '--train', ...runs('S002'), '--val', ...runs('S003'), '--test', ...runs('S004', ['04'])];
    const first = await main(args(1));
    expect(first, errors.join('\n')).toBe(0);
    let report = JSON.parse(readFileSync(join(out, 'finetune-report.json'), 'utf8')) as {
      splits: { name: string; subjects: string[]; trials: number }[];
      history: { epoch: number }[];
      test: { confusion: number[][]; balancedAccuracy: number };
      bandPowerReference: { channels: string[]; balancedAccuracy: number };
      settings: { mirror: { channels: number[]; classes: number[] } };
    };
    expect(report.splits.map((s) => [s.name, s.subjects, s.trials])).toEqual([['train', ['S002'], 45], ['validation', ['S003'], 45], ['test', ['S004'], 15]]);
    expect(report.history.map((h) => h.epoch)).toEqual([1]);
    expect((report as unknown as { head: string }).head).toBe('fresh, seed 11');
    expect(report.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(15);
    expect(report.bandPowerReference.channels).toEqual(['C3', 'Cz', 'C4', 'CP3', 'CP4', 'FC3', 'FC4']);
    expect(report.settings.mirror).toEqual({ probability: 0.5, channels: [4, 3, 2, 1, 0, 6, 5], classes: [1, 0] });
    const bundle = JSON.parse(readFileSync(join(out, 'bundle.json'), 'utf8')) as {
      provenance: { trainingSubjects: string[] };
      preprocessing: { alignment: unknown };
      trained: boolean;
      labels: Record<string, string>;
      evaluation: { split: string; subjects: string[]; segments: number; balancedAccuracy: number; bandPowerBalancedAccuracy: number | null }[];
    };
    expect(bundle.preprocessing.alignment).toEqual({ method: 'euclidean', targetRmsUv: 100, shrinkage: 0.05 });
    expect(bundle.trained).toBe(true);
    expect(bundle.provenance.trainingSubjects).toEqual(['S002']); // the base records none
    // The held-out evaluation, as head fine-tuning records it: each split beside band power on that same split.
    expect(bundle.evaluation.map((e) => [e.split, e.subjects, e.segments])).toEqual([['validation', ['S003'], 45], ['test', ['S004'], 15]]);
    expect(bundle.evaluation[1]!.balancedAccuracy).toBe(report.test.balancedAccuracy);
    expect(bundle.evaluation[1]!.bandPowerBalancedAccuracy).toBe(report.bandPowerReference.balancedAccuracy);
    expect(bundle.evaluation[0]!.bandPowerBalancedAccuracy).toBeGreaterThanOrEqual(0);
    const weight = (dir: string) => Array.from(readSafetensors(readFileSync(join(dir, 'expert2.safetensors'))).tensors.get('experts.1.Down2.features3.0.weight')!.data);
    expect(weight(out)).not.toEqual(weight(base));
    const decoder = (dir: string) => Array.from(readSafetensors(readFileSync(join(dir, 'expert2.safetensors'))).tensors.get('experts.1.Up1.features1.0.weight')!.data);
    expect(decoder(out)).toEqual(decoder(base));

    // --keep-head starts from the model's own head: with every learning rate at 0, the head comes out as it went in
    // (a fresh head, drawn from a seed, would not).
    const kept = mkdtempSync(join(tmpdir(), 'full-kept-'));
    expect(await main(['finetune', '--full', '--keep-head', '--model', out, '--labels', 'T1=left fist,T2=right fist', '--segment', '4', '--epochs', '1', '--batch', '8',
      '--experts-lr', '0', '--lr', '0', '--gate-lr', '0', '--out', kept, '--train', ...runs('S002', ['04']), '--val', ...runs('S003', ['04'])]), errors.join('\n')).toBe(0);
    const head = (dir: string) => readSafetensors(readFileSync(join(dir, 'head.safetensors'))).tensors;
    expect(head(kept).size).toBeGreaterThan(0);
    for (const [key, t] of head(out)) expect(Array.from(head(kept).get(key)!.data), key).toEqual(Array.from(t.data));
    expect(JSON.parse(readFileSync(join(kept, 'finetune-report.json'), 'utf8')).head).toBe('kept from the model (--keep-head)');
    expect(JSON.parse(readFileSync(join(kept, 'bundle.json'), 'utf8')).provenance.source).toMatch(/^whole model fine-tuned \(specmoe finetune --full --keep-head\) from /);

    // More epochs: the run continues from the checkpoint instead of starting over.
    lines.length = 0;
    expect(await main(args(2))).toBe(0);
    expect(lines.join('\n')).toMatch(/resumed after epoch 1/);
    report = JSON.parse(readFileSync(join(out, 'finetune-report.json'), 'utf8')) as typeof report;
    expect(report.history.map((h) => h.epoch)).toEqual([1, 2]);

    lines.length = 0;
    errors.length = 0;
    expect(await main(['predict', runs('S004', ['04'])[0]!, '--model', out, '--annotations', '--json'])).toBe(0);
    const rows = JSON.parse(lines.join('\n')) as { label: string; class: string }[];
    expect(rows).toHaveLength(15);
    expect(new Set(rows.map((r) => r.label))).toEqual(new Set(['T1', 'T2']));
    const summary = errors.find((e) => e.startsWith("agreement with the recording's labels"));
    expect(summary).toMatch(/15 labelled trials: balanced accuracy \d+\.\d %.*; confusion \(rows: true left fist \/ right fist\) \[\d+ \d+\] \[\d+ \d+\]/);
    const confusion = [...summary!.matchAll(/\[(\d+) (\d+)\]/g)].flatMap((m) => [Number(m[1]), Number(m[2])]);
    expect(confusion.reduce((a, b) => a + b, 0)).toBe(15);
    expect(summary).not.toMatch(/Caveat/); // S004 is a test subject

    // A training subject's recording: the agreement comes with the caveat.
    errors.length = 0;
    expect(await main(['predict', runs('S002', ['04'])[0]!, '--model', out, '--annotations'])).toBe(0);
    expect(errors.find((e) => e.startsWith("agreement with the recording's labels"))).toMatch(/Caveat: S002 was this model's only training subject: this agreement is on data the model learned from, not a measure of how it decodes new people\. On 1 subject it never saw it scores \d+\.\d % balanced accuracy \(model card\)\.$/);
    log.mockRestore();
    err.mockRestore();
  }, 900_000);
});
