// The worker entry: one comlink API (./api.ts) over the recording, spectrogram, model and training services.
import * as Comlink from 'comlink';
import type { WorkerApi } from './api';
import { preferring } from '../runtime/backendNames';
import { exportPredictions } from './exportService';
import { analyseRows, ModelService, taskSummary } from './modelService';
import { reconstruct } from './reconstructionService';
import { sleepReport } from './sleepService';
import { BUILTIN_TASKS } from '../model';
import { RecordingService } from './recordingService';
import { maskPreview, spectrogram } from './spectrogramService';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors } from '../io/safetensors';
import { readWeights } from '../io/weights';
import { compareOutputs, forwardInputs, PARITY_TOLERANCE, runForward } from '../model';
import { forgetEmbeddings, forgetHeads, savedHead, TrainingService } from './trainingService';

const recordings = new RecordingService();
const models = new ModelService();
const training = new TrainingService(models);

const api: WorkerApi = {
  ping: async () => {},
  init: (preferred, wasmThreads) => models.init(preferred ? preferring(preferred) : undefined, wasmThreads),
  openRecording: (file, name) => recordings.open(file, name),
  addAnnotations: (file, name) => recordings.addAnnotations(file, name),
  sleepReport: async (decoded) =>
    sleepReport(recordings.require(), decoded && { model: decoded.model, rows: decoded.rows.map((r) => ({ onsetSec: r.onset, durationSec: r.duration, className: r.class })) }),
  tasks: async () => BUILTIN_TASKS.map(taskSummary),
  page: (request) => recordings.page(request),
  spectrogram: (request) => spectrogram(recordings.require(), request),
  maskPreview: (request) => maskPreview(recordings.require(), request),
  loadBundledModel: () => models.loadBundled(),
  loadModel: (files, taskId) => models.loadFiles(files, taskId),
  async loadSavedModel() {
    const files = await savedHead();
    return files ? models.loadFiles(files) : null;
  },
  planDecode: async (request) => {
    const { segments, count, errors, context, seenSubject } = models.plan(recordings.require(), request);
    return { segments, count, errors, context, seenSubject };
  },
  decode: (request, onProgress) => models.decode(recordings.require(), request, onProgress),
  analyse: (rows, labels, classes) => analyseRows(rows, labels, classes),
  cancel() {
    models.cancel();
    training.cancel();
  },
  async parityCheck(weights, io) {
    const loaded = await readWeights(new Map(weights.map((f) => [f.name, f.bytes])));
    const tensors = readSafetensors(io.bytes).tensors;
    const { x, times } = forwardInputs(tensors, io.name);
    const started = performance.now();
    const result = await runForward(loaded, x, times, {});
    const seconds = (performance.now() - started) / 1000;
    const { rows, sizeMismatches, unmatched } = compareOutputs(result.outputs, tensors);
    return { description: result.description, backend: tf.getBackend(), seconds, tolerance: PARITY_TOLERANCE, rows, sizeMismatches, unmatched };
  },
  exportPredictions: (request) => exportPredictions(recordings.recording, request),
  reconstruct: (request) => reconstruct(recordings.require(), models.current(), request),
  addTrainingRecording: (file, name, split) => training.add(file, name, split),
  addTrainingPair: (file, name, annotations, annotationsName, split) => training.addPair(file, name, annotations, annotationsName, split),
  sleepLabelMap: async () => training.sleepLabelMap(),
  removeTrainingRecording: (id) => training.remove(id),
  trainingRecordings: async () => training.list(),
  finetune: (request, onEpoch, onStage) => training.run(request, onEpoch, onStage),
  saveFinetuned: (name) => training.save(name),
  async forgetCaches() {
    await forgetEmbeddings();
    await forgetHeads();
  },
};

Comlink.expose(api);
