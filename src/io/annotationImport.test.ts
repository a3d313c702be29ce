import { describe, expect, it } from 'vitest';
import { fileSource, openRecordingFile } from '../cli/files';
import { annotationTarget, importAnnotations, withAnnotations } from './annotationImport';
import { AnnotationFileError, readAnnotationTable } from './annotationTable';
import { blobSource } from './sources';

// Sleep-EDF's SC4001 night (vendored e2e fixtures): the first 300 s of the PSG and the whole night's hypnogram.
const PSG = 'e2e/fixtures/short_psg.edf.gz';
const HYPNOGRAM = 'e2e/fixtures/SC4001EC-Hypnogram.edf.gz';
const text = (name: string, body: string) => blobSource(new Blob([body]), name);
const START = new Date(Date.UTC(1989, 3, 24, 16, 13, 0));
const target = { startDate: START, clockStartSec: 0, clockEndSec: 300 };

describe('annotations from an EDF+ annotation file', () => {
  it("lays Sleep-EDF's hypnogram over its PSG by the header start times, keeping the rest of the night with a warning", async () => {
    const psg = await openRecordingFile(PSG);
    const hypnogram = await fileSource(HYPNOGRAM);
    try {
      const imported = await importAnnotations(hypnogram, annotationTarget(psg));
      expect(annotationTarget(psg)).toEqual(target);
      expect(imported.shiftSec).toBe(0);
      expect(imported.annotations).toHaveLength(154);
      expect(imported.annotations[0]).toEqual({ onsetSec: 0, durationSec: 30_630, description: 'Sleep stage W' });
      expect(imported.outside).toBe(153);
      expect(imported.warnings).toEqual(['153 of the 154 annotations of SC4001EC-Hypnogram.edf.gz lie outside the recording (kept, not drawn)']);
      // The merged recording reads the PSG's samples and holds both files' annotations.
      const merged = withAnnotations(psg, imported.annotations);
      expect(merged.annotations).toHaveLength(154);
      expect(merged.header.channels[0]!.label).toBe('EEG Fpz-Cz');
      expect((await merged.readChannels([0], 0, 1))[0]).toEqual((await psg.readChannels([0], 0, 1))[0]);
    } finally {
      await psg.close();
      await hypnogram.close?.();
    }
  });

  it('shifts onsets by the difference of the start times', async () => {
    const hypnogram = await fileSource(HYPNOGRAM);
    const later = { ...target, startDate: new Date(START.getTime() + 90_000) };
    const imported = await importAnnotations(hypnogram, later);
    await hypnogram.close?.();
    expect(imported.shiftSec).toBe(-90);
    expect(imported.annotations[0]!.onsetSec).toBe(-90);
    expect(imported.annotations[1]).toEqual({ onsetSec: 30_540, durationSec: 120, description: 'Sleep stage 1' });
  });

  it('refuses a file that overlaps nothing of the recording, saying both spans', async () => {
    const hypnogram = await fileSource(HYPNOGRAM);
    const nextWeek = { ...target, startDate: new Date(START.getTime() + 7 * 86_400_000) };
    await expect(importAnnotations(hypnogram, nextWeek)).rejects.toThrow(
      'the 154 annotations of SC4001EC-Hypnogram.edf.gz (1989-04-24 16:13:00 to 1989-04-25 16:13:00) do not overlap the recording (1989-05-01 16:13:00 to 1989-05-01 16:18:00): is the file for another recording?',
    );
    await hypnogram.close?.();
  });

  it('refuses a recording without annotations as the annotation file', async () => {
    const psg = await fileSource(PSG);
    await expect(importAnnotations(psg, target)).rejects.toThrow('short_psg.edf.gz holds no annotations (7 data channels, format EDF): choose its EDF+ annotation file');
    await psg.close?.();
  });
});

describe('annotations from CSV/TSV tables', () => {
  it('reads onset, duration, description with a header, quotes and a TSV alike', async () => {
    const csv = await importAnnotations(text('scoring.csv', 'onset,duration,description\n0,30,W\n30,30,"N2, light"\n60,,spindle\n'), target);
    expect(csv.annotations).toEqual([
      { onsetSec: 0, durationSec: 30, description: 'W' },
      { onsetSec: 30, durationSec: 30, description: 'N2, light' },
      { onsetSec: 60, durationSec: null, description: 'spindle' },
    ]);
    const tsv = await importAnnotations(text('scoring.tsv', 'Description\tOnset\tDuration\r\nW\t0\t30\r\nN1\t30\t30\r\n'), target);
    expect(tsv.annotations.map((a) => [a.onsetSec, a.description])).toEqual([[0, 'W'], [30, 'N1']]);
  });

  it("reads MNE-Python's saved annotations: the .txt with seconds and the .csv with date-times", async () => {
    const txt = await importAnnotations(text('a.txt', '# MNE-Annotations\n# onset, duration, description\n3.14, 1.0, AA\n12.5, 0.0, BB\n'), target);
    expect(txt.annotations.map((a) => [a.onsetSec, a.durationSec, a.description])).toEqual([[3.14, 1, 'AA'], [12.5, 0, 'BB']]);
    const csv = await importAnnotations(text('a.csv', 'onset,duration,description\n1989-04-24 16:13:30.500000,30.0,Sleep stage W\n'), target);
    expect(csv.annotations[0]).toEqual({ onsetSec: 30.5, durationSec: 30, description: 'Sleep stage W' });
  });

  it('places clock times of day after the start, past midnight too', async () => {
    const night = { startDate: new Date(Date.UTC(2024, 0, 31, 22, 0, 0)), clockStartSec: 0, clockEndSec: 10 * 3600 };
    const rows = await importAnnotations(text('night.csv', '22:00:30,30,W\n01:15:00,30,N3\n'), night);
    expect(rows.annotations.map((a) => a.onsetSec)).toEqual([30, 3 * 3600 + 15 * 60]);
  });

  it('says which line and column is wrong', () => {
    expect(() => readAnnotationTable('onset,duration,description\n0,30,W\nsoon,30,N1\n', 'x.csv')).toThrow('x.csv line 3, column 1: onset "soon" is not seconds, a date-time (2024-01-31 23:15:00) or a clock time (23:15:00)');
    expect(() => readAnnotationTable('0,-5,W\n', 'x.csv')).toThrow('x.csv line 1, column 2: duration "-5" is not a number of seconds ≥ 0');
    expect(() => readAnnotationTable('start,stop,what\n0,30,W\n', 'x.csv')).toThrow(/x.csv line 1: the header \("start", "stop", "what"\) has no description column/);
    expect(() => readAnnotationTable('onset,duration,description\n0,30\n', 'x.csv')).toThrow('x.csv line 2: expected 3 columns separated by ",", found 2');
    expect(() => readAnnotationTable('# nothing\n\n', 'x.csv')).toThrow(AnnotationFileError);
  });

  it('refuses clock times when the recording has no start date, and tables that miss the recording', async () => {
    await expect(importAnnotations(text('a.csv', '16:14:00,30,W\n'), { ...target, startDate: null })).rejects.toThrow("a.csv line 1: onsets are clock times, but the recording's start date is unknown");
    await expect(importAnnotations(text('a.csv', '400,30,W\n500,30,N1\n'), target)).rejects.toThrow(/the 2 annotations of a.csv \(1989-04-24 16:19:40 to 1989-04-24 16:21:50\) do not overlap the recording/);
  });
});
