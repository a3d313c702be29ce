import { describe, expect, it } from 'vitest';
import { fileSource } from '../cli/files';
import { PAPER_MASK_PARAMS } from '../dsp/masks';
import { openRecording } from '../io/open';
import { initBackend } from '../runtime/backend';
import { initExpertParams } from '../model/init';
import { REPO_ROOT } from '../testing/shared';
import { PAPER_ADAMW } from './adamw';
import { checkpointFiles, restoreCheckpoint } from './checkpoint';
import { Pretrainer } from './pretrain';
import { extractWindows } from './pretrainData';
import { evaluateReconstruction } from './reconstructionEval';

const CHANNELS = ['C3', 'Cz', 'C4', 'FCz'];

describe('pretraining pipeline on a tiny config (vendored demo recording S001R04)', () => {
  it('masks real EEG windows and lowers the reconstruction loss within a few AdamW steps', async () => {
    await initBackend(['wasm']);
    const recording = await openRecording(await fileSource(`${REPO_ROOT}/public/demo/S001R04.edf.gz`));
    const { windows, dropped } = await extractWindows(recording, 'S001R04', {
      channels: CHANNELS,
      windowSec: 2.4,
      sampleRateHz: 200,
      artifactUv: 200,
      lowHz: 0.3,
      highHz: 75,
      notchHz: 60,
    });
    await recording.close();
    expect(windows.length + dropped).toBe(52); // 125 s / 2.4 s
    expect(windows.length).toBeGreaterThan(8);
    const expert = { d1: 4, d2: 8, d3: 8, up3Mid: 4, heads: 2, auxChannels: CHANNELS.length };
    const trainer = new Pretrainer(
      {
        expert,
        batchSize: 4,
        totalSteps: 24,
        optimizer: { ...PAPER_ADAMW, learningRate: 3e-3 },
        minLearningRate: 1e-4,
        clipNorm: 5,
        mask: PAPER_MASK_PARAMS,
        seed: 7,
        sampleRateHz: 200,
      },
      initExpertParams(expert, 1),
      windows.slice(0, 8),
    );
    for (let i = 0; i < 24; i++) trainer.trainStep();
    const losses = trainer.history.map((r) => r.total);
    expect(losses.every(Number.isFinite)).toBe(true);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-6))).toBeLessThan(0.8 * mean(losses.slice(0, 6)));

    // A checkpoint restores weights, running statistics and AdamW moments exactly into a fresh run.
    const files = checkpointFiles(trainer.expert.params, trainer.optimizer, { settings: trainer.settings, step: trainer.step, history: trainer.history, notes: {} });
    const fresh = new Pretrainer(trainer.settings, initExpertParams(expert, 99), windows.slice(0, 8));
    const state = restoreCheckpoint(files, fresh.expert.params, fresh.optimizer);
    expect(state.step).toBe(24);
    expect(fresh.step).toBe(24);
    for (const [key, t] of trainer.expert.params.entries()) expect(Array.from(fresh.expert.params.get(key).dataSync()), key).toEqual(Array.from(t.dataSync()));
    const [someKey, moment] = [...trainer.optimizer.moments][5]!;
    expect(Array.from(fresh.optimizer.moments.get(someKey)!.v.dataSync())).toEqual(Array.from(moment.v.dataSync()));

    // A run stopped after 20 steps and resumed from its checkpoint goes on exactly as an uninterrupted one: the same
    // windows and masks at every step, so the same losses.
    const settings = { ...trainer.settings, totalSteps: 23 };
    const uninterrupted = new Pretrainer(settings, initExpertParams(expert, 1), windows.slice(0, 8));
    for (let i = 0; i < 23; i++) uninterrupted.trainStep();
    const stopped = new Pretrainer(settings, initExpertParams(expert, 1), windows.slice(0, 8));
    for (let i = 0; i < 20; i++) stopped.trainStep();
    const resumed = new Pretrainer(settings, initExpertParams(expert, 99), windows.slice(0, 8));
    restoreCheckpoint(checkpointFiles(stopped.expert.params, stopped.optimizer, { settings, step: stopped.step, history: [], notes: {} }), resumed.expert.params, resumed.optimizer);
    expect([0, 1, 2].map(() => resumed.trainStep().total)).toEqual(uninterrupted.history.slice(20).map((r) => r.total));

    // The held-out report: both error kinds for the masked input and both branches, in every band.
    const report = evaluateReconstruction(trainer.expert, windows.slice(8, 10), CHANNELS.length, PAPER_MASK_PARAMS, 3);
    expect(report.map((b) => b.band)).toEqual(['delta', 'theta', 'alpha', 'beta', 'gamma']);
    for (const b of report) {
      for (const e of [b.waveform, b.magnitude, b.maskedRegions]) {
        expect(e.masked).toBeGreaterThan(0);
        expect(Number.isFinite(e.dec1) && Number.isFinite(e.dec2)).toBe(true);
      }
    }
    for (const t of [trainer, fresh, uninterrupted, stopped, resumed]) {
      t.expert.params.dispose();
      t.optimizer.dispose();
    }
  });
});
