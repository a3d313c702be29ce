// Node-only: a recording from a path, through the same openRecording the app uses.
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { openRecording } from '../io/open';
import type { ByteSource, Recording } from '../io/recording';

/**
 * A file handle as a ByteSource: positional reads of just the slices asked for. Node 20's file-backed Blob
 * (`fs.openAsBlob`) reads the same bytes 2× (small slices) to 9× (8 MiB slices) slower (README "Reader"), so the
 * CLI uses this.
 */
export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  return {
    name: basename(path),
    size,
    async read(offset, length) {
      const bytes = new Uint8Array(Math.max(0, Math.min(length, size - offset)));
      let done = 0;
      while (done < bytes.length) {
        const { bytesRead } = await handle.read(bytes, done, bytes.length - done, offset + done);
        if (bytesRead === 0) break;
        done += bytesRead;
      }
      return bytes.subarray(0, done);
    },
    close: () => handle.close(),
  };
}

/** Opens an EDF/BDF file (or its .gz) lazily: only the header, the annotation bytes and requested windows are read. */
export async function openRecordingFile(path: string): Promise<Recording> {
  const source = await fileSource(path);
  try {
    return await openRecording(source);
  } catch (e) {
    await source.close?.();
    throw e;
  }
}
