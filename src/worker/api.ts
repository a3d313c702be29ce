// The one API the UI talks to (through comlink). Everything heavy — parsing, filtering, spectra, the model,
// training — runs behind it in the worker; the UI only sends requests and draws what comes back.
import type { ReconstructionBandErrors } from '../dsp/bandErrors';
import type { ChannelType } from '../dsp/channelTypes';
import type { SleepStatistics } from '../dsp/sleepStatistics';
import type { DisplayFilterSettings } from '../dsp/displayFilter';
import type { MaskParams } from '../dsp/masks';
import type { MontageName } from '../dsp/montage';
import type { BackendName } from '../runtime/backendNames';
import type { ExportContext, PredictionRow } from '../pipeline/exports';
import type { BundleEvaluation } from '../io/bundleConfig';
import type { EpochRecord } from '../train/headTraining';
import type { Metrics } from '../train/metrics';
import type { HeadSettings } from '../train/headSettings';
import type { SplitReport } from '../train/finetune';
import type { SeenSubject } from '../train/seenSubjects';
import type { TrialAgreement } from '../train/trialAgreement';
import type { GateSpread } from '../pipeline/gateSpread';


export interface ChannelSummary {
  readonly label: string;
  readonly unit: string;
  readonly sampleRateHz: number;
  readonly nSamples: number;
  /** EEG, EOG, EMG, ECG, respiration or other, from the label and unit. */
  readonly type: ChannelType;
}

export interface AnnotationSummary {
  /** Seconds after the header start time. */
  readonly onsetSec: number;
  /** Seconds of data from the first sample (where the viewer draws it). */
  readonly dataSec: number;
  readonly durationSec: number | null;
  readonly description: string;
  /** The file it was added from ("add annotations from file"); absent for the recording's own annotations. */
  readonly source?: string;
}

/** A continuous stretch of data: where it starts in data seconds and on the clock (seconds after the header start). */
export interface ClockRun {
  readonly dataSec: number;
  readonly clockSec: number;
}

export interface RecordingSummary {
  readonly name: string;
  readonly sizeBytes: number;
  readonly format: string;
  readonly patientId: string;
  readonly recordingId: string;
  /** ISO time of the header start, or null when the header's date is impossible. */
  readonly startIso: string | null;
  readonly durationSec: number;
  readonly nRecords: number;
  readonly recordDurationSec: number;
  readonly hasGaps: boolean;
  readonly channels: readonly ChannelSummary[];
  readonly annotations: readonly AnnotationSummary[];
  readonly warnings: readonly string[];
  /** Whether the double-banana montage can be built from the labels. */
  readonly bipolarAvailable: boolean;
  /** The continuous stretches of data (one without gaps), for converting data time to clock time. */
  readonly runs: readonly ClockRun[];
}

export interface AnnotationImport {
  readonly recording: RecordingSummary;
  readonly added: number;
  /** Of those, how many lie wholly outside the recording. */
  readonly outside: number;
  /** Seconds added to the file's own onsets to put them on the recording's clock. */
  readonly shiftSec: number;
  readonly warnings: readonly string[];
}

export interface PageRequest {
  /** Data seconds from the first sample. */
  readonly startSec: number;
  readonly durationSec: number;
  readonly montage: MontageName;
  readonly filter: DisplayFilterSettings;
  /** Labels of traces not to show; null: the default view (a high-density cap's 10-20 electrodes and polygraphy). */
  readonly hidden: readonly string[] | null;
  /** The window of shown traces to compute: from this position among them, at most this many. */
  readonly firstTrace: number;
  readonly maxTraces: number;
  /** Pixel columns to decimate to. */
  readonly columns: number;
}

export interface PageTrace {
  readonly label: string;
  readonly unit: string;
  /** The type of the channel (of the first electrode of a derivation). */
  readonly type: ChannelType;
  /** The header's physical range in `unit` (a derivation's: the span of the difference). */
  readonly physicalMin: number;
  readonly physicalMax: number;
  readonly min: Float32Array;
  readonly max: Float32Array;
}

