// Train / validation / test splits by subject or by recording — never by segment inside one recording, which
// would leak a recording's own signal into its evaluation.
import { seededRandom, shuffled } from '../dsp/random';

export interface Labelled {
  readonly recordingId: string;
  readonly subject: string;
  readonly classIndex: number;
}

export type SplitName = 'train' | 'validation' | 'test';

export interface SplitSummary {
  readonly name: SplitName;
  readonly groups: string[];
  readonly recordings: number;
  readonly segments: number;
  /** Segments per class index. */
  readonly classCounts: number[];
}

/** Assigns every group (subject or recording id) to a split from explicit lists; unlisted groups are an error. */
export function splitByGroups<T extends Labelled>(items: readonly T[], by: 'subject' | 'recording', groups: Readonly<Record<SplitName, readonly string[]>>): Record<SplitName, T[]> {
  const key = (t: T) => (by === 'subject' ? t.subject : t.recordingId);
  const where = new Map<string, SplitName>();
  for (const name of ['train', 'validation', 'test'] as const) {
    for (const g of groups[name]) {
      const other = where.get(g);
      if (other && other !== name) throw new RangeError(`${by} ${g} is in both the ${other} and the ${name} split`);
      where.set(g, name);
    }
  }
  const out: Record<SplitName, T[]> = { train: [], validation: [], test: [] };
  for (const item of items) {
    const split = where.get(key(item));
    if (!split) throw new RangeError(`${by} ${key(item)} is in no split`);
    out[split].push(item);
  }
  return out;
}

/** A seeded random split of the groups by fractions (validation, test); the rest trains. */
export function randomGroupSplit(groups: readonly string[], fractions: { validation: number; test: number }, seed: number): Record<SplitName, string[]> {
  const order = shuffled([...new Set(groups)].sort(), seededRandom(seed));
  const nTest = Math.round(order.length * fractions.test);
  const nVal = Math.round(order.length * fractions.validation);
  return { test: order.slice(0, nTest), validation: order.slice(nTest, nTest + nVal), train: order.slice(nTest + nVal) };
}

export function summariseSplits<T extends Labelled>(splits: Record<SplitName, T[]>, by: 'subject' | 'recording', nClasses: number): SplitSummary[] {
  return (['train', 'validation', 'test'] as const).map((name) => {
    const items = splits[name];
    const classCounts = new Array<number>(nClasses).fill(0);
    for (const i of items) classCounts[i.classIndex]!++;
    return {
      name,
      groups: [...new Set(items.map((i) => (by === 'subject' ? i.subject : i.recordingId)))].sort(),
      recordings: new Set(items.map((i) => i.recordingId)).size,
      segments: items.length,
      classCounts,
    };
  });
}
