// Head training's kernel thread in the browser (see kernelThread.ts): a Web Worker started by the model worker,
// sharing the kernels' memory.
import { parentOfWebWorker } from '../browserThreads';
import { type KernelThreadInit, serveKernelCalls } from './kernelThread';

const port = parentOfWebWorker();
port.listen((init) => serveKernelCalls(init as KernelThreadInit, (reply) => port.post(reply)));