export interface PageData {
  readonly startSec: number;
  readonly durationSec: number;
  /** Clock seconds of the page start (record start times applied). */
  readonly clockStartSec: number;
  readonly traces: readonly PageTrace[];
  /** Labels of every trace of this montage (hidden ones included), for the channel list. */
  readonly allLabels: readonly string[];
  /** The hidden labels in force (the default view's when the request gave null). */
  readonly hidden: readonly string[];
  /** How many traces are shown in all, and where the computed window starts among them. */
  readonly shownCount: number;
  readonly firstTrace: number;
}

export interface SpectrogramRequest {
  /** A channel label, or "average" for the mean power over the channels of the most common rate. */
  readonly channel: string;
  readonly startSec: number;
  readonly durationSec: number;
  readonly nperseg?: number;
  readonly noverlap?: number;
  /** At most this many time columns (frames are averaged in groups beyond it). */
  readonly maxColumns?: number;
}

export interface Spectrogram {
  readonly freqs: Float32Array;
  /** Data seconds of each column's centre. */
  readonly times: Float32Array;
  /** dB power [F × NT], row-major by frequency. */
  readonly db: Float32Array;
  readonly sampleRateHz: number;
  /** What 0 dB is: 1 µV² for voltage channels (converted to µV), else 1 unit² of the channel. */
  readonly powerUnit?: string;
}

export interface MaskPreviewRequest {
  readonly channel: string;
  readonly startSec: number;
  readonly durationSec: number;
  readonly params: MaskParams;
  readonly seed: number;
}

export interface MaskPreview {
  readonly freqs: Float32Array;
  readonly times: Float32Array;
  /** Mask M [F × NT] in [0, 1]. */
  readonly mask: Float32Array;
  readonly originalDb: Float32Array;
  readonly maskedDb: Float32Array;
  /** The channel at 200 Hz in µV, and after masking. */
  readonly original: Float32Array;
  readonly masked: Float32Array;
  readonly maskedFraction: number;
  readonly components: number;
}

export interface TaskSummary {
  readonly id: string;
  readonly name: string;
  readonly classes: readonly string[];
  readonly channels: readonly string[];
  readonly segmentSec: number;
  /** Every class is a sleep stage (W, N1, N2, N3, REM, in any spelling): the task scores sleep. */
  readonly sleepStaging: boolean;
}

export interface ModelSummary {
  readonly name: string;
  readonly description: string;
  readonly task: TaskSummary;
  readonly trained: boolean;
  readonly hasDecoders: boolean;
  readonly provenance: string;
  readonly labels: Readonly<Record<string, string>> | null;
  /** Held-out scores the bundle records (empty when it records none). */
  readonly evaluation: readonly BundleEvaluation[];
  /** SHA-256 of bundle.json (which pins the weights' SHA-256s), or of the weights file. */
  readonly sha256: string;
  readonly parameterCount: number;
  /** Features per expert embedding (the experts' d3): what the head pools and the gate weighs. */
  readonly featureWidth: number;
  /** Channels mixed into each feature by the head's pooling over channels (1 when the channel count divides d3; model/pooling.ts). */
  readonly channelsPerPooledFeature: number;
}

export interface BackendInfo {
  readonly backend: BackendName;
  readonly tried: readonly { readonly name: BackendName; readonly error: string }[];
  /** Threads the back-end computes on (tfjs-backend-wasm's pool; 1 for the others). */
  readonly threads: number;
  /** Threads of the generated model kernels (attention, convolutions, linear layers) on wasm (2 with a kernel thread; 1 otherwise). */
  readonly kernelThreads: number;
}

