// `npx tsx scripts/demo/recordingAdaptation.ts [BUNDLE_DIR...]`: the model card's per-recording adaptation ablations.
// Decodes the validation and test trials of the demo split with each bundle (default: the installed one) three ways and
// prints each one's balanced accuracy:
// - as the app decodes them (BatchNorm with the running statistics saved in the bundle);
// - AdaBN: BatchNorm with the statistics of the recording's own trials (each recording's trials as one batch);
// - centred: each trial's log-odds minus the median over its recording (classes taken as balanced in a recording).
// Both adaptations use no labels, only the recording's other trials.
import { readModelFiles } from '../../src/cli/modelFiles';
import { readWeights } from '../../src/io/weights';
import { specMoEFromWeights } from '../../src/model/load';
import { initBackend } from '../../src/runtime/backend';
import { DEFAULT_FULL_FINETUNE, FullFinetuner, trainableSpecMoE } from '../../src/train/fullFinetune';
import { classificationMetrics } from '../../src/train/metrics';
import type { TrialSet } from '../../src/train/trials';
import { SPLIT, splitTrials } from './data';
import { asNamed } from './finetuneRun';

const dirs = process.argv.length > 2 ? process.argv.slice(2) : ['models/specmoe-demo-mi'];
const pct = (labels: Int32Array, predicted: number[]) => `${(100 * classificationMetrics(Array.from(labels), predicted, 2).balancedAccuracy).toFixed(1)} %`;

/** Trial indices of each recording, in order of first appearance. */
function byRecording(set: TrialSet): number[][] {
  const groups = new Map<string, number[]>();
  set.recordingIds.forEach((id, i) => groups.set(id, [...(groups.get(id) ?? []), i]));
  return [...groups.values()];
}

function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const m = sorted.length >> 1;
  return sorted.length % 2 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/** The trials `indices` of `set` as a set of their own. */
function subset(set: TrialSet, indices: readonly number[]): TrialSet {
  const size = set.nChannels * (set.length + 2 * set.margin);
  const x = new Float32Array(indices.length * size);
  indices.forEach((i, k) => x.set(set.x.subarray(i * size, (i + 1) * size), k * size));
  const pick = <T>(a: readonly T[]) => indices.map((i) => a[i]!);
  return { ...set, n: indices.length, x, labels: Int32Array.from(indices, (i) => set.labels[i]!), recordingIds: pick(set.recordingIds), subjects: pick(set.subjects), onsetsSec: pick(set.onsetsSec), annotations: pick(set.annotations) };
}

await initBackend(['wasm']);
for (const dir of dirs) {
  const base = specMoEFromWeights(await readWeights(readModelFiles(dir)));
  const finetuner = new FullFinetuner(trainableSpecMoE(asNamed(base.model.params), base.model.config), DEFAULT_FULL_FINETUNE);
  for (const split of ['validation', 'test'] as const) {
    const set = await splitTrials(SPLIT[split], 0);
    const groups = byRecording(set);
    const plain = finetuner.evaluate(set);
    const adaBn = new Array<number>(set.n);
    const centred = new Array<number>(set.n);
    const logOdds = plain.probabilities.map((p) => Math.log(p[1]! + 1e-9) - Math.log(p[0]! + 1e-9));
    for (const g of groups) {
      finetuner.evaluate(subset(set, g), undefined, g.length, 0, 'batch').predicted.forEach((p, k) => (adaBn[g[k]!] = p));
      const median = medianOf(g.map((i) => logOdds[i]!));
      for (const i of g) centred[i] = logOdds[i]! > median ? 1 : 0;
    }
    console.log(`${dir} ${split}: as decoded ${pct(set.labels, plain.predicted)}, AdaBN per recording ${pct(set.labels, adaBn)}, centred per recording ${pct(set.labels, centred)}`);
  }
}
