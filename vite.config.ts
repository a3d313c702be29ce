import react from '@vitejs/plugin-react';
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { defineConfig, type Plugin } from 'vite';

// Cross-origin isolation lets tfjs-backend-wasm use its threaded build (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MODELS_DIR = join(__dirname, 'models');

/** Serves models/ at /models/ in dev and copies it into the build, so the bundled model ships with the app. */
function bundledModels(): Plugin {
  return {
    name: 'specmoe-bundled-models',
    configureServer(server) {
      server.middlewares.use('/models', (req, res, next) => {
        const path = normalize(join(MODELS_DIR, decodeURIComponent((req.url ?? '').split('?')[0]!)));
        if (!path.startsWith(MODELS_DIR) || !existsSync(path) || !statSync(path).isFile()) return next();
        createReadStream(path).pipe(res);
      });
    },
    writeBundle(options) {
      if (existsSync(MODELS_DIR)) cpSync(MODELS_DIR, join(options.dir ?? 'dist', 'models'), { recursive: true });
    },
  };
}

export default defineConfig({
  plugins: [react(), bundledModels()],
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  worker: { format: 'es' },
  build: { target: 'es2022', sourcemap: true, chunkSizeWarningLimit: 5000 },
});
