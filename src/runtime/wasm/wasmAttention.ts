// The model's generated WebAssembly kernels on one module, one memory and (where shared memory exists) a second
// thread: attention (attentionKernels.ts) for all heads of a layer, and the product behind the 1-D convolutions
// (convKernels.ts). For attention the caller fills Q, K and V (after RoPE; Q scaled by queryScale) into views of the
// module's memory; this lays K out in blocks, zeroes the output and runs one call per (batch item, head) — half of
// them on the kernel thread. A convolution copies the signal (padded) and the filter in and splits the output rows
// between the threads. Shapes are arguments; the memory grows to the largest call.
import { hasRelaxedSimd, hasWasmSimd } from './emit';
import { COMMAND_BYTES, type KernelCall, KernelRunner, type Kernels, KernelThread, type KernelThreadFactory } from './kernelThread';
import { ATTENTION_KERNELS, attendName, attentionKernelBytes, BLOCK_KEYS, HEAD_DIMS, scratchFloats } from './attentionKernels';
import { CONV_GELU, CONV_GEMM, convGeluFunction, convGemmFunction } from './convKernels';

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

type AttentionName = (typeof ATTENTION_KERNELS)[number] | typeof CONV_GEMM | typeof CONV_GELU;
const KERNELS: readonly AttentionName[] = [...ATTENTION_KERNELS, CONV_GEMM, CONV_GELU];

/** A 'valid' 1-D convolution of a [batch, length, inChannels] signal after zero padding (ARCHITECTURE.md §2). */
export interface ConvShape {
  readonly batch: number;
  readonly length: number;
  readonly inChannels: number;
  readonly outChannels: number;
  readonly taps: number;
  readonly stride: number;
  readonly dilation: number;
  /** Zero rows before and after the signal. */
  readonly pad: readonly [number, number];
}

/** Output rows of a convolution: ⌊(L + pads − d·(k − 1) − 1) / s⌋ + 1. */
export function convOutputLength(s: ConvShape): number {
  return Math.floor((s.length + s.pad[0] + s.pad[1] - s.dilation * (s.taps - 1) - 1) / s.stride) + 1;
}

