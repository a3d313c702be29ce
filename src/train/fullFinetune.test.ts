// Fine-tuning the whole SpecMoE on a tiny configuration: the loss goes down on a learnable synthetic task, the
// experts' weights change (and stay put when the experts are frozen), running statistics move, and a checkpoint
// restores the trainer exactly where it stopped; weight averaging holds the mean of the epochs it covers; a fixed
// epoch count (stopAfter) keeps that epoch.
import { beforeAll, describe, expect, it } from 'vitest';
import { assembleSpecMoEStateDict } from '../io/stateDict';
import type { NamedTensor } from '../io/safetensors';
import { initBackend } from '../runtime/backend';
import { type ExpertConfig, specMoEConfig } from '../model/config';
import { initExpertParams, initHeadParams } from '../model/init';
import type { ParamStore } from '../model/params';
import { readSafetensors } from '../io/safetensors';
import { DEFAULT_FULL_FINETUNE, FULL_FINETUNE_FILES, FullFinetuner, mixWindows, trainableSpecMoE } from './fullFinetune';
import type { TrialSet } from './trials';

const EXPERT: ExpertConfig = { d1: 4, d2: 8, d3: 16, up3Mid: 4, heads: 2, auxChannels: 4 };
const CONFIG = specMoEConfig({ expert: EXPERT, nClasses: 2, segmentSec: 2, clfHidden: 8 });
const named = (store: ParamStore) => new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: t.dataSync() as Float32Array }]));

function stateDict(seed: number): Map<string, NamedTensor> {
  const experts = [0, 1, 2].map((k) => initExpertParams(EXPERT, seed + k));
  const head = initHeadParams(CONFIG, seed + 9);
  const out = assembleSpecMoEStateDict(experts.map(named), named(head));
  for (const s of [...experts, head]) s.dispose();
  return out;
}

/** 4 channels, 2-s segments at 200 Hz with a 0.25-s margin: class 0 has a 10-Hz rhythm on channel 0, class 1 on 3. */
function synthetic(n: number, seed: number): TrialSet {
  const c = 4;
  const length = 400;
  const margin = 50;
  const span = length + 2 * margin;
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const x = new Float32Array(n * c * span);
  const labels = Int32Array.from({ length: n }, (_, i) => i % 2);
  for (let i = 0; i < n; i++) {
    const phase = 6.28 * Math.abs(rand());
    for (let ch = 0; ch < c; ch++) {
      for (let t = 0; t < span; t++) {
        const rhythm = ch === (labels[i] === 0 ? 0 : 3) ? 1.5 * Math.sin((2 * Math.PI * 10 * t) / 200 + phase) : 0;
        x[(i * c + ch) * span + t] = rhythm + 0.5 * rand();
      }
    }
  }
  const ids = Array.from({ length: n }, () => 'synthetic');
  return { n, nChannels: c, length, margin, x, labels, recordingIds: ids, subjects: ids, onsetsSec: Array.from({ length: n }, (_, i) => i * 3), annotations: Array.from(labels, (l) => `T${l + 1}`) };
}

const values = (trainer: FullFinetuner, key: string) => Array.from(trainer.model.params.get(key).dataSync());

/** Fits `trainer` and returns `key`'s values as each epoch left them (before any weight average is loaded for validation). */
async function fitRecording(trainer: FullFinetuner, train: TrialSet, validation: TrialSet, key: string): Promise<number[][]> {
  const perEpoch: number[][] = [];
  await trainer.fit(train, validation, { onEpoch: () => void perEpoch.push(values(trainer, key)) });
  return perEpoch;
}

