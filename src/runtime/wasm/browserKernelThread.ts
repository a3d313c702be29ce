// Head training's kernel thread in the browser: a Web Worker (kernelWorker.ts). Only where the page is
// cross-origin isolated (shared WebAssembly memory needs SharedArrayBuffer) and the machine has a second core.
import type { KernelThreadFactory } from './kernelThread';

export function browserKernelThread(): KernelThreadFactory | undefined {
  const isolated = (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
  if (!isolated || (globalThis.navigator?.hardwareConcurrency ?? 1) < 2) return undefined;
  return () => {
    const worker = new Worker(new URL('./kernelWorker.ts', import.meta.url), { type: 'module', name: 'specmoe-head-kernels' });
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (handler) => {
        worker.onmessage = (e) => handler(e.data);
        worker.onerror = (e) => handler({ error: e.message || 'the kernel worker failed to load' });
      },
      terminate: () => worker.terminate(),
    };
  };
}
