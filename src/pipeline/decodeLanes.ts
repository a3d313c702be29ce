// Decoding lanes (see runtime/lanes.ts) that run the SpecMoE on batches of segments: this thread, and replicas
// that each hold a copy of the model and their own tfjs back-end. Replicas get the back-end's name and the model once
// (model/snapshot.ts), then batches.
import * as tf from '@tensorflow/tfjs';
import { type SpecMoE, type SpecMoEConfig, type SpecMoESnapshot, snapshotOf, specMoEFromSnapshot, specMoETensors } from '../model';
import { type BackendName, type BackendOptions, initBackend } from '../runtime/backend';
import { type Lane, replicaLane, serveReplica } from '../runtime/lanes';
import type { ThreadPort } from '../runtime/threads';

/** A batch of model-ready segments as plain arrays: x [n, C, T] (µV/100, padded) and the positions [T]. */
export interface SegmentArrays {
  readonly x: Float32Array;
  readonly shape: readonly [number, number, number];
  readonly times: Float32Array;
}

export interface BatchOutputs {
  /** [segment][class] */
  readonly probabilities: number[][];
  /** Mean gate per expert, segment and model channel: [3][segment][C]. */
  readonly channelGates: number[][][];
}

export type ForwardLane = Lane<SegmentArrays, BatchOutputs>;

/** One forward of `model` on a batch, read back as arrays (all tensors freed). */
export async function runBatch(model: SpecMoE, batch: SegmentArrays): Promise<BatchOutputs> {
  const [n, , length] = batch.shape;
  const x = tf.tensor3d(batch.x, [...batch.shape]);
  const times = tf.tidy(() => tf.tile(tf.tensor3d(batch.times, [1, 1, length]), [n, 1, 1]) as tf.Tensor3D);
  const out = model.forward(x, times);
  try {
    const probabilities = (await out.probabilities.array()) as number[][];
    const channelGates = await Promise.all(
      out.gates.map(async (g) => {
        const mean = tf.mean(g, 2);
        try {
          return (await mean.array()) as number[][];
        } finally {
          mean.dispose();
        }
      }),
    );
    return { probabilities, channelGates };
  } finally {
    tf.dispose([x, times, ...specMoETensors(out)]);
  }
}

/** The calling thread as a lane. */
export function localLane(model: SpecMoE): ForwardLane {
  return { name: 'this thread', forward: (batch) => runBatch(model, batch), close: () => undefined };
}

/** What a replica is given once: the back-end to start and the model. */
export interface ReplicaLoad {
  readonly backend: BackendName;
  readonly model: SpecMoESnapshot;
}

/** Memory a lane holds for `config`: a copy of the model and its activations (GB, for runtime/lanes.ts's laneCount). */
export function laneMemoryGB(config: SpecMoEConfig): number {
  return config.expert.d3 >= 64 ? 0.75 : 0.125;
}

/** What replicas of `model` are given, on the current back-end. */
export function replicaLoad(model: SpecMoE): ReplicaLoad {
  return { backend: tf.getBackend() as BackendName, model: snapshotOf(model) };
}

/** A replica on the other end of `port`: it is sent the model, then each batch (x copied and transferred). */
export function decodingReplica(name: string, port: ThreadPort, load: ReplicaLoad): ForwardLane {
  return replicaLane<SegmentArrays, BatchOutputs>(name, port, load, (batch) => {
    const x = batch.x.slice();
    return { input: { x, shape: batch.shape, times: batch.times }, transfer: [x.buffer] };
  });
}

/**
 * The replica's side (a thread's entry calls it): starts the snapshot's back-end (`backend`: where to find its
 * files), builds the model and answers every batch.
 */
export function serveDecodingReplica(port: ThreadPort, backend: BackendOptions = {}): void {
  serveReplica<SegmentArrays, BatchOutputs>(port, async (load) => {
    const { backend: name, model: snapshot } = load as ReplicaLoad;
    try {
      await initBackend([name], backend);
      const model = specMoEFromSnapshot(snapshot);
      return { run: (batch) => runBatch(model, batch), dispose: () => model.params.dispose() };
    } catch (e) {
      throw new Error(`the decoding worker could not load the model: ${(e as Error).message}`);
    }
  });
}
