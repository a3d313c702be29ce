// `npx tsx scripts/demo/shiftAverage.ts [BUNDLE_DIR]`: the model card's shift test-time averaging ablation. Decodes
// the validation and test trials of the demo split with a bundle (default: the installed one) at each of SHIFTS (s, the
// window moved later when positive), prints each shift's balanced accuracy and that of the averaged probabilities.
import { readModelFiles } from '../../src/cli/modelFiles';
import { readWeights } from '../../src/io/weights';
import { specMoEFromWeights } from '../../src/model/load';
import { initBackend } from '../../src/runtime/backend';
import { DEFAULT_FULL_FINETUNE, FullFinetuner, trainableSpecMoE } from '../../src/train/fullFinetune';
import { classificationMetrics } from '../../src/train/metrics';
import { SPLIT, splitTrials } from './data';
import { asNamed } from './finetuneRun';

const SHIFTS = [-0.5, -0.25, 0, 0.25, 0.5];
const dir = process.argv[2] ?? 'models/specmoe-demo-mi';

await initBackend(['wasm']);
const weights = await readWeights(readModelFiles(dir));
const base = specMoEFromWeights(weights);
const finetuner = new FullFinetuner(trainableSpecMoE(asNamed(base.model.params), base.model.config), DEFAULT_FULL_FINETUNE);
for (const split of ['validation', 'test'] as const) {
  const set = await splitTrials(SPLIT[split], 0.5);
  const nClasses = base.model.config.nClasses;
  const sum = Array.from({ length: set.n }, () => new Array<number>(nClasses).fill(0));
  for (const sec of SHIFTS) {
    const ev = finetuner.evaluate(set, undefined, undefined, sec);
    ev.probabilities.forEach((p, i) => p.forEach((v, c) => (sum[i]![c]! += v)));
    console.log(`${split} shift ${sec}: BA ${(100 * ev.metrics.balancedAccuracy).toFixed(1)} %`);
  }
  const pred = sum.map((p) => p.indexOf(Math.max(...p)));
  console.log(`${split} averaged over ${SHIFTS.length} shifts: BA ${(100 * classificationMetrics(Array.from(set.labels), pred, nClasses).balancedAccuracy).toFixed(1)} %`);
}
