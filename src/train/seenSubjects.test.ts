import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type BundleEvaluation, parseBundleConfig } from '../io/bundleConfig';
import { seenSubject } from './seenSubjects';

const evaluation = (split: 'validation' | 'test', subjects: string[], balancedAccuracy: number): BundleEvaluation => ({
  split,
  subjects,
  segments: 45 * subjects.length,
  balancedAccuracy,
  kappa: 0.1,
  bandPowerBalancedAccuracy: null,
});

const bundle = {
  provenance: { source: 'test', createdAt: '2026-12-04T00:00:00Z', trainingSubjects: ['S002', 'S005'] },
  evaluation: [evaluation('validation', ['S003'], 0.61), evaluation('test', ['S004', 'S009'], 0.5358)],
};

describe('the subject of a decoded recording, against the subjects that trained or validated the model', () => {
  it('says a training subject was learned from, with the score on subjects never seen', () => {
    expect(seenSubject(bundle, '/data/S005/S005R08.edf.gz')).toEqual({
      subject: 'S005',
      split: 'train',
      splitSubjects: 2,
      heldOutBalancedAccuracy: 0.5358,
      message: "S005 was one of this model's 2 training subjects: this agreement is on data the model learned from, not a measure of how it decodes new people. On 2 subjects it never saw it scores 53.6 % balanced accuracy (model card).",
    });
  });

  it('says a validation subject chose when training stopped', () => {
    expect(seenSubject(bundle, 'S003R04.edf')).toMatchObject({
      subject: 'S003',
      split: 'validation',
      message: "S003 was this model's only validation subject: it chose when training stopped, so this agreement is not a measure of how the model decodes new people. On 2 subjects it never saw it scores 53.6 % balanced accuracy (model card).",
    });
  });

  it('says nothing for a test subject, another subject, or a file named otherwise', () => {
    expect(seenSubject(bundle, 'S004R04.edf.gz')).toBeNull();
    expect(seenSubject(bundle, 'S042R12.edf')).toBeNull();
    expect(seenSubject(bundle, 'night1.bdf')).toBeNull();
    expect(seenSubject(null, 'S005R04.edf')).toBeNull();
  });

  it('matches other files by their name without extension, as the writers record them', () => {
    const sleep = { provenance: { ...bundle.provenance, trainingSubjects: ['night1', 'SC400'] }, evaluation: [] };
    expect(seenSubject(sleep, 'night1.bdf')?.split).toBe('train');
    expect(seenSubject(sleep, 'SC4001E0-PSG.edf')?.message).toBe(
      "SC400 was one of this model's 2 training subjects: this agreement is on data the model learned from, not a measure of how it decodes new people. Its bundle records no score on subjects it never saw.",
    );
  });

  it('still knows the validation subjects of an older bundle without training subjects; prefers training when both list one', () => {
    const older = { provenance: { source: 'test', createdAt: '2026-12-04T00:00:00Z' }, evaluation: bundle.evaluation };
    expect(seenSubject(older, 'S005R04.edf')).toBeNull();
    expect(seenSubject(older, 'S003R04.edf')?.split).toBe('validation');
    const both = { ...bundle, provenance: { ...bundle.provenance, trainingSubjects: ['S003'] } };
    expect(seenSubject(both, 'S003R04.edf')).toMatchObject({ split: 'train', splitSubjects: 1, message: expect.stringMatching(/^S003 was this model's only training subject: /) });
  });

  it('finds the demo recording, S001R04, among the bundled model\'s 17 training subjects (scripts/demo/split.json)', () => {
    const demo = parseBundleConfig(readFileSync('models/specmoe-demo-mi/bundle.json', 'utf8'));
    const split = JSON.parse(readFileSync('scripts/demo/split.json', 'utf8')) as { train: string[] };
    expect(demo.provenance.trainingSubjects).toEqual(split.train);
    // The held-out figure is the card's own (each retraining changes it).
    const testScore = (100 * demo.evaluation!.find((e) => e.split === 'test')!.balancedAccuracy).toFixed(1);
    expect(seenSubject(demo, 'S001R04.edf.gz')?.message).toBe(
      `S001 was one of this model's 17 training subjects: this agreement is on data the model learned from, not a measure of how it decodes new people. On 6 subjects it never saw it scores ${testScore} % balanced accuracy (model card).`,
    );
    expect(seenSubject(demo, 'S010R04.edf.gz')?.split).toBe('validation');
    expect(seenSubject(demo, 'S004R04.edf.gz')).toBeNull();
  });
});
