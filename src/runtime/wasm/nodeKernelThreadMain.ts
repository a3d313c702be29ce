// Entry of head training's kernel thread in Node (see kernelThread.ts).
import { parentPort } from 'node:worker_threads';
import { serveKernelCalls } from './kernelThread';

if (!parentPort) throw new Error('nodeKernelThreadMain.ts runs as a worker thread');
const port = parentPort;
port.once('message', (init) => serveKernelCalls(init, (reply) => port.postMessage(reply)));
