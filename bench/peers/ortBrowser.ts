// The peer in Chromium for `npm run bench -- model-browser`: a page of its own (served here, cross-origin isolated so
// that onnxruntime-web can use threads) whose worker runs onnxruntime-web's wasm build from node_modules on the
// exported graphs (ortBrowserWorker.js). Nothing is downloaded: the wasm files ship in the npm package.
import { createReadStream, existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join } from 'node:path';
import { REPO_ROOT } from '../../src/cli/paths';
import { type BenchBrowser, launchBenchBrowser, waitForServer } from '../browserHarness';
import { PEER_DIR, PEER_GRAPHS } from './ortInputs';

const TYPES: Record<string, string> = { '.mjs': 'text/javascript', '.js': 'text/javascript', '.wasm': 'application/wasm', '.onnx': 'application/octet-stream', '.html': 'text/html' };

const PAGE = `<!doctype html><meta charset="utf-8"><title>onnxruntime-web peer</title><script type="module">
const worker = new Worker('/worker.js', { type: 'module' });
let pending = null;
worker.onmessage = (e) => { const p = pending; pending = null; p(e.data); };
worker.onerror = (e) => { const p = pending; pending = null; p?.({ error: e.message || 'the peer worker failed to load' }); };
window.peerCall = (message) => new Promise((resolve) => { pending = resolve; worker.postMessage(message); });
</script>`;

/** Maps a request path to a file: the page, its worker, onnxruntime-web's dist files, the peer graphs. */
function fileFor(path: string): string | null {
  if (path === '/worker.js') return join(REPO_ROOT, 'bench/peers/ortBrowserWorker.js');
  const ort = path.match(/^\/ort\/([\w.-]+)$/);
  if (ort) return join(REPO_ROOT, 'node_modules/onnxruntime-web/dist', ort[1]!);
  const graph = path.match(/^\/graphs\/([\w.-]+\.onnx)$/);
  if (graph && Object.values(PEER_GRAPHS).includes(graph[1]!)) return join(PEER_DIR, graph[1]!);
  return null;
}

function serve(port: number): Promise<Server> {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp', 'Cross-Origin-Resource-Policy': 'same-origin' };
    if (path === '/') {
      res.writeHead(200, { ...headers, 'Content-Type': TYPES['.html']! }).end(PAGE);
      return;
    }
    const file = fileFor(path);
    if (!file || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { ...headers, 'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}

/** onnxruntime-web on one workload's graph with `threads` threads, in a Chromium of its own. */
export interface PeerPage {
  run(): Promise<number>;
  rendererPeakMiB(): number;
  close(): Promise<void>;
}

export async function openPeer(port: number, workload: string, threads: number): Promise<PeerPage> {
  const server = await serve(port);
  let chrome: BenchBrowser | null = null;
  const close = async () => {
    await chrome?.close();
    server.close();
  };
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitForServer(`${base}/`);
    chrome = await launchBenchBrowser();
    const page = await chrome.browser.newPage();
    await page.goto(`${base}/`);
    await page.waitForFunction(() => 'peerCall' in window);
    const call = async (message: unknown) => {
      const reply = (await page.evaluate((m) => (window as unknown as { peerCall: (m: unknown) => Promise<unknown> }).peerCall(m), message)) as { error?: string; ms?: number };
      if (reply.error) throw new Error(`onnxruntime-web: ${reply.error}`);
      return reply;
    };
    await call({ graph: `/graphs/${PEER_GRAPHS[workload]}`, threads });
    const opened = chrome;
    return { run: async () => (await call('run')).ms!, rendererPeakMiB: () => opened.rendererPeakMiB(), close };
  } catch (e) {
    await close();
    throw e;
  }
}
