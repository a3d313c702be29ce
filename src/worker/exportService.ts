// Decoded rows as files: CSV and JSON with their context (model, recording, channel mapping, warnings), EDF+
// annotations alone (for `mne.read_annotations`, EDF viewers), or the whole recording with the predictions added as
// an annotation signal (for `mne.io.read_raw_edf`). The rows and context come from the UI, which keeps them, so
// results survive a worker restart; de-identified files carry no patient fields and no start date or time.
import type { AnnotationFileHeader } from '../io/edfAnnotationWriter';
import { edfWithAnnotations } from '../io/edfAnnotatedCopy';
import type { Recording } from '../io/recording';
import type { SegmentPrediction } from '../pipeline/decode';
import { predictionsCsv, predictionsEdf, predictionsJson } from '../pipeline/exports';
import type { DecodedRow, ExportFile, ExportRequest } from './api';

const DEIDENTIFIED: AnnotationFileHeader = { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: null };

function predictions(rows: readonly DecodedRow[], classes: readonly string[]): SegmentPrediction[] {
  return rows.map((r) => ({
    dataSec: r.dataOnset,
    clockSec: r.onset,
    durationSec: r.duration,
    classIndex: r.classIndex,
    className: r.class,
    probabilities: classes.map((c) => r.probabilities[c] ?? 0),
    gates: [r.gates[0] ?? 0, r.gates[1] ?? 0, r.gates[2] ?? 0],
    channelGates: r.channelGates,
    ...(r.label !== undefined ? { label: r.label } : {}),
  }));
}

export async function exportPredictions(open: Recording | null, request: ExportRequest): Promise<ExportFile> {
  const { kind, deidentify, rows } = request;
  const context = deidentify ? { ...request.context, recording: { ...request.context.recording, start: null } } : request.context;
  const classes = context.model.classes;
  const decoded = predictions(rows, classes);
  const base = context.recording.fileName.replace(/\.(edf|bdf)(\.gz)?$/i, '') || 'recording';
  // The header of the EDF+ files: the open recording's own fields when it is the decoded one and not de-identified.
  const recording = open && open.source.name === context.recording.fileName ? open : null;
  const header: AnnotationFileHeader = deidentify
    ? DEIDENTIFIED
    : recording
      ? { patientId: recording.header.patientId, recordingId: recording.header.recordingId, startDate: recording.header.startDate }
      : { ...DEIDENTIFIED, startDate: context.recording.start ? new Date(context.recording.start) : null };
  if (kind === 'csv') return { name: `${base}-predictions.csv`, type: 'text/csv', blob: new Blob([predictionsCsv(decoded, classes, context)]) };
  if (kind === 'json') return { name: `${base}-predictions.json`, type: 'application/json', blob: new Blob([predictionsJson(decoded, classes, context)]) };
  if (kind === 'edf') return { name: `${base}-predictions.edf`, type: 'application/octet-stream', blob: new Blob([predictionsEdf(decoded, header) as Uint8Array<ArrayBuffer>]) };
  if (!recording) throw new Error(`${context.recording.fileName}, which these predictions were decoded from, is no longer open: open it again to save it with the predictions`);
  const annotations = [...recording.annotations, ...decoded.map((r) => ({ onsetSec: r.clockSec, durationSec: r.durationSec, description: r.className }))];
  const blob = await edfWithAnnotations(recording.source, { recordStartTimesSec: recording.recordStartTimesSec, annotations, header });
  const extension = recording.header.format.startsWith('BDF') ? 'bdf' : 'edf';
  return { name: `${base}-with-predictions.${extension}`, type: 'application/octet-stream', blob };
}
