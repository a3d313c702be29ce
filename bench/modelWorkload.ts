// One model workload in its own process (so its peak RSS is its own), for bench/model.ts:
//   tsx bench/modelWorkload.ts <expert|encoder|specmoe> <wasm|cpu> <B> <C> <T> <repeats>
// Prints JSON {runsMs, peakRssMB, baselineRssMB}. The workload is bench/workloads/model.ts (seeded random
// full-size weights: timing does not depend on values), the same one the browser bench runs in the app's worker.
import { type BackendName, initBackend } from '../src/runtime/backend';
import { type ModelWorkload, runModelBench } from './workloads/model';

const [workload, backend, b, c, t, repeats] = process.argv.slice(2);
await initBackend([backend as BackendName]);
const baselineRssMB = process.memoryUsage().rss / 2 ** 20;
const { runsMs } = await runModelBench({ workload: workload as ModelWorkload, batch: Number(b), channels: Number(c), samples: Number(t), repeats: Number(repeats) });
console.log(JSON.stringify({ runsMs, peakRssMB: process.resourceUsage().maxRSS / 1024, baselineRssMB }));
