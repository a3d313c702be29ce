// A strict, bounded zip reader for PyTorch checkpoints (torch.save writes stored entries, zip64 records always).
// Format: PKWARE APPNOTE 6.3 §4.3 (end of central directory, zip64 locator/record, central and local headers).
// fflate's unzipSync trusts the declared entry count and silently shortens entries that run past the end of the
// file, so we walk the directory ourselves (every count, size and offset checked against the file) and use
// fflate only to inflate deflated entries, into a buffer of the declared, bounded size.
import { inflateSync } from 'fflate';
import { WeightsError } from './errors';

export interface ZipEntry {
  readonly name: string;
  /** 0 = stored, 8 = deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly uncompressedSize: number;
  readonly crc32: number;
  /** Byte offset of the entry's local header. */
  readonly localHeaderOffset: number;
}

export interface ZipArchive {
  /** Entries by name, in central-directory order. */
  readonly entries: ReadonlyMap<string, ZipEntry>;
  /** The entry's bytes (a view into the file for stored entries), CRC-checked. */
  read(name: string): Uint8Array;
}

const EOCD_SIGNATURE = 0x06054b50;
const ZIP64_LOCATOR_SIGNATURE = 0x07064b50;
const ZIP64_EOCD_SIGNATURE = 0x06064b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const EOCD_BYTES = 22;
const CENTRAL_HEADER_BYTES = 46;
const LOCAL_HEADER_BYTES = 30;
/** DEFLATE cannot expand a stream by more than 1032:1, so a larger declared size is a lie. */
const MAX_DEFLATE_RATIO = 1032;

/** True when the bytes start like a zip file (a local header). */
export function looksLikeZip(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && bytes[2] === 0x03 && bytes[3] === 0x04;
}

export function openZip(bytes: Uint8Array): ZipArchive {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const { count, directoryOffset, directorySize } = readEndOfDirectory(bytes, view);
  const entries = new Map<string, ZipEntry>();
  let pos = directoryOffset;
  const end = directoryOffset + directorySize;
  for (let i = 0; i < count; i++) {
    if (pos + CENTRAL_HEADER_BYTES > end || view.getUint32(pos, true) !== CENTRAL_SIGNATURE) {
      throw new WeightsError(`zip: central directory entry ${i} of ${count} at byte ${pos} is missing or truncated`, undefined, pos);
    }
    const nameLength = view.getUint16(pos + 28, true);
    const extraLength = view.getUint16(pos + 30, true);
    const commentLength = view.getUint16(pos + 32, true);
    const next = pos + CENTRAL_HEADER_BYTES + nameLength + extraLength + commentLength;
    if (next > end) throw new WeightsError(`zip: central directory entry ${i} at byte ${pos} runs past the directory`, undefined, pos);
    const flags = view.getUint16(pos + 8, true);
    const name = decodeName(bytes.subarray(pos + CENTRAL_HEADER_BYTES, pos + CENTRAL_HEADER_BYTES + nameLength), flags);
    if (flags & 1) throw new WeightsError(`zip: entry "${name}" is encrypted`, name, pos);
    const sizes = applyZip64Extra(view, pos + CENTRAL_HEADER_BYTES + nameLength, extraLength, {
      uncompressedSize: view.getUint32(pos + 24, true),
      compressedSize: view.getUint32(pos + 20, true),
      localHeaderOffset: view.getUint32(pos + 42, true),
    }, name, pos);
    const entry: ZipEntry = { name, method: view.getUint16(pos + 10, true), crc32: view.getUint32(pos + 16, true), ...sizes };
    if (entry.localHeaderOffset + LOCAL_HEADER_BYTES + entry.compressedSize > bytes.byteLength) {
      throw new WeightsError(
        `zip: entry "${name}" (${entry.compressedSize} bytes at byte ${entry.localHeaderOffset}) runs past the end of the ${bytes.byteLength}-byte file`,
        name,
        entry.localHeaderOffset,
      );
    }
    if (entries.has(name)) throw new WeightsError(`zip: entry "${name}" appears twice`, name, pos);
    entries.set(name, entry);
    pos = next;
  }
  return { entries, read: (name) => readEntry(bytes, view, entries, name) };
}