/** Below this many multiply-adds per batch item a convolution stays on one thread (a hand-over costs ~0.05–0.5 ms). */
const THREADED_CONV_MACS = 1 << 19;

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
  /** Wall milliseconds spent in run() so far (benchmarks report attention's share of a forward). */
  elapsedMs = 0;
  /** The same for conv(). */
  elapsedConvMs = 0;

  constructor(readonly shared: boolean) {
    this.memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared });
    const fusedMultiplyAdd = hasRelaxedSimd();
    this.bytes = attentionKernelBytes({ initialPages: 64, maximumPages: MAX_PAGES, shared }, fusedMultiplyAdd, [convGemmFunction(fusedMultiplyAdd), convGeluFunction(fusedMultiplyAdd)]);
    const exports = new WebAssembly.Instance(new WebAssembly.Module(this.bytes), { env: { memory: this.memory } }).exports;
    this.runner = new KernelRunner(exports as unknown as Kernels<AttentionName>);
  }

  /** Starts a kernel thread on this module's (shared) memory; where it cannot start, everything runs here. */
  async attachThread(factory: KernelThreadFactory): Promise<boolean> {
    if (!this.shared) return false;
    try {
      this.runner.attach(await KernelThread.start(factory, { bytes: this.bytes, names: KERNELS, memory: this.memory, control: CONTROL_AT }));
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
    const started = performance.now();
    const out = this.attend(shape, fill);
    this.elapsedMs += performance.now() - started;
    return out;
  }

  /**
   * Regions of the module's memory after the command block, taken in order for one call; heapFor() grows the memory
   * to the end of the last one (or throws, naming `what`) and returns a view of all of it.
   */
  private layout(): { take(floats: number): number; lineUp(): void; heapFor(what: string): Float32Array } {
    let at = align16(CONTROL_AT + COMMAND_BYTES);
    return {
      take: (floats) => {
        const start = at;
        at = align16(at + 4 * floats);
        return start;
      },
      lineUp: () => void (at = Math.ceil(at / 64) * 64),
      heapFor: (what) => {
        const pages = Math.ceil(at / PAGE_BYTES);
        const have = this.memory.buffer.byteLength / PAGE_BYTES;
        if (pages > MAX_PAGES) throw new RangeError(`${what} needs ${at} bytes, more than ${MAX_PAGES * PAGE_BYTES}`);
        if (pages > have) this.memory.grow(pages - have);
        return new Float32Array(this.memory.buffer);
      },
    };
  }

  /**
   * A 'valid' convolution of x [batch, length, inChannels] (zero-padded by shape.pad) with `filter` [taps, inChannels,
   * outChannels] and `bias` [outChannels] (null: none), then GELU where `gelu`. Returns y [batch, outLength,
   * outChannels] (a view of the module's memory, valid until the next call).
   */
  conv(shape: ConvShape, x: Float32Array, filter: Float32Array, bias: Float32Array | null, gelu = false): Float32Array {
    const started = performance.now();
    const { batch, length, inChannels: cin, outChannels: cout, taps, stride, dilation, pad } = shape;
    const padded = length + pad[0] + pad[1];
    const outLength = convOutputLength(shape);
    if (outLength < 1) throw new RangeError(`a convolution of ${taps} taps (dilation ${dilation}) over ${padded} padded samples has no output`);
    if (x.length !== batch * length * cin) throw new RangeError(`convolution input has ${x.length} values, expected ${batch} × ${length} × ${cin}`);
    if (filter.length !== taps * cin * cout) throw new RangeError(`convolution filter has ${filter.length} values, expected ${taps} × ${cin} × ${cout}`);
    const { take, lineUp, heapFor } = this.layout();
    const xAt = take(batch * padded * cin);
    const wAt = take(filter.length);
    const biasAt = take(cout);
    lineUp();
    const outAt = take(batch * outLength * cout);
    const heap = heapFor(`a convolution of ${batch} × ${padded} × ${cin} → ${outLength} × ${cout}`);
    const xIn = heap.subarray(xAt / 4, xAt / 4 + batch * padded * cin);
    for (let b = 0; b < batch; b++) {
      const row0 = b * padded * cin;
      xIn.fill(0, row0, row0 + pad[0] * cin);
      xIn.set(x.subarray(b * length * cin, (b + 1) * length * cin), row0 + pad[0] * cin);
      xIn.fill(0, row0 + (pad[0] + length) * cin, row0 + padded * cin);
    }
    heap.set(filter, wAt / 4);
    if (bias) heap.set(bias, biasAt / 4);
    else heap.fill(0, biasAt / 4, biasAt / 4 + cout);
    // Taps of a row are contiguous without dilation: one product over k·Cin; otherwise one product per tap, each
    // adding to the last (the first starts from the bias).
    const rowStride = 4 * stride * cin;
    const geluPerRows = gelu && cout % 4 === 0;
    const callsFor = (b: number, first: number, rows: number): KernelCall<AttentionName>[] => {
      if (rows <= 0) return [];
      const xRow = xAt + 4 * (b * padded + first * stride) * cin;
      const c = outAt + 4 * (b * outLength + first) * cout;
      const products: KernelCall<AttentionName>[] =
        dilation === 1
          ? [[CONV_GEMM, xRow, wAt, c, biasAt, 0, rows, taps * cin, cout, rowStride]]
          : Array.from({ length: taps }, (_, t): KernelCall<AttentionName> => [CONV_GEMM, xRow + 4 * t * dilation * cin, wAt + 4 * t * cin * cout, c, t === 0 ? biasAt : c, t === 0 ? 0 : 4 * cout, rows, cin, cout, rowStride]);
      // GELU four values at a time: per block of rows where a row is whole vectors, else once over everything below.
      return geluPerRows ? [...products, [CONV_GELU, c, rows * cout]] : products;
    };
    const threaded = !this.singleThreaded && this.runner.threads > 1 && outLength * taps * cin * cout >= THREADED_CONV_MACS;
    for (let b = 0; b < batch; b++) {
      if (!threaded) this.runner.run(callsFor(b, 0, outLength));
      else {
        // Split at a multiple of 16 rows: neither thread writes a cache line of the other's rows.
        const local = this.runner.split(outLength, 16);
        this.runner.parallel(callsFor(b, 0, local), callsFor(b, local, outLength - local));
      }
    }
    // The region after the output is aligned to 16 bytes: rounding the count up to vectors stays inside it.
    if (gelu && !geluPerRows) this.runner.run([[CONV_GELU, outAt, batch * outLength * cout]]);
    this.elapsedConvMs += performance.now() - started;
    return heap.subarray(outAt / 4, outAt / 4 + batch * outLength * cout);
  }

  private attend(shape: AttentionShape, fill: (inputs: AttentionInputs) => void): Float32Array {
    const { batch, heads, length, headDim } = shape;
    const n = BLOCK_KEYS;
    const blocks = Math.ceil(length / n);
    const padded = blocks * n;
    const pairs = batch * heads;
    const inputFloats = pairs * length * headDim;
    // Layout: control block, Q, K (row-major as filled), K in blocks, V (padded rows), output, two threads' scratch.
    const { take, lineUp, heapFor } = this.layout();
    const qAt = take(inputFloats);
    const kAt = take(pairs * padded * headDim);
    const kbAt = take(pairs * padded * headDim);
    const vAt = take(pairs * padded * headDim);
    lineUp(); // output rows start on cache lines (see the split below)
    const outAt = take(batch * length * heads * headDim);
    const scratch = [0, 1].map(() => ({ st: take(length * n), other: take(scratchFloats(headDim)) }));
    const heap = heapFor(`attention over ${length} tokens × ${pairs} heads`);
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
