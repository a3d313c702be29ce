// The worker entry: one comlink API (./api.ts) over the recording, spectrogram, model and training services.
import * as Comlink from 'comlink';
import type { WorkerApi } from './api';
import { ModelService, taskSummary } from './modelService';
import { sleepReport } from './sleepService';
import { BUILTIN_TASKS } from '../model/tasks';
import { RecordingService } from './recordingService';
import { maskPreview, spectrogram } from './spectrogramService';
import * as tf from '@tensorflow/tfjs';
import { readSafetensors } from '../io/safetensors';
import { readWeights } from '../io/weights';
import { runModelBench } from '../model/benchWorkloads';
import { runDecodeBench } from '../testing/decodeBench';
import { localLane } from '../model/lanes';
import { laneCount, startReplicas } from './browserLanes';
import { runHeadBench } from '../train/headBench';
import { browserKernelThread } from './kernelThreads';
import { compareOutputs, forwardInputs, runForward } from '../model/forwardCheck';
import { PARITY_TOLERANCE } from '../model/parityReport';
import { forgetEmbeddings, forgetHeads, savedHead, TrainingService } from './trainingService';

const recordings = new RecordingService();
const models = new ModelService();
const training = new TrainingService(models);

const api: WorkerApi = {
  init: (preferred, wasmThreads) => models.init(preferred, wasmThreads),
  openRecording: (file, name) => recordings.open(file, name),
  addAnnotations: (file, name) => recordings.addAnnotations(file, name),
  async sleepReport() {
    const recording = recordings.require();
    const decoded = models.sleepPredictionsOf(recording);
    return sleepReport(recording, decoded && { model: decoded.model, rows: decoded.rows });
  },
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
  decode: (overrides, onProgress) => models.decode(recordings.require(), overrides, onProgress),
  cancel() {
    models.cancel();
    training.cancel();
  },
  async benchmark(request) {
    if (request.kind === 'model') return runModelBench(request);
    if (request.kind === 'finetune') return runHeadBench(request, request.kernelThreads === 1 ? undefined : browserKernelThread());
    // The decode bench's night is built from the demo recording the app serves.
    const response = await fetch(`${import.meta.env.BASE_URL}demo/S001R04.edf.gz`);
    if (!response.ok) throw new Error(`the demo recording is not served (${response.status})`);
    // The server may send the .gz with Content-Encoding: gzip, and then the browser has inflated it already.
    let base = new Uint8Array(await response.arrayBuffer());
    if (base[0] === 0x1f && base[1] === 0x8b) base = new Uint8Array(await new Response(new Blob([base]).stream().pipeThrough(new DecompressionStream('gzip'))).arrayBuffer());
    const lanes = request.workers ?? laneCount(Number.POSITIVE_INFINITY);
    const result = await runDecodeBench(
      request,
      base,
      (model) => [localLane(model), ...startReplicas(model, lanes - 1)],
      (used) => used.forEach((lane) => lane.close()),
    );
    return { backend: result.backend, runsMs: [result.totalSec * 1000], note: JSON.stringify({ ...result, rows: undefined }) };
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
  exportPredictions: async (kind, deidentify, rows) => models.exportPredictions(recordings.recording, kind, deidentify, rows),
  reconstruct: (request) => models.reconstruct(recordings.require(), request),
  addTrainingRecording: (file, name, split) => training.add(file, name, split),
  addTrainingPair: (file, name, annotations, annotationsName, split) => training.addPair(file, name, annotations, annotationsName, split),
  sleepLabelMap: async () => training.sleepLabelMap(),
  removeTrainingRecording: (id) => training.remove(id),
  finetune: (request, onEpoch, onStage) => training.run(request, onEpoch, onStage),
  saveFinetuned: (name) => training.save(name),
  async forgetCaches() {
    await forgetEmbeddings();
    await forgetHeads();
  },
};

Comlink.expose(api);
