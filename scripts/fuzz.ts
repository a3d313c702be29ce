// `npm run fuzz [-- --cases 2000 --seed 1 --targets edf,bdf,...]`: mutation fuzzing of every reader of user bytes
// (src/testing/fuzz.ts). Each target runs in a child process watched by this process: a case that hangs is killed and
// reported with its seed, so it can be replayed alone with makeCase(target, seededRandom(seed)).
// Exit code 1 when any case failed (untyped error, over the time or memory bound, or hung).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { option, parseArgs } from '../src/cli/command';
import { FUZZ_TARGETS, type FuzzSummary, type FuzzTarget } from '../src/testing/fuzz';
import { REPO_ROOT } from '../src/cli/paths';

const HANG_MS = 30_000;

interface Message {
  readonly kind: 'case' | 'done';
  readonly index?: number;
  readonly summary?: FuzzSummary;
}

function runTarget(target: FuzzTarget, cases: number, seed: number): Promise<FuzzSummary & { hung?: number }> {
  return new Promise((resolve, reject) => {
    const worker = fork(fileURLToPath(new URL('./fuzzWorker.ts', import.meta.url)), [target, String(cases), String(seed)], { execArgv: ['--import', 'tsx'] });
    let current = -1;
    let timer = setTimeout(onHang, HANG_MS);
    function onHang() {
      worker.kill('SIGKILL');
      resolve({ target, cases: current, read: 0, typedErrors: 0, failures: [], maxMs: HANG_MS, maxMemoryDeltaMB: 0, hung: current });
    }
    worker.on('message', (m: Message) => {
      clearTimeout(timer);
      if (m.kind === 'case') {
        current = m.index!;
        timer = setTimeout(onHang, HANG_MS);
      } else resolve(m.summary!);
    });
    worker.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code !== 0 && signal !== 'SIGKILL') reject(new Error(`${target}: the fuzz process died at case ${current} (exit ${code ?? signal})`));
    });
  });
}

const args = parseArgs(process.argv.slice(2), ['cases', 'seed', 'targets']);
const cases = Number(option(args, 'cases', '2000'));
const seed = Number(option(args, 'seed', '1'));
const targets = option(args, 'targets', FUZZ_TARGETS.join(','))!.split(',') as FuzzTarget[];
const unknown = targets.filter((t) => !FUZZ_TARGETS.includes(t));
if (unknown.length) {
  console.error(`unknown targets ${unknown.join(', ')}; targets: ${FUZZ_TARGETS.join(', ')}`);
  process.exit(2);
}

console.log(`fuzzing ${targets.join(', ')}: ${cases} cases each, seed ${seed}`);
console.log('| target | cases | read | typed error | failures | slowest case ms | max memory growth MB | wall s |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
let failed = 0;
const outDir = join(REPO_ROOT, 'test-results', 'fuzz');
for (const target of targets) {
  const t0 = performance.now();
  const s = await runTarget(target, cases, seed);
  const wall = (performance.now() - t0) / 1000;
  console.log(`| ${target} | ${s.cases} | ${s.read} | ${s.typedErrors} | ${s.failures.length + (s.hung !== undefined ? 1 : 0)} | ${s.maxMs.toFixed(0)} | ${s.maxMemoryDeltaMB.toFixed(0)} | ${wall.toFixed(1)} |`);
  if (s.hung !== undefined) {
    failed++;
    console.log(`  HUNG at case ${s.hung} (seed ${(seed * 1_000_003 + s.hung) >>> 0}): no answer within ${HANG_MS / 1000} s`);
  }
  for (const f of s.failures) {
    failed++;
    mkdirSync(outDir, { recursive: true });
    const file = join(outDir, `${target}-${f.caseIndex}.bin`);
    writeFileSync(file, Uint8Array.from(f.input as unknown as number[]));
    console.log(`  case ${f.caseIndex} (seed ${f.seed}, input ${file}): ${f.problem}`);
  }
}
process.exit(failed ? 1 : 0);