function readEndOfDirectory(bytes: Uint8Array, view: DataView): { count: number; directoryOffset: number; directorySize: number } {
  const lowest = Math.max(0, bytes.byteLength - EOCD_BYTES - 0xffff);
  let eocd = -1;
  for (let p = bytes.byteLength - EOCD_BYTES; p >= lowest; p--) {
    if (view.getUint32(p, true) === EOCD_SIGNATURE) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new WeightsError(`zip: no end-of-central-directory record in the last ${bytes.byteLength - lowest} bytes (truncated or not a zip file)`, undefined, bytes.byteLength);
  if (view.getUint16(eocd + 4, true) !== 0 || view.getUint16(eocd + 6, true) !== 0) {
    throw new WeightsError('zip: multi-disk archives are not supported', undefined, eocd);
  }
  let count = view.getUint16(eocd + 10, true);
  let directorySize = view.getUint32(eocd + 12, true);
  let directoryOffset = view.getUint32(eocd + 16, true);
  const locator = eocd - 20;
  if (locator >= 0 && view.getUint32(locator, true) === ZIP64_LOCATOR_SIGNATURE) {
    const record = safeNumber(view.getBigUint64(locator + 8, true), 'zip64 end-of-directory offset', locator + 8);
    if (record + 56 > locator || view.getUint32(record, true) !== ZIP64_EOCD_SIGNATURE) {
      throw new WeightsError(`zip: zip64 end-of-directory record expected at byte ${record} is missing`, undefined, locator + 8);
    }
    count = safeNumber(view.getBigUint64(record + 32, true), 'zip64 entry count', record + 32);
    directorySize = safeNumber(view.getBigUint64(record + 40, true), 'zip64 directory size', record + 40);
    directoryOffset = safeNumber(view.getBigUint64(record + 48, true), 'zip64 directory offset', record + 48);
  }
  if (directoryOffset + directorySize > bytes.byteLength) {
    throw new WeightsError(`zip: central directory (${directorySize} bytes at byte ${directoryOffset}) runs past the end of the ${bytes.byteLength}-byte file`, undefined, eocd + 16);
  }
  if (count * CENTRAL_HEADER_BYTES > directorySize) {
    throw new WeightsError(`zip: ${count} entries cannot fit in a ${directorySize}-byte central directory`, undefined, eocd + 10);
  }
  return { count, directoryOffset, directorySize };
}

interface EntrySizes {
  uncompressedSize: number;
  compressedSize: number;
  localHeaderOffset: number;
}

/** Replaces 0xFFFFFFFF size/offset fields by the 64-bit values of the zip64 extra field (id 1), in APPNOTE order. */
function applyZip64Extra(view: DataView, start: number, length: number, sizes: EntrySizes, name: string, headerOffset: number): EntrySizes {
  const wanted = (Object.keys(sizes) as (keyof EntrySizes)[]).filter((k) => sizes[k] === 0xffffffff);
  if (wanted.length === 0) return sizes;
  for (let p = start; p + 4 <= start + length; ) {
    const id = view.getUint16(p, true);
    const size = view.getUint16(p + 2, true);
    if (p + 4 + size > start + length) break;
    if (id === 1 && size >= 8 * wanted.length) {
      const out = { ...sizes };
      wanted.forEach((k, i) => (out[k] = safeNumber(view.getBigUint64(p + 4 + 8 * i, true), `zip64 ${k} of "${name}"`, p + 4 + 8 * i)));
      return out;
    }
    p += 4 + size;
  }
  throw new WeightsError(`zip: entry "${name}" needs a zip64 extra field for ${wanted.join(', ')} but has none`, name, headerOffset);
}

function readEntry(bytes: Uint8Array, view: DataView, entries: ReadonlyMap<string, ZipEntry>, name: string): Uint8Array {
  const entry = entries.get(name);
  if (!entry) throw new WeightsError(`zip: no entry named "${name}"`, name);
  const at = entry.localHeaderOffset;
  if (view.getUint32(at, true) !== LOCAL_SIGNATURE) throw new WeightsError(`zip: local header of "${name}" expected at byte ${at} is missing`, name, at);
  const dataStart = at + LOCAL_HEADER_BYTES + view.getUint16(at + 26, true) + view.getUint16(at + 28, true);
  if (dataStart + entry.compressedSize > bytes.byteLength) {
    throw new WeightsError(`zip: data of "${name}" (${entry.compressedSize} bytes at byte ${dataStart}) runs past the end of the file`, name, dataStart);
  }
  const raw = bytes.subarray(dataStart, dataStart + entry.compressedSize);
  let data: Uint8Array;
  if (entry.method === 0) {
    if (entry.uncompressedSize !== entry.compressedSize) {
      throw new WeightsError(`zip: stored entry "${name}" declares ${entry.uncompressedSize} bytes but holds ${entry.compressedSize}`, name, at);
    }
    data = raw;
  } else if (entry.method === 8) {
    if (entry.uncompressedSize > entry.compressedSize * MAX_DEFLATE_RATIO + 1024) {
      throw new WeightsError(`zip: deflated entry "${name}" declares ${entry.uncompressedSize} bytes from ${entry.compressedSize}, beyond what DEFLATE can produce`, name, at);
    }
    try {
      data = inflateSync(raw, { out: new Uint8Array(entry.uncompressedSize) });
    } catch (e) {
      throw new WeightsError(`zip: deflated entry "${name}" at byte ${dataStart} is corrupt: ${(e as Error).message}`, name, dataStart);
    }
    if (data.length !== entry.uncompressedSize) {
      throw new WeightsError(`zip: deflated entry "${name}" inflates to ${data.length} bytes, not the declared ${entry.uncompressedSize}`, name, dataStart);
    }
  } else {
    throw new WeightsError(`zip: entry "${name}" uses compression method ${entry.method} (only stored and deflate are supported)`, name, at);
  }
  const crc = crc32(data);
  if (crc !== entry.crc32) {
    throw new WeightsError(`zip: entry "${name}" fails its CRC-32 check (stored ${hex(entry.crc32)}, computed ${hex(crc)}): the file is corrupt`, name, dataStart);
  }
  return data;
}

function decodeName(raw: Uint8Array, flags: number): string {
  // Bit 11 = UTF-8 names; otherwise CP437, whose ASCII half is all torch ever writes.
  return flags & 0x800 ? new TextDecoder('utf-8').decode(raw) : String.fromCharCode(...raw);
}

function safeNumber(value: bigint, what: string, byteOffset: number): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw new WeightsError(`zip: ${what} ${value} is out of range`, undefined, byteOffset);
  return Number(value);
}

function hex(n: number): string {
  return `0x${n.toString(16).padStart(8, '0')}`;
}

let crcTable: Uint32Array | undefined;

/** CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as zip stores it. */
export function crc32(data: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = crcTable[(crc ^ data[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
