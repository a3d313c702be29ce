// Which code made a demo bundle: the git commit of the checkout, and whether its tracked files differed from it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../src/cli/paths';

/** File in a run folder where the pretraining stage records the code it ran. */
export const PRETRAINING_CODE_FILE = 'pretraining-code.txt';
/** File in a run folder where the fine-tuning stage records the code its training runs started with. */
export const FINETUNE_CODE_FILE = 'finetune-code.txt';

/** "commit <12 hex>", with " with uncommitted changes" when tracked files differ; said plainly outside a git checkout. */
export function codeVersion(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `commit ${git('rev-parse', '--short=12', 'HEAD')}${git('status', '--porcelain', '--untracked-files=no') ? ' with uncommitted changes' : ''}`;
  } catch {
    return 'an unknown commit (not a git checkout)';
  }
}

/** The code a stage recorded in a run folder (`file`), or "an unrecorded commit" where it recorded none. */
export function recordedCode(runDir: string, file: string): string {
  const path = join(runDir, file);
  return existsSync(path) ? readFileSync(path, 'utf8').trim() : 'an unrecorded commit';
}

/**
 * The card's words for the code behind a bundle: the stages may have run at different commits, and a card rewritten
 * from finished runs (after its text changed) by yet another one.
 */
export function describeCode(at: { pretraining: string; finetuning: string; card: string }): string {
  const { pretraining, finetuning, card } = at;
  const training = pretraining === finetuning ? `code at ${finetuning}` : `pretraining code at ${pretraining}, fine-tuning code at ${finetuning}`;
  return card === finetuning ? training : `${training}; card and evaluation by code at ${card}`;
}
