// The sleep report of Sleep-EDF's short PSG: scored hypnograms from its hypnogram file or a CSV, a decode's
// hypnogram beside it, statistics and epoch-by-epoch agreement.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RecordingService } from './recordingService';
import { isSleepStaging, sleepReport } from './sleepService';

const fixture = (name: string) => new Blob([readFileSync(`e2e/fixtures/${name}`)]);

async function psgWith(annotations: Blob, name: string): Promise<RecordingService> {
  const service = new RecordingService();
  await service.open(fixture('short_psg.edf.gz'), 'short_psg.edf.gz');
  await service.addAnnotations(annotations, name);
  return service;
}

const rows = (classes: string[]) => classes.map((className, i) => ({ onsetSec: 30 * i, durationSec: 30, className }));

describe('sleep report', () => {
  it('knows sleep-staging class lists', () => {
    expect(isSleepStaging(['W', 'N1', 'N2', 'N3', 'REM'])).toBe(true);
    expect(isSleepStaging(['Sleep stage W', 'Sleep stage R'])).toBe(true);
    expect(isSleepStaging(['left fist', 'right fist'])).toBe(false);
  });

  it("scores the PSG's 300 s from the night's hypnogram: ten epochs of wake, no sleep", async () => {
    const service = await psgWith(fixture('SC4001EC-Hypnogram.edf.gz'), 'SC4001EC-Hypnogram.edf.gz');
    const report = sleepReport(service.require(), null)!;
    expect(report.stages).toEqual(['W', 'N1', 'N2', 'N3', 'REM']);
    expect(report.scored!.startSec).toBe(0);
    expect(Array.from(report.scored!.epochs)).toEqual(new Array(10).fill(0));
    expect(report.scored!.statistics.timeInBedMin).toBe(5);
    expect(report.scored!.statistics.totalSleepMin).toBe(0);
    expect(report.predicted).toBeNull();
    expect(report.agreement).toBeNull();
  });

  it('compares a decode with the scoring epoch by epoch: accuracy, κ and the confusion matrix', async () => {
    const csv = 'onset,duration,description\n0,60,W\n60,60,N1\n120,90,N2\n210,90,REM\n';
    const service = await psgWith(new Blob([csv]), 'scoring.csv');
    const recording = service.require();
    const report = sleepReport(recording, { model: 'sleep head', rows: rows(['W', 'W', 'N1', 'N2', 'N2', 'N2', 'N2', 'REM', 'REM', 'W']) })!;
    expect(Array.from(report.scored!.epochs)).toEqual([0, 0, 1, 1, 2, 2, 2, 4, 4, 4]);
    expect(Array.from(report.predicted!.epochs)).toEqual([0, 0, 1, 2, 2, 2, 2, 4, 4, 0]);
    expect(report.predicted!.model).toBe('sleep head');
    const agreement = report.agreement!;
    expect(agreement.epochs).toBe(10);
    expect(agreement.accuracy).toBeCloseTo(0.8, 12);
    // κ = (p_o − p_e) / (1 − p_e), p_e = Σ scored_k · predicted_k / n² = (2·3 + 2·1 + 3·4 + 3·2) / 100.
    expect(agreement.kappa).toBeCloseTo((0.8 - 0.26) / (1 - 0.26), 12);
    expect(agreement.confusion).toEqual([
      [2, 0, 0, 0, 0],
      [0, 1, 1, 0, 0],
      [0, 0, 3, 0, 0],
      [0, 0, 0, 0, 0],
      [1, 0, 0, 0, 2],
    ]);
    // The predicted hypnogram's own statistics: sleep from epoch 2 to 8, one wake epoch after it.
    expect(report.predicted!.statistics.sleepOnsetLatencyMin).toBe(1);
    expect(report.predicted!.statistics.totalSleepMin).toBe(3.5);
    expect(report.predicted!.statistics.wakeAfterSleepOnsetMin).toBe(0);
    await service.require().close();
  });

  it('has nothing to report for a recording without scoring or a sleep decode', async () => {
    const service = new RecordingService();
    await service.open(fixture('short_psg.edf.gz'), 'short_psg.edf.gz');
    expect(sleepReport(service.require(), null)).toBeNull();
  });
});
