// Head training's kernel thread in Node (CLI, benchmarks, tests): a worker thread running nodeKernelThreadMain.ts.
import { typeScriptWorker } from '../../cli/decodeLanes';
import type { KernelThreadFactory } from './kernelThread';

export const nodeKernelThread: KernelThreadFactory = () => {
  const worker = typeScriptWorker(new URL('./nodeKernelThreadMain.ts', import.meta.url));
  // The thread blocks in Atomics.wait between commands; it must not keep the process alive once training is done.
  worker.unref();
  return {
    post: (message) => worker.postMessage(message),
    onMessage: (handler) => {
      worker.once('message', handler);
      worker.once('error', (e) => handler({ error: e.message }));
    },
    terminate: () => void worker.terminate(),
  };
};
