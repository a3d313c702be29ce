import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { codeVersion } from './codeVersion';

describe('codeVersion', () => {
  it("names this checkout's commit, or says plainly that there is none", () => {
    let head: string | null = null;
    try {
      head = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    } catch {
      // not a git checkout (or no git): the card then says so
    }
    if (head) expect(codeVersion()).toMatch(new RegExp(`^commit ${head}( with uncommitted changes)?$`));
    else expect(codeVersion()).toBe('an unknown commit (not a git checkout)');
  });
});
