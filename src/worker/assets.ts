// Files the worker fetches from its own origin: tfjs-backend-wasm's binaries (bundled by Vite, so they work offline
// and never come from a CDN) and the bundled demo model.
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreaded from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';

export function wasmPaths(): Record<string, string> {
  return {
    'tfjs-backend-wasm.wasm': wasmPlain,
    'tfjs-backend-wasm-simd.wasm': wasmSimd,
    'tfjs-backend-wasm-threaded-simd.wasm': wasmThreaded,
  };
}

/** Where `npm start` serves the bundled model (copied from models/ at build time). */
export const BUNDLED_MODEL_URL = `${import.meta.env.BASE_URL}models/specmoe-demo-mi/`;
