// The peer in Chromium: onnxruntime-web's wasm build in a dedicated worker, served by ortBrowser.ts (bench only;
// never part of the app). Messages: {graph, threads} → {ready} after a session and one warm-up run; 'run' → {ms}.
// Inputs as in ortInputs.ts: x a sinusoid at the scale of µV/100 EEG, times linspace(0.1, 1.1, T).
import * as ort from '/ort/ort.wasm.min.mjs';

let session;
let feeds;

async function forward() {
  const out = await session.run(feeds);
  for (const t of Object.values(out)) t.dispose();
}

self.onmessage = async (e) => {
  try {
    if (e.data !== 'run') {
      ort.env.wasm.wasmPaths = '/ort/';
      ort.env.wasm.numThreads = e.data.threads;
      session = await ort.InferenceSession.create(e.data.graph, { executionProviders: ['wasm'] });
      feeds = {};
      session.inputNames.forEach((name, i) => {
        const dims = session.inputMetadata[i].shape.map(Number);
        const length = dims[dims.length - 1];
        const data = new Float32Array(dims.reduce((a, b) => a * b, 1));
        for (let j = 0; j < data.length; j++) data[j] = name === 'times' ? 0.1 + (j % length) / (length - 1) : 0.2 * Math.sin(0.37 * j);
        feeds[name] = new ort.Tensor('float32', data, dims);
      });
      await forward();
      self.postMessage({ ready: true });
      return;
    }
    const started = performance.now();
    await forward();
    self.postMessage({ ms: performance.now() - started });
  } catch (err) {
    self.postMessage({ error: String(err && err.message ? err.message : err) });
  }
};
