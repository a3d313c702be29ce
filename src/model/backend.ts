// The one place that chooses the tfjs back-end: webgpu → webgl → wasm → cpu by default, each with a time limit
// on initialisation (a stuck back-end must not hang the app), idempotent, and reporting what it tried.
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export const FALLBACK_ORDER: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendChoice {
  readonly backend: BackendName;
  /** Back-ends tried before the chosen one, with why they were not used. */
  readonly tried: readonly { readonly name: BackendName; readonly error: string }[];
}

export interface BackendOptions {
  /**
   * URLs of tfjs-backend-wasm's three .wasm files (browser builds import them with `?url`), keyed by file name.
   * Node finds them in node_modules by itself.
   */
  readonly wasmPaths?: Record<string, string>;
  /** Per back-end initialisation time limit. */
  readonly timeoutMs?: number;
}

let pending: Promise<BackendChoice> | null = null;
let pendingKey = '';

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not initialise within ${ms} ms`)), ms);
    promise.then(
      (v) => {
        clearTimeout(timer);
        resolve(v);
      },
      (e) => {
        clearTimeout(timer);
        reject(e);
      },
    );
  });
}

async function tryBackend(name: BackendName, options: BackendOptions): Promise<void> {
  if (name === 'wasm' && options.wasmPaths) setWasmPaths(options.wasmPaths);
  if (name === 'webgpu' && (typeof navigator === 'undefined' || !('gpu' in navigator))) throw new Error('this environment has no WebGPU (navigator.gpu)');
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') throw new Error('this environment has no WebGL canvas');
  const ok = await withTimeout(tf.setBackend(name), options.timeoutMs ?? 20_000, name);
  if (!ok) throw new Error(`${name} could not be set up`);
  await tf.ready();
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    // Float16 render targets give ~1e-3 errors (fixtures README): not good enough for this model.
    throw new Error('webgl has no float32 render targets here');
  }
}

/**
 * Initialises the first back-end of `preferred` that works (default: webgpu, webgl, wasm, cpu). Calling it again
 * with the same preference returns the same promise (React StrictMode runs effects twice).
 */
export function initBackend(preferred: readonly BackendName[] = FALLBACK_ORDER, options: BackendOptions = {}): Promise<BackendChoice> {
  const key = preferred.join(',');
  if (pending && pendingKey === key) return pending;
  pendingKey = key;
  pending = (async () => {
    const tried: { name: BackendName; error: string }[] = [];
    for (const name of preferred) {
      try {
        await tryBackend(name, options);
        return { backend: name, tried };
      } catch (e) {
        tried.push({ name, error: (e as Error).message });
      }
    }
    throw new Error(`no tfjs back-end could start: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
  })();
  pending.catch(() => {
    pending = null;
  });
  return pending;
}

export function currentBackend(): BackendName {
  return tf.getBackend() as BackendName;
}
