// Runs the generated attention kernels (attentionKernels.ts) for all heads of a layer: the caller fills Q, K and V
// (after RoPE; Q scaled by queryScale) into views of the module's memory, this lays K out in blocks, zeroes the output and
// runs one call per (batch item, head) — half of them on a kernel thread where one is attached (shared memory), the
// rest here. One module and one memory serve every layer: shapes are arguments, the memory grows to the largest.
import { hasRelaxedSimd, hasWasmSimd } from './emit';
import { COMMAND_BYTES, type KernelCall, KernelRunner, type Kernels, KernelThread, type KernelThreadFactory } from './kernelThread';
import { ATTENTION_KERNELS, attendName, attentionKernelBytes, BLOCK_KEYS, HEAD_DIMS, scratchFloats } from './attentionKernels';

const PAGE_BYTES = 65536;
/** 2 GiB: a shared memory needs a maximum; B = 4 at 19 × 6 000 uses ~20 MB. */
const MAX_PAGES = 32768;
const CONTROL_AT = 16;

/**
 * Q, K and V of one layer for the caller to fill, per (batch item b, head h) pair p = b·heads + h: Q at p·length·hd,
 * row-major [length, hd]; K and V at p·keyRows·hd, [keyRows, hd], of which the rows past `length` stay zero.
 */
export interface AttentionInputs {
  readonly q: Float32Array;
  readonly k: Float32Array;
  readonly v: Float32Array;
  readonly keyRows: number;
}

export interface AttentionShape {
  readonly batch: number;
  readonly heads: number;
  readonly length: number;
  readonly headDim: number;
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

type AttentionName = (typeof ATTENTION_KERNELS)[number];

/** The module, its memory and the threads that run it. */
export class WasmAttention {
  /** Whether this engine can run the kernels for heads of `headDim` (WebAssembly SIMD; hd one of HEAD_DIMS). */
  static supports(headDim: number): boolean {
    return hasWasmSimd() && (HEAD_DIMS as readonly number[]).includes(headDim);
  }

  private readonly memory: WebAssembly.Memory;
  private readonly bytes: Uint8Array<ArrayBuffer>;
  private readonly runner: KernelRunner<AttentionName>;
  /** Run every call on this thread even when a kernel thread is attached (e.g. while decoding lanes use the cores). */
  singleThreaded = false;

