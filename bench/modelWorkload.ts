// Our model workload in its own process, for bench/model.ts (protocol: stepChild.ts):
//   tsx bench/modelWorkload.ts <expert|encoder|specmoe> <B> <C> <T> <threads>
// threads 2 starts the generated kernels' second thread (a worker thread); tfjs-wasm itself runs on one thread in
// Node. The workload is bench/workloads/model.ts (seeded random full-size weights: timing does not depend on
// values), the same one the browser bench runs in bench.html's worker.
import { initBackend } from '../src/runtime/backend';
import { nodeKernelThread } from '../src/runtime/wasm/nodeKernelThread';
import { type ModelWorkload, prepareModelBench } from './workloads/model';
import { serveSteps } from './stepChild';

const [workload, b, c, t, threads] = process.argv.slice(2);
await serveSteps(async () => {
  const choice = await initBackend(['wasm'], Number(threads) > 1 ? { kernelThread: nodeKernelThread } : {});
  if (choice.kernelThreads !== Number(threads)) throw new Error(`asked for ${threads} kernel threads, got ${choice.kernelThreads}`);
  const bench = prepareModelBench({ workload: workload as ModelWorkload, batch: Number(b), channels: Number(c), samples: Number(t) });
  await bench.step(); // warm-up
  return bench.step;
});
