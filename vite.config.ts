import react from '@vitejs/plugin-react';
import { cpSync, createReadStream, existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

// Cross-origin isolation lets tfjs-backend-wasm use its threaded build (SharedArrayBuffer).
const isolationHeaders = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const MODELS_DIR = join(import.meta.dirname, 'models');

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

/**
 * Nothing leaves the origin: the built page carries a Content Security Policy that allows only its own origin
 * (plus wasm compilation, and inline styles, which Plotly sets). Dev mode (HMR's inline preamble) goes without.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self'",
  "connect-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'specmoe-csp',
    apply: 'build',
    transformIndexHtml: (html) => html.replace('<meta charset="UTF-8" />', `<meta charset="UTF-8" />\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`),
  };
}

/**
 * tfjs-backend-wasm starts its pthreads from the text of its threaded Emscripten factory (Function.toString()
 * into a Blob). That function reads `_scriptDir` from the wrapper around it, and once the bundle is minified the
 * reference is renamed and the Blob's copy throws a ReferenceError in every pthread worker (TFJS-NOTES.md). Declaring
 * `_scriptDir` inside the factory makes its text self-contained; in a browser the outer value is undefined anyway.
 */
function selfContainedWasmFactory(): Plugin {
  const FACTORY_START = 'function(WasmBackendModuleThreadedSimd) {';
  return {
    name: 'specmoe-self-contained-wasm-factory',
    transform(code, id) {
      if (!id.includes('tfjs-backend-wasm-threaded-simd.js')) return null;
      const at = code.indexOf(FACTORY_START);
      if (at < 0) this.error(`${id}: the threaded factory's start ("${FACTORY_START}") was not found; tfjs-backend-wasm changed`);
      const end = at + FACTORY_START.length;
      return { code: `${code.slice(0, end)}\n  var _scriptDir = undefined;${code.slice(end)}`, map: null };
    },
  };
}

export default defineConfig({
  plugins: [
    react(),
    bundledModels(),
    contentSecurityPolicy(),
    // Offline after the first visit: the service worker precaches the shell, the wasm binaries, Plotly, the
    // bundled model (copied into the build by bundledModels) and the demo recording.
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      manifest: {
        name: 'specmoe-web: EEG decoding in your browser',
        short_name: 'specmoe-web',
        description: 'Decode EEG with the SpecMoE foundation model; recordings never leave the tab.',
        theme_color: '#1f4e79',
        background_color: '#ffffff',
        display: 'standalone',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml' }],
      },
      workbox: {
        globPatterns: ['**/*.{js,css,html,wasm,svg,json,safetensors,gz,md}'],
        // The benchmark page and its worker (bench.html) are not part of the app.
        globIgnores: ['**/*.map', 'bench.html', 'assets/bench*'],
        maximumFileSizeToCacheInBytes: 64 * 1024 * 1024,
        navigateFallback: 'index.html',
        // The first visit's page is controlled at once, so it works offline without a second load.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: { host: '127.0.0.1', headers: isolationHeaders },
  preview: { host: '127.0.0.1', headers: isolationHeaders },
  // Rolldown's timing report ([PLUGIN_TIMINGS]) after every build is for profiling the build, not for its users.
  worker: { format: 'es', plugins: () => [selfContainedWasmFactory()], rolldownOptions: { checks: { bundlerTimings: false } } },
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 5000,
    // bench.html runs `npm run bench`'s browser workloads (bench/browser/); the app never loads it.
    rolldownOptions: { input: { index: 'index.html', bench: 'bench.html' }, checks: { bundlerTimings: false } },
  },
});
