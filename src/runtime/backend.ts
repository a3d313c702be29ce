// The one place that chooses the tfjs back-end: webgpu → webgl → wasm → cpu by default, each with a time limit
// on initialisation (a stuck back-end must not hang the app), idempotent, and reporting what it tried.
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { crossOriginIsolated } from './environment';
import type { KernelThreadFactory } from './wasm/kernelThread';
import { startAttentionThread } from './wasm/wasmAttention';
import { installWasmKernels } from './wasmKernels';
import '@tensorflow/tfjs-backend-webgpu';

import { type BackendName, FALLBACK_ORDER } from './backendNames';

export type { BackendName } from './backendNames';

export interface BackendChoice {
  readonly backend: BackendName;
  /** Back-ends tried before the chosen one, with why they were not used. */
  readonly tried: readonly { readonly name: BackendName; readonly error: string }[];
  /** Threads the back-end computes on (tfjs-backend-wasm's XNNPACK pool; 1 for the others). */
  readonly threads: number;
  /** Threads of the generated attention kernels (src/runtime/wasm) on wasm: 2 with a kernel thread, else 1. */
  readonly kernelThreads: number;
}

export interface BackendOptions {
  /**
   * URLs of tfjs-backend-wasm's three .wasm files (browser builds import them with `?url`), keyed by file name.
   * Node finds them in node_modules by itself.
   */
  readonly wasmPaths?: Record<string, string>;
  /** Per back-end initialisation time limit. */
  readonly timeoutMs?: number;
  /**
   * Threads for tfjs-backend-wasm's threaded build (needs cross-origin isolation); 0 or absent: the single-threaded
   * SIMD build. If the threaded build fails to start, the single-threaded one is tried.
   */
  readonly wasmThreads?: number;
  /**
   * Starts a second thread for the generated model kernels on wasm (where shared memory exists): a Node worker
   * thread or a Web Worker. Leave it out where lanes of their own already use every core.
   */
  readonly kernelThread?: KernelThreadFactory;
}

let wasmPathsSet = false;

/**
 * Runs `init` (tfjs-backend-wasm's set-up) so that its pool gets `threads` threads. Its C++ side caps the pool at
 * half of navigator.hardwareConcurrency (it assumes two logical CPUs per core) and reads that count once, while the
 * module initialises; where that assumption does not hold (a VM's vCPUs), the count it sees is raised to 2·threads
 * for that moment only.
 */
async function withWasmThreads<T>(threads: number, init: () => Promise<T>): Promise<T> {
  setThreadsCount(threads);
  const nav = globalThis.navigator as { hardwareConcurrency?: number } | undefined;
  const reported = nav?.hardwareConcurrency ?? 1;
  const raise = nav !== undefined && Math.floor(reported / 2) < threads;
  if (raise) Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await init();
  } finally {
    if (raise) delete nav.hardwareConcurrency;
  }
}

/**
 * tfjs's cpu back-end greets Node users on its first tensor with advice to install tfjs-node. In Node we run wasm
 * (and cpu) on purpose: the browser's kernels, no native build. So the cpu back-end's first tensor is written here,
 * once, with tfjs's own switch for its console messages (the PROD flag) on for that moment; every other tfjs
 * warning still shows.
 */
