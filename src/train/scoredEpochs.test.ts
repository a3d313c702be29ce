// Sleep fine-tuning on Sleep-EDF's SC4001 PSG with its hypnogram (vendored e2e fixtures): scored spans cut into
// 30-s epochs, the Sleep-EDF task's free EEG channels, and a head trained on the demo model's frozen experts.
import { describe, expect, it } from 'vitest';
import { fileSource, openRecordingFile } from '../cli/files';
import { defaultModelFiles } from '../cli/modelFiles';
import { sleepLabelMap } from '../dsp/hypnogram';
import { annotationTarget, importAnnotations, withAnnotations } from '../io/annotationImport';
import type { Recording } from '../io/recording';
import { readWeights } from '../io/weights';
import { initBackend } from '../runtime/backend';
import { findTask, load } from '../model';
import { finetune, finetunedBundle } from './finetune';
import { DEFAULT_HEAD_SETTINGS } from './headSettings';
import { parseLabelMap } from './labels';
import { scoredEpochSegments } from './scoredEpochs';

async function scoredPsg(): Promise<Recording> {
  const psg = await openRecordingFile('e2e/fixtures/short_psg.edf.gz');
  const hypnogram = await fileSource('e2e/fixtures/SC4001EC-Hypnogram.edf.gz');
  const imported = await importAnnotations(hypnogram, annotationTarget(psg));
  await hypnogram.close?.();
  return withAnnotations(psg, imported.annotations);
}

describe('fine-tuning segments from scored epochs', () => {
  it('cuts the hypnogram spans inside the 300-s PSG into ten 30-s epochs, where onsets alone give one segment', async () => {
    const psg = await scoredPsg();
    const labels = Object.fromEntries(parseLabelMap(sleepLabelMap(psg.annotations.map((a) => a.description))));
    const epochs = scoredEpochSegments(psg, labels, 30);
    expect(epochs.map((s) => s.dataSec)).toEqual([0, 30, 60, 90, 120, 150, 180, 210, 240, 270]);
    expect(new Set(epochs.map((s) => s.label))).toEqual(new Set(['Sleep stage W']));
    expect(scoredEpochSegments(psg, labels, 30, 15)).toHaveLength(9); // an offset moves every epoch; the last no longer fits
    await psg.close();
  });

  it('trains a Sleep-EDF head (Fpz-Cz, Pz-Oz; W, N1, N2, N3, REM) and writes it as a sleep-edf bundle', async () => {
    await initBackend(['wasm', 'cpu']);
    const base = load(await readWeights(defaultModelFiles()));
    const task = findTask('sleep-edf')!;
    const train = await scoredPsg();
    const validation = await scoredPsg();
    const labelMap = parseLabelMap(sleepLabelMap(train.annotations.map((a) => a.description)));
    const result = await finetune({
      base,
      expertsId: 'demo',
      labelMap,
      segmentSec: 30,
      offsetSec: 0,
      segmentation: 'epochs',
      task,
      recordings: [
        { recording: train, recordingId: 'short_psg', subject: 'SC4001', split: 'train' },
        { recording: validation, recordingId: 'short_psg (validation)', subject: 'SC4001', split: 'validation' },
      ],
      settings: { ...DEFAULT_HEAD_SETTINGS, epochs: 2 },
    });
    expect(result.classes).toEqual(['W', 'N1', 'N2', 'N3', 'REM']);
    expect(result.task.id).toBe('sleep-edf');
    expect(result.task.channels).toEqual(['Fpz-Cz', 'Pz-Oz']);
    // The 300 s are all scored W: ten epochs per split, nothing of the rest of the night.
    expect(result.splits.map((s) => [s.name, s.segments, s.classCounts])).toEqual([
      ['train', 10, [10, 0, 0, 0, 0]],
      ['validation', 10, [10, 0, 0, 0, 0]],
      ['test', 0, [0, 0, 0, 0, 0]],
    ]);
    expect(result.validation.metrics.count).toBe(10);
    const bundle = finetunedBundle(base, new Map(), result, 'sleep head', '');
    expect([bundle.config.task, bundle.config.channels, bundle.config.segmentSec]).toEqual(['sleep-edf', ['Fpz-Cz', 'Pz-Oz'], 30]);
    expect(bundle.config.labels).toEqual({ 'Sleep stage W': 'W', 'Sleep stage 1': 'N1', 'Sleep stage 2': 'N2', 'Sleep stage 3': 'N3', 'Sleep stage 4': 'N3', 'Sleep stage R': 'REM' });
    result.trainer.params.dispose();
    await train.close();
    await validation.close();
  });
});
