// A decoding replica in a Node worker thread (see lanes.ts): its own tfjs-wasm and copy of the model.
import { parentPort } from 'node:worker_threads';
import { type BackendName, initBackend } from '../runtime/backend';
import { serveReplica } from '../runtime/lanes';

if (!parentPort) throw new Error('replicaThread.ts runs as a worker thread');
const port = parentPort;
serveReplica(
  {
    post: (message, transfer) => port.postMessage(message, transfer),
    listen: (handler) => port.on('message', handler),
  },
  async (options) => (await initBackend([((options as { backend?: BackendName } | undefined)?.backend ?? 'wasm')])).backend,
);
