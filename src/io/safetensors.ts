// safetensors: u64 little-endian header length N, N bytes of JSON, then raw little-endian tensor data.
// https://huggingface.co/docs/safetensors (format description); every offset is checked against the file, and the tensors
// must tile the data buffer exactly (no overlap, no hole, nothing after the last), as the reference reader requires.
import { WeightsError } from './errors';

export type SafetensorsDtype = 'F64' | 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'I16' | 'I8' | 'U8' | 'BOOL';

/** A named tensor as stored: values widened to float32 (float types) or kept as given (F64, I64 → Float64). */
export interface NamedTensor {
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** F32/F16/BF16 → Float32Array; F64 → Float64Array; integer types and BOOL → Float64Array of the values. */
  readonly data: Float32Array | Float64Array;
}

export interface SafetensorsFile {
  readonly tensors: Map<string, NamedTensor>;
  readonly metadata: Record<string, string>;
}

export const ITEM_SIZE: Record<SafetensorsDtype, number> = { F64: 8, F32: 4, F16: 2, BF16: 2, I64: 8, I32: 4, I16: 2, I8: 1, U8: 1, BOOL: 1 };

/** Largest JSON header we accept (the format's own reference implementation uses 100 MB). */
const MAX_HEADER_BYTES = 100_000_000;

export function readSafetensors(bytes: Uint8Array): SafetensorsFile {
  if (bytes.byteLength < 8) throw new WeightsError(`safetensors: file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`, undefined, 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const declaredLen = view.getBigUint64(0, true); // a BigInt, so the message shows a huge length exactly
  if (8n + declaredLen > BigInt(bytes.byteLength)) {
    throw new WeightsError(`safetensors: header length ${declaredLen} at byte 0 exceeds the file size ${bytes.byteLength}`, undefined, 0);
  }
  if (declaredLen > BigInt(MAX_HEADER_BYTES)) {
    throw new WeightsError(`safetensors: header length ${declaredLen} at byte 0 exceeds the ${MAX_HEADER_BYTES}-byte limit`, undefined, 0);
  }
  const headerLen = Number(declaredLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + headerLen)));
  } catch (e) {
    throw new WeightsError(`safetensors: header JSON at bytes 8..${8 + headerLen} is not valid: ${(e as Error).message}`, undefined, 8);
  }
  if (header === null || typeof header !== 'object' || Array.isArray(header)) {
    throw new WeightsError('safetensors: header JSON is not an object', undefined, 8);
  }
  const dataStart = 8 + headerLen;
  const dataLen = bytes.byteLength - dataStart;
  const slots: TensorSlot[] = [];
  let metadata: Record<string, string> = {};
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') metadata = parseMetadata(entry);
    else slots.push(parseEntry(name, entry, dataStart, dataLen));
  }
  checkLayout(slots, dataStart, dataLen);
  const tensors = new Map<string, NamedTensor>();
  for (const s of slots) {
    const numel = s.shape.reduce((a, b) => a * b, 1);
    tensors.set(s.name, { dtype: s.dtype, shape: s.shape, data: decodeTensorData(s.dtype, bytes, dataStart + s.begin, numel) });
  }
  return { tensors, metadata };
}

/** A tensor's header entry, checked on its own: its bytes lie in the data buffer and match its shape and dtype. */
interface TensorSlot {
  readonly name: string;
  readonly dtype: SafetensorsDtype;
  readonly shape: readonly number[];
  /** data_offsets, relative to the start of the data buffer. */
  readonly begin: number;
  readonly end: number;
}

function parseMetadata(entry: unknown): Record<string, string> {
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) {
    throw new WeightsError('safetensors: __metadata__ is not an object of strings', '__metadata__');
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(entry as Record<string, unknown>)) {
    if (typeof v !== 'string') throw new WeightsError(`safetensors: __metadata__["${k}"] is not a string`, '__metadata__');
    out[k] = v;
  }
  return out;
}

function parseEntry(name: string, entry: unknown, dataStart: number, dataLen: number): TensorSlot {
  const e = entry as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
  if (e === null || typeof e !== 'object') throw new WeightsError(`safetensors: entry "${name}" is not an object`, name);
  const dtype = e.dtype as SafetensorsDtype;
  if (typeof dtype !== 'string' || !(dtype in ITEM_SIZE)) {
    throw new WeightsError(`safetensors: tensor "${name}" has unsupported dtype ${JSON.stringify(e.dtype)}`, name);
  }
  const shape = e.shape;
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new WeightsError(`safetensors: tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`, name);
  }
  const offsets = e.data_offsets;
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every((o) => Number.isSafeInteger(o) && o >= 0)) {
    throw new WeightsError(`safetensors: tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`, name);
  }
  const [begin, end] = offsets as [number, number];
  const numel = (shape as number[]).reduce((a, b) => a * b, 1);
  const itemSize = ITEM_SIZE[dtype];
  if (end < begin || end > dataLen) {
    throw new WeightsError(
      `safetensors: tensor "${name}" data_offsets [${begin}, ${end}] lie outside the ${dataLen} data bytes`,
      name,
      dataStart + begin,
    );
  }
  if (end - begin !== numel * itemSize) {
    throw new WeightsError(
      `safetensors: tensor "${name}" has ${end - begin} bytes but shape [${shape.join(', ')}] × ${dtype} needs ${numel * itemSize}`,
      name,
      dataStart + begin,
    );
  }
  return { name, dtype, shape: shape as number[], begin, end };
}

