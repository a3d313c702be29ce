// Node-only: input files from the command line. A recording is opened through the same openRecording the app uses;
// a file that is missing, a directory, unreadable or not in its format ends in one message for every command:
// `cannot read PATH: why` (exit code 2).
import { accessSync, constants, statSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { EdfFormatError, WeightsError } from '../io/errors';
import { openRecording } from '../io/open';
import type { ByteSource, Recording } from '../io/recording';
import { cannotRead, CliError, systemReason } from './command';

/**
 * Checks that `path` can be read: it exists, is readable, and is a file (or, with `directory: true`, a folder).
 * Commands call it before any slow set-up, so a typo fails at once.
 */
export function checkReadable(path: string, { directory = false } = {}): void {
  try {
    const isDirectory = statSync(path).isDirectory();
    if (isDirectory && !directory) throw cannotRead(path, 'it is a directory');
    accessSync(path, constants.R_OK);
  } catch (e) {
    if (e instanceof CliError) throw e;
    throw cannotRead(path, systemReason(e) ?? (e as Error).message);
  }
}

/** Runs `read` on `path`, turning file system and format errors into `cannot read PATH: why`. */
export async function reading<T>(path: string, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (e) {
    if (e instanceof CliError) throw e;
    const reason = systemReason(e);
    if (reason) throw cannotRead(path, reason);
    if (e instanceof EdfFormatError || e instanceof WeightsError) throw cannotRead(path, e.message);
    throw e;
  }
}

/**
 * A file handle as a ByteSource: positional reads of just the slices asked for. Node 20's file-backed Blob
 * (`fs.openAsBlob`) reads the same bytes 2× (small slices) to 9× (8 MiB slices) slower (docs/edf-reader.md), so
 * the CLI uses this.
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
export function openRecordingFile(path: string): Promise<Recording> {
  return reading(path, async () => {
    checkReadable(path);
    const source = await fileSource(path);
    try {
      return await openRecording(source);
    } catch (e) {
      await source.close?.();
      throw e;
    }
  });
}
