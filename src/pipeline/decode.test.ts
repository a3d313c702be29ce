import * as tf from '@tensorflow/tfjs';
import { beforeAll, expect, it } from 'vitest';
import { fileSource } from '../cli/files';
import { loadBundle } from '../io/bundle';
import { blobSource } from '../io/sources';
import { openRecording } from '../io/open';
import { plumbingBundleFiles } from '../testing/plumbingBundle';
import { DATA_DIR, describeShared, REPO_ROOT } from '../testing/shared';
import { initBackend } from '../runtime/backend';
import { decodeRecording } from './decode';
import { DecodeError } from './plan';
import { predictionRows, predictionsCsv, predictionsEdf } from './exports';
import { buildSpecMoE, specMoEConfigOfBundle, taskOfBundle } from '../model/load';

describeShared('decode a recording end to end (plumbing bundle from the parity fixture)', () => {
  beforeAll(async () => {
    await initBackend(['wasm']);
  });

  it('predicts every 4-s segment of the demo recording and exports CSV, JSON rows and EDF+ annotations', async () => {
    const bundle = await loadBundle(await plumbingBundleFiles());
    expect(bundle.config.trained).toBe(false);
    const model = buildSpecMoE(bundle.tensors, specMoEConfigOfBundle(bundle.config));
    const task = taskOfBundle(bundle.config);
    const recording = await openRecording(await fileSource(`${REPO_ROOT}/public/demo/S001R04.edf.gz`));
    const progress: number[] = [];
    const tensorsBefore = tf.memory().numTensors;
    const result = await decodeRecording(recording, model, { task, filter: null, batchSize: 8, chunkSegments: 10, onProgress: (done) => progress.push(done) });
    expect(tf.memory().numTensors).toBe(tensorsBefore); // no tensor left behind by any batch
    expect(result.rows.length).toBe(31); // 125 s / 4 s
    expect(progress[progress.length - 1]).toBe(31);
    expect(result.warnings).toContain('resampled 160 Hz → 200 Hz');
    expect(result.rows.map((r) => r.clockSec).slice(0, 3)).toEqual([0, 4, 8]);
    for (const r of result.rows) {
      expect(r.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
      expect(r.gates.every((g) => g > 0 && g < 1)).toBe(true);
      expect(r.channelGates.map((g) => g.length)).toEqual([4, 4, 4]);
      expect(task.classes).toContain(r.className);
    }
    const rows = predictionRows(result.rows, task.classes);
    expect(Object.keys(rows[0]!.probabilities)).toEqual(['left fist', 'right fist', 'both fists', 'feet']);
    const csv = predictionsCsv(result.rows, task.classes).trim().split('\n');
    expect(csv.length).toBe(32);
    expect(csv[0]).toBe('start_sec,end_sec,class,p_left fist,p_right fist,p_both fists,p_feet,gate_expert1,gate_expert2,gate_expert3');
    // The EDF+ annotation file reads back with our reader: same onsets, durations and texts.
    const edf = predictionsEdf(result.rows, { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: recording.header.startDate });
    const back = await openRecording(blobSource(new Blob([edf as Uint8Array<ArrayBuffer>]), 'predictions.edf'));
    expect(back.header.format).toBe('EDF+C');
    expect(back.annotations.map((a) => [a.onsetSec, a.durationSec, a.description])).toEqual(result.rows.map((r) => [r.clockSec, 4, r.className]));
    await recording.close();
    model.params.dispose();
  });

  it('refuses a recording that lacks the model\'s channels, naming them', async () => {
    const bundle = await loadBundle(await plumbingBundleFiles());
    const model = buildSpecMoE(bundle.tensors, specMoEConfigOfBundle(bundle.config));
    const recording = await openRecording(await fileSource(`${REPO_ROOT}/public/demo/S001R04.edf.gz`));
    const task = { ...taskOfBundle(bundle.config), channels: ['F4-M1', 'C4-M1', 'O2-M1', 'C3-M2'], montage: 'bipolar' as const };
    await expect(decodeRecording(recording, model, { task, filter: null })).rejects.toThrow(DecodeError);
    await expect(decodeRecording(recording, model, { task, filter: null })).rejects.toThrow(/lacks 4 of the model's 4 channels \(F4-M1, C4-M1, O2-M1, C3-M2\)/);
    await recording.close();
    model.params.dispose();
  });

  it('refuses sleep EEG fed as 16 copies of Fpz-Cz to a motor-imagery model, rather than decoding it with confidence', async () => {
    const bundle = await loadBundle(await plumbingBundleFiles());
    const model = buildSpecMoE(bundle.tensors, specMoEConfigOfBundle(bundle.config));
    const recording = await openRecording(await fileSource(`${DATA_DIR}/sleep/short_psg.edf.gz`));
    const motor = ['FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP3', 'CP1', 'CP2', 'CP4'];
    const task = { ...taskOfBundle(bundle.config), channels: motor, montage: 'referential' as const };
    const channelOverrides = Object.fromEntries(motor.map((c) => [c, 'EEG Fpz-Cz']));
    await expect(decodeRecording(recording, model, { task, filter: null, channelOverrides })).rejects.toThrow(/recording channel "EEG Fpz-Cz" feeds 16 model channels/);
    // An EOG channel on an EEG input is refused too.
    await expect(decodeRecording(recording, model, { task: { ...task, channels: ['C3', 'C4'] }, filter: null, channelOverrides: { C3: 'EEG Fpz-Cz', C4: 'EOG horizontal' } })).rejects.toThrow(
      'model channel C4 is an EEG input, but "EOG horizontal" is an EOG (eye movement) channel',
    );
    await recording.close();
    model.params.dispose();
  });
});
