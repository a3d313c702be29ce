// tfjs-backend-wasm's binaries in the browser build: bundled by Vite (`?url`), so they work offline and never come
// from a CDN. Node finds them in node_modules by itself.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

/** backend.ts's `wasmPaths` option: the three files' URLs by file name. */
export function wasmPaths(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  };
}
