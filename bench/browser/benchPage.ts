// bench.html's script: starts the benchmark worker on `?backend=B&wasmThreads=N&kernelThreads=K` (K = 1: the
// generated kernels on one thread), shows the back-end it got, and hands its `run` to the harness
// (bench/browserHarness.ts) as window.specmoeBench.
import * as Comlink from 'comlink';
import type { BackendName } from '../../src/runtime/backendNames';
import type { BenchWorkerApi } from './benchWorker';

const params = new URLSearchParams(location.search);
const status = document.getElementById('backend')!;
const worker = new Worker(new URL('./benchWorker.ts', import.meta.url), { type: 'module', name: 'specmoe-bench' });
const api = Comlink.wrap<BenchWorkerApi>(worker);
try {
  const kernelThreads = params.get('kernelThreads');
  const info = await api.init((params.get('backend') ?? 'wasm') as BackendName, Number(params.get('wasmThreads') ?? 0), kernelThreads === null ? undefined : Number(kernelThreads));
  const kernels = info.kernelThreads > 1 ? ` · model kernels on ${info.kernelThreads} threads` : '';
  status.textContent = `Back-end: ${info.backend}${info.threads > 1 ? ` (${info.threads} threads)` : ''}${kernels}`;
  (window as unknown as { specmoeBench: BenchWorkerApi['run'] }).specmoeBench = (request) => api.run(request);
} catch (e) {
  status.textContent = `Back-end failed: ${(e as Error).message}`;
}
