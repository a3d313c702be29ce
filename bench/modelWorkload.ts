// One model workload in its own process (so its peak RSS is its own), for bench/model.ts:
//   tsx bench/modelWorkload.ts <expert|encoder|specmoe> <wasm|cpu> <B> <C> <T> <repeats>
// Prints JSON {runsMs, peakRssMB, baselineRssMB}. Weights are the parity fixtures' (timing does not depend on values).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { readSafetensors } from '../src/io/safetensors';
import { expertStateDictShapes, specMoEStateDictShapes } from '../src/model/architecture';
import { type BackendName, initBackend } from '../src/model/backend';
import { AUTHORS_EXPERT, specMoEConfig } from '../src/model/config';
import { Expert } from '../src/model/expert';
import { ParamStore } from '../src/model/params';
import { SpecMoE, specMoETensors } from '../src/model/specMoE';
import { REFERENCE_DIR } from '../src/testing/shared';

const [workload, backend, b, c, t, repeats] = process.argv.slice(2);
const [B, C, T, R] = [Number(b), Number(c), Number(t), Number(repeats)];
const rssMB = () => process.memoryUsage().rss / 2 ** 20;

await initBackend([backend as BackendName]);
const baselineRssMB = rssMB();
const x = tf.randomNormal([B, C, T], 0, 0.2, 'float32', 1) as tf.Tensor3D;
const times = tf.tile(tf.reshape(tf.linspace(0.1, 1.1, T), [1, 1, T]), [B, 1, 1]) as tf.Tensor3D;

let step: () => Promise<void>;
if (workload === 'specmoe') {
  const config = specMoEConfig({ nClasses: 4, segmentSec: 6 });
  const weights = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;
  const model = new SpecMoE(config, ParamStore.fromTensors(weights, specMoEStateDictShapes(config)));
  step = async () => {
    const out = model.forward(x, times);
    await out.logits.data();
    tf.dispose(specMoETensors(out));
  };
} else {
  const weights = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
  const expert = new Expert(AUTHORS_EXPERT, ParamStore.fromTensors(weights, expertStateDictShapes(AUTHORS_EXPERT)));
  step =
    workload === 'encoder'
      ? async () => {
          const e = expert.encode(x, times);
          await e.data();
          e.dispose();
        }
      : async () => {
          const out = expert.forward(x, times);
          await out.U3_Dec1.data();
          tf.dispose(Object.values(out));
        };
}

await step(); // warm-up
const runsMs: number[] = [];
for (let i = 0; i < R; i++) {
  const start = performance.now();
  await step();
  runsMs.push(performance.now() - start);
}
console.log(JSON.stringify({ runsMs, peakRssMB: process.resourceUsage().maxRSS / 1024, baselineRssMB }));
