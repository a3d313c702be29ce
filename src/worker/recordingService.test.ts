// Pages of traces for the viewer, and annotations added from another file, on the demo recording and Sleep-EDF.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { PageRequest } from './api';
import { RecordingService } from './recordingService';

const file = (path: string) => new Blob([readFileSync(path)]);
const request = (patch: Partial<PageRequest> = {}): PageRequest => ({
  startSec: 0, durationSec: 10, montage: 'referential', filter: { highpassHz: null, lowpassHz: null, notchHz: null }, hidden: null, firstTrace: 0, maxTraces: 20, columns: 100, ...patch,
});

describe('trace pages', () => {
  it("shows the demo cap's 19 10-20 electrodes by default, every one of its 64 on request, 20 at a time", async () => {
    const service = new RecordingService();
    const summary = await service.open(file('public/demo/S001R04.edf.gz'), 'S001R04.edf.gz');
    expect(summary.channels.every((c) => c.type === 'eeg')).toBe(true);
    expect(summary.runs).toEqual([{ dataSec: 0, clockSec: 0 }]);
    const first = await service.page(request());
    expect(first.allLabels).toHaveLength(64);
    expect(first.hidden).toHaveLength(45);
    expect(first.shownCount).toBe(19);
    expect(first.traces.map((t) => t.label)).toEqual(['C3..', 'Cz..', 'C4..', 'Fp1.', 'Fp2.', 'F7..', 'F3..', 'Fz..', 'F4..', 'F8..', 'T7..', 'T8..', 'P7..', 'P3..', 'Pz..', 'P4..', 'P8..', 'O1..', 'O2..']);
    // All 64 shown: a window of 20 from position 40, and the last window is kept full.
    const all = await service.page(request({ hidden: [], firstTrace: 40 }));
    expect([all.shownCount, all.firstTrace, all.traces.length, all.traces[0]!.label]).toEqual([64, 40, 20, first.allLabels[40]]);
    const last = await service.page(request({ hidden: [], firstTrace: 60 }));
    expect([last.firstTrace, last.traces.length]).toEqual([44, 20]);
    // µV traces carry their type and the header's physical range in µV.
    expect(first.traces[0]).toMatchObject({ unit: 'µV', type: 'eeg', physicalMin: -8092, physicalMax: 8092 });
    await service.require().close();
  });

  it("types Sleep-EDF's polygraphy and keeps the non-voltage ranges in their own units", async () => {
    const service = new RecordingService();
    const summary = await service.open(file('e2e/fixtures/short_psg.edf.gz'), 'short_psg.edf.gz');
    expect(summary.channels.map((c) => c.type)).toEqual(['eeg', 'eeg', 'eog', 'resp', 'emg', 'other', 'other']);
    const page = await service.page(request({ durationSec: 30 }));
    expect(page.hidden).toEqual([]);
    expect(page.traces.map((t) => [t.label, t.unit, t.type, t.physicalMin, t.physicalMax])).toEqual([
      ['EEG Fpz-Cz', 'µV', 'eeg', -192, 192],
      ['EEG Pz-Oz', 'µV', 'eeg', -197, 196],
      ['EOG horizontal', 'µV', 'eog', -1009, 1009],
      ['Resp oro-nasal', '', 'resp', -2048, 2047],
      ['EMG submental', 'µV', 'emg', -5, 5],
      ['Temp rectal', 'DegC', 'other', 34, 40],
      ['Event marker', '', 'other', -2047, 2048],
    ]);
    // Display filters change the electrophysiology (the 1-Hz chin EMG too), never respiration or temperature.
    const filtered = await service.page(request({ durationSec: 30, filter: { highpassHz: 0.3, lowpassHz: null, notchHz: null } }));
    const same = (label: string) => filtered.traces.find((t) => t.label === label)!.max.every((v, i) => v === page.traces.find((t) => t.label === label)!.max[i]);
    expect(['EEG Fpz-Cz', 'EOG horizontal', 'EMG submental', 'Resp oro-nasal', 'Temp rectal'].map(same)).toEqual([false, false, false, true, true]);
    await service.require().close();
  });
});

describe('annotations added from another file', () => {
  it('merges them into the summary, marked with their file, and keeps them apart from a newly opened recording', async () => {
    const service = new RecordingService();
    await service.open(file('e2e/fixtures/short_psg.edf.gz'), 'short_psg.edf.gz');
    const added = await service.addAnnotations(file('e2e/fixtures/SC4001EC-Hypnogram.edf.gz'), 'SC4001EC-Hypnogram.edf.gz');
    expect([added.added, added.outside, added.shiftSec]).toEqual([154, 153, 0]);
    expect(added.recording.annotations).toHaveLength(154);
    expect(added.recording.annotations[0]).toEqual({ onsetSec: 0, dataSec: 0, durationSec: 30_630, description: 'Sleep stage W', source: 'SC4001EC-Hypnogram.edf.gz' });
    expect(service.require().annotations).toHaveLength(154);
    // A file that does not fit changes nothing.
    await expect(service.addAnnotations(new Blob(['onset,duration,description\n9000,30,W\n']), 'late.csv')).rejects.toThrow(/do not overlap the recording/);
    expect(service.require().annotations).toHaveLength(154);
    const reopened = await service.open(file('e2e/fixtures/short_psg.edf.gz'), 'short_psg.edf.gz');
    expect(reopened.annotations).toHaveLength(0);
    await service.require().close();
  });
});
