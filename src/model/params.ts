// Named parameters of a model, in the authors' state_dict layout (Conv1d [out, in, k], ConvTranspose1d
// [in, out, k], Linear [out, in]). Layers convert to tfjs layouts on the fly, so the same store serves inference
// (constant tensors) and training (tf.Variables).
import * as tf from '@tensorflow/tfjs';
import { ModelShapeError } from './config';

export interface TensorLike {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

export class ParamStore {
  constructor(
    private readonly prefix = '',
    private readonly tensors = new Map<string, tf.Tensor>(),
  ) {}

  /** Tensor for the authors' key (under this store's prefix); throws naming the key when absent. */
  get(key: string): tf.Tensor {
    const t = this.tensors.get(this.prefix + key);
    if (!t) throw new ModelShapeError(`weights lack the tensor "${this.prefix + key}"`, this.prefix + key);
    return t;
  }

  has(key: string): boolean {
    return this.tensors.has(this.prefix + key);
  }

  set(fullKey: string, tensor: tf.Tensor): void {
    const old = this.tensors.get(fullKey);
    if (old && old !== tensor) old.dispose();
    this.tensors.set(fullKey, tensor);
  }

  /** A view of the same tensors under `prefix` (e.g. "experts.0."). */
  scoped(prefix: string): ParamStore {
    return new ParamStore(this.prefix + prefix, this.tensors);
  }

  entries(): IterableIterator<[string, tf.Tensor]> {
    return this.tensors.entries();
  }

  dispose(): void {
    for (const t of this.tensors.values()) t.dispose();
    this.tensors.clear();
  }

  /**
   * Builds a store from named arrays, keeping only float32 tensors whose keys are in `expected` and checking their
   * shapes (num_batches_tracked and other unused entries are skipped).
   */
  static fromTensors(named: ReadonlyMap<string, TensorLike>, expected: ReadonlyMap<string, readonly number[]>): ParamStore {
    const store = new ParamStore();
    for (const [key, shape] of expected) {
      if (key.endsWith('num_batches_tracked')) continue;
      const t = named.get(key);
      if (!t) throw new ModelShapeError(`weights lack the tensor "${key}" (expected shape [${shape.join(', ')}])`, key);
      if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new ModelShapeError(`tensor "${key}" has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`, key);
      }
      store.set(key, tf.tensor(Float32Array.from(t.data), [...shape], 'float32'));
    }
    return store;
  }
}

/** BatchNorm's running statistics and step counter: state-dict buffers, not parameters. */
const BUFFER_KEY = /(running_mean|running_var|num_batches_tracked)$/;

/** Trainable values among named tensors, as PyTorch counts parameters (buffers left out). */
export function parameterCount(entries: Iterable<readonly [string, { readonly shape: readonly number[] }]>): number {
  let n = 0;
  for (const [key, t] of entries) if (!BUFFER_KEY.test(key)) n += t.shape.reduce((a, d) => a * d, 1);
  return n;
}
