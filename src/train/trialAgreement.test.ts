import { describe, expect, it } from 'vitest';
import { agreementLine, labelClassIndex, trialAgreement } from './trialAgreement';

const labels = { T1: 'left fist', T2: 'right fist' };
const classes = ['left fist', 'right fist'];

describe('trial agreement', () => {
  it('scores the labelled rows only, with the confusion matrix summing to their count', () => {
    // T1 T1 T1 T2 T2 (and one unlabelled, one T0 row): predicted L L R R L
    const rows = [
      { classIndex: 0, label: 'T1' },
      { classIndex: 0, label: 'T1' },
      { classIndex: 1, label: 'T1' },
      { classIndex: 1, label: 'T2' },
      { classIndex: 0, label: 'T2' },
      { classIndex: 1 },
      { classIndex: 1, label: 'T0' },
    ];
    const a = trialAgreement(rows, labels, classes)!;
    expect(a.trials).toBe(5);
    expect(a.metrics.confusion).toEqual([
      [2, 1],
      [1, 1],
    ]);
    expect(a.metrics.balancedAccuracy).toBeCloseTo((2 / 3 + 1 / 2) / 2, 12);
    expect(a.chance).toBe(0.5);
    expect(agreementLine(a, classes)).toBe(
      "5 labelled trials: balanced accuracy 58.3 % (chance 50.0 %), accuracy 60.0 %, Cohen's κ 0.17; confusion (rows: true left fist / right fist) [2 1] [1 1]",
    );
  });

  it('is null without labelled rows, and ignores labels whose class the model lacks', () => {
    expect(trialAgreement([{ classIndex: 0 }, { classIndex: 1, label: 'T0' }], labels, classes)).toBeNull();
    expect(labelClassIndex('T3', { ...labels, T3: 'feet' }, classes)).toBeNull();
    expect(labelClassIndex('T2', labels, classes)).toBe(1);
    expect(labelClassIndex('toString', labels, classes)).toBeNull();
  });
});
