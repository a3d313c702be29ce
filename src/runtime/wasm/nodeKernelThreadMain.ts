// Entry of head training's kernel thread in Node (see kernelThread.ts).
import { parentOfWorkerThread } from '../nodeThreads';
import { type KernelThreadInit, serveKernelCalls } from './kernelThread';

const port = parentOfWorkerThread('nodeKernelThreadMain.ts');
port.listen((init) => serveKernelCalls(init as KernelThreadInit, (reply) => port.post(reply)));
