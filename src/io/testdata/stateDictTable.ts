// Test helper: the key/shape/dtype tables of STATE_DICT.md (the reference pack's own listing of the authors'
// state dicts), an independent source to check readers and shape tables against.
import { readFileSync } from 'node:fs';
import { REFERENCE_DIR } from '../../testing/shared';

export interface StateDictRow {
  readonly key: string;
  readonly shape: number[];
  readonly dtype: string;
}

/** Rows of the table under the `## <heading>` section, in order. */
export function stateDictTable(heading: 'Expert' | 'SpecMoE'): StateDictRow[] {
  const text = readFileSync(`${REFERENCE_DIR}/STATE_DICT.md`, 'utf8');
  const start = text.search(new RegExp(`^## ${heading}\\b`, 'm'));
  if (start < 0) throw new Error(`STATE_DICT.md has no "## ${heading}" section`);
  const end = text.indexOf('\n## ', start + 3);
  const rows: StateDictRow[] = [];
  for (const line of text.slice(start, end < 0 ? undefined : end).split('\n')) {
    const m = /^\| \d+ \| `([^`]+)` \| \[([\d, ]*)\] \| (\w+) \|/.exec(line);
    if (m) rows.push({ key: m[1]!, shape: m[2]!.trim() ? m[2]!.split(',').map(Number) : [], dtype: m[3]! });
  }
  return rows;
}

export const shapesOf = (rows: readonly StateDictRow[]): Map<string, number[]> => new Map(rows.map((r) => [r.key, r.shape]));
