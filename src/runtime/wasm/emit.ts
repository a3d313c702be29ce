// A small WebAssembly emitter: just enough of the binary format (WebAssembly Core 2.0 + fixed-width SIMD, and
// relaxed SIMD's fused multiply-add when the engine has it) to build head training's kernels at run time, with the
// shapes baked in as constants (strides become immediate offsets, loops get fixed trip counts). No toolchain, no
// build step: the module is a few kilobytes of bytes made in well under a millisecond, in Node and in a worker.

export type ValueType = 'i32' | 'f32' | 'v128';

/** [T, T, …] of length N. */
export type Tuple<T, N extends number, R extends T[] = []> = R['length'] extends N ? R : Tuple<T, N, [...R, T]>;

const TYPE_CODE: Record<ValueType, number> = { i32: 0x7f, f32: 0x7d, v128: 0x7b };

/** Unsigned LEB128. */
export function uleb(n: number): number[] {
  const out: number[] = [];
  let v = n >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** Signed LEB128 (32-bit). */
export function sleb(n: number): number[] {
  const out: number[] = [];
  let v = n | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

function utf8(s: string): number[] {
  const bytes = [...new TextEncoder().encode(s)];
  return [...uleb(bytes.length), ...bytes];
}

function vec(items: number[][]): number[] {
  return [...uleb(items.length), ...items.flat()];
}

/** Plain opcodes by name. */
const OP = {
  drop: [0x1a],
  select: [0x1b],
  'i32.eqz': [0x45],
  'i32.eq': [0x46],
  'i32.ne': [0x47],
  'i32.lt_s': [0x48],
  'i32.lt_u': [0x49],
  'i32.gt_s': [0x4a],
  'i32.ge_s': [0x4e],
  'i32.ge_u': [0x4f],
  'i32.add': [0x6a],
  'i32.sub': [0x6b],
  'i32.mul': [0x6c],
  'i32.and': [0x71],
  'i32.or': [0x72],
  'i32.shl': [0x74],
  'f32.add': [0x92],
  'f32.sub': [0x93],
  'f32.mul': [0x94],
  'f32.div': [0x95],
  'f32.max': [0x97],
  'f32.sqrt': [0x91],
} as const;

/** SIMD opcodes (after the 0xfd prefix) by name. */
const SIMD = {
  'f32x4.splat': 0x13,
  'f32x4.eq': 0x41,
  'f32x4.lt': 0x43,
  'f32x4.gt': 0x44,
  'v128.not': 0x4d,
  'v128.and': 0x4e,
  'v128.andnot': 0x4f,
  'v128.or': 0x50,
  'v128.bitselect': 0x52,
  'f32x4.nearest': 0x6a,
  'i32x4.shl': 0xab,
  'i32x4.add': 0xae,
  'f32x4.abs': 0xe0,
  'f32x4.neg': 0xe1,
  'f32x4.sqrt': 0xe3,
  'f32x4.add': 0xe4,
  'f32x4.sub': 0xe5,
  'f32x4.mul': 0xe6,
  'f32x4.div': 0xe7,
  'f32x4.min': 0xe8,
  'f32x4.max': 0xe9,
  'i32x4.trunc_sat_f32x4_s': 0xf8,
  'f32x4.relaxed_madd': 0x105,
} as const;

export type Op = keyof typeof OP | keyof typeof SIMD;

/** One function's body, written as a stack machine with structured-loop helpers. Locals are numbered after the params. */
export class FunctionBuilder {
  readonly code: number[] = [];
  private readonly locals: ValueType[] = [];

  constructor(
    readonly name: string,
    readonly params: readonly ValueType[],
    readonly results: readonly ValueType[] = [],
  ) {}

  /** A new local of type t; returns its index. */
  local(t: ValueType): number {
    this.locals.push(t);
    return this.params.length + this.locals.length - 1;
  }

  /** `count` new locals of type t, as a tuple of their indices (to be named by destructuring). */
  newLocals<N extends number>(t: ValueType, count: N): Tuple<number, N> {
    return Array.from({ length: count }, () => this.local(t)) as Tuple<number, N>;
  }

  op(...names: Op[]): this {
    for (const name of names) {
      if (name in OP) this.code.push(...OP[name as keyof typeof OP]);
      else this.code.push(0xfd, ...uleb(SIMD[name as keyof typeof SIMD]));
    }
    return this;
  }

  get(i: number): this {
    this.code.push(0x20, ...uleb(i));
    return this;
  }

  set(i: number): this {
    this.code.push(0x21, ...uleb(i));
    return this;
  }

  tee(i: number): this {
    this.code.push(0x22, ...uleb(i));
    return this;
  }

  i32(v: number): this {
    this.code.push(0x41, ...sleb(v));
    return this;
  }

  f32(v: number): this {
    this.code.push(0x43, ...new Uint8Array(Float32Array.of(v).buffer));
    return this;
  }

  /** v128.const with four equal f32 lanes. */
  f32x4(v: number): this {
    const lane = [...new Uint8Array(Float32Array.of(v).buffer)];
    this.code.push(0xfd, ...uleb(0x0c), ...lane, ...lane, ...lane, ...lane);
    return this;
  }

  /** v128.const with four equal i32 lanes. */
  i32x4(v: number): this {
    const lane = [...new Uint8Array(Int32Array.of(v).buffer)];
    this.code.push(0xfd, ...uleb(0x0c), ...lane, ...lane, ...lane, ...lane);
    return this;
  }

  /** f32x4.extract_lane: lane `lane` of the v128 on the stack, as f32. */
  extractLane(lane: number): this {
    this.code.push(0xfd, ...uleb(0x1f), lane);
    return this;
  }

  /** Memory access at the address on the stack plus a constant byte offset (alignment hint: 4 bytes). */
  private memory(prefix: number[], offset: number): this {
    this.code.push(...prefix, 2, ...uleb(offset));
    return this;
  }

  f32Load(offset = 0): this {
    return this.memory([0x2a], offset);
  }

  f32Store(offset = 0): this {
    return this.memory([0x38], offset);
  }

  i32Load(offset = 0): this {
    return this.memory([0x28], offset);
  }

  v128Load(offset = 0): this {
    return this.memory([0xfd, ...uleb(0x00)], offset);
  }

  /** v128.load32_splat: one f32 from memory in all four lanes. */
  splatLoad(offset = 0): this {
    return this.memory([0xfd, ...uleb(0x09)], offset);
  }

  v128Store(offset = 0): this {
    return this.memory([0xfd, ...uleb(0x0b)], offset);
  }

  /** local += step (i32). */
  add(i: number, step: number | { local: number }): this {
    this.get(i);
    if (typeof step === 'number') this.i32(step);
    else this.get(step.local);
    return this.op('i32.add').set(i);
  }

  block(body: () => void): this {
    this.code.push(0x02, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }

  loop(body: () => void): this {
    this.code.push(0x03, 0x40);
    body();
    this.code.push(0x0b);
    return this;
  }

  ifThen(then: () => void, otherwise?: () => void): this {
    this.code.push(0x04, 0x40);
    then();
    if (otherwise) {
      this.code.push(0x05);
      otherwise();
    }
    this.code.push(0x0b);
    return this;
  }

  br(depth: number): this {
    this.code.push(0x0c, ...uleb(depth));
    return this;
  }

  brIf(depth: number): this {
    this.code.push(0x0d, ...uleb(depth));
    return this;
  }

  /**
   * for (i = from; i < to; i += step) body — `from`, `to` and `step` are constants or locals; signed compare. Inside
   * the body, br(1) continues and br(2) breaks... only where the body adds no blocks of its own.
   */
  forRange(i: number, from: number | { local: number }, to: number | { local: number }, step: number | { local: number }, body: () => void): this {
    const push = (v: number | { local: number }) => (typeof v === 'number' ? this.i32(v) : this.get(v.local));
    push(from).set(i);
    return this.block(() =>
      this.loop(() => {
        this.get(i);
        push(to);
        this.op('i32.ge_s').brIf(1);
        body();
        this.add(i, step).br(0);
      }),
    );
  }

  encode(): number[] {
    // Runs of equal types, as the format groups locals.
    const groups: number[][] = [];
    for (let i = 0; i < this.locals.length; ) {
      let j = i;
      while (j < this.locals.length && this.locals[j] === this.locals[i]) j++;
      groups.push([...uleb(j - i), TYPE_CODE[this.locals[i]!]]);
      i = j;
    }
    const body = [...vec(groups), ...this.code, 0x0b];
    return [...uleb(body.length), ...body];
  }
}

/** Imported memory of a module: `shared` for a memory that several threads' instances use. */
export interface MemoryImport {
  readonly initialPages: number;
  readonly maximumPages: number;
  readonly shared: boolean;
}

/** A module importing env.memory and exporting every function under its name. */
export function moduleBytes(memory: MemoryImport, functions: readonly FunctionBuilder[]): Uint8Array<ArrayBuffer> {
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const types = functions.map((f) => [0x60, ...vec(f.params.map((p) => [TYPE_CODE[p]])), ...vec(f.results.map((r) => [TYPE_CODE[r]]))]);
  const limits = memory.shared ? [0x03, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)] : [0x01, ...uleb(memory.initialPages), ...uleb(memory.maximumPages)];
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vec(types)),
    ...section(2, vec([[...utf8('env'), ...utf8('memory'), 0x02, ...limits]])),
    ...section(3, vec(functions.map((_, i) => uleb(i)))),
    ...section(7, vec(functions.map((f, i) => [...utf8(f.name), 0x00, ...uleb(i)]))),
    ...section(10, vec(functions.map((f) => f.encode()))),
  ];
  return Uint8Array.from(bytes);
}

let simd: boolean | undefined;
let relaxed: boolean | undefined;

/** Whether this engine has WebAssembly fixed-width SIMD (every current browser, Node ≥ 16). */
export function hasWasmSimd(): boolean {
  if (simd === undefined) {
    const f = new FunctionBuilder('t', [], ['v128']);
    f.f32x4(1).f32x4(2).op('f32x4.add');
    simd = WebAssembly.validate(moduleBytes({ initialPages: 1, maximumPages: 1, shared: false }, [f]));
  }
  return simd;
}

/** Whether this engine validates relaxed SIMD's f32x4.relaxed_madd (Chromium ≥ 114; Node ≥ 22, or 20 with a flag). */
export function hasRelaxedSimd(): boolean {
  if (relaxed === undefined) {
    const f = new FunctionBuilder('t', [], ['v128']);
    f.f32x4(1).f32x4(2).f32x4(3).op('f32x4.relaxed_madd');
    relaxed = WebAssembly.validate(moduleBytes({ initialPages: 1, maximumPages: 1, shared: false }, [f]));
  }
  return relaxed;
}