/**
 * The format's reference reader takes the tensors in the order of their offsets and requires them to tile the data
 * buffer exactly: each starts where the one before ends (no overlap, no hole) and the last ends at the end of the
 * file. Two tensors sharing bytes, or bytes that belong to no tensor, mean a damaged or crafted file.
 */
function checkLayout(slots: readonly TensorSlot[], dataStart: number, dataLen: number): void {
  const sorted = [...slots].sort((a, b) => a.begin - b.begin || a.end - b.end);
  const offsets = (s: TensorSlot) => `tensor "${s.name}" data_offsets [${s.begin}, ${s.end}]`;
  const unowned = (from: number, to: number) => `data bytes ${from}..${to} (file bytes ${dataStart + from}..${dataStart + to}) belong to no tensor`;
  let previous: TensorSlot | undefined;
  for (const s of sorted) {
    const covered = previous?.end ?? 0;
    if (s.begin < covered) {
      throw new WeightsError(`safetensors: ${offsets(s)} overlap ${offsets(previous!)}`, s.name, dataStart + s.begin);
    }
    if (s.begin > covered) {
      const where = previous ? `between ${offsets(previous)} and ${offsets(s)}` : `before ${offsets(s)}, the first`;
      throw new WeightsError(`safetensors: ${unowned(covered, s.begin)}: a hole ${where}`, s.name, dataStart + covered);
    }
    previous = s;
  }
  const covered = previous?.end ?? 0;
  if (covered !== dataLen) {
    const where = previous ? `after ${offsets(previous)}, the last` : 'and the header names no tensor';
    throw new WeightsError(
      `safetensors: the tensors cover ${covered} of the ${dataLen} data bytes: ${unowned(covered, dataLen)} ${where}`,
      previous?.name,
      dataStart + covered,
    );
  }
}

/** Decodes `numel` little-endian values of `dtype` starting at byte `offset` (also used for PyTorch storages). */
export function decodeTensorData(dtype: SafetensorsDtype, bytes: Uint8Array, offset: number, numel: number): Float32Array | Float64Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, numel * ITEM_SIZE[dtype]);
  switch (dtype) {
    case 'F32': {
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getFloat32(i * 4, true);
      return out;
    }
    case 'F64': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getFloat64(i * 8, true);
      return out;
    }
    case 'F16': {
      const out = new Float32Array(numel);
      for (let i = 0; i < numel; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      return out;
    }
    case 'BF16': {
      const out = new Float32Array(numel);
      const scratch = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < numel; i++) {
        scratch.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = scratch.getFloat32(0);
      }
      return out;
    }
    case 'I64': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = Number(view.getBigInt64(i * 8, true));
      return out;
    }
    case 'I32': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getInt32(i * 4, true);
      return out;
    }
    case 'I16': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getInt16(i * 2, true);
      return out;
    }
    case 'I8': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getInt8(i);
      return out;
    }
    case 'U8':
    case 'BOOL': {
      const out = new Float64Array(numel);
      for (let i = 0; i < numel; i++) out[i] = view.getUint8(i);
      return out;
    }
  }
}

/** IEEE 754 binary16 → number. */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

const halfScratch = new Float32Array(1);
const halfScratchBits = new Uint32Array(halfScratch.buffer);

/** number → IEEE 754 binary16 bits (round to nearest even). */
export function floatToHalf(value: number): number {
  halfScratch[0] = value;
  const bits = halfScratchBits[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = (bits >>> 23) & 0xff;
  let mant = bits & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >> shift;
    const rem = mant & ((1 << shift) - 1);
    const mid = 1 << (shift - 1);
    if (rem > mid || (rem === mid && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mant >> 13);
  const rem = mant & 0x1fff;
  if (rem > 0x1000 || (rem === 0x1000 && half & 1)) half++;
  return sign | half;
}

export interface TensorToWrite {
  readonly dtype: 'F32' | 'F16' | 'F64' | 'I64';
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/**
 * Writes a safetensors file. Tensors are laid out by decreasing item size so every tensor's absolute offset is
 * a multiple of its item size (the header is padded with spaces to a multiple of 8).
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => ITEM_SIZE[tensors[b]!.dtype] - ITEM_SIZE[tensors[a]!.dtype] || (a < b ? -1 : a > b ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const name of names) {
    const t = tensors[name]!;
    const numel = t.shape.reduce((a, b) => a * b, 1);
    if (numel !== t.data.length) throw new WeightsError(`safetensors: tensor "${name}" has ${t.data.length} values for shape [${t.shape.join(', ')}]`, name);
    const size = numel * ITEM_SIZE[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length) json = new TextEncoder().encode(JSON.stringify(header) + ' '.repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let pos = 8 + json.length;
  for (const name of names) {
    const t = tensors[name]!;
    const n = t.data.length;
    for (let i = 0; i < n; i++) {
      const v = t.data[i]!;
      switch (t.dtype) {
        case 'F32': view.setFloat32(pos, v, true); pos += 4; break;
        case 'F64': view.setFloat64(pos, v, true); pos += 8; break;
        case 'F16': view.setUint16(pos, floatToHalf(v), true); pos += 2; break;
        case 'I64': view.setBigInt64(pos, BigInt(Math.round(v)), true); pos += 8; break;
      }
    }
  }
  return out;
}
