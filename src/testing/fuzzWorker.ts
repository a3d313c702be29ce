// The child process of `npm run fuzz`: runs the cases of one target (src/testing/fuzzSupervisor.ts watches it).
import { serveTarget } from './fuzzSupervisor';

await serveTarget(process.argv.slice(2));
