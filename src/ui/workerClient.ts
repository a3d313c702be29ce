// Starts the model worker and wraps it with comlink. The UI keeps what the user loaded (files, results), so when a
// worker dies (a crash, or out of memory) a new one is started and given the same recording and model again. A worker
// that stops without an error event is found by the watchdog (workerWatchdog.ts) and reported the same way.
import * as Comlink from 'comlink';
import type { WorkerApi } from '../worker/api';
import { startWatchdog, watchdogOptions, watchedApi } from './workerWatchdog';

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
  const api = Comlink.wrap<WorkerApi>(worker);
  const options = watchdogOptions(location.search);
  if (!options) return { api, terminate: () => worker.terminate() };
  const watchdog = startWatchdog(
    () => api.ping(),
    (silentMs) => onCrash(`it did not answer for ${Math.round(silentMs / 1000)} s, as when it runs out of memory`),
    options,
  );
  return {
    api: watchedApi(api, watchdog),
    terminate: () => {
      watchdog.stop();
      worker.terminate();
    },
  };
}

export { Comlink };
