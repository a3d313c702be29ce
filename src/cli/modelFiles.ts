// Node-only: the files of a model given on the command line — a bundle folder, its bundle.json, or one .pth /
// .safetensors file — as the name → bytes map that src/io/weights.ts reads.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BUNDLE_CONFIG_FILE } from '../io/bundleConfig';
import { REPO_ROOT } from './paths';
import { CliError } from './command';

/** The bundled default model, shipped in models/ and served by `npm start`. */
export const DEFAULT_MODEL_DIR = join(REPO_ROOT, 'models', 'specmoe-demo-mi');

export function readModelFiles(path: string): Map<string, Uint8Array> {
  if (!existsSync(path)) throw new CliError(`no model at ${path}`, 2);
  const folder = statSync(path).isDirectory() ? path : basename(path) === BUNDLE_CONFIG_FILE ? dirname(path) : null;
  if (folder === null) return new Map([[basename(path), new Uint8Array(readFileSync(path))]]);
  const files = readdirSync(folder).filter((f) => f === BUNDLE_CONFIG_FILE || f.endsWith('.safetensors'));
  if (!files.includes(BUNDLE_CONFIG_FILE)) throw new CliError(`${folder} is not a model bundle (no ${BUNDLE_CONFIG_FILE})`, 2);
  return new Map(files.map((f) => [f, new Uint8Array(readFileSync(join(folder, f)))]));
}

export function defaultModelFiles(): Map<string, Uint8Array> {
  if (!existsSync(join(DEFAULT_MODEL_DIR, BUNDLE_CONFIG_FILE))) {
    throw new CliError(`the bundled model is missing (${DEFAULT_MODEL_DIR}); pass --model, or retrain it with "npm run train-demo"`, 2);
  }
  return readModelFiles(DEFAULT_MODEL_DIR);
}
