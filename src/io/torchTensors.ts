// The torch globals a state dict needs, implemented as data: storage classes (persistent ids name them), the
// tensor-rebuild functions, and tensors as views (storage, offset, shape, stride) decoded on demand.
// Semantics: torch/_utils.py (_rebuild_tensor_v2, _rebuild_parameter) and torch/serialization.py (persistent ids
// `('storage', <Type>Storage, key, location, numel)`), ARCHITECTURE.md §11.
import { WeightsError } from './errors';
import { PyGlobal, PyOpaque, PyTuple, pyTypeName, type PyValue } from './pickleValues';
import { decodeTensorData, ITEM_SIZE, type NamedTensor, type SafetensorsDtype } from './safetensors';

const STORAGE_DTYPES: Record<string, SafetensorsDtype> = {
  'torch.FloatStorage': 'F32',
  'torch.DoubleStorage': 'F64',
  'torch.HalfStorage': 'F16',
  'torch.BFloat16Storage': 'BF16',
  'torch.LongStorage': 'I64',
  'torch.IntStorage': 'I32',
  'torch.ShortStorage': 'I16',
  'torch.CharStorage': 'I8',
  'torch.ByteStorage': 'U8',
  'torch.BoolStorage': 'BOOL',
};

/** A stride-0 (broadcast) view may hold more elements than its storage, but never more than this. */
const MAX_EXPANDED_ELEMENTS = 1 << 24;

/** The bytes of one storage entry (`<archive>/data/<key>`), with the dtype its storage class names. */
export class TorchStorage extends PyOpaque {
  readonly kind = 'torch storage';
  private decoded: Float32Array | Float64Array | undefined;
  constructor(
    readonly dtype: SafetensorsDtype,
    readonly key: string,
    readonly numel: number,
    readonly bytes: Uint8Array,
  ) {
    super();
  }

  /** Every element, decoded once (only strided views need this). */
  values(): Float32Array | Float64Array {
    this.decoded ??= decodeTensorData(this.dtype, this.bytes, 0, this.numel);
    return this.decoded;
  }
}

/** `_rebuild_tensor_v2(storage, offset, size, stride, ...)`: a view into a storage. */
export class TorchTensor extends PyOpaque {
  readonly kind = 'torch.Tensor';
  constructor(
    readonly storage: TorchStorage,
    readonly storageOffset: number,
    readonly shape: readonly number[],
    readonly stride: readonly number[],
  ) {
    super();
  }

  get dtype(): SafetensorsDtype {
    return this.storage.dtype;
  }

  /** The tensor's values in row-major order (strided and offset views honoured). */
  toNamedTensor(): NamedTensor {
    const numel = this.shape.reduce((a, b) => a * b, 1);
    const { dtype } = this.storage;
    if (isContiguous(this.shape, this.stride)) {
      return { dtype, shape: [...this.shape], data: decodeTensorData(dtype, this.storage.bytes, this.storageOffset * ITEM_SIZE[dtype], numel) };
    }
    const source = this.storage.values();
    const out = source instanceof Float32Array ? new Float32Array(numel) : new Float64Array(numel);
    const rank = this.shape.length;
    const index = new Array<number>(rank).fill(0);
    let at = this.storageOffset;
    for (let i = 0; i < numel; i++) {
      out[i] = source[at]!;
      for (let d = rank - 1; d >= 0; d--) {
        if (++index[d]! < this.shape[d]!) {
          at += this.stride[d]!;
          break;
        }
        at -= (this.shape[d]! - 1) * this.stride[d]!;
        index[d] = 0;
      }
    }
    return { dtype, shape: [...this.shape], data: out };
  }
}

function isContiguous(shape: readonly number[], stride: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d]! !== 1 && stride[d]! !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}

/**
 * Resolves a persistent id `('storage', <Type>Storage, key, location, numel)` to the storage's bytes, read by
 * `readEntry(key)`. Storages referenced twice are the same object.
 */
export function storageLoader(readEntry: (key: string) => Uint8Array): (pid: PyValue, byteOffset: number) => TorchStorage {
  const cache = new Map<string, TorchStorage>();
  return (pid, at) => {
    const items = pid instanceof PyTuple ? pid.items : [];
    const [tag, type, key, , numel] = items;
    if (items.length !== 5 || tag !== 'storage' || !(type instanceof PyGlobal) || typeof key !== 'string' || typeof numel !== 'number') {
      throw new WeightsError(`pth: persistent id at pickle byte ${at} is not ('storage', <Type>Storage, key, location, numel)`, undefined, at);
    }
    const dtype = STORAGE_DTYPES[type.qualifiedName];
    if (!dtype) throw new WeightsError(`pth: storage class ${type.qualifiedName} (pickle byte ${at}) is not supported`, type.qualifiedName, at);
    const cached = cache.get(key);
    if (cached) {
      if (cached.dtype !== dtype || cached.numel !== numel) throw new WeightsError(`pth: storage "${key}" is named with two different types or sizes`, key, at);
      return cached;
    }
    const bytes = readEntry(key);
    if (!Number.isSafeInteger(numel) || numel < 0 || bytes.length !== numel * ITEM_SIZE[dtype]) {
      throw new WeightsError(`pth: storage "${key}" holds ${bytes.length} bytes but its persistent id says ${numel} × ${dtype}`, key, at);
    }
    const storage = new TorchStorage(dtype, key, numel, bytes);
    cache.set(key, storage);
    return storage;
  };
}

