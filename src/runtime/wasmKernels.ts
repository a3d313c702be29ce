// Kernel replacements for tfjs-backend-wasm 4.22, installed once when the wasm back-end starts.
//
// Slice: the stock kernel first copies the WHOLE input out of the wasm heap into a fresh JS buffer
// (backend.readSync) and then copies the slice from it, so every tf.slice costs the input's size, not the slice's:
// slicing one batch item of a [4, 640, 640] tensor took 21 ms, and a pretraining step spent 3.4 s of its 5 s in
// Slice. This one copies only the slice, from views on the heap.
import * as tf from '@tensorflow/tfjs';

/** The parts of tfjs-backend-wasm 4.22 that these kernels use. */
interface WasmBackendInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
}

/** A float32 input of a heap kernel: a view of tfjs's wasm heap, valid while the kernel runs, and its shape. */
export interface HeapInput {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

const heapKernels = new Set<string>();

/**
 * Registers (once) a float32 kernel of the wasm back-end that reads its inputs where tfjs keeps them and writes its
 * output into a tensor tfjs allocates: `compute` gets views of the inputs and returns the output's shape and values,
 * copied once into the output (reading with dataSync and returning tf.tensor would copy each twice). Run it with
 * tf.engine().runKernel(name, inputs, attrs).
 */
export function registerHeapKernel<A>(kernelName: string, compute: (inputs: Readonly<Record<string, HeapInput>>, attrs: A) => { shape: number[]; values: Float32Array }): void {
  if (heapKernels.has(kernelName)) return;
  heapKernels.add(kernelName);
  tf.registerKernel({
    kernelName,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmBackendInternals;
      const views = Object.fromEntries(Object.entries(inputs).map(([name, t]) => [name, { values: heap.typedArrayFromHeap(t as tf.TensorInfo) as Float32Array, shape: (t as tf.TensorInfo).shape }]));
      const { shape, values } = compute(views, attrs as unknown as A);
      const out = heap.makeOutput(shape, 'float32');
      heap.typedArrayFromHeap(out).set(values); // a view taken after makeOutput, which may grow the heap
      return out;
    },
  });
}

type HeapArray = Float32Array | Int32Array | Uint8Array;

/** Copies the block `size` at `begin` of a row-major `shape` array into `dst` (contiguous). */
function copySlice(src: HeapArray, shape: readonly number[], begin: readonly number[], size: readonly number[], dst: HeapArray): void {
  const rank = shape.length;
  if (rank === 0) {
    dst[0] = src[0]!;
    return;
  }
  // Merge the trailing axes that are taken whole: one contiguous run per index of the outer axes.
  let inner = rank - 1;
  let run = size[inner]!;
  while (inner > 0 && begin[inner] === 0 && size[inner] === shape[inner]) {
    inner--;
    run *= size[inner]!;
  }
  const strides = new Array<number>(rank).fill(1);
  for (let a = rank - 2; a >= 0; a--) strides[a] = strides[a + 1]! * shape[a + 1]!;
  let base = 0;
  for (let a = 0; a < rank; a++) base += begin[a]! * strides[a]!;
  const outer = inner; // axes 0 … inner−1 are iterated
  let count = 1;
  for (let a = 0; a < outer; a++) count *= size[a]!;
  const index = new Array<number>(outer).fill(0);
  let offset = base;
  let o = 0;
  for (let n = 0; n < count; n++) {
    if (run >= 32) dst.set(src.subarray(offset, offset + run), o);
    else for (let i = 0; i < run; i++) dst[o + i] = src[offset + i]!;
    o += run;
    // Odometer step over the outer axes.
    for (let a = outer - 1; a >= 0; a--) {
      offset += strides[a]!;
      if (++index[a]! < size[a]!) break;
      offset -= size[a]! * strides[a]!;
      index[a] = 0;
    }
  }
}

let installed = false;

/** Replaces tfjs-backend-wasm's Slice kernel (idempotent). Call after the wasm back-end is registered. */
export function installWasmKernels(): void {
  if (installed) return;
  const stock = tf.getKernel('Slice', 'wasm');
  if (!stock) return;
  installed = true;
  tf.unregisterKernel('Slice', 'wasm');
  tf.registerKernel({
    kernelName: 'Slice',
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs['x'] as tf.TensorInfo;
      if (x.dtype === 'string') return stock.kernelFunc(args);
      const attrs = args.attrs as unknown as { begin: number | number[]; size: number | number[] };
      const [begin, size] = tf.slice_util.parseSliceParams(x as unknown as tf.Tensor, attrs.begin, attrs.size);
      if (begin === undefined || size === undefined) throw new Error(`Slice: tfjs parsed no begin or size from begin ${String(attrs.begin)}, size ${String(attrs.size)}`);
      const backend = args.backend as unknown as WasmBackendInternals;
      const out = backend.makeOutput(size, x.dtype);
      if (tf.util.sizeFromShape(size) === 0) return out;
      // Views taken after makeOutput: an allocation may grow the heap and detach older views.
      copySlice(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
      return out;
    },
  });
}
