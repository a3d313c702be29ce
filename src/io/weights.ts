// One entry for every weights format we read: a PyTorch checkpoint, a safetensors state dict, or our bundle
// (several files). The format is told from the bytes, not the file name; the model kind from the keys.
import { loadBundle } from './bundle';
import { BUNDLE_CONFIG_FILE, type ModelBundleConfig } from './bundleConfig';
import { WeightsError } from './errors';
import { readPthStateDict, type PthOptions } from './pth';
import { readSafetensors, type NamedTensor } from './safetensors';
import { modelKindOf, stripModulePrefix, type ModelKind } from './stateDict';
import { looksLikeZip } from './zip';

export type WeightsFormat = 'pth' | 'safetensors' | 'bundle';

export interface LoadedWeights {
  readonly format: WeightsFormat;
  readonly model: ModelKind;
  /** State dict by the authors' key names (`module.` stripped). */
  readonly tensors: Map<string, NamedTensor>;
  /** The bundle's config, for a bundle. */
  readonly bundle?: ModelBundleConfig;
}

/**
 * Reads weights from their files: one `.pth` or `.safetensors` file, or a bundle (bundle.json and its weight
 * files). `files` maps file names to bytes.
 */
export async function readWeights(files: ReadonlyMap<string, Uint8Array>, options: PthOptions = {}): Promise<LoadedWeights> {
  if (files.has(BUNDLE_CONFIG_FILE)) {
    const bundle = await loadBundle(files);
    const model = modelKindOf(bundle.tensors);
    if (model !== bundle.config.model) throw new WeightsError(`bundle: config.model says ${bundle.config.model} but the weights are a ${model} state dict`);
    return { format: 'bundle', model, tensors: bundle.tensors, bundle: bundle.config };
  }
  const [only] = files;
  if (files.size !== 1 || only === undefined) {
    throw new WeightsError(`weights: expected one .pth or .safetensors file, or a bundle with ${BUNDLE_CONFIG_FILE}; got ${[...files.keys()].join(', ') || 'no files'}`);
  }
  const [name, bytes] = only;
  const format: WeightsFormat = looksLikeZip(bytes) ? 'pth' : 'safetensors';
  const tensors = format === 'pth' ? readPthStateDict(bytes, options).tensors : stripModulePrefix(readSafetensorsNamed(name, bytes));
  return { format, model: modelKindOf(tensors), tensors };
}

function readSafetensorsNamed(name: string, bytes: Uint8Array): Map<string, NamedTensor> {
  try {
    return readSafetensors(bytes).tensors;
  } catch (e) {
    if (e instanceof WeightsError) throw new WeightsError(`${name}: neither a PyTorch zip checkpoint nor a valid safetensors file: ${e.message}`, e.tensorName, e.byteOffset);
    throw e;
  }
}