function intTuple(value: PyValue | undefined, what: string, at: number): number[] {
  const items = value instanceof PyTuple ? value.items : Array.isArray(value) ? value : null;
  if (!items || !items.every((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0)) {
    throw new WeightsError(`pth: tensor ${what} at pickle byte ${at} is not a tuple of non-negative ints (found ${value === undefined ? 'nothing' : pyTypeName(value)})`, undefined, at);
  }
  return items as number[];
}

function rebuildTensor(args: readonly PyValue[], at: number): TorchTensor {
  const [storage, offset] = args;
  if (!(storage instanceof TorchStorage)) throw new WeightsError(`pth: tensor at pickle byte ${at} has no storage (found ${storage === undefined ? 'nothing' : pyTypeName(storage)})`, undefined, at);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw new WeightsError(`pth: tensor at pickle byte ${at} has an invalid storage offset`, storage.key, at);
  const shape = intTuple(args[2], 'size', at);
  const stride = intTuple(args[3], 'stride', at);
  if (stride.length !== shape.length) throw new WeightsError(`pth: tensor at pickle byte ${at} has size of rank ${shape.length} but stride of rank ${stride.length}`, storage.key, at);
  const numel = shape.reduce((a, b) => a * b, 1);
  if (offset > storage.numel) throw new WeightsError(`pth: tensor at pickle byte ${at} starts at element ${offset} of storage "${storage.key}" which has ${storage.numel}`, storage.key, at);
  if (numel > 0) {
    const last = shape.reduce((sum, n, d) => sum + (n - 1) * stride[d]!, offset);
    if (last >= storage.numel) {
      throw new WeightsError(
        `pth: tensor view (offset ${offset}, size [${shape.join(', ')}], stride [${stride.join(', ')}]) reaches element ${last} of storage "${storage.key}" which has ${storage.numel}`,
        storage.key,
        at,
      );
    }
    if (numel > storage.numel && numel > MAX_EXPANDED_ELEMENTS) throw new WeightsError(`pth: broadcast tensor view of ${numel} elements is too large`, storage.key, at);
  }
  return new TorchTensor(storage, offset, shape, stride);
}

function firstTensor(args: readonly PyValue[], at: number): TorchTensor {
  const [data] = args;
  if (!(data instanceof TorchTensor)) throw new WeightsError(`pth: parameter at pickle byte ${at} wraps a ${data === undefined ? 'nothing' : pyTypeName(data)}, not a tensor`, undefined, at);
  return data;
}

const TENSOR_TYPES = new Set(['torch.Tensor', 'torch.nn.parameter.Parameter']);

function rebuildFromType(args: readonly PyValue[], at: number): PyValue {
  const [func, type, inner] = args;
  if (!(func instanceof PyGlobal) || !func.call || !(type instanceof PyGlobal) || !TENSOR_TYPES.has(type.qualifiedName) || !(inner instanceof PyTuple)) {
    throw new WeightsError(`pth: _rebuild_from_type_v2 at pickle byte ${at} is not a plain tensor or parameter`, undefined, at);
  }
  return func.call(inner.items, at);
}

/** The torch globals a state-dict checkpoint may name, all implemented here as data. */
export const TORCH_GLOBALS: ReadonlyMap<string, PyGlobal> = new Map([
  ...Object.keys(STORAGE_DTYPES).map((name) => [name, new PyGlobal(name)] as const),
  ...[...TENSOR_TYPES].map((name) => [name, new PyGlobal(name)] as const),
  ['torch._utils._rebuild_tensor_v2', new PyGlobal('torch._utils._rebuild_tensor_v2', rebuildTensor)],
  ['torch._utils._rebuild_tensor', new PyGlobal('torch._utils._rebuild_tensor', rebuildTensor)],
  ['torch._utils._rebuild_parameter', new PyGlobal('torch._utils._rebuild_parameter', firstTensor)],
  ['torch._utils._rebuild_parameter_with_state', new PyGlobal('torch._utils._rebuild_parameter_with_state', firstTensor)],
  ['torch._tensor._rebuild_from_type_v2', new PyGlobal('torch._tensor._rebuild_from_type_v2', rebuildFromType)],
]);
