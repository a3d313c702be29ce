// A fuzz worker whose cases misbehave on purpose, for fuzzSupervisor.test.ts: case 3 exits its process, case 5 throws
// where nothing catches it, case 8 blocks forever, case 10's mutator throws; the others are the real bundle cases.
import { type CaseBuilder, makeCase } from '../fuzz';
import { serveTarget } from '../fuzzSupervisor';

const argv = process.argv.slice(2);
let index = Number(argv[2]); // the builder is called once per case, in order, from the first case of this process

const build: CaseBuilder = (target, random) => {
  const i = index++;
  if (i === 3) process.exit(7);
  if (i === 5) queueMicrotask(() => {
    throw new Error('stray error thrown by case 5');
  });
  if (i === 8) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  if (i === 10) throw new Error('the mutator cannot build case 10');
  return makeCase(target, random);
};

await serveTarget(argv, build);
