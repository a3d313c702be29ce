// Node-only: a recording from a path, through the same openRecording the app uses.
import { openAsBlob } from 'node:fs';
import { basename } from 'node:path';
import { openRecording } from '../io/open';
import type { Recording } from '../io/recording';
import { blobSource } from '../io/sources';

/** Opens an EDF/BDF file (or its .gz) lazily: Node's file-backed Blob reads only the slices asked for. */
export async function openRecordingFile(path: string): Promise<Recording> {
  return openRecording(blobSource(await openAsBlob(path), basename(path)));
}
