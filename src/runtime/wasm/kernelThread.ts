// A second thread for head training's kernels: it instantiates the same module on the same shared memory and runs
// the calls it is handed, while the training thread runs its own half of each product. Calls go through a small
// command block in that memory (Atomics.wait / notify), not messages: a batch needs about five hand-overs, and a
// message round trip costs more than a futex wake. Node (worker_threads) and the browser (a Web Worker) start the
// thread differently (nodeKernelThread.ts, browserKernelThread.ts); both talk through a ThreadPort and end in
// serveKernelCalls. KernelRunner is the training thread's side: it runs one half of
// each step itself and hands the other half over.
import type { ThreadPort } from '../threads';
import { KERNELS, type KernelName } from './headKernels';

/** A kernel call: export name and its arguments (all numbers; f32 parameters take them rounded). */
export type KernelCall = readonly [KernelName, ...number[]];

/** First message to a kernel thread. */
export interface KernelThreadInit {
  readonly bytes: Uint8Array<ArrayBuffer>;
  readonly memory: WebAssembly.Memory;
  /** Byte offset of the command block (COMMAND_BYTES long, 8-byte aligned). */
  readonly control: number;
}

/** What a kernel thread answers to its init: 'ready', or why it could not start. */
export type KernelThreadReply = { readonly ready: true } | { readonly error: string };

/** Starts a kernel thread: the host's part (Node or browser). */
export type KernelThreadFactory = () => ThreadPort;

const MAX_CALLS = 128;
const MAX_ARGS = 11;
// Int32 slots of the command block: sequence number of the last command, of the last finished one, the number of
// calls, an error flag; then (at byte 16) MAX_CALLS × (kernel index + MAX_ARGS arguments) as float64.
const SEQ = 0;
const DONE = 1;
const COUNT = 2;
const FAILED = 3;
const ARGS_BYTE = 16;
const CALL_SLOTS = 1 + MAX_ARGS;
export const COMMAND_BYTES = ARGS_BYTE + 8 * MAX_CALLS * CALL_SLOTS;

/**
 * Both sides poll for up to this long before sleeping in Atomics.wait: between the hand-overs of a batch the
 * training thread runs ~1 ms of JS, and waking a sleeping thread costs 50–500 µs on a virtual machine.
 */
const SPIN_MS = 3;

/** Polls slot `index` of `ctl` while it equals `value`, for up to SPIN_MS; returns its last value. */
function spin(ctl: Int32Array, index: number, value: number): number {
  const until = performance.now() + SPIN_MS;
  let v = Atomics.load(ctl, index);
  for (let i = 1; v === value; i++) {
    if ((i & 255) === 0 && performance.now() > until) break;
    v = Atomics.load(ctl, index);
  }
  return v;
}

/** The kernel thread's loop: runs each command's calls, until the sequence number goes negative. Never returns otherwise. */
export function serveKernelCalls(init: KernelThreadInit, reply: (r: KernelThreadReply) => void): void {
  let kernels: ((...args: number[]) => void)[];
  try {
    const exports = new WebAssembly.Instance(new WebAssembly.Module(init.bytes), { env: { memory: init.memory } }).exports as Record<string, (...args: number[]) => void>;
    kernels = KERNELS.map((name) => exports[name]!);
  } catch (e) {
    reply({ error: (e as Error).message });
    return;
  }
  reply({ ready: true });
  const ctl = new Int32Array(init.memory.buffer, init.control, 4);
  const args = new Float64Array(init.memory.buffer, init.control + ARGS_BYTE, MAX_CALLS * CALL_SLOTS);
  let seen = 0;
  for (;;) {
    const seq = spin(ctl, SEQ, seen);
    if (seq === seen) {
      Atomics.wait(ctl, SEQ, seen);
      continue;
    }
    if (seq < 0) return;
    seen = seq;
    try {
      const count = ctl[COUNT]!;
      for (let c = 0; c < count; c++) {
        const at = c * CALL_SLOTS;
        const fn = kernels[args[at]!]!;
        fn(args[at + 1]!, args[at + 2]!, args[at + 3]!, args[at + 4]!, args[at + 5]!, args[at + 6]!, args[at + 7]!, args[at + 8]!, args[at + 9]!, args[at + 10]!, args[at + 11]!);
      }
    } catch {
      Atomics.store(ctl, FAILED, 1);
    }
    Atomics.store(ctl, DONE, seq);
    Atomics.notify(ctl, DONE);
  }
}

