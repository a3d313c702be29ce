// Starts the model worker and wraps it with comlink. The UI keeps what the user loaded (files, results), so when a
// worker dies (a crash or out of memory) a new one is started and given the same recording and model again.
import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/api';

export interface WorkerClient {
  readonly api: Comlink.Remote<WorkerApi>;
  terminate(): void;
}

export function startWorker(onCrash: (message: string) => void): WorkerClient {
  const worker = new Worker(new URL('../worker/worker.ts', import.meta.url), { type: 'module', name: 'specmoe-model' });
  worker.addEventListener('error', (e) => {
    e.preventDefault();
    onCrash(e.message || 'the model worker stopped unexpectedly');
  });
  worker.addEventListener('messageerror', () => onCrash('the model worker sent a message that could not be read'));
  return { api: Comlink.wrap<WorkerApi>(worker), terminate: () => worker.terminate() };
}

export { Comlink };
