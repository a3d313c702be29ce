// PyTorch checkpoints (`torch.save`, zip format of torch ≥ 1.6): `<archive>/data.pkl` (the pickled object),
// `<archive>/data/<key>` (raw little-endian storages), `<archive>/version`; `<archive>` is the file stem at save
// time (ARCHITECTURE.md §11). Bytes in, tensors out, in the browser and in Node.
//
// Project classes inside wrappers: the fine-tuning trainer pickles its ConfigParser object (and the pathlib paths
// it holds) next to the state dict. We never run them; the names in DEFAULT_OPAQUE_CLASSES are read as inert
// records (class name, arguments, state) so such checkpoints load, and callers can add their own names. Any other
// global (os.system, builtins.eval, ...) is refused by name, whatever the caller adds.
import { WeightsError } from './errors';
import { unpickle } from './pickle';
import { PyDict, pyTypeName, type PyValue } from './pickleValues';
import type { NamedTensor } from './safetensors';
import { stripModulePrefix } from './stateDict';
import { storageLoader, TORCH_GLOBALS, TorchTensor } from './torchTensors';
import { looksLikeZip, openZip } from './zip';

/** Data-only classes that real training checkpoints carry beside the weights; read as opaque records. */
export const DEFAULT_OPAQUE_CLASSES: readonly string[] = [
  // The SpecMoE fine-tuning trainer's config (Finetuning_main.py: `from Utils.parse_config import ConfigParser`),
  // also under the plain module name of the pytorch-template it derives from.
  'Utils.parse_config.ConfigParser',
  'parse_config.ConfigParser',
  // Its save/log directories.
  'pathlib.PosixPath',
  'pathlib.WindowsPath',
  'pathlib.PurePosixPath',
  'pathlib.PureWindowsPath',
  'pathlib._local.PosixPath',
  'pathlib._local.WindowsPath',
  // Common companions of weights in trainers' wrappers: CLI arguments, numpy scalars/arrays, the torch version.
  'argparse.Namespace',
  'numpy.dtype',
  'numpy.ndarray',
  'numpy.core.multiarray.scalar',
  'numpy.core.multiarray._reconstruct',
  'numpy._core.multiarray.scalar',
  'numpy._core.multiarray._reconstruct',
  'torch.torch_version.TorchVersion',
];

export interface PthOptions {
  /** More `module.name` classes to read as opaque records (never run). */
  readonly opaqueClasses?: readonly string[];
}

export interface PthFile {
  /** The archive folder inside the zip (the file stem at save time). */
  readonly archiveName: string;
  /** The unpickled object: tensors are TorchTensor views, decoded on demand. */
  readonly root: PyValue;
}

/** Where a state dict was found in a checkpoint. */
export type StateDictSource = 'model_state' | 'state_dict' | 'model' | 'bare';

export interface PthStateDict {
  /** Keys as in the file minus a DataParallel `module.` prefix; values decoded, in file order. */
  readonly tensors: Map<string, NamedTensor>;
  readonly source: StateDictSource;
  /** The wrapper's other scalar entries (epoch, best_loss, arch, ...), for display. */
  readonly info: Record<string, string | number | boolean | null>;
}

const PICKLE_PROTO = 0x80;

export function readPth(bytes: Uint8Array, options: PthOptions = {}): PthFile {
  if (!looksLikeZip(bytes)) {
    const legacy = bytes[0] === PICKLE_PROTO;
    throw new WeightsError(
      legacy
        ? 'pth: this is the legacy torch.save format (PyTorch < 1.6 or _use_new_zipfile_serialization=False); re-save it with a current PyTorch'
        : 'pth: not a PyTorch zip checkpoint (no zip header at byte 0)',
      undefined,
      0,
    );
  }
  const zip = openZip(bytes);
  const pickles = [...zip.entries.keys()].filter((name) => /^[^/]+\/data\.pkl$/.test(name));
  if (pickles.length !== 1) {
    throw new WeightsError(`pth: expected one "<archive>/data.pkl" entry, found ${pickles.length ? pickles.join(', ') : 'none'}`, 'data.pkl');
  }
  const archiveName = pickles[0]!.slice(0, -'/data.pkl'.length);
  if (zip.entries.has(`${archiveName}/constants.pkl`)) {
    throw new WeightsError('pth: this is a TorchScript archive (torch.jit.save); save the model\'s state_dict with torch.save instead', `${archiveName}/constants.pkl`);
  }
  const byteOrder = zip.entries.has(`${archiveName}/byteorder`) ? new TextDecoder().decode(zip.read(`${archiveName}/byteorder`)) : 'little';
  if (byteOrder !== 'little') throw new WeightsError(`pth: storages are ${byteOrder}-endian; only little-endian checkpoints are read`, `${archiveName}/byteorder`);
  const readStorage = (key: string): Uint8Array => {
    const name = `${archiveName}/data/${key}`;
    if (!zip.entries.has(name)) throw new WeightsError(`pth: storage entry "${name}" named by the pickle is missing`, name);
    return zip.read(name);
  };
  const root = unpickle(zip.read(pickles[0]!), {
    globals: TORCH_GLOBALS,
    opaqueClasses: new Set([...DEFAULT_OPAQUE_CLASSES, ...(options.opaqueClasses ?? [])]),
    persistentLoad: storageLoader(readStorage),
  });
  return { archiveName, root };
}

/**
 * The state dict of a checkpoint, as the official fine-tuning loader finds it: `model_state` (pre-training
 * trainer), `state_dict` (fine-tuning trainer), `model`, or a bare state dict; `module.` prefixes stripped.
 */
export function readPthStateDict(bytes: Uint8Array, options: PthOptions = {}): PthStateDict {
  const { root } = readPth(bytes, options);
  if (!(root instanceof PyDict)) throw new WeightsError(`pth: the checkpoint holds a ${pyTypeName(root)}, not a state dict or a dict wrapping one`);
  const wrapperKey = (['model_state', 'state_dict', 'model'] as const).find((k) => root.get(k) instanceof PyDict);
  const stateDict = wrapperKey ? (root.get(wrapperKey) as PyDict) : root;
  if (!wrapperKey && ![...stateDict.values()].some((v) => v instanceof TorchTensor)) {
    const keys = [...root.keys()].map(String).slice(0, 12).join(', ');
    throw new WeightsError(`pth: no state dict found: top-level keys are ${keys || '(none)'}; expected model_state, state_dict, model, or a dict of tensors`);
  }
  const tensors = new Map<string, NamedTensor>();
  for (const [key, value] of stateDict) {
    const name = String(key);
    if (typeof key !== 'string') throw new WeightsError(`pth: state dict key ${name} is a ${pyTypeName(key)}, not a string`, name);
    if (!(value instanceof TorchTensor)) throw new WeightsError(`pth: state dict entry "${name}" is a ${pyTypeName(value)}, not a tensor`, name);
    tensors.set(name, value.toNamedTensor());
  }
  const info: Record<string, string | number | boolean | null> = {};
  if (wrapperKey) {
    for (const [key, value] of root) {
      if (typeof key === 'string' && key !== wrapperKey && (value === null || ['string', 'number', 'boolean'].includes(typeof value))) {
        info[key] = value as string | number | boolean | null;
      }
    }
  }
  return { tensors: stripModulePrefix(tensors), source: wrapperKey ?? 'bare', info };
}
