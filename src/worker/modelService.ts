// The model in the worker: back-end start-up, the bundled or user-given model, and decoding the open recording with
// progress and cancel — the trials at the annotations the model's label map knows, or segments back to back — with
// the plan (channel mapping, refusals, warnings) the UI shows before a run and the exports carry after it.
import type { NamedTensor } from '../io/safetensors';
import { sha256Hex } from '../io/bundle';
import { sourceLabel } from '../dsp/mappingChecks';
import type { ChannelMap } from '../dsp/segments';
import { readWeights } from '../io/weights';
import type { Recording } from '../io/recording';
import { type BackendName, initBackend } from '../runtime/backend';
import { annotationSegments } from '../pipeline/annotationSegments';
import { decodeRecording, preferredBatchSize, type SegmentPrediction } from '../pipeline/decode';
import { channelPlan, plannedSegments } from '../pipeline/plan';
import { type ExportContext, predictionRows } from '../pipeline/exports';
import { gateSpread } from '../pipeline/gateSpread';
import { type ForwardLane, localLane } from '../pipeline/decodeLanes';
import { channelsPerPooledFeature, findTask, load, type LoadedModel, parameterCount, type SpecMoE, type TaskDefinition } from '../model';
import { seenSubject } from '../train/seenSubjects';
import { trialAgreement } from '../train/trialAgreement';
import type { BackendInfo, DecodeAnalysis, DecodePlan, DecodeProgress, DecodeRequest, DecodeSummary, DecodedRow, ModelSummary, NamedBytes, TaskSummary } from './api';
import { BUNDLED_MODEL_URL } from './assets';
import { browserKernelThread } from '../runtime/wasm/browserKernelThread';
import { browserLaneCount, startReplicas } from './browserLanes';
import { wasmPaths } from '../runtime/wasmBinaries';
import { defaultWasmThreads } from '../runtime/environment';
import { isSleepStaging } from './sleepService';

export function taskSummary(task: TaskDefinition): TaskSummary {
  return { id: task.id, name: task.name, classes: task.classes, channels: task.channels, segmentSec: task.segmentSec, sleepStaging: isSleepStaging(task.classes) };
}

/** The loaded model as the other services read it (never changed in place: loading another replaces it). */
export interface ActiveModel {
  readonly loaded: LoadedModel;
  readonly tensors: ReadonlyMap<string, NamedTensor>;
  /** Identity of the experts (their files' names and sizes), for the embedding cache. */
  readonly expertsId: string;
  /** SHA-256 of bundle.json (which pins every weight file's SHA-256), or of the weights file. */
  readonly sha256: string;
  readonly sha256Of: string;
}

/** Agreement of labelled rows with their labels, and the gate's spread (see DecodeAnalysis). */
export function analyseRows(rows: readonly DecodedRow[], labels: Readonly<Record<string, string>> | null, classes: readonly string[]): DecodeAnalysis {
  return { agreement: labels ? trialAgreement(rows, labels, classes) : null, gate: gateSpread(rows) };
}

/** The trials of a recording: one segment per annotation the model's label map knows, as `predict --annotations`. */
function trialSegments(recording: Recording, loaded: LoadedModel): { dataSec: number; label: string }[] {
  const labels = loaded.bundle?.labels;
  if (!labels) throw new Error('this model has no label map (bundle.json "labels"), so it cannot tell which annotations are trials: decode back to back instead');
  const segments = annotationSegments(recording, labels);
  if (segments.length === 0) throw new Error(`${recording.source.name} has no annotations among ${Object.keys(labels).join(', ')} (the model's trial labels): decode back to back instead`);
  return segments;
}

async function identify(files: readonly NamedBytes[]): Promise<{ sha256: string; sha256Of: string }> {
  const config = files.find((f) => f.name === 'bundle.json');
  if (config) return { sha256: await sha256Hex(config.bytes), sha256Of: 'bundle.json' };
  const lines = await Promise.all([...files].sort((a, b) => a.name.localeCompare(b.name)).map(async (f) => `${await sha256Hex(f.bytes)}  ${f.name}\n`));
  if (files.length === 1) return { sha256: lines[0]!.slice(0, 64), sha256Of: files[0]!.name };
  return { sha256: await sha256Hex(new TextEncoder().encode(lines.join(''))), sha256Of: `sha256sum lines of ${files.map((f) => f.name).join(', ')}` };
}

function summary(active: ActiveModel): ModelSummary {
  const { loaded, tensors } = active;
  return {
    name: loaded.bundle?.name ?? 'SpecMoE state dict',
    description: loaded.description,
    task: taskSummary(loaded.task),
    trained: loaded.trained,
    hasDecoders: loaded.experts !== null,
    provenance: loaded.bundle ? `${loaded.bundle.provenance.source}${loaded.bundle.provenance.notes ? ` — ${loaded.bundle.provenance.notes}` : ''}` : 'user-supplied weights',
    labels: loaded.bundle?.labels ?? null,
    evaluation: loaded.bundle?.evaluation ?? [],
    sha256: active.sha256,
    parameterCount: parameterCount(tensors),
    featureWidth: loaded.model.config.expert.d3,
    channelsPerPooledFeature: channelsPerPooledFeature(loaded.task.channels.length, loaded.model.config.expert.d3),
  };
}

function contextOf(recording: Recording, active: ActiveModel, map: ChannelMap, warnings: readonly string[]): ExportContext {
  const { loaded } = active;
  return {
    model: { name: loaded.bundle?.name ?? 'SpecMoE state dict', task: loaded.task.id, classes: loaded.task.classes, sha256: active.sha256, sha256Of: active.sha256Of },
    recording: { fileName: recording.source.name, start: recording.header.startDate?.toISOString() ?? null, durationSec: recording.durationSec },
    channelMapping: loaded.task.channels.map((model, i) => ({ model, source: sourceLabel(recording.header.channels, map.sources[i]!) })),
    warnings,
  };
}

