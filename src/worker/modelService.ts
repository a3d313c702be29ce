// The model in the worker: back-end start-up, the bundled or user-given model, decoding the open recording with
// progress and cancel, exports, and an expert's reconstruction of a segment.
import * as tf from '@tensorflow/tfjs';
import { reconstructionBandErrors } from '../dsp/bandErrors';
import { PAPER_MASK_PARAMS } from '../dsp/masks';
import { seededRandom } from '../dsp/random';
import { powerDb, stft } from '../dsp/stft';
import type { NamedTensor } from '../io/safetensors';
import { readWeights } from '../io/weights';
import type { Recording } from '../io/recording';
import { type BackendName, initBackend } from '../model/backend';
import { decodeRecording, planChannels, plannedSegments, preferredBatchSize, type SegmentPrediction, segmentBatches } from '../model/decode';
import { type ForwardLane, localLane } from '../model/lanes';
import { laneCount, startReplicas } from './browserLanes';
import type { SpecMoE } from '../model/specMoE';
import { predictionRows, predictionsCsv, predictionsEdf } from '../model/exports';
import { type LoadedModel, specMoEFromWeights } from '../model/load';
import { findTask, type TaskDefinition } from '../model/tasks';
import { makeBatch } from '../train/pretrain';
import type { BackendInfo, DecodeProgress, DecodeSummary, DecodedRow, ModelSummary, NamedBytes, Reconstruction, ReconstructionRequest, Spectrogram, TaskSummary } from './api';
import { BUNDLED_MODEL_URL, wasmPaths } from './assets';
import { isSleepStaging } from './sleepService';

export function taskSummary(task: TaskDefinition): TaskSummary {
  return { id: task.id, name: task.name, classes: task.classes, channels: task.channels, segmentSec: task.segmentSec, sleepStaging: isSleepStaging(task.classes) };
}

/**
 * tfjs-backend-wasm's own choice, half the logical CPUs up to 4, where that is at least 2 and the page is cross-origin
 * isolated; otherwise the single-threaded build (one thread would only add its eight idle pthread workers).
 */
export function defaultWasmThreads(): number {
  const threads = Math.min(4, Math.floor((globalThis.navigator?.hardwareConcurrency ?? 1) / 2));
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true && threads >= 2 ? threads : 0;
}

export class ModelService {
  loaded: LoadedModel | null = null;
  tensors: ReadonlyMap<string, NamedTensor> | null = null;
  /** Identity of the loaded experts (their files' names and sizes), for the embedding cache. */
  expertsId = '';
  private rows: SegmentPrediction[] = [];
  /** Decoding replicas (Web Workers with a copy of the model), started by the first long decode of a model. */
  private replicas: ForwardLane[] = [];
  private abort: AbortController | null = null;
  private recordingName = '';
  /** The source of the recording the rows were decoded from (annotations added later keep the same source). */
  private decodedSource: Recording['source'] | null = null;

  /** wasmThreads: threads for tfjs-backend-wasm (0 = single-threaded); by default defaultWasmThreads(). */
  async init(preferred?: BackendName[], wasmThreads = defaultWasmThreads()): Promise<BackendInfo> {
    return initBackend(preferred, { wasmPaths: wasmPaths(), wasmThreads });
  }

  private adopt(loaded: LoadedModel, tensors: ReadonlyMap<string, NamedTensor>, files: readonly NamedBytes[]): ModelSummary {
    this.closeReplicas();
    this.loaded?.model.params.dispose();
    for (const e of this.loaded?.experts ?? []) e.params.dispose();
    this.loaded = loaded;
    this.tensors = tensors;
    this.expertsId = files.filter((f) => f.name !== 'head.safetensors').map((f) => `${f.name}:${f.bytes.length}`).join(',');
    this.rows = [];
    this.decodedSource = null;
    let parameterCount = 0;
    for (const [, t] of tensors) parameterCount += t.data.length;
    return {
      name: loaded.bundle?.name ?? 'SpecMoE state dict',
      description: loaded.description,
      task: taskSummary(loaded.task),
      trained: loaded.trained,
      hasDecoders: loaded.experts !== null,
      provenance: loaded.bundle ? `${loaded.bundle.provenance.source}${loaded.bundle.provenance.notes ? ` — ${loaded.bundle.provenance.notes}` : ''}` : 'user-supplied weights',
      labels: loaded.bundle?.labels ?? null,
      parameterCount,
    };
  }

