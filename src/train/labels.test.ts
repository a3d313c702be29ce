import { describe, expect, it } from 'vitest';
import { classesOf, LabelError, parseLabelCsv, parseLabelMap, subjectOf } from './labels';
import { randomGroupSplit, splitByGroups, summariseSplits } from './splits';

describe('labels', () => {
  it('parses label maps and names the bad entry', () => {
    const m = parseLabelMap('T1=left fist, T2=right fist');
    expect([...m]).toEqual([['T1', 'left fist'], ['T2', 'right fist']]);
    expect(classesOf(parseLabelMap('T1=a,T2=b,T3=a'))).toEqual(['a', 'b']);
    expect(() => parseLabelMap('T1=a,T2')).toThrow(/entry 2 "T2" is not ANNOTATION=CLASS/);
    expect(() => parseLabelMap('T1=a,T1=b')).toThrow(LabelError);
    expect(() => parseLabelMap(' , ')).toThrow(/empty/);
  });

  it('parses a labels CSV with a header and quoted labels, naming the line and column of a bad cell', () => {
    expect(parseLabelCsv('onset,duration,label\n0,30,W\n30,30,"N2, light"\n')).toEqual([
      { onsetSec: 0, durationSec: 30, label: 'W' },
      { onsetSec: 30, durationSec: 30, label: 'N2, light' },
    ]);
    expect(() => parseLabelCsv('0,30,W\n30,-1,N1')).toThrow(/line 2, column 2: duration "-1"/);
    expect(() => parseLabelCsv('0,30')).toThrow(/line 1: expected onset,duration,label/);
  });

  it('reads the subject from eegmmidb names', () => {
    expect(subjectOf('/data/S012/S012R08.edf.gz')).toBe('S012');
    expect(subjectOf('night1.bdf')).toBe('night1');
    // Sleep-EDF: SC4ssN / ST7ssN (subject ss, night N), PSG and hypnogram alike.
    expect(subjectOf('SC4012E0-PSG.edf')).toBe('SC401');
    expect(subjectOf('SC4001EC-Hypnogram.edf')).toBe('SC400');
    expect(subjectOf('ST7011J0-PSG.edf.gz')).toBe('ST701');
  });
});

describe('splits', () => {
  const items = ['S001', 'S002', 'S003', 'S004', 'S005'].flatMap((subject) =>
    [4, 8].flatMap((run) => [0, 1].map((classIndex) => ({ subject, recordingId: `${subject}R0${run}`, classIndex }))),
  );

  it('never puts one subject in two splits, and summarises what each split holds', () => {
    const split = splitByGroups(items, 'subject', { train: ['S001', 'S002', 'S003'], validation: ['S004'], test: ['S005'] });
    const subjectsOf = (xs: typeof items) => new Set(xs.map((x) => x.subject));
    expect([...subjectsOf(split.train)].some((s) => subjectsOf(split.test).has(s))).toBe(false);
    expect(summariseSplits(split, 'subject', 2).map((s) => [s.name, s.groups.join(' '), s.recordings, s.segments, s.classCounts])).toEqual([
      ['train', 'S001 S002 S003', 6, 12, [6, 6]],
      ['validation', 'S004', 2, 4, [2, 2]],
      ['test', 'S005', 2, 4, [2, 2]],
    ]);
    expect(() => splitByGroups(items, 'subject', { train: ['S001'], validation: ['S001'], test: [] })).toThrow(/S001 is in both/);
    expect(() => splitByGroups(items, 'subject', { train: ['S001'], validation: [], test: [] })).toThrow(/S002 is in no split/);
  });

  it('draws a reproducible random split of groups', () => {
    const a = randomGroupSplit(['S1', 'S2', 'S3', 'S4', 'S5'], { validation: 0.2, test: 0.2 }, 3);
    expect(a).toEqual(randomGroupSplit(['S5', 'S4', 'S3', 'S2', 'S1'], { validation: 0.2, test: 0.2 }, 3));
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([3, 1, 1]);
  });
});
