// Decoding lanes in the browser (see src/runtime/lanes.ts): the model worker itself plus replicas, Web Workers
// started from it, each with its own tfjs back-end and copy of the model.
import * as tf from '@tensorflow/tfjs';
import { type ForwardLane, modelSnapshot, replicaLane } from '../runtime/lanes';
import type { SpecMoE } from '../model/specMoE';

/**
 * Lanes for `planned` segments: one per core, at most 4, on the CPU back-ends (a GPU back-end already runs
 * in parallel), and only for 16 segments or more (a replica takes about a second to start). Each lane holds a
 * model and its activations (up to ~0.7 GB for the authors' full-size model on 19 × 6 000 samples, ~0.1 GB for small
 * ones), so where the browser tells the device's memory (navigator.deviceMemory, GB) the lanes use at most half of it.
 */
export function laneCount(planned: number, fullSize = true): number {
  const cpu = ['wasm', 'cpu'].includes(tf.getBackend());
  if (!cpu || planned < 16) return 1;
  let lanes = Math.max(1, Math.min(4, navigator.hardwareConcurrency || 1));
  const deviceGB = (navigator as Navigator & { deviceMemory?: number }).deviceMemory;
  if (deviceGB) lanes = Math.max(1, Math.min(lanes, Math.floor(deviceGB / 2 / (fullSize ? 0.75 : 0.125))));
  return lanes;
}

/** Starts `n` replicas of `model` on the current back-end, named from `firstIndex`. */
export function startReplicas(model: SpecMoE, n: number, firstIndex = 1): ForwardLane[] {
  if (n <= 0) return [];
  const snapshot = modelSnapshot(model);
  return Array.from({ length: n }, (_, i) => {
    const k = firstIndex + i;
    const worker = new Worker(new URL('./replicaWorker.ts', import.meta.url), { type: 'module', name: `specmoe-decoder-${k}` });
    return replicaLane(
      `decoding worker ${k}`,
      {
        post: (message, transfer) => worker.postMessage(message, { transfer: transfer ?? [] }),
        listen: (handler) => worker.addEventListener('message', (e) => handler(e.data)),
        onFailure: (handler) => {
          worker.addEventListener('error', (e) => handler(`crashed${e.message ? `: ${e.message}` : ''}`));
          worker.addEventListener('messageerror', () => handler('sent a message that could not be read'));
        },
        terminate: () => worker.terminate(),
      },
      snapshot,
      { backend: tf.getBackend() },
    );
  });
}
