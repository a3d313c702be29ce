// Lanes: a lane runs a job on one input at a time. The thread that schedules is one lane; replicas (Web Workers in
// the browser, worker threads in Node), each set up once with what it needs, are the others, so work spreads over
// the cores (pipeline/decodeLanes.ts runs the SpecMoE on them). The protocol is transport-neutral (threads.ts): a
// replica gets "load" once, then "run"s.
import type { Machine } from './environment';
import type { ThreadPort } from './threads';

export interface Lane<In, Out> {
  readonly name: string;
  /**
   * Inputs it may hold at once. A replica gets 2: the next input waits in its queue, so it never idles while the
   * thread that feeds it is busy with a job of its own.
   */
  readonly depth?: number;
  forward(input: In): Promise<Out>;
  /** False once the lane has died (its thread crashed or was closed). */
  healthy?(): boolean;
  close(): void;
}

export class LaneError extends Error {
  override readonly name = 'LaneError';
}

type ReplicaRequest = { readonly kind: 'load'; readonly load: unknown } | { readonly kind: 'run'; readonly id: number; readonly input: unknown };

type ReplicaReply =
  | { readonly kind: 'ready' }
  | { readonly kind: 'result'; readonly id: number; readonly output: unknown }
  | { readonly kind: 'error'; readonly id: number | null; readonly message: string };

/** What a replica runs, once set up. */
export interface ReplicaJob<In, Out> {
  run(input: In): Promise<Out>;
  dispose?(): void;
}

/**
 * The replica's side: `setup` turns the "load" message into a job (a second "load" replaces it), and every "run" is
 * answered in order.
 */
export function serveReplica<In, Out>(port: ThreadPort, setup: (load: unknown) => Promise<ReplicaJob<In, Out>>): void {
  let job: ReplicaJob<In, Out> | null = null;
  let queue: Promise<void> = Promise.resolve();
  const reply = (message: ReplicaReply) => port.post(message);
  port.listen((raw) => {
    const message = raw as ReplicaRequest;
    queue = queue.then(async () => {
      if (message.kind === 'load') {
        try {
          job?.dispose?.();
          job = await setup(message.load);
          reply({ kind: 'ready' });
        } catch (e) {
          reply({ kind: 'error', id: null, message: (e as Error).message });
        }
        return;
      }
      try {
        if (!job) throw new Error('nothing was loaded');
        reply({ kind: 'result', id: message.id, output: await job.run(message.input as In) });
      } catch (e) {
        reply({ kind: 'error', id: message.id, message: (e as Error).message });
      }
    });
  });
}

/**
 * The scheduling side of a replica: sends `load` once (cloned), then one input at a time (`transfer` says what to send
 * and which buffers to hand over). A replica that dies fails its pending and future inputs with a LaneError (the
 * caller decides whether the run goes on without it).
 */
export function replicaLane<In, Out>(name: string, port: ThreadPort, load: unknown, transfer: (input: In) => { input: In; transfer: ArrayBuffer[] }): Lane<In, Out> {
  let nextId = 1;
  let failure: string | null = null;
  const pending = new Map<number, { resolve: (o: Out) => void; reject: (e: Error) => void }>();
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
      pending.get(reply.id)?.resolve(reply.output as Out);
      pending.delete(reply.id);
    } else if (reply.id === null) fail(reply.message);
    else {
      pending.get(reply.id)?.reject(new Error(reply.message));
      pending.delete(reply.id);
    }
  });
  port.onFailure?.(fail);
  port.post({ kind: 'load', load } satisfies ReplicaRequest);

  return {
    name,
    depth: 2,
    healthy: () => failure === null,
    async forward(input) {
      await ready;
      if (failure) throw new LaneError(`${name}: ${failure}`);
      const id = nextId++;
      return new Promise<Out>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        const sent = transfer(input);
        port.post({ kind: 'run', id, input: sent.input } satisfies ReplicaRequest, sent.transfer);
      });
    },
    close() {
      fail('closed');
      port.terminate?.();
    },
  };
}

/** Inputs below which one lane is used: starting a replica takes about a second. */
export const MIN_INPUTS_FOR_REPLICAS = 16;

/**
 * Lanes for `planned` inputs: one per logical CPU, at most 4, on the CPU back-ends only (a GPU back-end already runs
 * in parallel), and within half the machine's memory where it is known: each lane holds a copy of the model and its
 * activations, `laneGB` (up to ~0.75 GB for the authors' full-size SpecMoE on 19 × 6 000 samples, ~0.125 for small
 * ones).
 */
export function laneCount(machine: Machine, planned: number, laneGB: number, backend: string): number {
  if (planned < MIN_INPUTS_FOR_REPLICAS || !['wasm', 'cpu'].includes(backend)) return 1;
  const byMemory = machine.memoryGB === null ? Number.POSITIVE_INFINITY : Math.floor(machine.memoryGB / 2 / laneGB);
  return Math.max(1, Math.min(4, machine.logicalCpus, byMemory));
}
