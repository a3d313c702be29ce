// Memory for generated WebAssembly kernels, and the one error that says it could not be had: callers fall back to
// another implementation on it (and only on it: a RangeError may mean anything).

export class KernelMemoryError extends Error {
  override readonly name = 'KernelMemoryError';
  constructor(
    readonly bytes: number,
    reason: string,
  ) {
    super(`the WebAssembly kernels' ${(bytes / 2 ** 20).toFixed(0)} MiB of memory could not be had (${reason})`);
  }
}

const PAGE_BYTES = 65_536;

/** A fixed-size WebAssembly memory of at least `bytes` (whole 64-KiB pages), shared between threads or not. */
export function kernelMemory(bytes: number, shared: boolean): WebAssembly.Memory {
  const pages = Math.ceil(bytes / PAGE_BYTES);
  try {
    return new WebAssembly.Memory({ initial: pages, maximum: pages, shared });
  } catch (e) {
    throw new KernelMemoryError(pages * PAGE_BYTES, (e as Error).message);
  }
}