export interface DecodeProgress {
  readonly done: number;
  readonly total: number;
  /** Rows added since the previous report. */
  readonly rows: readonly DecodedRow[];
  readonly elapsedSec: number;
  /** Threads decoding (this worker and its replicas). */
  readonly lanes: number;
}

/** A prediction row as the UI gets it: `onset` (clock) places it on the timeline, `dataOnset` in the traces. */
export interface DecodedRow extends PredictionRow {
  readonly classIndex: number;
  /** The class the row's annotation stands for in the model's label map (T1 → left fist), when it has one. */
  readonly trueClass?: string;
  /** Mean gate per expert and model channel [3][C]. */
  readonly channelGates: readonly (readonly number[])[];
}

/**
 * 'trials': one segment at each annotation the model's label map knows (T1, T2…), as `specmoe predict --annotations`;
 * 'continuous': segments back to back over the whole recording.
 */
export type SegmentPlan = 'trials' | 'continuous';

export interface DecodeRequest {
  readonly channelOverrides: Readonly<Record<string, string>>;
  readonly segments: SegmentPlan;
}

/** What the decoded rows show beyond the predictions: agreement with the recording's labels, and the gate's spread. */
export interface DecodeAnalysis {
  /** Null when no row carries a label of one of the model's classes. */
  readonly agreement: TrialAgreement | null;
  readonly gate: GateSpread | null;
}

/** What a decode would do, worked out before it runs (and shown while the user maps channels). */
export interface DecodePlan {
  readonly segments: SegmentPlan;
  /** Segments the run will decode. */
  readonly count: number;
  /** Why the decode is refused: while there are any, nothing is decoded. */
  readonly errors: readonly string[];
  /** The model, the recording, the channel mapping and the warnings, as exports carry them. */
  readonly context: ExportContext;
  /** The recording's subject trained or validated the model (so agreement with its labels is no measure); else null. */
  readonly seenSubject: SeenSubject | null;
}

export interface DecodeSummary {
  readonly rows: readonly DecodedRow[];
  readonly segments: SegmentPlan;
  readonly analysis: DecodeAnalysis;
  /** The plan's context with the run's warnings. */
  readonly context: ExportContext;
  /** As the plan's. */
  readonly seenSubject: SeenSubject | null;
  readonly warnings: readonly string[];
  readonly cancelled: boolean;
  readonly channels: readonly string[];
  readonly lanes: number;
}

export interface ReconstructionRequest {
  readonly segmentDataSec: number;
  readonly expert: 0 | 1 | 2;
  /** Model channel to show. */
  readonly channel: number;
  readonly seed: number;
}

export interface Reconstruction {
  readonly sampleRateHz: number;
  readonly original: Float32Array;
  readonly masked: Float32Array;
  readonly dec1: Float32Array;
  readonly dec2: Float32Array;
  readonly spectrograms: Readonly<Record<'original' | 'masked' | 'dec1' | 'dec2', Spectrogram>>;
  /** Waveform and STFT-magnitude errors per band of the masked input and of both branches (all channels, µV²). */
  readonly bandErrors: readonly ReconstructionBandErrors[];
}

/** A hypnogram: YASA's epoch codes (0 W, 1 N1, 2 N2, 3 N3, 4 REM, -1 artefact/movement, 9 unscored). */
export interface HypnogramSummary {
  /** Clock seconds of the first epoch's start. */
  readonly startSec: number;
  readonly epochSec: number;
  readonly epochs: Int8Array;
  readonly statistics: SleepStatistics;
}

/** A sleep-staging model's decode of the open recording, as the UI keeps it (rows survive a worker restart). */
export interface SleepPredictions {
  readonly model: string;
  readonly rows: readonly DecodedRow[];
}

