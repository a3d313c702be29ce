// ThreadPorts in Node (the twin of browserThreads.ts): worker threads that run TypeScript entries through tsx, seen
// from the thread that started them, and the starting thread seen from inside one.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parentPort, Worker } from 'node:worker_threads';
import type { ThreadPort } from './threads';

/**
 * A worker thread that registers tsx (resolved from here, wherever the command was started) and then imports the
 * TypeScript module `entry`. (tsx's loader given as --import in a Worker's execArgv does not reach the thread on
 * Node 20.)
 */
export function typeScriptWorker(entry: URL): Worker {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(pkg), 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

export function workerThreadPort(worker: Worker): ThreadPort {
  return {
    post: (message, transfer) => worker.postMessage(message, [...(transfer ?? [])]),
    listen: (handler) => worker.on('message', handler),
    onFailure: (handler) => {
      worker.on('error', (e) => handler(`crashed: ${e.message}`));
      worker.on('exit', (code) => handler(`exited with code ${code}`));
    },
    terminate: () => void worker.terminate(),
  };
}

/** Inside a worker thread: the thread that started it. `entry` names the module, for the error outside a thread. */
export function parentOfWorkerThread(entry: string): ThreadPort {
  if (!parentPort) throw new Error(`${entry} runs as a worker thread`);
  const port = parentPort;
  return {
    post: (message, transfer) => port.postMessage(message, [...(transfer ?? [])]),
    listen: (handler) => port.on('message', handler),
  };
}
