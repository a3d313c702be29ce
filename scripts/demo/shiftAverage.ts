// `npx tsx scripts/demo/shiftAverage.ts [BUNDLE_DIR]`: the model card's shift test-time averaging ablation. Decodes
// the validation and test trials of the demo split with a bundle (default: the installed one) at each of SHIFTS (s, the
// window moved later when positive), prints each shift's balanced accuracy and that of the averaged probabilities.
import { readModelFiles } from '../../src/cli/modelFiles';
import { readWeights } from '../../src/io/weights';
import { specMoEFromWeights } from '../../src/model/load';
import { initBackend } from '../../src/runtime/backend';
import { DEFAULT_FULL_FINETUNE, FullFinetuner, trainableSpecMoE } from '../../src/train/fullFinetune';
import { classificationMetrics } from '../../src/train/metrics';
import type { TrialSet } from '../../src/train/trials';
import { SPLIT, splitTrials } from './data';
import { asNamed } from './finetuneRun';

const SHIFTS = [-0.5, -0.25, 0, 0.25, 0.5];
const dir = process.argv[2] ?? 'models/specmoe-demo-mi';

/** The trials' windows moved by `sec` inside the margin they were read with; the result has no margin. */
function shifted(set: TrialSet, sec: number): TrialSet {
  const s = Math.round(sec * 200);
  const span = set.length + 2 * set.margin;
  const x = new Float32Array(set.n * set.nChannels * set.length);
  for (let r = 0; r < set.n * set.nChannels; r++) x.set(set.x.subarray(r * span + set.margin + s, r * span + set.margin + s + set.length), r * set.length);
  return { ...set, margin: 0, x };
}

await initBackend(['wasm']);
const weights = await readWeights(readModelFiles(dir));
const base = specMoEFromWeights(weights);
const finetuner = new FullFinetuner(trainableSpecMoE(asNamed(base.model.params), base.model.config), DEFAULT_FULL_FINETUNE);
for (const split of ['validation', 'test'] as const) {
  const set = await splitTrials(SPLIT[split], 0.5);
  const sum = new Array(set.n).fill(0).map(() => [0, 0]);
  for (const sec of SHIFTS) {
    const ev = finetuner.evaluate(shifted(set, sec));
    ev.probabilities.forEach((p, i) => p.forEach((v, c) => (sum[i]![c]! += v)));
    console.log(`${split} shift ${sec}: BA ${(100 * ev.metrics.balancedAccuracy).toFixed(1)} %`);
  }
  const pred = sum.map((p) => (p[1]! > p[0]! ? 1 : 0));
  console.log(`${split} averaged over ${SHIFTS.length} shifts: BA ${(100 * classificationMetrics(Array.from(set.labels), pred, 2).balancedAccuracy).toFixed(1)} %`);
}
