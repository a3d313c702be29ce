import { describe, expect, it } from 'vitest';
import type { SegmentPrediction } from './decode';
import { type ExportContext, predictionsCsv, predictionsJson } from './exports';

const rows: SegmentPrediction[] = [0, 4].map((dataSec, i) => ({
  dataSec,
  clockSec: dataSec,
  durationSec: 4,
  classIndex: i,
  className: ['left fist', 'right fist'][i]!,
  probabilities: i ? [0.3, 0.7] : [0.6, 0.4],
  gates: [0.5, 0.25, 0.75],
  channelGates: [[0.5], [0.25], [0.75]],
  label: ['T1', 'T2'][i]!,
}));
const context: ExportContext = {
  model: { name: 'Demo, MI', task: 'motor-imagery', classes: ['left fist', 'right fist'], sha256: 'ab'.repeat(32), sha256Of: 'bundle.json' },
  recording: { fileName: 'S001R04.edf', start: '2009-08-12T16:15:00.000Z', durationSec: 125 },
  channelMapping: [{ model: 'C3', source: 'C3..' }, { model: 'Cz', source: null }],
  warnings: ['resampled 160 Hz → 200 Hz', 'missing channels filled with zeros: Cz'],
};

describe('exports with their context', () => {
  it('CSV: a "#" block naming the model, recording, mapping and warnings above the rows as before', () => {
    const lines = predictionsCsv(rows, context.model.classes, context).trim().split('\n');
    expect(lines.slice(0, 11)).toEqual([
      '# model: Demo, MI',
      '# model_task: motor-imagery',
      '# model_classes: left fist; right fist',
      `# model_sha256: ${'ab'.repeat(32)} (bundle.json)`,
      '# recording: S001R04.edf',
      '# recording_start: 2009-08-12T16:15:00.000Z',
      '# recording_duration_sec: 125',
      '# channel_mapping: C3 <- C3..; Cz <- zeros (missing)',
      '# warning: resampled 160 Hz → 200 Hz',
      '# warning: missing channels filled with zeros: Cz',
      '# onsets (start_sec, end_sec) are seconds after the recording start (clock time: gaps of EDF+D count)',
    ]);
    expect(lines.slice(11)).toEqual(predictionsCsv(rows, context.model.classes).trim().split('\n'));
    expect(lines[12]).toBe('0,4,left fist,0.600000,0.400000,0.500000,0.250000,0.750000,T1');
  });

  it('JSON: the context at the top level and the rows as `predict --json` prints them', () => {
    const json = JSON.parse(predictionsJson(rows, context.model.classes, { ...context, recording: { ...context.recording, start: null } }));
    expect(json.format).toBe('specmoe-predictions');
    expect(json.model).toEqual(context.model);
    expect(json.recording).toEqual({ fileName: 'S001R04.edf', start: null, durationSec: 125 });
    expect(json.channelMapping).toEqual(context.channelMapping);
    expect(json.warnings).toEqual(context.warnings);
    expect(json.rows).toEqual([
      { onset: 0, dataOnset: 0, duration: 4, class: 'left fist', probabilities: { 'left fist': 0.6, 'right fist': 0.4 }, gates: [0.5, 0.25, 0.75], label: 'T1' },
      { onset: 4, dataOnset: 4, duration: 4, class: 'right fist', probabilities: { 'left fist': 0.3, 'right fist': 0.7 }, gates: [0.5, 0.25, 0.75], label: 'T2' },
    ]);
  });
});
