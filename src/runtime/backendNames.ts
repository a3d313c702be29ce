// Back-end names and the fallback order, without tfjs, so the UI can offer the choice.
export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const FALLBACK_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

/** `first`, then the rest of the fallback order. */
export function preferring(first: BackendName): BackendName[] {
  return [first, ...FALLBACK_ORDER.filter((b) => b !== first)];
}