export class ModelService {
  private active: ActiveModel | null = null;
  /** Decoding replicas (Web Workers with a copy of the model), started by the first long decode of a model. */
  private replicas: ForwardLane[] = [];
  private abort: AbortController | null = null;

  /**
   * wasmThreads: threads for tfjs-backend-wasm (0 = single-threaded); by default defaultWasmThreads(). On wasm the
   * generated attention kernels get a second thread where the page can (browserKernelThread()).
   */
  async init(preferred?: BackendName[], wasmThreads = defaultWasmThreads()): Promise<BackendInfo> {
    return initBackend(preferred, { wasmPaths: wasmPaths(), wasmThreads, kernelThread: browserKernelThread() });
  }

  async loadFiles(files: readonly NamedBytes[], taskId?: string): Promise<ModelSummary> {
    const weights = await readWeights(new Map(files.map((f) => [f.name, f.bytes])));
    const task = taskId ? findTask(taskId) : undefined;
    if (taskId && !task) throw new Error(`unknown task "${taskId}"`);
    const loaded = load(weights, task);
    const next: ActiveModel = {
      loaded,
      tensors: weights.tensors,
      expertsId: files.filter((f) => f.name !== 'head.safetensors').map((f) => `${f.name}:${f.bytes.length}`).join(','),
      ...(await identify(files)),
    };
    this.closeReplicas();
    this.active?.loaded.model.params.dispose();
    for (const e of this.active?.loaded.experts ?? []) e.params.dispose();
    this.active = next;
    return summary(next);
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

  /** The loaded model; throws when there is none. */
  current(): ActiveModel {
    if (!this.active) throw new Error('no model is loaded');
    return this.active;
  }

  private closeReplicas(): void {
    for (const lane of this.replicas) lane.close();
    this.replicas = [];
  }

  /** Lanes for a decode of `planned` segments: this worker and cached replicas (see browserLanes.ts). */
  private decodeLanes(model: SpecMoE, planned: number): ForwardLane[] {
    const count = browserLaneCount(model, planned);
    if (this.replicas.some((lane) => lane.healthy?.() === false)) this.closeReplicas();
    if (this.replicas.length < count - 1) this.replicas.push(...startReplicas(model, count - 1 - this.replicas.length, this.replicas.length + 1));
    return [localLane(model), ...this.replicas.slice(0, count - 1)];
  }

  /** What a decode of `recording` would do: the segments, the channel mapping, why it is refused, what to know. */
  plan(recording: Recording, request: DecodeRequest): DecodePlan & { readonly trials?: { dataSec: number; label: string }[] } {
    const active = this.current();
    const { loaded } = active;
    const errors: string[] = [];
    let trials: { dataSec: number; label: string }[] | undefined;
    if (request.segments === 'trials') {
      try {
        trials = trialSegments(recording, loaded);
      } catch (e) {
        errors.push((e as Error).message);
      }
    }
    const channels = channelPlan(recording, { task: loaded.task, channelOverrides: request.channelOverrides, filter: loaded.preprocessing });
    errors.push(...channels.errors);
    const count = plannedSegments(recording, loaded.task.segmentSec, trials).length;
    return {
      segments: request.segments,
      count,
      errors,
      context: contextOf(recording, active, channels.map, channels.warnings),
      seenSubject: seenSubject(loaded.bundle, recording.source.name),
      ...(trials ? { trials } : {}),
    };
  }

  async decode(recording: Recording, request: DecodeRequest, onProgress: (p: DecodeProgress) => void): Promise<DecodeSummary> {
    const active = this.current();
    const { loaded } = active;
    const plan = this.plan(recording, request);
    if (plan.errors.length > 0) throw new Error(plan.errors.join('; '));
    const labels = loaded.bundle?.labels ?? null;
    this.abort?.abort();
    const abort = new AbortController();
    this.abort = abort;
    const started = performance.now();
    let reported = 0;
    const toRow = (r: SegmentPrediction): DecodedRow => ({
      ...predictionRows([r], loaded.task.classes)[0]!,
      classIndex: r.classIndex,
      ...(r.label !== undefined && labels && Object.hasOwn(labels, r.label) ? { trueClass: labels[r.label]! } : {}),
      channelGates: r.channelGates,
    });
    const lanes = this.decodeLanes(loaded.model, plan.count);
    onProgress({ done: 0, total: plan.count, rows: [], elapsedSec: 0, lanes: lanes.length });
    const result = await decodeRecording(recording, loaded.model, {
      task: loaded.task,
      filter: loaded.preprocessing,
      channelOverrides: request.channelOverrides,
      ...(plan.trials ? { segments: plan.trials } : {}),
      lanes,
      batchSize: preferredBatchSize(loaded.model.config),
      chunkSegments: 16,
      signal: abort.signal,
      onProgress: (done, total, rows) => {
        onProgress({ done, total, rows: rows.slice(reported).map(toRow), elapsedSec: (performance.now() - started) / 1000, lanes: lanes.length });
        reported = rows.length;
      },
    });
    const rows = result.rows.map(toRow);
    return {
      rows,
      segments: request.segments,
      analysis: analyseRows(rows, labels, loaded.task.classes),
      context: { ...plan.context, warnings: result.warnings },
      seenSubject: plan.seenSubject,
      warnings: result.warnings,
      cancelled: result.cancelled,
      channels: loaded.task.channels,
      lanes: lanes.length,
    };
  }

  cancel(): void {
    this.abort?.abort();
  }
}
