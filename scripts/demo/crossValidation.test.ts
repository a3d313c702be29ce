import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossValidationStage, cvSummary, cvTable, extraFinetuneArgs, foldSplits, readFolds } from './crossValidation';
import { SPLIT } from './data';

const split = { train: ['A', 'B', 'C', 'D'], validation: ['E', 'F'], test: ['T'] };
const history = (...ba: number[]) => ba.map((b, i) => ({ epoch: i + 1, validationBalancedAccuracy: b }));

describe('cross-validation folds', () => {
  it('the committed folds hold out every train and validation subject once and no test subject', () => {
    const folds = readFolds();
    expect(folds).toHaveLength(3);
    const heldOut = folds.flatMap((f) => f.heldOut);
    expect([...heldOut].sort()).toEqual([...SPLIT.train, ...SPLIT.validation].sort());
    for (const f of folds) {
      expect(f.train).toHaveLength(14);
      expect(f.train.filter((s) => f.heldOut.includes(s))).toEqual([]);
      expect([...f.train, ...f.heldOut].filter((s) => SPLIT.test.includes(s))).toEqual([]);
    }
  });

  it('trains each fold on the others, sorted', () => {
    expect(foldSplits([['E', 'A'], ['D', 'B'], ['C', 'F']], split)).toEqual([
      { heldOut: ['E', 'A'], train: ['B', 'C', 'D', 'F'] },
      { heldOut: ['D', 'B'], train: ['A', 'C', 'E', 'F'] },
      { heldOut: ['C', 'F'], train: ['A', 'B', 'D', 'E'] },
    ]);
  });

  it('refuses a test subject, a subject in two folds, a missing or an unknown subject, naming it', () => {
    expect(() => foldSplits([['A', 'B', 'C'], ['D', 'E', 'F', 'T']], split)).toThrow('fold 2 holds test subject T');
    expect(() => foldSplits([['A', 'B', 'C'], ['C', 'D', 'E', 'F']], split)).toThrow('subject C is in fold 1 and fold 2');
    expect(() => foldSplits([['A', 'B', 'C'], ['D', 'E']], split)).toThrow('no fold holds F');
    expect(() => foldSplits([['A', 'B', 'C'], ['D', 'E', 'F', 'X']], split)).toThrow('the folds hold X, which the split does not list');
  });
});

describe('cvSummary', () => {
  it('averages the folds epoch by epoch and finds the peak of the mean', () => {
    const s = cvSummary([history(0.5, 0.6, 0.7), history(0.6, 0.8, 0.6), history(0.7, 0.7, 0.5)]);
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(s.epochs.map((e) => e.mean)).toEqual([0.6, 0.7, 0.6].map((x) => expect.closeTo(x, 12)));
    expect(s.peak).toEqual({ epoch: 2, folds: [0.6, 0.8, 0.7], mean: expect.closeTo(0.7, 12) });
  });

  it('keeps only the epochs every fold reached, and the earliest of equal peaks', () => {
    const s = cvSummary([history(0.6, 0.6, 0.9), history(0.6, 0.6)]);
    expect(s.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(s.peak.epoch).toBe(1);
  });

  it('refuses no folds or no shared epoch', () => {
    expect(() => cvSummary([])).toThrow('no fold histories');
    expect(() => cvSummary([history(0.5), []])).toThrow('the folds share no finished epoch');
  });

  it('prints one row per epoch, marks the peak and ends with band power and its mean', () => {
    const table = cvTable(cvSummary([history(0.5, 0.7), history(0.6, 0.8)]), [0.65, 0.75]).split('\n');
    expect(table).toEqual([
      'epoch | fold 1 | fold 2 | mean',
      '    1 | 50.0 % | 60.0 % | 55.0 %',
      '    2 | 70.0 % | 80.0 % | 75.0 %  <- peak',
      'band power (aligned) | 65.0 % | 75.0 % | 70.0 %',
    ]);
  });
});

describe('crossValidationStage', () => {
  it('refuses an epoch outside the recipe\'s schedule, or a missing base bundle, before training anything', async () => {
    await expect(crossValidationStage('/nonexistent-run', { stopAfter: 30 })).rejects.toThrow("--stop-after must be an epoch number from 1 to the recipe's 20, got 30");
    await expect(crossValidationStage('/nonexistent-run', { stopAfter: 0 })).rejects.toThrow('got 0');
    await expect(crossValidationStage('/nonexistent-run', { stopAfter: 12 })).rejects.toThrow('/nonexistent-run/base-pretrained/bundle.json is missing: run --stage bases first, or pass --base DIR');
  });
});

describe('--with: fine-tuning options for an arm of its own', () => {
  it('splits the options at white space, and nothing at all gives none', () => {
    expect(extraFinetuneArgs(' --mixup 0.4   --experts-lr=1e-4 ')).toEqual(['--mixup', '0.4', '--experts-lr=1e-4']);
    expect(extraFinetuneArgs('')).toEqual([]);
  });

  it('refuses text that does not start with an option, and the options the stage sets, naming them', () => {
    expect(() => extraFinetuneArgs('0.4 --mixup')).toThrow('--with must start with a fine-tuning option such as --mixup, got "0.4"');
    expect(() => extraFinetuneArgs('--mixup 0.4 --val a.edf')).toThrow('--with may not set --val: the cv stage sets it');
    expect(() => extraFinetuneArgs('--stop-after=5')).toThrow('--with may not set --stop-after');
  });

  it('needs --name, and refuses to resume an arm with other arguments, before training anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'cv-stage-'));
    try {
      const base = join(dir, 'base');
      mkdirSync(base);
      writeFileSync(join(base, 'bundle.json'), '{}');
      await expect(crossValidationStage(dir, { base, stopAfter: 12, extraArgs: ['--mixup', '0.4'] })).rejects.toThrow('--with needs --name NAME');
      await expect(crossValidationStage(dir, { base, stopAfter: 12, extraArgs: ['--mixup', '0.4'], name: '../elsewhere' })).rejects.toThrow('--name must be a folder name of letters, digits, "_", "." and "-", got "../elsewhere"');
      mkdirSync(join(dir, 'cv-mixup'));
      const armFile = join(dir, 'cv-mixup', 'arm.json');
      writeFileSync(armFile, JSON.stringify({ base, stopAfter: 12, extraArgs: ['--mixup', '0.2'] }, null, 1) + '\n');
      await expect(crossValidationStage(dir, { base, stopAfter: 12, extraArgs: ['--mixup', '0.4'], name: 'mixup' })).rejects.toThrow(`${join(dir, 'cv-mixup')} was started with other arguments`);
      expect(JSON.parse(readFileSync(armFile, 'utf8')).extraArgs).toEqual(['--mixup', '0.2']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
