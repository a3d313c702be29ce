// Decoding lanes: a lane runs the SpecMoE on one batch of segments at a time. The thread that decodes is one lane;
// replicas (Web Workers in the browser, worker threads in Node), each with its own tfjs-wasm and a copy of the model,
// are the others, so a recording's segments are decoded on every core (tfjs-wasm itself uses one thread here).
// The protocol is transport-neutral: a replica gets the model once ("load"), then batches ("forward").
import * as tf from '@tensorflow/tfjs';
import type { SpecMoEConfig } from '../model/config';
import { ParamStore } from '../model/params';
import { SpecMoE, specMoETensors } from '../model/specMoE';

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

export interface ForwardLane {
  readonly name: string;
  /**
   * Batches it may hold at once. A replica gets 2: the next batch waits in its queue, so it never idles while the
   * thread that feeds it is busy with a forward of its own.
   */
  readonly depth?: number;
  forward(batch: SegmentArrays): Promise<BatchOutputs>;
  /** False once the lane has died (its worker crashed or was closed). */
  healthy?(): boolean;
  close(): void;
}

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

export interface ParamSnapshot {
  readonly key: string;
  readonly dtype: tf.DataType;
  readonly shape: number[];
  readonly data: Float32Array | Int32Array;
}

/** The model's config and weights as transferable arrays (for a replica). */
export function modelSnapshot(model: SpecMoE): { config: SpecMoEConfig; params: ParamSnapshot[] } {
  const params = [...model.params.entries()].map(([key, t]) => ({ key, dtype: t.dtype, shape: [...t.shape], data: t.dataSync() as Float32Array | Int32Array }));
  return { config: model.config, params };
}

export type ReplicaRequest =
  | { readonly kind: 'load'; readonly config: SpecMoEConfig; readonly params: ParamSnapshot[]; readonly init?: unknown }
  | { readonly kind: 'forward'; readonly id: number; readonly batch: SegmentArrays };

export type ReplicaReply =
  | { readonly kind: 'ready'; readonly backend: string }
  | { readonly kind: 'result'; readonly id: number; readonly outputs: BatchOutputs }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };

/** The two ends of a replica's message channel, whatever carries them. */
export interface ReplicaPort {
  post(message: ReplicaRequest | ReplicaReply, transfer?: ArrayBuffer[]): void;
  listen(handler: (message: unknown) => void): void;
  /** Called with a description when the other end dies (worker error or exit). */
  onFailure?(handler: (message: string) => void): void;
  terminate?(): void;
}

/**
 * The replica's side: builds the model from "load" (after `init`, which starts its tfjs back-end) and answers
 * every "forward" in order.
 */
export function serveReplica(port: ReplicaPort, init: (options: unknown) => Promise<string>): void {
  let model: SpecMoE | null = null;
  let queue: Promise<void> = Promise.resolve();
  port.listen((raw) => {
    const message = raw as ReplicaRequest;
    queue = queue.then(async () => {
      if (message.kind === 'load') {
        try {
          const backend = await init(message.init);
          model?.params.dispose();
          const store = new ParamStore();
          for (const p of message.params) store.set(p.key, tf.tensor(p.data, p.shape, p.dtype));
          model = new SpecMoE(message.config, store);
          port.post({ kind: 'ready', backend });
        } catch (e) {
          port.post({ kind: 'error', id: null, message: `the decoding worker could not load the model: ${(e as Error).message}` });
        }
        return;
      }
      try {
        if (!model) throw new Error('no model was loaded');
        port.post({ kind: 'result', id: message.id, outputs: await runBatch(model, message.batch) });
      } catch (e) {
        port.post({ kind: 'error', id: message.id, message: (e as Error).message });
      }
    });
  });
}

export class LaneError extends Error {
  override readonly name = 'LaneError';
}

/**
 * The decoding side of a replica: sends the model once, then one batch at a time. A replica that dies fails its
 * pending and future batches with a LaneError (the caller decides whether the run goes on without it).
 */
export function replicaLane(name: string, port: ReplicaPort, snapshot: ReturnType<typeof modelSnapshot>, init?: unknown): ForwardLane {
  let nextId = 1;
  let failure: string | null = null;
  const pending = new Map<number, { resolve: (o: BatchOutputs) => void; reject: (e: Error) => void }>();
  let readyResolve!: () => void;
  let readyReject!: (e: Error) => void;
  const ready = new Promise<void>((resolve, reject) => {
    readyResolve = resolve;
    readyReject = reject;
  });
  ready.catch(() => undefined);
  const fail = (message: string) => {
    failure ??= message;
    readyReject(new LaneError(`${name}: ${failure}`));
    for (const p of pending.values()) p.reject(new LaneError(`${name}: ${failure}`));
    pending.clear();
  };
  port.listen((raw) => {
    const reply = raw as ReplicaReply;
    if (reply.kind === 'ready') readyResolve();
    else if (reply.kind === 'result') {
      pending.get(reply.id)?.resolve(reply.outputs);
      pending.delete(reply.id);
    } else if (reply.id === null) fail(reply.message);
    else {
      pending.get(reply.id)?.reject(new Error(reply.message));
      pending.delete(reply.id);
    }
  });
  port.onFailure?.(fail);
  port.post({ kind: 'load', config: snapshot.config, params: snapshot.params, init }); // cloned, not transferred

  return {
    name,
    depth: 2,
    healthy: () => failure === null,
    async forward(batch) {
      await ready;
      if (failure) throw new LaneError(`${name}: ${failure}`);
      const id = nextId++;
      return new Promise<BatchOutputs>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const x = batch.x.slice();
        port.post({ kind: 'forward', id, batch: { x, shape: batch.shape, times: batch.times } }, [x.buffer]);
      });
    },
    close() {
      fail('closed');
      port.terminate?.();
    },
  };
}