describe('FullFinetuner', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('lowers the loss, changes every group of weights and the running statistics', async () => {
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 4, batchSize: 8, patience: 10, shiftSec: 0.2, headLearningRate: 3e-3, expertLearningRate: 1e-3 };
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(1), CONFIG), settings);
    const expertKey = 'experts.1.Down1.features3.0.weight';
    const runningKey = 'experts.2.Down1.features1.1.running_mean';
    const before = { expert: values(trainer, expertKey), gate: values(trainer, 'gate_LinearT_2.weight'), running: values(trainer, runningKey) };
    const history = await trainer.fit(synthetic(32, 7), synthetic(16, 8));
    expect(history.length).toBe(4);
    expect(history[history.length - 1]!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    // The weights kept are the best epoch's (early stopping on the validation loss).
    expect(trainer.bestEpoch).toBeGreaterThanOrEqual(1);
    expect(values(trainer, expertKey)).not.toEqual(before.expert);
    expect(values(trainer, 'gate_LinearT_2.weight')).not.toEqual(before.gate);
    expect(values(trainer, runningKey)).not.toEqual(before.running);
    const evaluation = trainer.evaluate(synthetic(16, 9));
    expect(evaluation.probabilities).toHaveLength(16);
    expect(evaluation.metrics.confusion.flat().reduce((a, b) => a + b, 0)).toBe(16);
    for (const g of evaluation.gates) for (const v of g) expect(v).toBeGreaterThan(0);
    trainer.dispose();
  }, 300_000);

  it('leaves the experts as they are when they are frozen', async () => {
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(2), CONFIG), { ...DEFAULT_FULL_FINETUNE, epochs: 1, batchSize: 8, trainExperts: false, shiftSec: 0.1 });
    const key = 'experts.0.Down2.features1.0.weight';
    const running = 'experts.0.Down1.features1.1.running_var';
    const before = [values(trainer, key), values(trainer, running), values(trainer, 'classifier.net.4.weight')];
    await trainer.fit(synthetic(16, 3), synthetic(8, 4));
    expect(values(trainer, key)).toEqual(before[0]);
    expect(values(trainer, running)).toEqual(before[1]);
    expect(values(trainer, 'classifier.net.4.weight')).not.toEqual(before[2]);
    trainer.dispose();
  }, 300_000);

  it('averages the weights of the epochs from averageFrom on, validates that average and resumes it', async () => {
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 3, batchSize: 8, shiftSec: 0.1, patience: 10, averageFrom: 2 };
    const train = synthetic(16, 11);
    const validation = synthetic(8, 12);
    const key = 'experts.1.Down2.features1.0.weight';
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(6), CONFIG), settings);
    // onEpoch sees the epoch's own weights (training goes on from them, not from the average).
    const perEpoch = await fitRecording(trainer, train, validation, key);
    expect(trainer.history.map((h) => h.averaged)).toEqual([undefined, 1, 2]);
    const average = readSafetensors(trainer.checkpoint().get(FULL_FINETUNE_FILES.average)!).tensors.get(key)!.data;
    const mean = perEpoch[1]!.map((v, i) => (v + perEpoch[2]![i]!) / 2);
    expect(perEpoch[2]).not.toEqual(perEpoch[1]);
    Array.from(average).forEach((v, i) => expect(v).toBeCloseTo(mean[i]!, 6));
    // The weights kept are the best validation loss's: epoch 1's own or an average.
    const kept = values(trainer, key);
    const candidates = [perEpoch[0]!, perEpoch[1]!, Array.from(average)];
    expect(candidates[Math.min(trainer.bestEpoch, 3) - 1]!.every((v, i) => Math.abs(v - kept[i]!) < 1e-6)).toBe(true);
    // A resumed run continues the same average with the same count.
    const again = new FullFinetuner(trainableSpecMoE(stateDict(7), CONFIG), { ...settings, epochs: 4 });
    again.restore(trainer.checkpoint());
    expect(again.averaged).toBe(2);
    const history = await again.fit(train, validation);
    expect(history.at(-1)!.averaged).toBe(3);
    const other = new FullFinetuner(trainableSpecMoE(stateDict(8), CONFIG), { ...settings, averageFrom: 0 });
    expect(() => other.restore(trainer.checkpoint())).toThrow(/averageFrom = 2, this run has 0/);
    for (const t of [trainer, again, other]) t.dispose();
  }, 300_000);

  it('with stopAfter trains exactly that many epochs of the schedule and keeps the last, whatever validation says', async () => {
    // patience 1 would stop early at the first epoch without a better validation loss; stopAfter overrides it.
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 5, batchSize: 8, shiftSec: 0.1, patience: 1, stopAfter: 3 };
    const train = synthetic(16, 21);
    const validation = synthetic(8, 22);
    const key = 'experts.0.Down2.features1.0.weight';
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(10), CONFIG), settings);
    const perEpoch = await fitRecording(trainer, train, validation, key);
    expect(trainer.history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(trainer.bestEpoch).toBe(3);
    expect(values(trainer, key)).toEqual(perEpoch[2]);
    // A checkpoint of an early-stopping run, resumed with stopAfter at its epoch, keeps that epoch's weights as they are.
    const early = new FullFinetuner(trainableSpecMoE(stateDict(11), CONFIG), { ...settings, stopAfter: 0, patience: 99, epochs: 2 });
    await early.fit(train, validation);
    const atTwo = readSafetensors(early.checkpoint().get(FULL_FINETUNE_FILES.weights)!).tensors.get(key)!.data;
    const resumed = new FullFinetuner(trainableSpecMoE(stateDict(12), CONFIG), { ...settings, stopAfter: 2 });
    resumed.restore(early.checkpoint());
    expect(await resumed.fit(train, validation)).toHaveLength(2);
    expect(resumed.bestEpoch).toBe(2);
    expect(values(resumed, key)).toEqual(Array.from(atTwo));
    // Past the fixed epoch, its weights are gone: refused, not silently replaced by the best one.
    const late = new FullFinetuner(trainableSpecMoE(stateDict(12), CONFIG), { ...settings, stopAfter: 1 });
    late.restore(early.checkpoint());
    await expect(late.fit(train, validation)).rejects.toThrow(/after epoch 2, past --stop-after 1/);
    for (const t of [trainer, early, resumed, late]) t.dispose();
  }, 300_000);

  it('evaluates windows shifted within the trial margin: the same as trials cut at that place, and refuses a shift past it', () => {
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(5), CONFIG), DEFAULT_FULL_FINETUNE);
    const set = synthetic(6, 11);
    const span = set.length + 2 * set.margin;
    // The same trials cut 0.2 s (40 samples) later, with no margin left.
    const x = new Float32Array(set.n * set.nChannels * set.length);
    for (let r = 0; r < set.n * set.nChannels; r++) x.set(set.x.subarray(r * span + set.margin + 40, r * span + set.margin + 40 + set.length), r * set.length);
    const cut = { ...set, margin: 0, x };
    const shifted = trainer.evaluate(set, undefined, undefined, 0.2);
    const expected = trainer.evaluate(cut);
    // The same samples go through the same operations: equal to the last bit.
    expect(shifted.probabilities).toEqual(expected.probabilities);
    expect(shifted.probabilities.flat()).not.toEqual(trainer.evaluate(set).probabilities.flat());
    expect(() => trainer.evaluate(set, undefined, undefined, -0.3)).toThrow(/shifted by -0.3 s needs trials read with a margin of at least that much \(they have 0.25 s\)/);
  });

  it("with batch normalisation, a trial's prediction depends on the statistics of its batch (AdaBN); with the running ones it does not", () => {
    const trainer = new FullFinetuner(trainableSpecMoE(stateDict(4), CONFIG), DEFAULT_FULL_FINETUNE);
    const set = synthetic(8, 3);
    const p = (batchSize: number, mode: 'running' | 'batch') => trainer.evaluate(set, undefined, batchSize, 0, mode).probabilities.flat();
    const running = p(8, 'running');
    p(4, 'running').forEach((v, i) => expect(v).toBeCloseTo(running[i]!, 5));
    const whole = p(8, 'batch');
    expect(Math.max(...p(4, 'batch').map((v, i) => Math.abs(v - whole[i]!)))).toBeGreaterThan(1e-4);
    expect(Math.max(...whole.map((v, i) => Math.abs(v - running[i]!)))).toBeGreaterThan(1e-4);
    trainer.dispose();
  });

  it('with gateWeightScale moves the gate weights that many times further in the first step, and keeps it in checkpoints', async () => {
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 1, batchSize: 16, shiftSec: 0, channelDropout: 0 };
    const key = 'gate_LinearT_3.weight';
    const moved = async (gateWeightScale: number) => {
      const trainer = new FullFinetuner(trainableSpecMoE(stateDict(21), CONFIG), { ...settings, gateWeightScale });
      const before = values(trainer, key);
      await trainer.fit(synthetic(16, 3), synthetic(4, 4));
      return { trainer, step: values(trainer, key).map((v, i) => v - before[i]! * (1 - settings.gateLearningRate * settings.weightDecay)) };
    };
    const plain = await moved(1);
    const scaled = await moved(10);
    // One step (16 trials, batch 16): the same Adam step, ten times longer; the bias's step is the same.
    scaled.step.forEach((d, i) => expect(d).toBeCloseTo(10 * plain.step[i]!, 4));
    expect(Math.max(...plain.step.map(Math.abs))).toBeGreaterThan(1e-4);
    expect(values(scaled.trainer, 'gate_LinearT_3.bias')).toEqual(values(plain.trainer, 'gate_LinearT_3.bias'));
    expect(() => plain.trainer.restore(scaled.trainer.checkpoint())).toThrow(/gateWeightScale = 10, this run has 1/);
    expect(() => new FullFinetuner(plain.trainer.model, { ...settings, gateWeightScale: 0 })).toThrow(/--gate-weight-scale.*got 0/);
    for (const t of [plain.trainer, scaled.trainer]) t.dispose();
  }, 120_000);

  it('mixes each window with its own λ, sample for sample', () => {
    const a = Float32Array.from([1, 2, 3, 4, 10, 20, 30, 40]);
    const b = Float32Array.from([0, 0, 0, 0, 50, 60, 70, 80]);
    expect(Array.from(mixWindows(a, b, Float32Array.from([0.25, 0.5])))).toEqual([0.25, 0.5, 0.75, 1, 30, 40, 50, 60]);
  });

  it('with mixup trains on mixed windows and labels, lowers the loss, keeps α in checkpoints and refuses a negative α', async () => {
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 4, batchSize: 8, shiftSec: 0, channelDropout: 0, patience: 10, headLearningRate: 3e-3, expertLearningRate: 1e-3 };
    const train = synthetic(32, 7);
    const validation = synthetic(16, 8);
    const key = 'classifier.net.4.weight';
    const plain = new FullFinetuner(trainableSpecMoE(stateDict(31), CONFIG), { ...settings, epochs: 1 });
    await plain.fit(train, validation);
    const mixing = new FullFinetuner(trainableSpecMoE(stateDict(31), CONFIG), { ...settings, mixup: 0.4 });
    const history = await mixing.fit(train, validation);
    // The same start and order: the first epoch's steps differ only by the mixing.
    expect(history[0]!.trainLoss).not.toBeCloseTo(plain.history[0]!.trainLoss, 6);
    expect(history.at(-1)!.trainLoss).toBeLessThan(history[0]!.trainLoss);
    expect(values(mixing, key)).not.toEqual(values(plain, key));
    expect(() => plain.restore(mixing.checkpoint())).toThrow(/mixup = 0.4, this run has 0/);
    expect(() => new FullFinetuner(plain.model, { ...settings, mixup: -1 })).toThrow(/--mixup.*got -1/);
    for (const t of [plain, mixing]) t.dispose();
  }, 300_000);

  it('refuses a fixed epoch count outside the schedule, naming the option', () => {
    const model = trainableSpecMoE(stateDict(13), CONFIG);
    for (const stopAfter of [1.5, -1, 31]) expect(() => new FullFinetuner(model, { ...DEFAULT_FULL_FINETUNE, stopAfter })).toThrow(/--stop-after.*got/);
    model.params.dispose();
  });

  it('refuses an averaging start that is not an epoch number, naming the option', () => {
    const model = trainableSpecMoE(stateDict(9), CONFIG);
    for (const averageFrom of [2.5, -1, Number.NaN]) {
      expect(() => new FullFinetuner(model, { ...DEFAULT_FULL_FINETUNE, averageFrom })).toThrow(/--average-from.*got/);
    }
    model.params.dispose();
  });

  it('resumes from a checkpoint with the same weights, moments, epoch and history, and refuses a different setup', async () => {
    const settings = { ...DEFAULT_FULL_FINETUNE, epochs: 3, batchSize: 8, shiftSec: 0.1 };
    const train = synthetic(16, 5);
    const validation = synthetic(8, 6);
    const first = new FullFinetuner(trainableSpecMoE(stateDict(3), CONFIG), { ...settings });
    const stop = new AbortController();
    await first.fit(train, validation, { onEpoch: (r) => (r.epoch === 2 ? stop.abort() : undefined), signal: stop.signal });
    expect(first.epoch).toBe(2);
    const files = first.checkpoint({ trainSec: 12 });
    const second = new FullFinetuner(trainableSpecMoE(stateDict(4), CONFIG), { ...settings });
    expect(second.restore(files)).toEqual({ trainSec: 12 });
    expect(second.epoch).toBe(2);
    expect(second.history).toEqual(first.history);
    for (const key of ['experts.0.Down1.features1.0.weight', 'experts.2.Bottom2.features.4.weight', 'gate_LinearT_1.bias', 'experts.1.Down3.features1.1.running_var']) {
      expect(values(second, key)).toEqual(values(first, key));
    }
    // Weights, best weights and every group's AdamW moments and step counts come back byte for byte.
    const again = second.checkpoint({ trainSec: 12 });
    for (const [name, bytes] of files) expect(again.get(name)).toEqual(bytes);
    const history = await second.fit(train, validation);
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    const other = new FullFinetuner(trainableSpecMoE(stateDict(5), CONFIG), { ...settings, batchSize: 4 });
    expect(() => other.restore(files)).toThrow(/batchSize = 8, this run has 4/);
    for (const t of [first, second, other]) t.dispose();
  }, 300_000);
});
