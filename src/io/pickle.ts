// A restricted unpickler: it reads the pickle opcodes of protocols 2–5 (and the few text opcodes protocol 2 still
// emits) into plain data (pickleValues.ts). Nothing is ever executed: every global is looked up in a table of
// names we implement in TypeScript or tolerate as opaque data classes; any other global ends the read with an
// error naming it. Every length, index and depth is bounded by the stream, so hostile input ends in a typed error.
// Opcode semantics: CPython Lib/pickletools.py (the documented opcode table).
import { WeightsError } from './errors';
import { PyDict, PyGlobal, PyObject, PySet, PyTuple, pyTypeName, type PyValue } from './pickleValues';

/** A global the pickle names that is neither implemented nor tolerated (e.g. `os.system`, `builtins.eval`). */
export class UnsafePickleGlobalError extends WeightsError {
  constructor(
    readonly globalName: string,
    byteOffset: number,
  ) {
    super(
      `pickle: refusing global "${globalName}" at byte ${byteOffset}: only tensors, state dicts and plain data are read, and nothing in the file is ever run`,
      globalName,
      byteOffset,
    );
  }
}

export interface UnpickleOptions {
  /** Globals implemented in TypeScript, by `module.name`, on top of the plain-data ones below. */
  readonly globals?: ReadonlyMap<string, PyGlobal>;
  /** `module.name` of project classes kept as opaque records (class name, arguments, state), never run. */
  readonly opaqueClasses?: ReadonlySet<string>;
  /** Resolves a persistent id (BINPERSID), e.g. torch storages; absent → persistent ids are refused. */
  readonly persistentLoad?: (pid: PyValue, byteOffset: number) => PyValue;
}

/** Modules whose names can never be tolerated as opaque classes, whatever the caller asks. */
const NEVER_OPAQUE_MODULES = new Set(['os', 'posix', 'nt', 'subprocess', 'sys', 'builtins', '__builtin__', 'importlib', 'runpy', 'code', 'codeop', 'pty', 'shutil', 'socket', 'ctypes', 'pickle', '_pickle', 'marshal', 'types', 'functools', 'operator', 'io', 'webbrowser', 'multiprocessing', 'asyncio', 'signal', 'tempfile', 'eval', 'exec']);

const makeSet = (frozen: boolean) => (args: readonly PyValue[], at: number): PySet => new PySet(iterableItems(args[0] ?? new PyTuple([]), at), frozen);

/**
 * Python's own helpers for plain data that protocol 2 pickles by reference (protocol 2 writes the Python 2 module
 * name `__builtin__`, which Python 3 reads as `builtins`).
 */
const PLAIN_DATA_GLOBALS = new Map<string, PyGlobal>(
  [
    new PyGlobal('collections.OrderedDict', (args, at) => dictFromPairs(new PyDict('collections.OrderedDict'), args[0] ?? null, at)),
    ...['builtins', '__builtin__'].flatMap((module) => [
      new PyGlobal(`${module}.set`, makeSet(false)),
      new PyGlobal(`${module}.frozenset`, makeSet(true)),
      new PyGlobal(`${module}.bytearray`, toBytes),
    ]),
    // Protocol 2 writes Python 3 bytes as _codecs.encode(text, 'latin1').
    new PyGlobal('_codecs.encode', encodeLatin1),
  ].map((g) => [g.qualifiedName, g]),
);

// Python writes str as UTF-8 with lone surrogates allowed ('surrogatepass'); those decode to U+FFFD here.
const UTF8 = new TextDecoder('utf-8');
const MAX_MARK_DEPTH = 1000;
const MAX_STACK_ITEMS = 1 << 22;
const MAX_MEMO_ENTRIES = 1 << 22;
/** Python ints wider than this are refused rather than built (no state dict needs them). */
const MAX_LONG_BYTES = 64;

