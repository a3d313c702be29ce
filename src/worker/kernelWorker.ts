// A kernel thread in the browser (see src/train/wasm/kernelThread.ts): a Web Worker started by the model worker,
// sharing the kernels' memory (head training's, or the attention kernels').
import { serveKernelCalls } from '../train/wasm/kernelThread';

self.onmessage = (e: MessageEvent) => {
  self.onmessage = null;
  serveKernelCalls(e.data, (reply) => self.postMessage(reply));
};
