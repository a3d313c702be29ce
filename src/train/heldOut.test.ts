import { describe, expect, it } from 'vitest';
import { evaluationNotes, heldOutEvaluation, trainingSubjects, weakHeadWarnings } from './heldOut';
import { classificationMetrics } from './metrics';

const metrics = (truth: number[], predicted: number[]) => classificationMetrics(truth, predicted, 2);

describe('held-out evaluation of a head', () => {
  const result = {
    splits: [
      { name: 'train' as const, subjects: ['S001'], recordings: 1, recordingIds: ['S001R04'], segments: 8, classCounts: [4, 4] },
      { name: 'validation' as const, subjects: ['S002'], recordings: 1, recordingIds: ['S002R04'], segments: 4, classCounts: [2, 2] },
      { name: 'test' as const, subjects: ['S003', 'S004'], recordings: 2, recordingIds: ['S003R04', 'S004R04'], segments: 4, classCounts: [2, 2] },
    ],
    validation: { metrics: metrics([0, 0, 1, 1], [0, 0, 1, 0]), loss: 0.5 },
    test: { metrics: metrics([0, 0, 1, 1], [0, 1, 1, 0]), loss: 0.7 },
    references: { validation: metrics([0, 0, 1, 1], [0, 0, 1, 1]), test: metrics([0, 0, 1, 1], [0, 1, 0, 0]) },
  };

  it('pairs each split with the band-power reference on that same split', () => {
    const e = heldOutEvaluation(result);
    expect(e.map((x) => [x.split, x.subjects, x.segments, x.balancedAccuracy, x.bandPowerBalancedAccuracy])).toEqual([
      ['validation', ['S002'], 4, 0.75, 1],
      ['test', ['S003', 'S004'], 4, 0.5, 0.25],
    ]);
    expect(evaluationNotes(e)).toBe('validation: balanced accuracy 75.0 % (band power 100.0 % on the same split); test: balanced accuracy 50.0 % (band power 25.0 % on the same split)');
    expect(heldOutEvaluation({ ...result, test: null, references: { ...result.references, test: null } }).map((x) => x.split)).toEqual(['validation']);
  });

  it('records the training split\'s subjects, joined with those the base learned from, sorted and once each', () => {
    expect(trainingSubjects(result)).toEqual(['S001']);
    expect(trainingSubjects(result, ['S012', 'S001', 'S002'])).toEqual(['S001', 'S002', 'S012']);
    expect(trainingSubjects({ ...result, splits: result.splits.filter((s) => s.name !== 'train') })).toEqual([]);
  });

  it('warns about a head at or below chance, or below band power, on any split', () => {
    const warnings = weakHeadWarnings(heldOutEvaluation(result), 2);
    expect(warnings).toEqual([
      'On the validation split it scores 75.0 % balanced accuracy, below the 100.0 % of log band power + logistic regression on the same split: a classic method does better.',
      'On the test split it scores 50.0 % balanced accuracy, at or below chance (50.0 % for 2 classes): it has learned nothing that carries over to these subjects.',
    ]);
    expect(weakHeadWarnings([{ split: 'validation', subjects: [], segments: 4, balancedAccuracy: 0.8, kappa: 0.6, bandPowerBalancedAccuracy: 0.7 }], 2)).toEqual([]);
  });
});
