import { describe, expect, it } from 'vitest';
import { matchChannels } from '../dsp/channels';
import { BUILTIN_TASKS, defineTask, EEGMMIDB_64, findTask, TaskDefinitionError } from './tasks';

describe('task registry', () => {
  it('has the six tasks of the product with their segment lengths', () => {
    expect(BUILTIN_TASKS.map((t) => [t.id, t.segmentSec, t.classes.length, t.channels.length])).toEqual([
      ['sleep-staging', 30, 5, 4],
      ['sleep-edf', 30, 5, 2],
      ['motor-imagery', 4, 4, 64],
      ['abnormal-eeg', 10, 2, 16],
      ['emotion', 1, 5, 62],
      ['drug-effect', 60, 5, 4],
    ]);
  });

  it('motor imagery channels match the eegmmidb labels one to one, in order', () => {
    const fileLabels = ['Fc5.', 'Fc3.', 'Fc1.', 'Fcz.', 'Fc2.', 'Fc4.', 'Fc6.', 'C5..', 'C3..', 'C1..', 'Cz..'];
    expect(matchChannels(fileLabels, EEGMMIDB_64.slice(0, 11))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(findTask('motor-imagery')!.channels).toBe(EEGMMIDB_64);
  });

  it('rejects user tasks the model cannot run, naming the field', () => {
    const base = findTask('motor-imagery')!;
    expect(() => defineTask({ ...base, id: 'x', segmentSec: 1.5 })).toThrow(TaskDefinitionError);
    expect(() => defineTask({ ...base, id: 'x', segmentSec: 1.5 })).toThrow(/segmentSec/);
    expect(() => defineTask({ ...base, id: 'Bad Id' })).toThrow(/"id"/);
    expect(() => defineTask({ ...base, id: 'x', classes: ['a', 'a'] })).toThrow(/unique/);
    expect(defineTask({ ...base, id: 'my-mi', classes: ['left', 'right'] }).classes).toEqual(['left', 'right']);
  });
});
