// The peer: onnxruntime-web (wasm back-end, the same build a web page loads) in Node, on the exported graphs of
// ../shared/reference/specmoe/peers, for bench/model.ts (protocol: ../stepChild.ts):
//   tsx bench/peers/ortWorkload.ts <encoder|specmoe> <threads>
import * as ort from 'onnxruntime-web';
import { serveSteps } from '../stepChild';
import { peerGraph, peerInputs } from './ortInputs';

const [workload, threads] = process.argv.slice(2);
await serveSteps(async () => {
  ort.env.wasm.numThreads = Number(threads);
  const session = await ort.InferenceSession.create(peerGraph(workload!), { executionProviders: ['wasm'] });
  const feeds = peerInputs(session, (data, dims) => new ort.Tensor('float32', data, dims));
  const step = async () => {
    const out = await session.run(feeds);
    for (const t of Object.values(out)) t.dispose();
  };
  await step(); // warm-up (the first run is several times slower)
  return step;
});
