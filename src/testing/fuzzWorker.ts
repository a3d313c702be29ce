// One fuzz target in a child process (scripts/fuzz.ts watches it for hangs and kills it if one hangs).
import { fuzzTarget, type FuzzTarget } from '../src/testing/fuzz';

const [target, cases, seed] = process.argv.slice(2) as [FuzzTarget, string, string];
const summary = await fuzzTarget(target, Number(cases), Number(seed), (index) => process.send!({ kind: 'case', index }));
process.send!({ kind: 'done', summary: { ...summary, failures: summary.failures.map((f) => ({ ...f, input: Array.from(f.input) })) } }, () => process.exit(0));
