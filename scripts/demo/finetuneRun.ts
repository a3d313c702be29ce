// One fine-tuning run of the whole SpecMoE on the demo split (src/train/fullFinetune.ts), checkpointed to a folder
// every epoch so an interrupted run resumes where it stopped.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NamedTensor } from '../../src/io/safetensors';
import { assembleSpecMoEStateDict } from '../../src/io/stateDict';
import { expertStateDictShapes } from '../../src/model/architecture';
import type { ExpertConfig, SpecMoEConfig } from '../../src/model/config';
import { initExpertParams, initHeadParams } from '../../src/model/init';
import type { ParamStore } from '../../src/model/params';
import { FULL_FINETUNE_FILES, type FullEpochRecord, type FullFinetuneSettings, FullFinetuner, trainableSpecMoE, type TrialEvaluation } from '../../src/train/fullFinetune';
import type { TrialSet } from '../../src/train/trials';

export const asNamed = (store: ParamStore): Map<string, NamedTensor> =>
  new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));

/** A fresh expert as a state dict, BatchNorm step counters included (they are not parameters). */
export function freshExpert(config: ExpertConfig, seed: number): Map<string, NamedTensor> {
  const store = initExpertParams(config, seed);
  const tensors = asNamed(store);
  store.dispose();
  for (const [key] of expertStateDictShapes(config)) if (key.endsWith('num_batches_tracked')) tensors.set(key, { dtype: 'I64', shape: [], data: new Float64Array([0]) });
  return tensors;
}

/** SpecMoE state dict from three experts' state dicts and a fresh, seeded head. */
export function specMoEStateDict(experts: readonly Map<string, NamedTensor>[], config: SpecMoEConfig, seed: number): Map<string, NamedTensor> {
  const head = initHeadParams(config, seed);
  const tensors = assembleSpecMoEStateDict(experts, asNamed(head));
  head.dispose();
  return tensors;
}

export interface RunResult {
  readonly finetuner: FullFinetuner;
  readonly history: FullEpochRecord[];
  readonly validation: TrialEvaluation;
  readonly test: TrialEvaluation | null;
  readonly wallSec: number;
}

export async function finetuneRun(options: {
  name: string;
  runDir: string;
  stateDict: ReadonlyMap<string, NamedTensor>;
  config: SpecMoEConfig;
  settings: FullFinetuneSettings;
  train: TrialSet;
  validation: TrialSet;
  test: TrialSet | null;
  log?: (line: string) => void;
}): Promise<RunResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const model = trainableSpecMoE(options.stateDict, options.config);
  const finetuner = new FullFinetuner(model, options.settings);
  mkdirSync(options.runDir, { recursive: true });
  let wallSec = 0;
  if (existsSync(join(options.runDir, FULL_FINETUNE_FILES.state))) {
    const files = new Map(readdirSync(options.runDir).filter((f) => Object.values(FULL_FINETUNE_FILES).includes(f as never)).map((f) => [f, new Uint8Array(readFileSync(join(options.runDir, f)))]));
    const notes = finetuner.restore(files);
    wallSec = Number(notes.wallSec ?? 0);
    log(`${options.name}: resumed after epoch ${finetuner.epoch} (best ${finetuner.bestEpoch})`);
  }
  let last = performance.now();
  await finetuner.fit(options.train, options.validation, {
    onBatch: (done, total, loss) => {
      if (done % 10 === 0) log(`${options.name}: epoch ${finetuner.epoch + 1} batch ${done}/${total} loss ${loss.toFixed(3)}`);
    },
    onEpoch: (r) => {
      const now = performance.now();
      wallSec += (now - last) / 1000;
      last = now;
      log(`${options.name}: epoch ${r.epoch} train ${r.trainLoss.toFixed(3)} / BA ${(100 * r.trainBalancedAccuracy).toFixed(1)} %, validation ${r.validationLoss.toFixed(3)} / BA ${(100 * r.validationBalancedAccuracy).toFixed(1)} % (${r.seconds.toFixed(0)} s)`);
      for (const [name, bytes] of finetuner.checkpoint({ wallSec })) writeFileSync(join(options.runDir, name), bytes);
    },
  });
  const validation = finetuner.evaluate(options.validation);
  const test = options.test ? finetuner.evaluate(options.test) : null;
  log(`${options.name}: best epoch ${finetuner.bestEpoch}, validation BA ${(100 * validation.metrics.balancedAccuracy).toFixed(1)} %${test ? `, test BA ${(100 * test.metrics.balancedAccuracy).toFixed(1)} %` : ''}`);
  return { finetuner, history: finetuner.history, validation, test, wallSec };
}