function skipNodeBackendAdvice(): void {
  if (!tf.env().getBool('IS_NODE')) return;
  const cpu = tf.findBackend('cpu');
  if (!cpu) return;
  const prod = tf.env().getBool('PROD');
  tf.env().set('PROD', true);
  try {
    cpu.disposeData(cpu.write(new Float32Array(1), [1], 'float32'));
  } finally {
    tf.env().set('PROD', prod);
  }
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

/**
 * Whether the GPU back-end would run on a software renderer (SwiftShader): there tfjs-wasm is 20–200× faster
 * (TFJS-NOTES.md), so automatic choice skips it; asking for it by name still gets it.
 */
async function softwareRenderer(name: 'webgpu' | 'webgl'): Promise<string | null> {
  try {
    if (name === 'webgpu') {
      const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ isFallbackAdapter?: boolean; info?: { isFallbackAdapter?: boolean; vendor?: string; architecture?: string } } | null> } }).gpu;
      const adapter = await gpu?.requestAdapter();
      if (!adapter) return 'no WebGPU adapter';
      const info = adapter.info;
      if (adapter.isFallbackAdapter || info?.isFallbackAdapter || /swiftshader/i.test(`${info?.vendor} ${info?.architecture}`)) return 'the WebGPU adapter is a CPU fallback (SwiftShader)';
      return null;
    }
    const canvas = typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : document.createElement('canvas');
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return 'no WebGL2 context';
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    return /swiftshader|llvmpipe|software/i.test(renderer) ? `WebGL renders in software (${renderer})` : null;
  } catch (e) {
    return (e as Error).message;
  }
}

async function tryBackend(name: BackendName, options: BackendOptions, automatic: boolean): Promise<number> {
  if (name === 'wasm') {
    if (options.wasmPaths && !wasmPathsSet) {
      setWasmPaths(options.wasmPaths);
      wasmPathsSet = true;
    }
    // Threads need SharedArrayBuffer, which only a cross-origin isolated page (COOP/COEP) has.
    const threads = crossOriginIsolated() ? (options.wasmThreads ?? 0) : 0;
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', threads > 0);
    if (threads > 0) {
      try {
        await withWasmThreads(threads, () => startBackend('wasm', options));
        return getThreadsCount();
      } catch (e) {
        // The single-threaded build still works where pthreads do not (e.g. a bundler broke their bootstrap).
        console.warn(`threaded wasm did not start (${(e as Error).message}); using the single-threaded build`);
        tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      }
    }
    await startBackend('wasm', options);
    return 1;
  }
  if (name === 'webgpu' && (typeof navigator === 'undefined' || !('gpu' in navigator))) throw new Error('this environment has no WebGPU (navigator.gpu)');
  if (name === 'webgl' && typeof OffscreenCanvas === 'undefined' && typeof document === 'undefined') throw new Error('this environment has no WebGL canvas');
  if (automatic && (name === 'webgpu' || name === 'webgl')) {
    const software = await softwareRenderer(name);
    if (software) throw new Error(`${software}: wasm is faster here`);
  }
  await startBackend(name, options);
  return 1;
}

async function startBackend(name: BackendName, options: BackendOptions): Promise<void> {
  const ok = await withTimeout(tf.setBackend(name), options.timeoutMs ?? 20_000, name);
  if (!ok) throw new Error(`${name} could not be set up`);
  await tf.ready();
  if (name === 'wasm') installWasmKernels();
  if (name === 'webgl' && !tf.env().getBool('WEBGL_RENDER_FLOAT32_CAPABLE')) {
    // Float16 render targets give ~1e-3 errors (fixtures README): not good enough for this model.
    throw new Error('webgl has no float32 render targets here');
  }
}

/**
 * Initialises the first back-end of `preferred` that works. Without a preference: webgpu, webgl, wasm, cpu, skipping
 * GPU back-ends that only have a software renderer. Calling it again with the same preference returns the same
 * promise (React StrictMode runs effects twice).
 */
export function initBackend(preferred?: readonly BackendName[], options: BackendOptions = {}): Promise<BackendChoice> {
  const automatic = preferred === undefined;
  const order = preferred ?? FALLBACK_ORDER;
  const key = order.join(',');
  if (pending && pendingKey === key) return pending;
  if (pending === null) skipNodeBackendAdvice();
  pendingKey = key;
  pending = (async () => {
    const tried: { name: BackendName; error: string }[] = [];
    for (const name of order) {
      try {
        const threads = await tryBackend(name, options, automatic);
        const kernelThreads = name === 'wasm' && options.kernelThread ? await startAttentionThread(options.kernelThread) : 1;
        return { backend: name, tried, threads, kernelThreads };
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
