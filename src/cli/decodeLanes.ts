// Decoding lanes for Node (CLI, benchmarks): this thread plus worker threads running replicaThread.ts.
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { availableParallelism, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type ForwardLane, localLane, modelSnapshot, replicaLane } from '../runtime/lanes';
import type { SpecMoE } from '../model/specMoE';

/**
 * Lanes by default: one per core, at most 4, and within half the machine's memory (each lane holds a copy of the
 * model and its activations: up to ~0.75 GB for the full-size model, ~0.125 GB for small ones).
 */
export function defaultLaneCount(fullSize = true): number {
  const byMemory = Math.floor(totalmem() / 2 ** 30 / 2 / (fullSize ? 0.75 : 0.125));
  return Math.max(1, Math.min(4, availableParallelism(), byMemory));
}

/**
 * A worker thread that registers tsx (resolved from here, wherever the command was started) and then imports the
 * TypeScript module `entry`. (tsx's loader given as --import in a Worker's execArgv does not reach the thread on
 * Node 20.)
 */
export function typeScriptWorker(entry: URL): Worker {
  const pkg = createRequire(import.meta.url).resolve('tsx/package.json');
  const api = pathToFileURL(join(dirname(pkg), 'dist', 'esm', 'api', 'index.mjs')).href;
  const boot = `import(${JSON.stringify(api)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true });
}

/** `count` lanes for `model`: this thread and count − 1 worker threads. Close them when done. */
export function nodeLanes(model: SpecMoE, count = defaultLaneCount()): ForwardLane[] {
  const lanes: ForwardLane[] = [localLane(model)];
  if (count <= 1) return lanes;
  const snapshot = modelSnapshot(model);
  for (let k = 1; k < count; k++) {
    const worker = typeScriptWorker(new URL('./replicaThread.ts', import.meta.url));
    lanes.push(
      replicaLane(`worker thread ${k}`, {
        post: (message, transfer) => worker.postMessage(message, transfer),
        listen: (handler) => worker.on('message', handler),
        onFailure: (handler) => {
          worker.on('error', (e) => handler(`crashed: ${e.message}`));
          worker.on('exit', (code) => handler(`exited with code ${code}`));
        },
        terminate: () => void worker.terminate(),
      }, snapshot, { backend: tf.getBackend() }),
    );
  }
  return lanes;
}

export function closeLanes(lanes: readonly ForwardLane[]): void {
  for (const lane of lanes) lane.close();
}