  async loadFiles(files: readonly NamedBytes[], taskId?: string): Promise<ModelSummary> {
    const weights = await readWeights(new Map(files.map((f) => [f.name, f.bytes])));
    const task = taskId ? findTask(taskId) : undefined;
    if (taskId && !task) throw new Error(`unknown task "${taskId}"`);
    return this.adopt(specMoEFromWeights(weights, task), weights.tensors, files);
  }

  async loadBundled(): Promise<ModelSummary> {
    const response = await fetch(`${BUNDLED_MODEL_URL}bundle.json`);
    if (!response.ok) throw new Error(`the bundled model is not available (${response.status} for ${BUNDLED_MODEL_URL}bundle.json)`);
    const json = new Uint8Array(await response.arrayBuffer());
    const config = JSON.parse(new TextDecoder().decode(json)) as { weights: { file: string }[] };
    const files: NamedBytes[] = [{ name: 'bundle.json', bytes: json }];
    for (const w of config.weights) {
      const r = await fetch(`${BUNDLED_MODEL_URL}${w.file}`);
      if (!r.ok) throw new Error(`the bundled model's ${w.file} is missing (${r.status})`);
      files.push({ name: w.file, bytes: new Uint8Array(await r.arrayBuffer()) });
    }
    return this.loadFiles(files);
  }

  require(): LoadedModel {
    if (!this.loaded) throw new Error('no model is loaded');
    return this.loaded;
  }

  private closeReplicas(): void {
    for (const lane of this.replicas) lane.close();
    this.replicas = [];
  }

  /** Lanes for a decode of `planned` segments: this worker and cached replicas (see browserLanes.ts). */
  private decodeLanes(model: SpecMoE, planned: number): ForwardLane[] {
    const count = laneCount(planned, model.config.expert.d3 >= 64);
    if (this.replicas.some((lane) => lane.healthy?.() === false)) this.closeReplicas();
    if (this.replicas.length < count - 1) this.replicas.push(...startReplicas(model, count - 1 - this.replicas.length, this.replicas.length + 1));
    return [localLane(model), ...this.replicas.slice(0, count - 1)];
  }

  async decode(recording: Recording, channelOverrides: Readonly<Record<string, string>>, onProgress: (p: DecodeProgress) => void): Promise<DecodeSummary> {
    const loaded = this.require();
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    this.rows = [];
    this.recordingName = recording.source.name;
    this.decodedSource = recording.source;
    const started = performance.now();
    let reported = 0;
    const toRow = (r: SegmentPrediction): DecodedRow => ({
      ...predictionRows([r], loaded.task.classes)[0]!,
      classIndex: r.classIndex,
      dataSec: r.onsetSec - (recording.recordStartTimesSec[0] ?? 0),
      channelGates: r.channelGates,
    });
    const lanes = this.decodeLanes(loaded.model, plannedSegments(recording, loaded.task.segmentSec).length);
    const result = await decodeRecording(recording, loaded.model, {
      task: loaded.task,
      filter: loaded.preprocessing,
      channelOverrides,
      lanes,
      batchSize: preferredBatchSize(loaded.model.config),
      chunkSegments: 16,
      signal: abort.signal,
      onProgress: (done, total, rows) => {
        this.rows = [...rows];
        onProgress({ done, total, rows: rows.slice(reported).map(toRow), elapsedSec: (performance.now() - started) / 1000, lanes: lanes.length });
        reported = rows.length;
      },
    });
    this.rows = result.rows;
    return { rows: result.rows.map(toRow), warnings: result.warnings, cancelled: result.cancelled, channels: loaded.task.channels, lanes: lanes.length };
  }

  cancel(): void {
    this.abort?.abort();
  }

  /** The last decode's predictions by a sleep-staging model, if they were of this recording. */
  sleepPredictionsOf(recording: Recording): { model: string; rows: readonly SegmentPrediction[] } | null {
    if (!this.loaded || this.decodedSource !== recording.source || this.rows.length === 0 || !isSleepStaging(this.loaded.task.classes)) return null;
    return { model: this.loaded.bundle?.name ?? 'SpecMoE state dict', rows: this.rows };
  }

