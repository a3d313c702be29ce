// The model card's "Ablations and earlier runs" list: kept in scripts/demo/earlier-runs.md beside split.json, quoted by
// the card without its leading comment. A fresh checkout has no run folder to rewrite the whole card from, so the list
// can also be put into the committed card on its own (`npm run train-demo -- --stage earlier-runs`).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/cli/paths';

export const EARLIER_RUNS_FILE = join(REPO_ROOT, 'scripts', 'demo', 'earlier-runs.md');
export const CARD_FILE = join(REPO_ROOT, 'models', 'specmoe-demo-mi', 'README.md');
/** The card's heading over the list, and the start of the card's own bullet that follows it (finetuneStage writes both). */
export const EARLIER_RUNS_HEADING = '## Ablations and earlier runs (same split, same test subjects)';
export const NOISE_BULLET = '- How noisy these figures are:';

/** The list as the card quotes it. */
export function earlierRuns(text = readFileSync(EARLIER_RUNS_FILE, 'utf8')): string {
  return text.replace(/^<!--[\s\S]*?-->\n/, '').trimEnd();
}

/** Where the list stands in `card`: [first line, line after the last] (lines split on "\n"). */
function listLines(card: string): [number, number] {
  const lines = card.split('\n');
  const heading = lines.indexOf(EARLIER_RUNS_HEADING);
  if (heading < 0) throw new Error(`the model card has no "${EARLIER_RUNS_HEADING}" heading`);
  const end = lines.findIndex((line, i) => i > heading && (line.startsWith(NOISE_BULLET) || line.startsWith('## ')));
  if (end < 0 || !lines[end]!.startsWith(NOISE_BULLET)) throw new Error(`the model card's earlier-runs section does not end with its "${NOISE_BULLET}" bullet`);
  return [heading + 1, end];
}

/** The list quoted in `card`. */
export function cardEarlierRuns(card: string): string {
  const [from, to] = listLines(card);
  return card.split('\n').slice(from, to).join('\n');
}

/** `card` with its list replaced by `list`; nothing else changes. */
export function withEarlierRuns(card: string, list: string): string {
  const [from, to] = listLines(card);
  const lines = card.split('\n');
  return [...lines.slice(0, from), list, ...lines.slice(to)].join('\n');
}
