// The one entry point that turns bytes into a Recording: gzip is undone transparently, then the EDF/BDF reader
// (told apart by the version field) takes over.
import { openEdf } from './edfReader';
import { EdfFormatError } from './errors';
import type { ByteSource, Recording } from './recording';
import { blobSource } from './sources';

const GZIP_MAGIC = [0x1f, 0x8b];
/** Compressed bytes fed to the decompressor per read. */
const READ_BYTES = 1 << 20;
/** Decompressed parts are gathered into Blobs of about this size, so no single giant buffer is ever built. */
const PART_BYTES = 64 << 20;
/** A gzip stream that inflates beyond this is refused (a gzip bomb must not exhaust memory). */
export const MAX_GUNZIPPED_BYTES = 8 * 2 ** 30;

/** Inflates a gzip source into a Blob (which the browser may keep on disk), reading the source in slices. */
async function gunzipToBlob(source: ByteSource, maxBytes: number): Promise<Blob> {
  let offset = 0;
  const compressed = new ReadableStream<BufferSource>({
    async pull(controller) {
      if (offset >= source.size) return controller.close();
      const bytes = await source.read(offset, Math.min(READ_BYTES, source.size - offset));
      offset += bytes.length;
      controller.enqueue(bytes as Uint8Array<ArrayBuffer>);
    },
  });
  const reader = compressed.pipeThrough(new DecompressionStream('gzip')).getReader();
  const blobs: Blob[] = [];
  let parts: Uint8Array<ArrayBuffer>[] = [];
  let partBytes = 0;
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > maxBytes) {
        await reader.cancel();
        throw new EdfFormatError(`${source.name} inflates to more than ${maxBytes} bytes; refused`, 'gzip stream', offset);
      }
      parts.push(value as Uint8Array<ArrayBuffer>);
      partBytes += value.length;
      if (partBytes >= PART_BYTES) {
        blobs.push(new Blob(parts));
        parts = [];
        partBytes = 0;
      }
    }
  } catch (e) {
    if (e instanceof EdfFormatError) throw e;
    throw new EdfFormatError(`${source.name}: the gzip stream is damaged (${(e as Error).message})`, 'gzip stream', offset);
  }
  blobs.push(new Blob(parts));
  return new Blob(blobs);
}

/**
 * `source` itself, or, where its bytes start as gzip's (1f 8b), a source over the inflated bytes (named without
 * ".gz"; refused beyond `maxBytes`).
 */
export async function gunzipped(source: ByteSource, maxBytes = MAX_GUNZIPPED_BYTES): Promise<ByteSource> {
  const magic = await source.read(0, 2);
  if (magic[0] !== GZIP_MAGIC[0] || magic[1] !== GZIP_MAGIC[1]) return source;
  const inflated = await gunzipToBlob(source, maxBytes);
  await source.close?.();
  return blobSource(inflated, source.name.replace(/\.gz$/i, ''));
}

/**
 * Opens an EDF/EDF+/BDF/BDF+ recording, gzip-compressed or not. Reads the header and annotations only; samples
 * are read on demand. Throws EdfFormatError (field and byte offset) where the bytes cannot be read.
 */
export async function openRecording(source: ByteSource, options: { maxGunzippedBytes?: number } = {}): Promise<Recording> {
  return openEdf(await gunzipped(source, options.maxGunzippedBytes));
}
