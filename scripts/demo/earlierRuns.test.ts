import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CARD_FILE, cardEarlierRuns, EARLIER_RUNS_HEADING, earlierRuns, withEarlierRuns } from './earlierRuns';

const card = (list: string) => ['# card', '', EARLIER_RUNS_HEADING, list, '- How noisy these figures are: a lot.', '', '## What the gate learned', 'flat'].join('\n');

describe('the model card quotes scripts/demo/earlier-runs.md', () => {
  it('the committed card holds the committed list (rewrite it with `npm run train-demo -- --stage earlier-runs`)', () => {
    expect(cardEarlierRuns(readFileSync(CARD_FILE, 'utf8'))).toBe(earlierRuns());
  });

  it('drops the leading comment and trailing blank lines', () => {
    expect(earlierRuns('<!-- how to edit\nthis -->\n- run a\n- run b\n\n')).toBe('- run a\n- run b');
  });

  it('replaces only the list, between the heading and the noise bullet', () => {
    const before = card('- old run\n  continued');
    const after = withEarlierRuns(before, '- new run\n- newer run');
    expect(after).toBe(card('- new run\n- newer run'));
    expect(cardEarlierRuns(after)).toBe('- new run\n- newer run');
  });

  it('refuses a card without the heading or the noise bullet, naming what is missing', () => {
    expect(() => withEarlierRuns('# card\n', '- a')).toThrow(`no "${EARLIER_RUNS_HEADING}" heading`);
    expect(() => cardEarlierRuns(`${EARLIER_RUNS_HEADING}\n- a\n## next`)).toThrow('does not end with its "- How noisy these figures are:" bullet');
  });
});
