import { describe, expect, it } from 'vitest';
import { cutSegments, mapChannels, paddedLengthOf, prepareChannels, segmentPositions } from './segments';

const eegmmidb = ['Fc5.', 'Fc3.', 'C3..', 'Cz..', 'C4..', 'T7..', 'P7..', 'O1..', 'Fp1.', 'F7..'].map((label) => ({ label, unit: 'uV', sampleRateHz: 160 }));

describe('channel mapping', () => {
  it('picks referential channels in model order and derives bipolar pairs from their electrodes', () => {
    const ref = mapChannels(eegmmidb, ['C4', 'FC3', 'Pz'], 'referential');
    expect(ref.sources).toEqual([{ kind: 'channel', index: 4 }, { kind: 'channel', index: 1 }, { kind: 'missing' }]);
    expect(ref.missing).toEqual(['Pz']);
    const bip = mapChannels(eegmmidb, ['FP1-F7', 'T3-T5', 'C3-Cz'], 'bipolar');
    expect(bip.sources).toEqual([
      { kind: 'derived', plus: 8, minus: 9 },
      { kind: 'derived', plus: 5, minus: 6 }, // T3 = T7, T5 = P7
      { kind: 'derived', plus: 2, minus: 3 },
    ]);
  });

  it('uses a recording channel that already is the derivation, and user overrides', () => {
    const sleep = [{ label: 'EEG Fpz-Cz', unit: 'uV', sampleRateHz: 100 }, { label: 'EEG Pz-Oz', unit: 'uV', sampleRateHz: 100 }, { label: 'Temp rectal', unit: 'DegC', sampleRateHz: 1 }];
    const m = mapChannels(sleep, ['F4-M1', 'C4-M1'], 'bipolar', { 'F4-M1': 'EEG Fpz-Cz', 'C4-M1': 'EEG Pz-Oz' });
    expect(m.sources).toEqual([{ kind: 'channel', index: 0 }, { kind: 'channel', index: 1 }]);
    expect(mapChannels(sleep, ['Fpz-Cz'], 'bipolar').sources).toEqual([{ kind: 'channel', index: 0 }]);
    // Free montages take EEG channels in file order (the temperature channel is not a voltage).
    expect(mapChannels(sleep, ['a', 'b', 'c'], 'free').sources).toEqual([{ kind: 'channel', index: 0 }, { kind: 'channel', index: 1 }, { kind: 'missing' }]);
    // A mouse recording's EEG and EMG alternate: the EMG channels are not depth inputs.
    const mouse = ['EEG09', 'EMG09', 'EEG10', 'EMG10'].map((label) => ({ label, unit: 'uV', sampleRateHz: 128 }));
    expect(mapChannels(mouse, ['depth 1', 'depth 2'], 'free').sources).toEqual([{ kind: 'channel', index: 0 }, { kind: 'channel', index: 2 }]);
  });

  it("takes a free task's channels by name or from EEG channels only, never from the EOG, EMG or respiration", () => {
    // Sleep-EDF's PSG: the task's Fpz-Cz and Pz-Oz by name; a third free channel finds no EEG left.
    const psg = [['EEG Fpz-Cz', 'uV'], ['EEG Pz-Oz', 'uV'], ['EOG horizontal', 'uV'], ['Resp oro-nasal', ''], ['EMG submental', 'uV']].map(([label, unit]) => ({ label: label!, unit: unit!, sampleRateHz: 100 }));
    expect(mapChannels(psg, ['Fpz-Cz', 'Pz-Oz'], 'free').sources).toEqual([{ kind: 'channel', index: 0 }, { kind: 'channel', index: 1 }]);
    expect(mapChannels(psg, ['depth 1', 'depth 2', 'depth 3'], 'free').missing).toEqual(['depth 3']);
    // A mouse recording whose EMG channels come first: the free channels are its EEG ones.
    const mouse = ['EMG1', 'EMG2', 'EEG1', 'EEG2'].map((label) => ({ label, unit: 'uV', sampleRateHz: 128 }));
    expect(mapChannels(mouse, ['depth 1', 'depth 2'], 'free').sources).toEqual([{ kind: 'channel', index: 2 }, { kind: 'channel', index: 3 }]);
  });
});

describe('segments', () => {
  it('converts mV to µV, resamples 160 → 200 Hz, derives, and fills missing channels with zeros', async () => {
    const rec = [{ label: 'C3', unit: 'mV', sampleRateHz: 160 }, { label: 'C4', unit: 'uV', sampleRateHz: 160 }];
    const data = [new Float32Array(1600).fill(0.01), new Float32Array(1600).fill(3)];
    const map = mapChannels(rec, ['C3', 'C4', 'C3-C4', 'Pz'], 'bipolar');
    const out = await prepareChannels(rec, map, async (i) => data[i]!, { sampleRateHz: 200, filter: null });
    expect(out.map((c) => c.length)).toEqual([2000, 2000, 2000, 2000]);
    expect(out[0]![1000]).toBeCloseTo(10, 5);
    expect(out[1]![1000]).toBeCloseTo(3, 9);
    expect(out[2]![1000]).toBeCloseTo(7, 5);
    expect(out[3]![1000]).toBe(0);
  });

  it('cuts back-to-back segments, scales µV/100, pads to 120 and builds the positions', () => {
    const signal = Float64Array.from({ length: 2000 }, (_, i) => i);
    const s = cutSegments([signal, signal], 200, 4);
    expect(s.nSegments).toBe(2); // 10 s of data, 4-s segments
    expect([s.length, s.paddedLength]).toEqual([800, 840]);
    expect(s.onsetsSec).toEqual([0, 4]);
    expect(s.x[0 * 840 + 5]).toBeCloseTo(0.05, 6);
    expect(s.x[(1 * 2 + 1) * 840 + 0]).toBeCloseTo(8, 6); // segment 1 channel 1 starts at sample 800
    expect(s.x[799]).toBeCloseTo(7.99, 5);
    expect(s.x[800]).toBe(0);
    expect(s.times[0]).toBeCloseTo(0.1, 7);
    expect(s.times[799]).toBeCloseTo(1.1, 6);
    expect(s.times[800]).toBe(0);
    expect(Array.from(segmentPositions(3, 120).subarray(0, 4))).toEqual([Math.fround(0.1), Math.fround(0.6), Math.fround(1.1), 0]);
    expect(paddedLengthOf(6000)).toBe(6000);
    expect(cutSegments([signal], 200, 4, [1, 7.5, -1]).onsetsSec).toEqual([1]);
  });
});
