// Head training's kernel thread in the browser: a Web Worker (kernelWorker.ts). Only where the page is
// cross-origin isolated (shared WebAssembly memory needs SharedArrayBuffer) and the machine has a second core.
import { webWorkerPort } from '../browserThreads';
import { browserMachine, crossOriginIsolated } from '../environment';
import type { KernelThreadFactory } from './kernelThread';

export function browserKernelThread(): KernelThreadFactory | undefined {
  if (!crossOriginIsolated() || browserMachine().logicalCpus < 2) return undefined;
  return () => webWorkerPort(new Worker(new URL('./kernelWorker.ts', import.meta.url), { type: 'module', name: 'specmoe-head-kernels' }));
}
