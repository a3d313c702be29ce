// Decoding lanes for Node (CLI, benchmarks): this thread plus worker threads running replicaThread.ts.
import * as tf from '@tensorflow/tfjs';
import { decodingReplica, type ForwardLane, laneMemoryGB, localLane, replicaLoad } from '../pipeline/decodeLanes';
import type { SpecMoE } from '../model';
import { laneCount } from '../runtime/lanes';
import { nodeMachine } from '../runtime/nodeEnvironment';
import { typeScriptWorker, workerThreadPort } from '../runtime/nodeThreads';

/** Lanes for `planned` segments of `model` on this machine (runtime/lanes.ts's laneCount). */
export function nodeLaneCount(model: SpecMoE, planned: number): number {
  return laneCount(nodeMachine(), planned, laneMemoryGB(model.config), tf.getBackend());
}

/** `count` lanes for `model`: this thread and count − 1 worker threads. Close them when done. */
export function nodeLanes(model: SpecMoE, count: number): ForwardLane[] {
  const lanes: ForwardLane[] = [localLane(model)];
  if (count <= 1) return lanes;
  const load = replicaLoad(model);
  for (let k = 1; k < count; k++) {
    lanes.push(decodingReplica(`worker thread ${k}`, workerThreadPort(typeScriptWorker(new URL('./replicaThread.ts', import.meta.url))), load));
  }
  return lanes;
}

export function closeLanes(lanes: readonly ForwardLane[]): void {
  for (const lane of lanes) lane.close();
}