/** Reads one pickle from `bytes` and returns its value. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): PyValue {
  for (const name of options.opaqueClasses ?? []) {
    if (NEVER_OPAQUE_MODULES.has(name.split('.')[0]!)) throw new WeightsError(`pickle: "${name}" can never be tolerated as an opaque class`, name);
  }
  return new Machine(bytes, options).run();
}

class Machine {
  private pos = 0;
  private stack: PyValue[] = [];
  private readonly marks: PyValue[][] = [];
  private readonly memo = new Map<number, PyValue>();
  private readonly view: DataView;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly options: UnpickleOptions,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  run(): PyValue {
    for (;;) {
      const at = this.pos;
      const op = this.u8();
      switch (op) {
        case 0x80: { // PROTO
          const protocol = this.u8();
          if (protocol > 5) throw this.error(`unsupported pickle protocol ${protocol}`, at);
          break;
        }
        case 0x95: this.take(8); break; // FRAME: a size hint only
        case 0x2e: return this.pop(at); // STOP
        case 0x28: { // MARK
          if (this.marks.length >= MAX_MARK_DEPTH) throw this.error(`more than ${MAX_MARK_DEPTH} nested marks`, at);
          this.marks.push(this.stack);
          this.stack = [];
          break;
        }
        case 0x30: this.pop(at); break; // POP
        case 0x31: this.popMark(at); break; // POP_MARK
        case 0x32: this.push(this.top(at), at); break; // DUP
        // Constants and numbers
        case 0x4e: this.push(null, at); break; // NONE
        case 0x88: this.push(true, at); break; // NEWTRUE
        case 0x89: this.push(false, at); break; // NEWFALSE
        case 0x4a: this.push(this.view.getInt32(this.take(4), true), at); break; // BININT
        case 0x4b: this.push(this.u8(), at); break; // BININT1
        case 0x4d: this.push(this.view.getUint16(this.take(2), true), at); break; // BININT2
        case 0x8a: this.push(this.long(this.u8(), at), at); break; // LONG1
        case 0x8b: this.push(this.long(this.u32(), at), at); break; // LONG4
        case 0x47: this.push(this.view.getFloat64(this.take(8), false), at); break; // BINFLOAT (big-endian)
        case 0x49: this.push(this.textInt(this.line(), at), at); break; // INT
        case 0x4c: this.push(this.textInt(this.line().replace(/L$/, ''), at), at); break; // LONG
        case 0x46: this.push(this.textFloat(this.line(), at), at); break; // FLOAT
        // Strings and bytes
        case 0x58: this.push(this.utf8(this.u32()), at); break; // BINUNICODE
        case 0x8c: this.push(this.utf8(this.u8()), at); break; // SHORT_BINUNICODE
        case 0x8d: this.push(this.utf8(this.u64(at)), at); break; // BINUNICODE8
        case 0x55: this.push(this.latin1(this.u8()), at); break; // SHORT_BINSTRING (Python 2 str)
        case 0x54: this.push(this.latin1(this.i32Length(at)), at); break; // BINSTRING
        case 0x43: this.push(this.rawBytes(this.u8()), at); break; // SHORT_BINBYTES
        case 0x42: this.push(this.rawBytes(this.u32()), at); break; // BINBYTES
        case 0x8e: this.push(this.rawBytes(this.u64(at)), at); break; // BINBYTES8
        case 0x96: this.push(this.rawBytes(this.u64(at)), at); break; // BYTEARRAY8
        // Containers
        case 0x29: this.push(new PyTuple([]), at); break; // EMPTY_TUPLE
        case 0x85: this.push(new PyTuple(this.popN(1, at)), at); break; // TUPLE1
        case 0x86: this.push(new PyTuple(this.popN(2, at)), at); break; // TUPLE2
        case 0x87: this.push(new PyTuple(this.popN(3, at)), at); break; // TUPLE3
        case 0x74: this.push(new PyTuple(this.popMark(at)), at); break; // TUPLE
        case 0x5d: this.push([], at); break; // EMPTY_LIST
        case 0x6c: this.push(this.popMark(at), at); break; // LIST
        case 0x7d: this.push(new PyDict(), at); break; // EMPTY_DICT
        case 0x64: this.push(dictFromFlat(new PyDict(), this.popMark(at), at), at); break; // DICT
        case 0x8f: this.push(new PySet([], false), at); break; // EMPTY_SET
        case 0x91: this.push(new PySet(this.popMark(at), true), at); break; // FROZENSET
        case 0x61: { // APPEND (the list is below the value)
          const value = this.pop(at);
          this.list(at).push(value);
          break;
        }
        case 0x65: { // APPENDS
          const items = this.popMark(at);
          this.list(at).push(...items);
          break;
        }
        case 0x73: { // SETITEM
          const [key, value] = this.popN(2, at);
          this.dict(at).set(key!, value!);
          break;
        }
        case 0x75: { // SETITEMS
          const flat = this.popMark(at);
          dictFromFlat(this.dict(at), flat, at);
          break;
        }
        case 0x90: { // ADDITEMS
          const items = this.popMark(at);
          const set = this.top(at);
          if (!(set instanceof PySet) || set.frozen) throw this.error(`ADDITEMS on a ${pyTypeName(set)}`, at);
          set.items.push(...items);
          break;
        }
        // Memo
        case 0x71: this.remember(this.u8(), at); break; // BINPUT
        case 0x72: this.remember(this.u32(), at); break; // LONG_BINPUT
        case 0x70: this.remember(this.memoIndex(this.line(), at), at); break; // PUT
        case 0x94: this.remember(this.memo.size, at); break; // MEMOIZE
        case 0x68: this.push(this.recall(this.u8(), at), at); break; // BINGET
        case 0x6a: this.push(this.recall(this.u32(), at), at); break; // LONG_BINGET
        case 0x67: this.push(this.recall(this.memoIndex(this.line(), at), at), at); break; // GET
        // Globals, calls and objects
        case 0x63: { // GLOBAL "module\nname\n"
          const module = this.line();
          this.push(this.resolveGlobal(`${module}.${this.line()}`, at), at);
          break;
        }
        case 0x93: { // STACK_GLOBAL
          const [module, name] = this.popN(2, at);
          if (typeof module !== 'string' || typeof name !== 'string') throw this.error('STACK_GLOBAL needs two strings', at);
          this.push(this.resolveGlobal(`${module}.${name}`, at), at);
          break;
        }
        case 0x69: { // INST "module\nname\n": calls the class on the values since MARK
          const module = this.line();
          const cls = this.resolveGlobal(`${module}.${this.line()}`, at);
          this.push(this.call(cls, new PyTuple(this.popMark(at)), at), at);
          break;
        }
        case 0x6f: { // OBJ: class and arguments since MARK
          const [cls, ...args] = this.popMark(at);
          this.push(this.call(cls ?? null, new PyTuple(args), at), at);
          break;
        }
        case 0x52: { // REDUCE
          const [callable, args] = this.popN(2, at);
          this.push(this.call(callable!, args!, at), at);
          break;
        }
        case 0x81: { // NEWOBJ
          const [cls, args] = this.popN(2, at);
          this.push(this.call(cls!, args!, at), at);
          break;
        }
        case 0x92: { // NEWOBJ_EX: keyword arguments are kept in the record's state
          const [cls, args, kwargs] = this.popN(3, at);
          const made = this.call(cls!, args!, at);
          if (made instanceof PyObject && kwargs instanceof PyDict && kwargs.size) made.state = kwargs;
          this.push(made, at);
          break;
        }
        case 0x62: { // BUILD
          const state = this.pop(at);
          build(this.top(at), state, at);
          break;
        }
        case 0x51: { // BINPERSID
          const pid = this.pop(at);
          if (!this.options.persistentLoad) throw this.error('persistent ids are not expected in this file', at);
          this.push(this.options.persistentLoad(pid, at), at);
          break;
        }
        default:
          throw this.error(`unsupported opcode 0x${op.toString(16).padStart(2, '0')}${describeOpcode(op)}`, at);
      }
    }
  }

  private resolveGlobal(qualifiedName: string, at: number): PyGlobal {
    const known = this.options.globals?.get(qualifiedName) ?? PLAIN_DATA_GLOBALS.get(qualifiedName);
    if (known) return known;
    if (this.options.opaqueClasses?.has(qualifiedName)) return new PyGlobal(qualifiedName, undefined, true);
    throw new UnsafePickleGlobalError(qualifiedName, at);
  }

  private call(callable: PyValue, args: PyValue, at: number): PyValue {
    if (!(callable instanceof PyGlobal)) throw this.error(`cannot call a ${pyTypeName(callable)}`, at);
    if (!(args instanceof PyTuple)) throw this.error(`arguments of ${callable.qualifiedName} are a ${pyTypeName(args)}, not a tuple`, at);
    if (callable.opaque) return new PyObject(callable.qualifiedName, args.items);
    if (!callable.call) throw this.error(`${callable.qualifiedName} cannot be called`, at);
    return callable.call(args.items, at);
  }

  private error(message: string, at: number): WeightsError {
    return new WeightsError(`pickle: ${message} (byte ${at})`, undefined, at);
  }

  private push(value: PyValue, at: number): void {
    if (this.stack.length >= MAX_STACK_ITEMS) throw this.error(`more than ${MAX_STACK_ITEMS} values on the stack`, at);
    this.stack.push(value);
  }

  private pop(at: number): PyValue {
    if (this.stack.length === 0) throw this.error('stack underflow', at);
    return this.stack.pop()!;
  }

  private top(at: number): PyValue {
    if (this.stack.length === 0) throw this.error('stack underflow', at);
    return this.stack[this.stack.length - 1]!;
  }

  private popN(n: number, at: number): PyValue[] {
    if (this.stack.length < n) throw this.error(`stack underflow: needs ${n} values, has ${this.stack.length}`, at);
    return this.stack.splice(this.stack.length - n, n);
  }

  private popMark(at: number): PyValue[] {
    const items = this.stack;
    const below = this.marks.pop();
    if (!below) throw this.error('no MARK to pop to', at);
    this.stack = below;
    return items;
  }

  private list(at: number): PyValue[] {
    const target = this.top(at);
    if (!Array.isArray(target)) throw this.error(`APPEND to a ${pyTypeName(target)}`, at);
    return target;
  }

  private dict(at: number): PyDict {
    const target = this.top(at);
    if (!(target instanceof PyDict)) throw this.error(`SETITEM on a ${pyTypeName(target)}`, at);
    return target;
  }

  private remember(index: number, at: number): void {
    if (this.memo.size >= MAX_MEMO_ENTRIES && !this.memo.has(index)) throw this.error(`more than ${MAX_MEMO_ENTRIES} memo entries`, at);
    this.memo.set(index, this.top(at));
  }

  private recall(index: number, at: number): PyValue {
    if (!this.memo.has(index)) throw this.error(`memo entry ${index} was never stored`, at);
    return this.memo.get(index)!;
  }

  // Stream readers: each checks the length against what is left.
  private take(n: number): number {
    if (n > this.bytes.length - this.pos) {
      throw new WeightsError(`pickle: needs ${n} bytes at byte ${this.pos} but the stream ends at ${this.bytes.length} (truncated)`, undefined, this.pos);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  private u8(): number {
    return this.bytes[this.take(1)]!;
  }

  private u32(): number {
    return this.view.getUint32(this.take(4), true);
  }

  private u64(at: number): number {
    const n = this.view.getBigUint64(this.take(8), true);
    if (n > BigInt(this.bytes.length)) throw this.error(`length ${n} exceeds the ${this.bytes.length}-byte stream`, at);
    return Number(n);
  }

  private i32Length(at: number): number {
    const n = this.view.getInt32(this.take(4), true);
    if (n < 0) throw this.error(`negative length ${n}`, at);
    return n;
  }

  private utf8(n: number): string {
    const start = this.take(n);
    return UTF8.decode(this.bytes.subarray(start, start + n));
  }

  private latin1(n: number): string {
    const start = this.take(n);
    let out = '';
    for (let i = start; i < start + n; i++) out += String.fromCharCode(this.bytes[i]!);
    return out;
  }

  private rawBytes(n: number): Uint8Array {
    const start = this.take(n);
    return this.bytes.slice(start, start + n);
  }

  private line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) throw new WeightsError(`pickle: text argument at byte ${this.pos} has no end of line (truncated)`, undefined, this.pos);
    const text = this.latin1(end - this.pos);
    this.pos = end + 1;
    return text;
  }

  private long(n: number, at: number): number | bigint {
    if (n > MAX_LONG_BYTES) throw this.error(`integer of ${n} bytes is too large`, at);
    const start = this.take(n);
    if (n === 0) return 0;
    let value = 0n;
    for (let i = n - 1; i >= 0; i--) value = (value << 8n) | BigInt(this.bytes[start + i]!);
    if (this.bytes[start + n - 1]! & 0x80) value -= 1n << BigInt(8 * n);
    return narrow(value);
  }

  private textInt(text: string, at: number): number | bigint | boolean {
    if (text === '01') return true;
    if (text === '00') return false;
    if (!/^[+-]?\d{1,150}$/.test(text)) throw this.error(`"${text.slice(0, 40)}" is not an integer`, at);
    return narrow(BigInt(text));
  }

  private textFloat(text: string, at: number): number {
    const value = Number(text);
    if (text.trim() === '' || (Number.isNaN(value) && !/^[+-]?nan$/i.test(text))) throw this.error(`"${text.slice(0, 40)}" is not a float`, at);
    return value;
  }

  private memoIndex(text: string, at: number): number {
    if (!/^\d{1,10}$/.test(text)) throw this.error(`"${text.slice(0, 40)}" is not a memo index`, at);
    return Number(text);
  }
}

function narrow(value: bigint): number | bigint {
  return value >= BigInt(Number.MIN_SAFE_INTEGER) && value <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(value) : value;
}

/** BUILD: instance state. Dicts keep it as attributes (OrderedDict `_metadata`); opaque records keep it whole. */
function build(target: PyValue, state: PyValue, at: number): void {
  if (target instanceof PyObject) {
    target.state = state;
    return;
  }
  if (target instanceof PyDict) {
    // State is a dict, or a (dict | None, slots dict | None) pair.
    const parts = state instanceof PyTuple ? state.items : [state];
    for (const part of parts) {
      if (part === null) continue;
      if (!(part instanceof PyDict)) throw new WeightsError(`pickle: BUILD state of a ${target.className} is a ${pyTypeName(part)} (byte ${at})`, undefined, at);
      for (const [k, v] of part) target.attributes.set(String(k), v);
    }
    return;
  }
  throw new WeightsError(`pickle: BUILD on a ${pyTypeName(target)} is not supported (byte ${at})`, undefined, at);
}

