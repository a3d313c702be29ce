// ByteSources over what the platforms give us. A Blob is both the browser's File and, through Node's
// `fs.openAsBlob(path)`, a lazy file-backed object in Node: one code path reads both, slice by slice.
import type { ByteSource } from './recording';

/** Reads `blob` lazily: each read materialises only the requested slice. */
export function blobSource(blob: Blob, name: string): ByteSource {
  return {
    name,
    size: blob.size,
    async read(offset, length) {
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
  };
}
