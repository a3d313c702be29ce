// The supervisor of `npm run fuzz`: a case that kills or hangs its process is a failure of its target and the target
// goes on from the next case; the real worker runs the cases that once aborted the whole run.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../dsp/random';
import { caseSeed, makeCase } from './fuzz';
import { superviseTarget } from './fuzzSupervisor';

describe('fuzz supervisor', () => {
  it('counts a crashed, a hung and an unbuildable case and runs every other case', async () => {
    const workerUrl = new URL('./testdata/misbehavingFuzzWorker.ts', import.meta.url);
    const s = await superviseTarget('bundle', { seed: 11, cases: 12, hangMs: 10_000, workerUrl });
    expect(s.failures.map((f) => f.caseIndex)).toEqual([3, 5, 8]);
    expect(s.failures[0]!.problem).toMatch(/^the fuzz process died \(exit code 7\)/);
    expect(s.failures[1]!.problem).toMatch(/^the fuzz process died \(exit code 1\):[^]*stray error thrown by case 5/);
    expect(s.failures[2]!.problem).toBe('no answer within 10 s: the case hung and its process was killed');
    expect(s.skips).toEqual([{ caseIndex: 10, seed: caseSeed(11, 10), reason: 'Error: the mutator cannot build case 10' }]);
    expect(s.read + s.typedErrors).toBe(8);
    expect(s.processes).toBe(4);
    // A crashed case's input is built again from its seed, so it can be saved and replayed.
    expect(s.failures[0]!.input).toEqual(makeCase('bundle', seededRandom(caseSeed(11, 3))));
  }, 600_000);

  it('reports a worker that cannot start as one failure of the target', async () => {
    const s = await superviseTarget('bundle', { seed: 1, cases: 5, workerUrl: new URL('./testdata/noSuchWorker.ts', import.meta.url) });
    expect(s.failures).toHaveLength(1);
    expect(s.failures[0]!.problem).toMatch(/^the fuzz process died \(exit code 1\)[^]*before its first case$/);
    expect(s.processes).toBe(1);
  }, 300_000);

  it('runs bundle cases 120–139 of seed 4242 (case 129 once aborted `npm run fuzz`) in one process, none skipped or failed', async () => {
    const s = await superviseTarget('bundle', { seed: 4242, from: 120, cases: 20 });
    expect(s.failures.map((f) => f.problem)).toEqual([]);
    expect(s.skips).toEqual([]);
    expect(s.read + s.typedErrors).toBe(20);
    expect(s.processes).toBe(1);
    expect(s.slowestCase).toBeGreaterThanOrEqual(120);
  }, 300_000);
});
