// Head training's kernel thread in the browser (see kernelThread.ts): a Web Worker started by the
// model worker, sharing the kernels' memory.
import { serveKernelCalls } from './kernelThread';

self.onmessage = (e: MessageEvent) => {
  self.onmessage = null;
  serveKernelCalls(e.data, (reply) => self.postMessage(reply));
};