export interface SleepReport {
  /** Stage names by code 0–4. */
  readonly stages: readonly string[];
  /** From the recording's scoring annotations (its own or added from a file); null when it has none. */
  readonly scored: HypnogramSummary | null;
  /** From the last decode of this recording by a sleep-staging model; null when there is none. */
  readonly predicted: (HypnogramSummary & { readonly model: string }) | null;
  /** Epoch by epoch, where both score a stage: scored (rows) against predicted (columns). */
  readonly agreement: { readonly epochs: number; readonly accuracy: number; readonly kappa: number; readonly confusion: readonly (readonly number[])[] } | null;
}

export interface TrainingRecordingSummary {
  readonly id: string;
  readonly name: string;
  readonly subject: string;
  readonly split: 'train' | 'validation' | 'test';
  /** Annotation text → count. */
  readonly annotations: Readonly<Record<string, number>>;
}

export interface FinetuneRequest {
  readonly labelMap: string;
  readonly segmentSec: number;
  readonly offsetSec: number;
  readonly settings: HeadSettings;
  /** Train for this task's channels (TaskSummary.id); default: the loaded model's task. */
  readonly taskId?: string;
  /** One segment at each labelled onset (default), or one per segment length inside each labelled span (sleep epochs). */
  readonly segmentation?: 'onset' | 'epochs';
}

export interface FinetuneSummary {
  readonly classes: readonly string[];
  readonly splits: readonly SplitReport[];
  readonly history: readonly EpochRecord[];
  readonly bestEpoch: number;
  readonly validation: Metrics;
  readonly test: Metrics | null;
  /** Log band power + logistic regression on each held-out split (validation with validation, test with test). */
  readonly references: { readonly validation: Metrics; readonly test: Metrics | null };
  /** The scores as the saved bundle records them. */
  readonly evaluation: readonly BundleEvaluation[];
  /** Why the head should not be saved without a second thought: at or below chance, or below band power (empty: none). */
  readonly weakWarnings: readonly string[];
  readonly cachedRecordings: number;
  readonly cancelled: boolean;
  readonly seconds: number;
  /** Threads that ran head training's WebAssembly kernels (0: tfjs's autograd, where WebAssembly SIMD is missing). */
  readonly kernelThreads: number;
}

export type ExportKind = 'csv' | 'json' | 'edf' | 'edf-recording';

export interface ExportRequest {
  /** csv, json, edf (annotations only), edf-recording (the recording with the predictions as annotations). */
  readonly kind: ExportKind;
  /** No patient fields and no start date or time (onsets stay seconds after the unstated start). */
  readonly deidentify: boolean;
  readonly rows: readonly DecodedRow[];
  readonly context: ExportContext;
}

export interface ExportFile {
  readonly name: string;
  readonly type: string;
  readonly blob: Blob;
}

export interface NamedBytes {
  readonly name: string;
  readonly bytes: Uint8Array;
}

/** One forward pass on given inputs compared with reference outputs (the pack's *_io.safetensors files). */
export interface ParityCheck {
  readonly description: string;
  readonly backend: string;
  readonly seconds: number;
  readonly tolerance: number;
  readonly rows: readonly { name: string; shape: readonly number[]; maxAbsDiff: number; relToAbsmax: number; ok: boolean }[];
  /** References whose element count differs from ours (failures). */
  readonly sizeMismatches: readonly string[];
  /** References with no output of that name. */
  readonly unmatched: readonly string[];
}

export type { BundleEvaluation, ChannelType, ExportContext, GateSpread, SeenSubject, SleepStatistics, TrialAgreement };

// Plain data the UI shows and edits: back-end names, the built-in tasks, head-training defaults, the paper's mask
// settings and the EEG bands. The UI reaches the core only through this file (types and data, never code to run).
export { FALLBACK_ORDER } from '../runtime/backendNames';
export type { BackendName, DisplayFilterSettings, EpochRecord, HeadSettings, MaskParams, Metrics, MontageName };
export { BUILTIN_TASKS } from '../model';
export { DEFAULT_HEAD_SETTINGS } from '../train/headSettings';
export { PAPER_MASK_PARAMS } from '../dsp/masks';
export { REPORT_BANDS } from '../dsp/bandErrors';

