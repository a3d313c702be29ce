import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { codeVersion, describeCode, recordedCode } from './codeVersion';

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

describe('describeCode', () => {
  const a = 'commit aaaaaaaaaaaa';
  const b = 'commit bbbbbbbbbbbb';
  const c = 'commit cccccccccccc';
  it('names one commit when every stage and the card ran at it', () => {
    expect(describeCode({ pretraining: a, finetuning: a, card: a })).toBe(`code at ${a}`);
  });
  it('names each stage when they ran at different commits', () => {
    expect(describeCode({ pretraining: a, finetuning: b, card: b })).toBe(`pretraining code at ${a}, fine-tuning code at ${b}`);
  });
  it('keeps the training commit when only the card was rewritten by later code', () => {
    expect(describeCode({ pretraining: a, finetuning: a, card: c })).toBe(`code at ${a}; card and evaluation by code at ${c}`);
    expect(describeCode({ pretraining: a, finetuning: b, card: c })).toBe(`pretraining code at ${a}, fine-tuning code at ${b}; card and evaluation by code at ${c}`);
  });
});

describe('recordedCode', () => {
  it("reads a stage's record from the run folder, and says so plainly where there is none", () => {
    const dir = mkdtempSync(join(tmpdir(), 'run-'));
    try {
      expect(recordedCode(dir, 'finetune-code.txt')).toBe('an unrecorded commit');
      writeFileSync(join(dir, 'finetune-code.txt'), 'commit aaaaaaaaaaaa\n');
      expect(recordedCode(dir, 'finetune-code.txt')).toBe('commit aaaaaaaaaaaa');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
