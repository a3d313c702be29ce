import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeWithMne, runMne } from '../testing/mne';
import { DATA_DIR, describeShared, REPO_ROOT } from '../testing/shared';
import { edfWithAnnotations } from './edfAnnotatedCopy';
import { writeAnnotationEdf } from './edfAnnotationWriter';
import { openRecording } from './open';
import type { Annotation, Recording } from './recording';
import { blobSource } from './sources';

const DEMO = `${REPO_ROOT}/public/demo/S001R04.edf.gz`;
const openRecordingFile = (path: string) => openRecording(blobSource(new Blob([readFileSync(path)]), path));
const predictions = (n: number, every: number, start = 0): Annotation[] => Array.from({ length: n }, (_, i) => ({ onsetSec: start + i * every, durationSec: every, description: i % 2 ? 'right fist' : 'left fist' }));

async function copyOf(recording: Recording, added: readonly Annotation[], startDate: Date | null): Promise<Recording> {
  const blob = await edfWithAnnotations(recording.source, {
    recordStartTimesSec: recording.recordStartTimesSec,
    annotations: [...recording.annotations, ...added],
    header: { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate },
  });
  return openRecording(blobSource(blob, 'copy.edf'));
}

async function sameSamples(a: Recording, b: Recording): Promise<void> {
  expect(b.header.channels.map((c) => [c.label, c.unit, c.sampleRateHz, c.nSamples])).toEqual(a.header.channels.map((c) => [c.label, c.unit, c.sampleRateHz, c.nSamples]));
  for (const channel of [0, a.header.channels.length - 1]) {
    const n = a.header.channels[channel]!.nSamples;
    expect(await b.readSamples(channel, 0, n)).toEqual(await a.readSamples(channel, 0, n));
  }
}

describeShared('a recording copied with predictions as EDF+ annotations', () => {
  it('keeps every signal sample and annotation of the demo, adds the predictions, and can be de-identified', async () => {
    const demo = await openRecordingFile(DEMO);
    const added = predictions(31, 4);
    const copy = await copyOf(demo, added, null);
    expect(copy.header.format).toBe('EDF+C');
    await sameSamples(demo, copy);
    const key = (a: Annotation) => `${a.onsetSec}|${a.durationSec}|${a.description}`;
    expect(copy.annotations.map(key).sort()).toEqual([...demo.annotations, ...added].map(key).sort());
    expect(copy.recordStartTimesSec).toEqual(demo.recordStartTimesSec);
    expect([copy.header.patientId, copy.header.recordingId, copy.header.startDateField, copy.header.startTimeField]).toEqual(['X X X X', 'Startdate X X X X', '01.01.85', '00.00.00']);
  });

  it('keeps the gaps of EDF+D and BDF+D files and adds annotations to a plain EDF', async () => {
    for (const file of ['edge-cases/edfReader/edfPlusD.edf.gz', 'edge-cases/edfReader/bdfPlusD.bdf.gz', 'sleep/short_psg.edf.gz']) {
      const original = await openRecordingFile(join(DATA_DIR, file));
      const copy = await copyOf(original, predictions(2, 1, original.recordStartTimesSec[1]!), original.header.startDate);
      expect(copy.header.format).toBe(`${original.header.format.slice(0, 3)}+${original.header.format.endsWith('+D') ? 'D' : 'C'}`);
      await sameSamples(original, copy);
      expect(copy.recordStartTimesSec).toEqual(original.recordStartTimesSec);
      expect(copy.annotations.length).toBe(original.annotations.length + 2);
      expect(copy.header.startDate).toEqual(original.header.startDate);
    }
  });
});

describeWithMne('predictions read back by MNE-Python', () => {
  it('mne.read_annotations reads every row of the annotation-only EDF+, and read_raw_edf the annotated recording whole', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'specmoe-mne-'));
    const demo = await openRecordingFile(DEMO);
    const added = predictions(31, 4);
    const annotationsPath = join(dir, 'predictions.edf');
    writeFileSync(annotationsPath, writeAnnotationEdf(added, { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: null }));
    const copyPath = join(dir, 'annotated.edf');
    const blob = await edfWithAnnotations(demo.source, { recordStartTimesSec: demo.recordStartTimesSec, annotations: [...demo.annotations, ...added], header: { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: null } });
    writeFileSync(copyPath, new Uint8Array(await blob.arrayBuffer()));
    const read = runMne<{ onsets: number[]; descriptions: string[]; raw: { n: number; channels: number; samples: number; descriptions: string[]; onsets: number[] } }>(
      `a = mne.read_annotations(sys.argv[1])
raw = mne.io.read_raw_edf(sys.argv[2], preload=False)
print(json.dumps({'onsets': [float(x) for x in a.onset], 'descriptions': list(a.description),
  'raw': {'n': len(raw.annotations), 'channels': len(raw.ch_names), 'samples': int(raw.n_times),
          'descriptions': list(raw.annotations.description), 'onsets': [float(x) for x in raw.annotations.onset]}}))`,
      [annotationsPath, copyPath],
    );
    expect(read.onsets).toEqual(added.map((a) => a.onsetSec));
    expect(read.descriptions).toEqual(added.map((a) => a.description));
    expect(read.raw.channels).toBe(64);
    expect(read.raw.samples).toBe(demo.header.channels[0]!.nSamples);
    expect(read.raw.n).toBe(demo.annotations.length + added.length);
    expect(read.raw.descriptions.filter((d) => d.endsWith('fist'))).toEqual(added.map((a) => a.description));
  });
});
