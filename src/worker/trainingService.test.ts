// Training recordings given as a PSG with its hypnogram: what the table shows and the default sleep label map.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ModelService } from './modelService';
import { TrainingService } from './trainingService';

const fixture = (name: string) => new Blob([readFileSync(`e2e/fixtures/${name}`)]);

describe('sleep training pairs', () => {
  it("lays the hypnogram over the PSG, counts only the annotations inside it, and maps the whole file's stage texts", async () => {
    const training = new TrainingService(new ModelService());
    const summary = await training.addPair(fixture('short_psg.edf.gz'), 'short_psg.edf.gz', fixture('SC4001EC-Hypnogram.edf.gz'), 'SC4001EC-Hypnogram.edf.gz', 'train');
    expect(summary).toEqual({ id: 'short_psg', name: 'short_psg.edf.gz + SC4001EC-Hypnogram.edf.gz', subject: 'short_psg', split: 'train', annotations: { 'Sleep stage W': 1 } });
    expect(training.sleepLabelMap()).toBe('Sleep stage W=W,Sleep stage 1=N1,Sleep stage 2=N2,Sleep stage 3=N3,Sleep stage 4=N3,Sleep stage R=REM');
    const again = await training.addPair(fixture('short_psg.edf.gz'), 'short_psg.edf.gz', fixture('SC4001EC-Hypnogram.edf.gz'), 'SC4001EC-Hypnogram.edf.gz', 'validation');
    expect(again.id).toBe("short_psg'");
    await expect(training.addPair(fixture('short_psg.edf.gz'), 'short_psg.edf.gz', new Blob(['0,30,W\n']), 'other-night.csv', 'test').then(() => 'added')).resolves.toBe('added');
    await expect(training.addPair(fixture('short_psg.edf.gz'), 'short_psg.edf.gz', new Blob(['9000,30,W\n']), 'late.csv', 'test')).rejects.toThrow(/do not overlap the recording/);
    await training.remove('short_psg');
    await training.remove("short_psg'");
  });
});