/** Longest wait for the kernel thread's half before giving up on it (ms). */
const STALL_MS = 60_000;

/** The training thread's side: hands calls to the kernel thread and waits for them. */
export class KernelThread {
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;

  private constructor(
    private readonly port: ThreadPort,
    memory: WebAssembly.Memory,
    control: number,
  ) {
    this.ctl = new Int32Array(memory.buffer, control, 4);
    this.args = new Float64Array(memory.buffer, control + ARGS_BYTE, MAX_CALLS * CALL_SLOTS);
  }

  /** Starts a kernel thread on `memory` (shared) and waits until its module is instantiated. */
  static async start(factory: KernelThreadFactory, init: KernelThreadInit): Promise<KernelThread> {
    const port = factory();
    const reply = await new Promise<KernelThreadReply>((resolve) => {
      port.listen((message) => resolve(message as KernelThreadReply));
      port.onFailure?.((why) => resolve({ error: why }));
      port.post(init);
    });
    if ('error' in reply) {
      port.terminate?.();
      throw new Error(`head-training kernel thread did not start: ${reply.error}`);
    }
    return new KernelThread(port, init.memory, init.control);
  }

  /** Starts `calls` on the kernel thread; wait() for them. */
  begin(calls: readonly KernelCall[]): void {
    if (calls.length > MAX_CALLS) throw new RangeError(`${calls.length} kernel calls in one command, at most ${MAX_CALLS}`);
    calls.forEach(([name, ...values], c) => {
      const at = c * CALL_SLOTS;
      this.args[at] = KERNELS.indexOf(name);
      for (let a = 0; a < MAX_ARGS; a++) this.args[at + 1 + a] = values[a] ?? 0;
    });
    this.ctl[COUNT] = calls.length;
    Atomics.store(this.ctl, SEQ, ++this.seq);
    Atomics.notify(this.ctl, SEQ);
  }

  /** Blocks until the calls of the last begin() are done. */
  wait(): void {
    const started = performance.now();
    for (;;) {
      const done = spin(this.ctl, DONE, this.seq - 1);
      if (done === this.seq) break;
      if (Atomics.wait(this.ctl, DONE, done, 1000) === 'timed-out' && performance.now() - started > STALL_MS) throw new Error('the head-training kernel thread stopped responding');
    }
    if (this.ctl[FAILED]) throw new Error('a head-training kernel failed on the kernel thread');
  }

  stop(): void {
    Atomics.store(this.ctl, SEQ, -1);
    Atomics.notify(this.ctl, SEQ);
    this.port.terminate?.();
  }
}

/** The module's exports on this thread. */
export type Kernels = Readonly<Record<KernelName, (...args: number[]) => void>>;

/** Runs kernel calls here, and the second half of each parallel step on a kernel thread once one is attached. */
export class KernelRunner {
  private thread: KernelThread | null = null;

  constructor(private readonly kernels: Kernels) {}

  attach(thread: KernelThread): void {
    this.thread = thread;
  }

  /** Threads running the kernels: 1, or 2 with a kernel thread. */
  get threads(): number {
    return this.thread ? 2 : 1;
  }

  run(calls: readonly KernelCall[]): void {
    for (const [name, ...args] of calls) this.kernels[name](...args);
  }

  /** Runs `local` here while the kernel thread runs `remote` (without a thread: both here, in order). */
  parallel(local: readonly KernelCall[], remote: readonly KernelCall[]): void {
    if (!this.thread || remote.length === 0) {
      this.run(local);
      this.run(remote);
      return;
    }
    this.thread.begin(remote);
    this.run(local);
    this.thread.wait();
  }

  /** Where work of `n` units splits between this thread and the kernel thread (a multiple of `unit` here). */
  split(n: number, unit = 1): number {
    return this.thread ? Math.min(n, unit * Math.ceil(n / (2 * unit))) : n;
  }

  /** Stops the kernel thread, if any; calls then run here. */
  stop(): void {
    this.thread?.stop();
    this.thread = null;
  }
}