  constructor(readonly shared: boolean) {
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared });
    this.bytes = attentionKernelBytes({ initialPages: 64, maximumPages: MAX_PAGES, shared }, hasRelaxedSimd());
    const exports = new WebAssembly.Instance(new WebAssembly.Module(this.bytes), { env: { memory: this.memory } }).exports;
    this.runner = new KernelRunner(exports as unknown as Kernels<AttentionName>);
  }

  /** Starts a kernel thread on this module's (shared) memory; where it cannot start, everything runs here. */
  async attachThread(factory: KernelThreadFactory): Promise<boolean> {
    if (!this.shared) return false;
    try {
      this.runner.attach(await KernelThread.start(factory, { bytes: this.bytes, names: ATTENTION_KERNELS, memory: this.memory, control: CONTROL_AT }));
      return true;
    } catch (e) {
      console.warn(`${(e as Error).message}; attention runs on one thread`);
      return false;
    }
  }

  /** Threads the next run() uses. */
  get threads(): number {
    return this.singleThreaded ? 1 : this.runner.threads;
  }

  dispose(): void {
    this.runner.stop();
  }

  /**
   * Attention of every head: `fill` writes Q, K, V into the views it gets (zeroed); returns the heads-merged output
   * [batch, length, heads·headDim] (a view of the module's memory, valid until the next call).
   */
  run(shape: AttentionShape, fill: (inputs: AttentionInputs) => void): Float32Array {
    const { batch, heads, length, headDim } = shape;
    const n = BLOCK_KEYS;
    const blocks = Math.ceil(length / n);
    const padded = blocks * n;
    const pairs = batch * heads;
    const inputFloats = pairs * length * headDim;
    // Layout: control block, Q, K (row-major as filled), K in blocks, V (padded rows), output, two threads' scratch.
    let at = align16(CONTROL_AT + COMMAND_BYTES);
    const take = (floats: number) => {
      const start = at;
      at = align16(at + 4 * floats);
      return start;
    };
    const qAt = take(inputFloats);
    const kAt = take(pairs * padded * headDim);
    const kbAt = take(pairs * padded * headDim);
    const vAt = take(pairs * padded * headDim);
    at = Math.ceil(at / 64) * 64; // output rows start on cache lines (see the split below)
    const outAt = take(batch * length * heads * headDim);
    const scratch = [0, 1].map(() => ({ st: take(length * n), other: take(scratchFloats(headDim)) }));
    const pages = Math.ceil(at / PAGE_BYTES);
    const have = this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > MAX_PAGES) throw new RangeError(`attention over ${length} tokens × ${pairs} heads needs ${at} bytes, more than ${MAX_PAGES * PAGE_BYTES}`);
    if (pages > have) this.memory.grow(pages - have);
    const heap = new Float32Array(this.memory.buffer);
    const view = (byteOffset: number, floats: number) => heap.subarray(byteOffset / 4, byteOffset / 4 + floats);
    const k = view(kAt, pairs * padded * headDim);
    const vIn = view(vAt, pairs * padded * headDim);
    k.fill(0);
    vIn.fill(0);
    fill({ q: view(qAt, inputFloats), k, v: vIn, keyRows: padded });
    // K per block transposed to [hd, BLOCK_KEYS]: a vector then holds four keys' components.
    const kb = view(kbAt, pairs * padded * headDim);
    for (let p = 0; p < pairs; p++) {
      for (let blk = 0; blk < blocks; blk++) {
        const src = (p * padded + blk * n) * headDim;
        const dst = (p * blocks + blk) * headDim * n;
        for (let r = 0; r < n; r++) for (let d = 0; d < headDim; d++) kb[dst + d * n + r] = k[src + r * headDim + d]!;
      }
    }
    const width = heads * headDim;
    const out = view(outAt, batch * length * width);
    out.fill(0);
    const name = attendName(headDim) as AttentionName;
    const call = (p: number, thread: number): KernelCall<AttentionName> => {
      const b = Math.floor(p / heads);
      const h = p % heads;
      const { st, other } = scratch[thread]!;
      return [name, qAt + 4 * p * length * headDim, kbAt + 4 * p * padded * headDim, vAt + 4 * p * padded * headDim, outAt + 4 * (b * length * width + h * headDim), st, other, length, blocks, 4 * width];
    };
    // The threads take whole groups of heads that fill 64-byte cache lines of an output row, so that they never
    // write the same line.
    const local = this.singleThreaded ? pairs : this.runner.split(pairs, Math.ceil(16 / headDim));
    const calls = Array.from({ length: pairs }, (_, p) => call(p, p < local ? 0 : 1));
    if (this.singleThreaded) this.runner.run(calls);
    else this.runner.parallel(calls.slice(0, local), calls.slice(local));
    return out;
  }
}

let current: WasmAttention | null = null;

/** This thread's attention runtime: created on first use, single-threaded until startAttentionThread. */
export function attentionRuntime(): WasmAttention {
  current ??= new WasmAttention(false);
  return current;
}

/**
 * Moves the attention runtime onto shared memory with a kernel thread (where SharedArrayBuffer exists: Node, or a
 * cross-origin isolated page). Returns the threads it now runs on; on any failure it stays as it was.
 */
export async function startAttentionThread(factory: KernelThreadFactory): Promise<number> {
  if (current?.shared && current.threads === 2) return 2;
  if (typeof SharedArrayBuffer === 'undefined' || !hasWasmSimd()) return 1;
  const next = new WasmAttention(true);
  if (!(await next.attachThread(factory))) {
    next.dispose();
    return current?.threads ?? 1;
  }
  current?.dispose();
  current = next;
  return 2;
}

/**
 * While decoding lanes keep every core busy, a second attention thread would only compete with them: with `on`,
 * attention runs on the calling thread alone until restore().
 */
export function singleThreadAttention(on: boolean): { restore(): void } {
  const runtime = current;
  if (!runtime || !on) return { restore: () => undefined };
  const before = runtime.singleThreaded;
  runtime.singleThreaded = true;
  return { restore: () => void (runtime.singleThreaded = before) };
}