export interface WorkerApi {
  /** Answers at once: the UI's watchdog (ui/workerWatchdog.ts) asks while a call is in progress, to see the worker is still there. */
  ping(): Promise<void>;
  /**
   * preferred: the back-end to try first (then the usual fallback order); wasmThreads: threads for the wasm back-end's
   * threaded build (0: single-threaded); omitted: a default for this device.
   */
  init(preferred?: BackendName, wasmThreads?: number): Promise<BackendInfo>;
  openRecording(file: Blob, name: string): Promise<RecordingSummary>;
  /** Lays the annotations of an EDF+/BDF+ annotation file or a CSV/TSV table over the open recording. */
  addAnnotations(file: Blob, name: string): Promise<AnnotationImport>;
  /** Hypnograms of the open recording (scored, and predicted by the last sleep decode), statistics and agreement. */
  sleepReport(decoded: SleepPredictions | null): Promise<SleepReport | null>;
  /** The tasks the app knows. */
  tasks(): Promise<TaskSummary[]>;
  page(request: PageRequest): Promise<PageData>;
  spectrogram(request: SpectrogramRequest): Promise<Spectrogram>;
  maskPreview(request: MaskPreviewRequest): Promise<MaskPreview>;
  loadBundledModel(): Promise<ModelSummary>;
  loadModel(files: readonly NamedBytes[], taskId?: string): Promise<ModelSummary>;
  /** The fine-tuned model saved in IndexedDB by an earlier visit, loaded; null when there is none. */
  loadSavedModel(): Promise<ModelSummary | null>;
  decode(request: DecodeRequest, onProgress: (p: DecodeProgress) => void): Promise<DecodeSummary>;
  /** The analysis of rows the UI kept (e.g. from a run a worker crash interrupted). */
  analyse(rows: readonly DecodedRow[], labels: Readonly<Record<string, string>> | null, classes: readonly string[]): DecodeAnalysis;
  cancel(): void;
  /** What decode(request) would do; refusals come back as `errors`, not as a thrown error. */
  planDecode(request: DecodeRequest): Promise<DecodePlan>;
  /**
   * The predictions as a file, from the rows and context the UI keeps, so results decoded before a worker crash can
   * still be saved from the restarted worker.
   */
  exportPredictions(request: ExportRequest): Promise<ExportFile>;
  reconstruct(request: ReconstructionRequest): Promise<Reconstruction>;
  /** Runs an expert or SpecMoE (weights) on `x`/`times` of `io` and compares every output with `io`'s tensors. */
  parityCheck(weights: readonly NamedBytes[], io: NamedBytes): Promise<ParityCheck>;
  addTrainingRecording(file: Blob, name: string, split: 'train' | 'validation' | 'test'): Promise<TrainingRecordingSummary>;
  /** A recording with its labels in a separate annotation file (a PSG and its hypnogram), aligned as addAnnotations does. */
  addTrainingPair(file: Blob, name: string, annotations: Blob, annotationsName: string, split: 'train' | 'validation' | 'test'): Promise<TrainingRecordingSummary>;
  /**
   * The default sleep label map for the annotation texts of the training recordings, the whole files' (W, N1/S1,
   * N2/S2, N3/S3+S4, REM; movement and "?" ignored); empty when none is a sleep stage.
   */
  sleepLabelMap(): Promise<string>;
  removeTrainingRecording(id: string): Promise<void>;
  /** The recordings the next fine-tuning run will train on (what the worker holds, in order). */
  trainingRecordings(): Promise<TrainingRecordingSummary[]>;
  finetune(request: FinetuneRequest, onEpoch: (r: EpochRecord) => void, onStage: (stage: string, done: number, total: number) => void): Promise<FinetuneSummary>;
  saveFinetuned(name: string): Promise<NamedBytes[]>;
  forgetCaches(): Promise<void>;
}