  exportPredictions(recording: Recording | null, kind: 'csv' | 'json' | 'edf', deidentify: boolean, shown?: readonly DecodedRow[]): NamedBytes {
    const loaded = this.require();
    const classes = loaded.task.classes;
    const rows: readonly SegmentPrediction[] = shown
      ? shown.map((r) => ({
          onsetSec: r.onset,
          durationSec: r.duration,
          classIndex: r.classIndex,
          className: r.class,
          probabilities: classes.map((c) => r.probabilities[c] ?? 0),
          gates: [r.gates[0] ?? 0, r.gates[1] ?? 0, r.gates[2] ?? 0],
          channelGates: r.channelGates,
          ...(r.label !== undefined ? { label: r.label } : {}),
        }))
      : this.rows;
    const base = (this.recordingName || recording?.source.name || '').replace(/\.(edf|bdf)(\.gz)?$/i, '') || 'recording';
    if (kind === 'csv') return { name: `${base}-predictions.csv`, bytes: new TextEncoder().encode(predictionsCsv(rows, classes)) };
    if (kind === 'json') return { name: `${base}-predictions.json`, bytes: new TextEncoder().encode(JSON.stringify(predictionRows(rows, classes), null, 1)) };
    const header = recording && !deidentify
      ? { patientId: recording.header.patientId, recordingId: recording.header.recordingId, startDate: recording.header.startDate }
      : { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: recording?.header.startDate ?? null };
    return { name: `${base}-predictions.edf`, bytes: predictionsEdf(rows, header) };
  }

  /** Expert k reconstructs one segment of the open recording from its Gaussian-masked version (§8–§9). */
  async reconstruct(recording: Recording, request: ReconstructionRequest): Promise<Reconstruction> {
    const loaded = this.require();
    if (!loaded.experts) throw new Error('this model has no expert decoders, so it cannot reconstruct (only bundles from our pretraining carry them)');
    const { map } = planChannels(recording, { task: loaded.task, maxMissingFraction: 1 });
    const fs = loaded.model.config.sampleRateHz;
    const segmentSec = loaded.task.segmentSec;
    let microvolts: Float32Array | null = null;
    let nChannels = 0;
    let length = 0;
    for await (const { x, times, segments } of segmentBatches(recording, map, [{ dataSec: request.segmentDataSec }], { segmentSec, sampleRateHz: fs, filter: loaded.preprocessing, batchSize: 1, chunkSegments: 1 })) {
      [, nChannels, length] = x.shape;
      microvolts = Float32Array.from(await x.data(), (v) => v * 100);
      tf.dispose([x, times]);
      void segments;
    }
    if (!microvolts) throw new Error(`no ${segmentSec}-s segment starts at ${request.segmentDataSec} s`);
    const expert = loaded.experts[request.expert]!;
    // The pretraining input: the Gaussian-masked segment; positions as in pretraining for window k = 0.
    const batch = makeBatch([{ recordingId: '', index: 0, microvolts }], nChannels, PAPER_MASK_PARAMS, fs, seededRandom(request.seed));
    const xs = tf.tensor3d(batch.x, [1, nChannels, length]);
    const ts = tf.tensor3d(batch.times, [1, 1, length]);
    const out = expert.forward(xs, ts);
    const dec1 = (await out.U3_Dec1.data()) as Float32Array;
    const dec2 = (await out.U3_Dec2.data()) as Float32Array;
    tf.dispose([xs, ts, ...Object.values(out)]);
    const row = (a: Float32Array, c: number) => a.subarray(c * length, (c + 1) * length).map((v) => v * 100);
    const c = Math.min(Math.max(0, request.channel), nChannels - 1);
    const signals = { original: row(batch.target, c), masked: row(batch.x, c), dec1: row(dec1, c), dec2: row(dec2, c) };
    const spectrogramOf = (s: Float32Array): Spectrogram => {
      const z = stft(s, { sampleRateHz: fs, nperseg: 2 * fs, noverlap: fs });
      return {
        freqs: Float32Array.from(z.freqs),
        times: Float32Array.from(z.times, (t) => t + request.segmentDataSec),
        db: powerDb(z),
        sampleRateHz: fs,
      };
    };
    const channels = Array.from({ length: nChannels }, (_, ch) => ({ original: row(batch.target, ch), masked: row(batch.x, ch), dec1: row(dec1, ch), dec2: row(dec2, ch), mask: batch.masks[0]!.map }));
    return {
      sampleRateHz: fs,
      ...signals,
      spectrograms: { original: spectrogramOf(signals.original), masked: spectrogramOf(signals.masked), dec1: spectrogramOf(signals.dec1), dec2: spectrogramOf(signals.dec2) },
      bandErrors: reconstructionBandErrors(channels, fs),
    };
  }
}
