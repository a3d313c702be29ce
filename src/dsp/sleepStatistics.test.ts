import { describe, expect, it } from 'vitest';
import { ARTEFACT, UNSCORED } from './hypnogram';
import { sleepStatistics } from './sleepStatistics';

describe('sleep statistics (YASA definitions)', () => {
  it('computes TIB, SPT, WASO, TST, SE, SME, stage minutes, percentages and latencies of a worked example', () => {
    //            0  1  2  3  4  5  6  7  8  9 10 11 12
    const epochs = [0, 0, 1, 2, 2, 0, 3, 4, 2, ARTEFACT, 0, 0, UNSCORED];
    const s = sleepStatistics(epochs, 30);
    expect(s.timeInBedMin).toBe(6.5); // 13 epochs
    expect(s.sleepPeriodMin).toBe(3.5); // epochs 2–8
    expect(s.wakeAfterSleepOnsetMin).toBe(0.5); // epoch 5
    expect(s.totalSleepMin).toBe(3); // 6 sleep epochs in SPT
    expect(s.sleepEfficiencyPct).toBeCloseTo((100 * 3) / 6.5, 10);
    expect(s.sleepMaintenanceEfficiencyPct).toBeCloseTo((100 * 3) / 3.5, 10);
    expect(s.stageMin).toEqual({ W: 2.5, N1: 0.5, N2: 1.5, N3: 0.5, REM: 0.5 });
    expect(s.nremMin).toBe(2.5);
    expect(s.stagePctOfSleep!.N2).toBeCloseTo(50, 10);
    expect(s.stagePctOfSleep!.NREM).toBeCloseTo((100 * 2.5) / 3, 10);
    expect(s.sleepOnsetLatencyMin).toBe(1);
    expect(s.stageLatencyMin).toEqual({ N1: 1, N2: 1.5, N3: 3, REM: 3.5 });
    expect(s.remLatencyAfterOnsetMin).toBe(2.5);
    expect(s.artefactMin).toBe(0.5);
    expect(s.unscoredMin).toBe(0.5);
  });

  it('says "none" rather than inventing numbers when there is no sleep', () => {
    const s = sleepStatistics([0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 30);
    expect(s.timeInBedMin).toBe(5);
    expect(s.totalSleepMin).toBe(0);
    expect(s.sleepEfficiencyPct).toBe(0);
    expect(s.sleepMaintenanceEfficiencyPct).toBeNull();
    expect(s.sleepOnsetLatencyMin).toBeNull();
    expect(s.stagePctOfSleep).toBeNull();
    expect(s.stageLatencyMin.REM).toBeNull();
    expect(s.stageMin.W).toBe(5);
  });
});
