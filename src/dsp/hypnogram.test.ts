import { describe, expect, it } from 'vitest';
import { ARTEFACT, hypnogramFromAnnotations, sleepLabelMap, stageOf, UNSCORED } from './hypnogram';
import { openRecordingFile } from '../cli/files';

describe('sleep stages from annotation texts', () => {
  it('reads Sleep-EDF, AASM and R&K spellings, merging S3 and S4 into N3', () => {
    const texts = ['Sleep stage W', 'Sleep stage 1', 'Sleep stage 2', 'Sleep stage 3', 'Sleep stage 4', 'Sleep stage R', 'Sleep stage ?', 'Movement time'];
    expect(texts.map(stageOf)).toEqual([0, 1, 2, 3, 3, 4, UNSCORED, ARTEFACT]);
    expect(['W', 'Wake', 'N1', 'S1', 'N2', 'Stage 2', 'N3', 'S4', 'REM', 'R', 'Sleep stage N3', 'sleep_stage_R'].map(stageOf)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 3, 4]);
  });

  it('leaves other annotations alone, bare digits included', () => {
    expect(['T0', 'T1', 'Lights off', '1', '2', 'REC START', 'Stage left'].map(stageOf)).toEqual([null, null, null, null, null, null, null]);
  });

  it('maps the stage texts seen to the five AASM classes in stage order, ignoring movement and unscored epochs', () => {
    const seen = ['Sleep stage ?', 'Sleep stage R', 'Sleep stage 4', 'Sleep stage 3', 'Movement time', 'Sleep stage W', 'Sleep stage 2', 'Sleep stage 1', 'T0'];
    expect(sleepLabelMap(seen)).toBe('Sleep stage W=W,Sleep stage 1=N1,Sleep stage 2=N2,Sleep stage 3=N3,Sleep stage 4=N3,Sleep stage R=REM');
    expect(sleepLabelMap(['T0', 'T1'])).toBe('');
  });
});

describe('hypnograms from scoring annotations', () => {
  const a = (onsetSec: number, durationSec: number | null, description: string) => ({ onsetSec, durationSec, description });

  it('cuts 30-s epochs on the scoring grid, clipped to the span, midpoints deciding', () => {
    const scoring = [a(0, 60, 'Sleep stage W'), a(60, 30, 'Sleep stage 1'), a(90, 90, 'Sleep stage 2'), a(180, 30, 'Movement time'), a(210, 30, 'Sleep stage R'), a(100, null, 'T1')];
    const h = hypnogramFromAnnotations(scoring, 0, 240)!;
    expect(h.epochSec).toBe(30);
    expect(h.startSec).toBe(0);
    expect(Array.from(h.epochs)).toEqual([0, 0, 1, 2, 2, 2, ARTEFACT, 4]);
    // A recording that starts 45 s into the scoring and ends at 200 s: the epochs that start inside it.
    const clipped = hypnogramFromAnnotations(scoring, 45, 200)!;
    expect(clipped.startSec).toBe(60);
    expect(Array.from(clipped.epochs)).toEqual([1, 2, 2, 2]);
  });

  it('lets an annotation without duration last until the next one, and trims unscored ends', () => {
    const h = hypnogramFromAnnotations([a(30, null, 'W'), a(90, null, 'N2'), a(150, 30, 'Sleep stage ?')], 0, 300)!;
    expect(h.startSec).toBe(30);
    expect(Array.from(h.epochs)).toEqual([0, 0, 2, 2]);
  });

  it('reads 20-s R&K epochs in their own length', () => {
    const h = hypnogramFromAnnotations([a(0, 40, 'Sleep stage W'), a(40, 20, 'Sleep stage 2')], 0, 60)!;
    expect(h.epochSec).toBe(20);
    expect(Array.from(h.epochs)).toEqual([0, 0, 2]);
  });

  it('is null without a scored stage in the span', () => {
    expect(hypnogramFromAnnotations([a(0, 30, 'T0')], 0, 100)).toBeNull();
    expect(hypnogramFromAnnotations([a(500, 30, 'Sleep stage W')], 0, 100)).toBeNull();
  });

  it("turns Sleep-EDF's SC4001 hypnogram (vendored e2e fixture) into 2 650 scored epochs whose stage minutes are the annotations' durations", async () => {
    const file = await openRecordingFile('e2e/fixtures/SC4001EC-Hypnogram.edf.gz');
    const h = hypnogramFromAnnotations(file.annotations, 0, 86_400)!;
    await file.close();
    // 154 annotations over 24 h; the final 6 900 s are "Sleep stage ?" and are trimmed.
    expect(h.startSec).toBe(0);
    expect(h.epochs.length).toBe((86_400 - 6_900) / 30);
    const epochsOf = (code: number) => h.epochs.filter((c) => c === code).length;
    expect([0, 1, 2, 3, 4].map(epochsOf)).toEqual([59_910 / 30, 1_740 / 30, 7_500 / 30, (3_030 + 3_570) / 30, 3_750 / 30]);
  });
});