function dictFromFlat(dict: PyDict, flat: readonly PyValue[], at: number): PyDict {
  if (flat.length % 2) throw new WeightsError(`pickle: odd number (${flat.length}) of keys and values (byte ${at})`, undefined, at);
  for (let i = 0; i < flat.length; i += 2) dict.set(flat[i]!, flat[i + 1]!);
  return dict;
}

function dictFromPairs(dict: PyDict, pairs: PyValue, at: number): PyDict {
  if (pairs === null) return dict;
  for (const pair of iterableItems(pairs, at)) {
    const kv = pair instanceof PyTuple ? pair.items : Array.isArray(pair) ? pair : [];
    if (kv.length !== 2) throw new WeightsError(`pickle: OrderedDict item is not a (key, value) pair (byte ${at})`, undefined, at);
    dict.set(kv[0]!, kv[1]!);
  }
  return dict;
}

function iterableItems(value: PyValue, at: number): PyValue[] {
  if (Array.isArray(value)) return value;
  if (value instanceof PyTuple) return [...value.items];
  if (value instanceof PySet) return value.items;
  throw new WeightsError(`pickle: expected a list or tuple, found a ${pyTypeName(value)} (byte ${at})`, undefined, at);
}

function toBytes(args: readonly PyValue[], at: number): Uint8Array {
  const [value] = args;
  if (value === undefined) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  throw new WeightsError(`pickle: bytearray is only read from bytes, not a ${pyTypeName(value)} (byte ${at})`, 'bytearray', at);
}

function encodeLatin1(args: readonly PyValue[], at: number): Uint8Array {
  const [text, encoding] = args;
  if (typeof text !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) {
    throw new WeightsError(`pickle: _codecs.encode is only read for (str, "latin1") arguments (byte ${at})`, '_codecs.encode', at);
  }
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0xff) throw new WeightsError(`pickle: _codecs.encode text is not latin-1 (byte ${at})`, '_codecs.encode', at);
    out[i] = code;
  }
  return out;
}

/** Names of the opcodes we deliberately refuse, for a clearer message. */
function describeOpcode(op: number): string {
  const names: Record<number, string> = {
    0x50: ' (PERSID, text persistent id)',
    0x53: ' (STRING, protocol-0 text string)',
    0x56: ' (UNICODE, protocol-0 text string)',
    0x82: ' (EXT1, extension registry)',
    0x83: ' (EXT2, extension registry)',
    0x84: ' (EXT4, extension registry)',
    0x97: ' (NEXT_BUFFER, out-of-band buffer)',
    0x98: ' (READONLY_BUFFER, out-of-band buffer)',
  };
  return names[op] ?? '';
}
