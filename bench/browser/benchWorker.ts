// The benchmark worker, started only by bench.html (`npm run bench -- model-browser | finetune | decode`): the
// workloads of bench/workloads on a back-end started as the app's model worker starts it (same wasm binaries,
// thread counts, attention kernels' thread, decoding replicas and head training's kernel thread). The app itself
// never loads it.
import * as Comlink from 'comlink';
import { gunzipped } from '../../src/io/open';
import { blobSource } from '../../src/io/sources';
import { localLane } from '../../src/pipeline/decodeLanes';
import { type BackendChoice, type BackendName, initBackend } from '../../src/runtime/backend';
import { browserKernelThread } from '../../src/runtime/wasm/browserKernelThread';
import { wasmPaths } from '../../src/runtime/wasmBinaries';
import { browserLaneCount, startReplicas } from '../../src/worker/browserLanes';
import { type DecodeBenchRequest, runDecodeBench } from '../workloads/decode';
import { type HeadBenchRequest, runHeadBench } from '../workloads/head';
import { type BenchResult, type ModelBenchRequest, runModelBench, stepModelBench } from '../workloads/model';

export type BenchRequest =
  | ({ kind: 'model' } & ModelBenchRequest)
  | ({ kind: 'model-step' } & Omit<ModelBenchRequest, 'repeats'>)
  | ({ kind: 'finetune' } & HeadBenchRequest)
  | ({ kind: 'decode' } & DecodeBenchRequest);

/** The decode bench's night is built from the demo recording the app serves. */
async function demoRecordingBytes(): Promise<Uint8Array> {
  const response = await fetch(`${import.meta.env.BASE_URL}demo/S001R04.edf.gz`);
  if (!response.ok) throw new Error(`the demo recording is not served (${response.status})`);
  // The server may have sent it with Content-Encoding: gzip (then it arrives inflated): io/open.ts tells.
  const source = await gunzipped(blobSource(await response.blob(), 'S001R04.edf.gz'));
  return source.read(0, source.size);
}

const api = {
  /**
   * Starts `backend` alone (no fallback: a benchmark measures the back-end it names). kernelThreads 1 keeps the
   * generated model kernels on this thread; otherwise they get a second one where the page can, as in the app.
   */
  init: (backend: BackendName, wasmThreads: number, kernelThreads?: number): Promise<BackendChoice> =>
    initBackend([backend], { wasmPaths: wasmPaths(), wasmThreads, kernelThread: kernelThreads === 1 ? undefined : browserKernelThread() }),

  async run(request: BenchRequest): Promise<BenchResult> {
    if (request.kind === 'model') return runModelBench(request);
    if (request.kind === 'model-step') return stepModelBench(request);
    if (request.kind === 'finetune') return runHeadBench(request, request.kernelThreads === 1 ? undefined : browserKernelThread());
    const result = await runDecodeBench(
      request,
      await demoRecordingBytes(),
      (model) => [localLane(model), ...startReplicas(model, (request.workers ?? browserLaneCount(model, Number.POSITIVE_INFINITY)) - 1)],
      (used) => used.forEach((lane) => lane.close()),
    );
    return { backend: result.backend, runsMs: [result.totalSec * 1000], note: JSON.stringify({ ...result, rows: undefined }) };
  },
};

export type BenchWorkerApi = typeof api;

Comlink.expose(api);
