// ThreadPorts in the browser: a Web Worker seen from the thread that started it, and the starting thread seen from
// inside a Web Worker. (Each worker is constructed where its entry file is named, `new Worker(new URL(…))`, so that
// Vite bundles the entry.)
import type { ThreadPort } from './threads';

export function webWorkerPort(worker: Worker): ThreadPort {
  return {
    post: (message, transfer) => worker.postMessage(message, { transfer: [...(transfer ?? [])] }),
    listen: (handler) => worker.addEventListener('message', (e) => handler(e.data)),
    onFailure: (handler) => {
      worker.addEventListener('error', (e) => handler(`crashed${e.message ? `: ${e.message}` : ''}`));
      worker.addEventListener('messageerror', () => handler('sent a message that could not be read'));
    },
    terminate: () => worker.terminate(),
  };
}

/** Inside a Web Worker: the thread that started it. */
export function parentOfWebWorker(): ThreadPort {
  const scope = globalThis as unknown as {
    postMessage(message: unknown, options: { transfer: ArrayBuffer[] }): void;
    addEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
  };
  return {
    post: (message, transfer) => scope.postMessage(message, { transfer: [...(transfer ?? [])] }),
    listen: (handler) => scope.addEventListener('message', (e) => handler(e.data)),
  };
}
