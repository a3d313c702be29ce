// Node-only: the files of a model given on the command line — a bundle folder, its bundle.json, or one .pth /
// .safetensors file — as the name → bytes map that src/io/weights.ts reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_CONFIG_FILE } from '../io/bundleConfig';
import { REPO_ROOT } from './paths';
import { cannotRead, CliError } from './command';
import { checkReadable } from './files';

/** The bundled default model, shipped in models/ and served by `npm start`. */
export const DEFAULT_MODEL_DIR = join(REPO_ROOT, 'models', 'specmoe-demo-mi');

export function readModelFiles(path: string): Map<string, Uint8Array> {
  checkReadable(path, { directory: true });
  const folder = statSync(path).isDirectory() ? path : basename(path) === BUNDLE_CONFIG_FILE ? dirname(path) : null;
  if (folder === null) return new Map([[basename(path), new Uint8Array(readFileSync(path))]]);
  const files = readdirSync(folder).filter((f) => f === BUNDLE_CONFIG_FILE || f.endsWith('.safetensors'));
  if (!files.includes(BUNDLE_CONFIG_FILE)) throw cannotRead(folder, `it is a directory without ${BUNDLE_CONFIG_FILE}, not a model bundle`);
  return new Map(files.map((f) => [f, new Uint8Array(readFileSync(join(folder, f)))]));
}

export function defaultModelFiles(): Map<string, Uint8Array> {
  if (!existsSync(join(DEFAULT_MODEL_DIR, BUNDLE_CONFIG_FILE))) {
    throw new CliError(`the bundled model is missing (${DEFAULT_MODEL_DIR}); pass --model, or retrain it with "npm run train-demo"`, 2);
  }
  return readModelFiles(DEFAULT_MODEL_DIR);
}
