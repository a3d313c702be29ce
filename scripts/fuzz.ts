// `npm run fuzz [-- --cases 2000 --seed 1[,2,…] --from 0 --targets edf,bdf,...]`: mutation fuzzing of every reader of
// user bytes (src/testing/fuzz.ts), each target in watched child processes (src/testing/fuzzSupervisor.ts): a case that
// crashes or hangs its process is a failure of its target, and the target goes on from the next case. Prints a table
// and, for every failure or skipped case, the command that replays it alone (`--from i --cases 1`).
// Exit code 1 when any case failed (untyped error, over the time or memory bound, crashed or hung).
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { option, parseArgs } from '../src/cli/command';
import { FUZZ_TARGETS, type FuzzTarget } from '../src/testing/fuzz';
import { superviseTarget } from '../src/testing/fuzzSupervisor';

const args = parseArgs(process.argv.slice(2), ['cases', 'seed', 'from', 'targets']);
const cases = Number(option(args, 'cases', '2000'));
const from = Number(option(args, 'from', '0'));
const seeds = option(args, 'seed', '1')!.split(',').map(Number);
const targets = option(args, 'targets', FUZZ_TARGETS.join(','))!.split(',') as FuzzTarget[];
const unknown = targets.filter((t) => !FUZZ_TARGETS.includes(t));
if (unknown.length) {
  console.error(`unknown targets ${unknown.join(', ')}; targets: ${FUZZ_TARGETS.join(', ')}`);
  process.exit(2);
}
if (![cases, from, ...seeds].every((n) => Number.isSafeInteger(n) && n >= 0)) {
  console.error('--cases, --from and --seed take non-negative integers');
  process.exit(2);
}

const replay = (target: FuzzTarget, seed: number, caseIndex: number) => `npm run fuzz -- --targets ${target} --seed ${seed} --from ${caseIndex} --cases 1`;

console.log(`fuzzing ${targets.join(', ')}: cases ${from}…${from + cases - 1} of each, seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}`);
console.log('| seed | target | cases | read | typed error | skipped | failures | slowest case ms (case) | max growth in a case MB | retained after the run MB | wall s |');
console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
const notes: string[] = [];
let failed = 0;
const outDir = fileURLToPath(new URL('../test-results/fuzz', import.meta.url));
for (const seed of seeds) {
  for (const target of targets) {
    const t0 = performance.now();
    const s = await superviseTarget(target, { seed, cases, from });
    const wall = (performance.now() - t0) / 1000;
    console.log(
      `| ${seed} | ${target} | ${s.cases} | ${s.read} | ${s.typedErrors} | ${s.skips.length} | ${s.failures.length} | ${s.slowestMs.toFixed(0)} (${s.slowestCase}) | ${s.maxMemoryDeltaMB.toFixed(0)} | ${s.retainedMB.toFixed(1)} | ${wall.toFixed(1)} |`,
    );
    for (const k of s.skips) notes.push(`${target} case ${k.caseIndex} skipped (seed ${k.seed}): the mutator threw ${k.reason}\n  replay: ${replay(target, seed, k.caseIndex)}`);
    for (const f of s.failures) {
      failed++;
      mkdirSync(outDir, { recursive: true });
      const file = join(outDir, `${target}-${seed}-${f.caseIndex}.bin`);
      writeFileSync(file, f.input);
      notes.push(`${target} case ${f.caseIndex} FAILED (seed ${f.seed}, input ${file}): ${f.problem}\n  replay: ${replay(target, seed, f.caseIndex)}`);
    }
  }
}
for (const note of notes) console.log(note);
process.exit(failed ? 1 : 0);
