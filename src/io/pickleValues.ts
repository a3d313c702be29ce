// The Python values a restricted unpickle can produce, as plain data. Nothing here refers to code: a "global"
// is a name plus, for the few we implement, a TypeScript function; project classes stay opaque records.

/** Python int (number when safe, bigint beyond 2^53), float, str, bytes, None, bool, list, tuple, dict, set. */
export type PyValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PyValue[]
  | PyTuple
  | PyDict
  | PySet
  | PyGlobal
  | PyObject
  | PyOpaque;

export class PyTuple {
  constructor(readonly items: readonly PyValue[]) {}
}

/** dict or collections.OrderedDict; `attributes` holds instance state set by BUILD (e.g. a state dict's `_metadata`). */
export class PyDict extends Map<PyValue, PyValue> {
  readonly attributes = new Map<string, PyValue>();
  constructor(readonly className: 'dict' | 'collections.OrderedDict' = 'dict') {
    super();
  }
}

export class PySet {
  constructor(
    readonly items: PyValue[],
    readonly frozen: boolean,
  ) {}
}

/**
 * A global named by the pickle (`module.name`) that we accept. `call` is our own implementation of it for the few
 * functions state dicts need; opaque classes have none and instantiating them only records the arguments.
 */
export class PyGlobal {
  constructor(
    readonly qualifiedName: string,
    readonly call?: (args: readonly PyValue[], byteOffset: number) => PyValue,
    readonly opaque = false,
  ) {}
}

/** An instance of a tolerated project class (e.g. the trainer's ConfigParser): its class name and data, never run. */
export class PyObject {
  state: PyValue = null;
  constructor(
    readonly className: string,
    readonly args: readonly PyValue[],
  ) {}
}

/** A value of a format-specific kind made by a caller's global or persistent-load hook (e.g. a torch tensor). */
export abstract class PyOpaque {
  abstract readonly kind: string;
}

/** Python-ish type name of a value, for error messages. */
export function pyTypeName(value: PyValue): string {
  if (value === null) return 'None';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'string') return 'str';
  if (value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'list';
  if (value instanceof PyTuple) return 'tuple';
  if (value instanceof PyDict) return value.className;
  if (value instanceof PySet) return value.frozen ? 'frozenset' : 'set';
  if (value instanceof PyGlobal) return value.qualifiedName;
  if (value instanceof PyObject) return value.className;
  return value.kind;
}
