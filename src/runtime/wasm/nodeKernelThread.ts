// Head training's kernel thread in Node (CLI, benchmarks, tests): a worker thread running nodeKernelThreadMain.ts.
import { typeScriptWorker, workerThreadPort } from '../nodeThreads';
import type { KernelThreadFactory } from './kernelThread';

export const nodeKernelThread: KernelThreadFactory = () => {
  const worker = typeScriptWorker(new URL('./nodeKernelThreadMain.ts', import.meta.url));
  // The thread blocks in Atomics.wait between commands; it must not keep the process alive once training is done.
  worker.unref();
  return workerThreadPort(worker);
};
