// Our own model bundle: bundle.json (bundleConfig.ts) plus one or more .safetensors weight files, each named with
// its dtype and SHA-256 in bundle.json. Files travel as a name → bytes map, so the same code serves a folder in
// Node, a multi-file pick or IndexedDB in the browser, and the app's built-in model.
import { WeightsError } from './errors';
import {
  BUNDLE_CONFIG_FILE,
  BUNDLE_FORMAT,
  BUNDLE_FORMAT_VERSION,
  BundleConfigError,
  parseBundleConfig,
  validateBundleConfig,
  type BundleFloatDtype,
  type ModelBundleConfig,
} from './bundleConfig';
import { readSafetensors, writeSafetensors, type NamedTensor, type TensorToWrite } from './safetensors';

export interface ModelBundle {
  readonly config: ModelBundleConfig;
  /** Every tensor of every weight file, by state-dict key. */
  readonly tensors: Map<string, NamedTensor>;
}

export interface BundleToSave {
  /** Everything but the format tag and the weights list, which saveBundle writes. */
  readonly config: Omit<ModelBundleConfig, 'format' | 'formatVersion' | 'weights'>;
  readonly tensors: ReadonlyMap<string, Pick<NamedTensor, 'dtype' | 'shape' | 'data'>>;
  /** Storage dtype of the float tensors (F16 halves the size; integer buffers stay I64). */
  readonly dtype: BundleFloatDtype;
  /** Weight file of each tensor key; by default everything goes to model.safetensors. */
  readonly fileOf?: (key: string) => string;
}

const FLOAT_DTYPES = new Set(['F64', 'F32', 'F16', 'BF16']);

/** A SpecMoE layout in which the frozen experts and the trainable head live in separate files. */
export function specMoEFileLayout(key: string): string {
  const expert = /^experts\.(\d+)\./.exec(key);
  return expert ? `expert${Number(expert[1]) + 1}.safetensors` : 'head.safetensors';
}

export async function loadBundle(files: ReadonlyMap<string, Uint8Array>): Promise<ModelBundle> {
  const json = files.get(BUNDLE_CONFIG_FILE);
  if (!json) throw new WeightsError(`bundle: no ${BUNDLE_CONFIG_FILE} among the files (${[...files.keys()].join(', ') || 'none'})`, BUNDLE_CONFIG_FILE);
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    throw new BundleConfigError('config', 'is not UTF-8 text');
  }
  const config = parseBundleConfig(text);
  const tensors = new Map<string, NamedTensor>();
  const fileOfKey = new Map<string, string>();
  for (const [i, weights] of config.weights.entries()) {
    const bytes = files.get(weights.file);
    if (!bytes) throw new BundleConfigError(`config.weights[${i}].file`, `names "${weights.file}", which is not among the bundle's files (${[...files.keys()].join(', ')})`);
    const digest = await sha256Hex(bytes);
    if (digest !== weights.sha256) {
      throw new WeightsError(`bundle: ${weights.file} has SHA-256 ${digest} but config.weights[${i}].sha256 says ${weights.sha256}: the file is corrupt or was replaced`, weights.file);
    }
    for (const [key, tensor] of readSafetensors(bytes).tensors) {
      if (FLOAT_DTYPES.has(tensor.dtype) && tensor.dtype !== weights.dtype) {
        throw new WeightsError(`bundle: tensor "${key}" in ${weights.file} is ${tensor.dtype} but config.weights[${i}].dtype says ${weights.dtype}`, key);
      }
      const other = fileOfKey.get(key);
      if (other) throw new WeightsError(`bundle: tensor "${key}" is in both ${other} and ${weights.file}`, key);
      fileOfKey.set(key, weights.file);
      tensors.set(key, tensor);
    }
  }
  return { config, tensors };
}

/** Writes bundle.json and the weight files; the result loads back with loadBundle. */
export async function saveBundle(bundle: BundleToSave): Promise<Map<string, Uint8Array>> {
  const fileOf = bundle.fileOf ?? (() => 'model.safetensors');
  const groups = new Map<string, Record<string, TensorToWrite>>();
  for (const [key, tensor] of bundle.tensors) {
    const file = fileOf(key);
    if (!groups.has(file)) groups.set(file, {});
    groups.get(file)![key] = { dtype: FLOAT_DTYPES.has(tensor.dtype) ? bundle.dtype : 'I64', shape: tensor.shape, data: tensor.data };
  }
  if (groups.size === 0) throw new WeightsError('bundle: no tensors to save');
  const weightFiles = new Map([...groups].map(([file, tensors]) => [file, writeSafetensors(tensors)]));
  const weights = [];
  for (const [file, bytes] of weightFiles) weights.push({ file, dtype: bundle.dtype, sha256: await sha256Hex(bytes) });
  // Validating what we write guarantees it loads back (and names a bad field the caller passed).
  const config = validateBundleConfig({ format: BUNDLE_FORMAT, formatVersion: BUNDLE_FORMAT_VERSION, ...bundle.config, weights });
  return new Map([[BUNDLE_CONFIG_FILE, new TextEncoder().encode(`${JSON.stringify(config, null, 2)}\n`)], ...weightFiles]);
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  // Web Crypto takes only ArrayBuffer-backed views; a SharedArrayBuffer-backed one is copied.
  const input = bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', input));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}
