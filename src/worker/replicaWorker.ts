// A decoding replica in the browser (see src/runtime/lanes.ts): a Web Worker started by the model worker, with its
// own tfjs back-end and copy of the model, so a recording's segments are decoded on every core.
import { type BackendName, initBackend } from '../runtime/backend';
import { serveReplica } from '../runtime/lanes';
import { wasmPaths } from './assets';

const scope = self as unknown as {
  postMessage(message: unknown, options?: { transfer?: Transferable[] }): void;
  addEventListener(type: 'message', handler: (e: MessageEvent) => void): void;
};

serveReplica(
  {
    post: (message, transfer) => scope.postMessage(message, { transfer: transfer ?? [] }),
    listen: (handler) => scope.addEventListener('message', (e) => handler(e.data)),
  },
  async (options) => {
    const backend = (options as { backend?: BackendName } | undefined)?.backend ?? 'wasm';
    return (await initBackend([backend], { wasmPaths: wasmPaths() })).backend;
  },
);
