// Decoding lanes in the browser (see src/runtime/lanes.ts): the model worker itself plus replicas, Web Workers
// started from it (replicaWorker.ts), each with its own tfjs back-end and copy of the model.
import * as tf from '@tensorflow/tfjs';
import { decodingReplica, type ForwardLane, laneMemoryGB, replicaLoad } from '../pipeline/decodeLanes';
import type { SpecMoE } from '../model';
import { browserMachine } from '../runtime/environment';
import { laneCount } from '../runtime/lanes';
import { webWorkerPort } from '../runtime/browserThreads';

/** Lanes for `planned` segments of `model` on this device and back-end (runtime/lanes.ts's laneCount). */
export function browserLaneCount(model: SpecMoE, planned: number): number {
  return laneCount(browserMachine(), planned, laneMemoryGB(model.config), tf.getBackend());
}

/** Starts `n` replicas of `model` on the current back-end, named from `firstIndex`. */
export function startReplicas(model: SpecMoE, n: number, firstIndex = 1): ForwardLane[] {
  if (n <= 0) return [];
  const load = replicaLoad(model);
  return Array.from({ length: n }, (_, i) => {
    const k = firstIndex + i;
    const worker = new Worker(new URL('./replicaWorker.ts', import.meta.url), { type: 'module', name: `specmoe-decoder-${k}` });
    return decodingReplica(`decoding worker ${k}`, webWorkerPort(worker), load);
  });
}
