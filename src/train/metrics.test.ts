import { describe, expect, it } from 'vitest';
import { balancedClassWeights, classificationMetrics } from './metrics';

describe('classification metrics', () => {
  it('match hand-computed values (and sklearn on the same arrays)', () => {
    // truth:     0 0 0 0 1 1 2 2 2 2
    // predicted: 0 0 1 2 1 1 2 2 0 2
    const truth = [0, 0, 0, 0, 1, 1, 2, 2, 2, 2];
    const pred = [0, 0, 1, 2, 1, 1, 2, 2, 0, 2];
    const m = classificationMetrics(truth, pred, 3);
    expect(m.confusion).toEqual([
      [2, 1, 1],
      [0, 2, 0],
      [1, 0, 3],
    ]);
    expect(m.accuracy).toBeCloseTo(0.7, 12);
    expect(m.recall).toEqual([0.5, 1, 0.75]);
    expect(m.balancedAccuracy).toBeCloseTo(0.75, 12); // sklearn balanced_accuracy_score
    // precision: 2/3, 2/3, 3/4; F1: 0.5714286, 0.8, 0.75; weighted by support 4, 2, 4 → 0.6885714
    expect(m.weightedF1).toBeCloseTo(0.6885714285714286, 12); // sklearn f1_score(average='weighted')
    // p_o = 0.7, p_e = (4·3 + 2·3 + 4·4)/100 = 0.34, κ = 0.36/0.66
    expect(m.kappa).toBeCloseTo(0.5454545454545454, 12); // sklearn cohen_kappa_score
  });

  it('ignores absent classes in balanced accuracy and weights classes by inverse frequency', () => {
    const m = classificationMetrics([0, 0, 1], [0, 1, 1], 3);
    expect(m.recall[2]).toBeNaN();
    expect(m.balancedAccuracy).toBeCloseTo(0.75, 12);
    expect(balancedClassWeights([0, 0, 0, 1], 3)).toEqual([4 / 9, 4 / 3, 0]);
  });
});
