// The JSON half of a model bundle (`bundle.json`): what the model is, what it decodes and where its weights came
// from. Validation names the JSON path of the first wrong field (`config.classes[2]`), so a hand-edited bundle
// says exactly what to fix.
import { WeightsError } from './errors';

export const BUNDLE_FORMAT = 'specmoe-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
export const BUNDLE_CONFIG_FILE = 'bundle.json';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** Float dtypes a bundle may store its weights in (integer buffers such as num_batches_tracked stay I64). */
export type BundleFloatDtype = 'F32' | 'F16';

export interface BundleWeightFile {
  /** File name inside the bundle (no folders). */
  readonly file: string;
  readonly dtype: BundleFloatDtype;
  /** Lower-case hex SHA-256 of the file, checked on load. */
  readonly sha256: string;
}

export interface BundleProvenance {
  /** Where the weights come from, e.g. "converted from Pretrained_Expert_1.pth" or "random init, seed 7". */
  readonly source: string;
  /** ISO 8601 time the bundle was written. */
  readonly createdAt: string;
  /** Anything else worth knowing (training data, subjects, metrics). */
  readonly notes?: string;
  /**
   * The subjects whose data the weights learned from (train/labels.ts subjectOf names, e.g. "S001"): so the app can
   * tell when a decoded recording's agreement is on training data. Absent: not recorded (older bundles).
   */
  readonly trainingSubjects?: readonly string[];
}

export interface ModelBundleConfig {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: typeof BUNDLE_FORMAT_VERSION;
  readonly name: string;
  /** A SpecMoE classifier, or one expert (encoder + decoder) for pre-training and feature extraction. */
  readonly model: 'specmoe' | 'expert';
  /** The model's architecture config (src/model's SpecMoEConfig / ExpertConfig fields) as plain JSON. */
  readonly architecture: JsonObject;
  /** Task id (src/model/tasks.ts or a user task); SpecMoE only. */
  readonly task?: string;
  /** Class names in the classifier's output order; SpecMoE only. */
  readonly classes?: readonly string[];
  /** SpecMoE gate: 1 = spectral gate per expert (the released scripts), 0 = gate weights; SpecMoE only. */
  readonly gateMode?: 0 | 1;
  /** Model input channels in order. */
  readonly channels: readonly string[];
  readonly sampleRateHz: number;
  /** Segment (model input window) length. */
  readonly segmentSec: number;
  /** False for untrained plumbing weights: their outputs mean nothing and the UI must say so. */
  readonly trained: boolean;
  readonly provenance: BundleProvenance;
  readonly weights: readonly BundleWeightFile[];
  /** Band-pass applied to whole recordings before segmenting, as in training; absent: none. */
  readonly preprocessing?: BundlePreprocessing;
  /** Annotation text → class name the head was trained with (e.g. T1 → left fist); SpecMoE only. */
  readonly labels?: Readonly<Record<string, string>>;
  /** How well the model decodes data no stage of its training saw, split by split; SpecMoE only. */
  readonly evaluation?: readonly BundleEvaluation[];
}

/** The model measured on one held-out split, beside the band-power reference measured on the same split. */
export interface BundleEvaluation {
  readonly split: 'validation' | 'test';
  /** Subjects of the split (may be empty when unknown). */
  readonly subjects: readonly string[];
  readonly segments: number;
  readonly balancedAccuracy: number;
  readonly kappa: number;
  /** Log band power + logistic regression trained on the same training split, measured on this split. */
  readonly bandPowerBalancedAccuracy: number | null;
}

export interface BundlePreprocessing {
  readonly lowHz: number;
  readonly highHz: number;
  readonly notchHz: 50 | 60 | null;
  /** Per-recording spatial alignment after the band-pass (dsp/alignment.ts); absent: none. */
  readonly alignment?: AlignmentSpec;
}

/** Euclidean alignment: each recording's channels times s·R^(-1/2), R its shrunk spatial covariance. */
export interface AlignmentSpec {
  readonly method: 'euclidean';
  /** RMS (µV) every aligned channel has on average over the recording: s above. */
  readonly targetRmsUv: number;
  /** Weight of the scaled identity in the shrunk covariance, in [0, 1). */
  readonly shrinkage: number;
}

/** A bundle.json that does not validate; `jsonPath` is the field, e.g. `config.classes[2]`. */
export class BundleConfigError extends WeightsError {
  constructor(
    readonly jsonPath: string,
    problem: string,
  ) {
    super(`bundle: ${jsonPath} ${problem}`, BUNDLE_CONFIG_FILE);
  }
}

const TOP_LEVEL_KEYS = ['format', 'formatVersion', 'name', 'model', 'architecture', 'task', 'classes', 'gateMode', 'channels', 'sampleRateHz', 'segmentSec', 'trained', 'provenance', 'weights', 'preprocessing', 'labels', 'evaluation'];
const SPECMOE_ONLY = ['task', 'classes', 'gateMode', 'labels', 'evaluation'];

/** Parses and validates bundle.json text. */
export function parseBundleConfig(text: string): ModelBundleConfig {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new BundleConfigError('config', `is not valid JSON: ${(e as Error).message}`);
  }
  return validateBundleConfig(json);
}

export function validateBundleConfig(json: unknown): ModelBundleConfig {
  const c = object(json, 'config', TOP_LEVEL_KEYS);
  if (c.format !== BUNDLE_FORMAT) throw new BundleConfigError('config.format', `must be "${BUNDLE_FORMAT}", found ${show(c.format)}`);
  if (c.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw new BundleConfigError('config.formatVersion', `is ${show(c.formatVersion)}; this app reads version ${BUNDLE_FORMAT_VERSION}`);
  }
  const model = oneOf(c.model, 'config.model', ['specmoe', 'expert'] as const);
  if (model === 'expert') {
    for (const key of SPECMOE_ONLY) if (key in c) throw new BundleConfigError(`config.${key}`, 'only applies to a specmoe bundle');
  }
  const architecture = object(c.architecture, 'config.architecture');
  const channels = nameList(c.channels, 'config.channels');
  const weights = list(c.weights, 'config.weights', 1).map((w, i) => weightFile(w, `config.weights[${i}]`));
  const files = new Set<string>();
  weights.forEach((w, i) => {
    if (files.has(w.file)) throw new BundleConfigError(`config.weights[${i}].file`, `"${w.file}" is listed twice`);
    files.add(w.file);
  });
  const base = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    name: text(c.name, 'config.name'),
    model,
    architecture: architecture as JsonObject,
    channels,
    sampleRateHz: positive(c.sampleRateHz, 'config.sampleRateHz'),
    segmentSec: positive(c.segmentSec, 'config.segmentSec'),
    trained: bool(c.trained, 'config.trained'),
    provenance: provenance(c.provenance),
    weights,
    ...(c.preprocessing === undefined ? {} : { preprocessing: preprocessing(c.preprocessing) }),
  } as const;
  if (model === 'expert') return base;
  const classes = nameList(c.classes, 'config.classes');
  return {
    ...base,
    task: text(c.task, 'config.task'),
    classes,
    gateMode: oneOf(c.gateMode, 'config.gateMode', [0, 1] as const),
    ...(c.labels === undefined ? {} : { labels: labelMap(c.labels, classes) }),
    ...(c.evaluation === undefined ? {} : { evaluation: list(c.evaluation, 'config.evaluation', 1).map((e, i) => evaluation(e, `config.evaluation[${i}]`)) }),
  };
}

function evaluation(value: unknown, path: string): BundleEvaluation {
  const e = object(value, path, ['split', 'subjects', 'segments', 'balancedAccuracy', 'kappa', 'bandPowerBalancedAccuracy']);
  const fraction = (v: unknown, field: string, low = 0) => {
    if (typeof v !== 'number' || !(v >= low && v <= 1)) throw new BundleConfigError(`${path}.${field}`, `must be a number from ${low} to 1, found ${show(v)}`);
    return v;
  };
  const segments = positive(e.segments, `${path}.segments`);
  if (!Number.isInteger(segments)) throw new BundleConfigError(`${path}.segments`, `must be a whole number, found ${segments}`);
  return {
    split: oneOf(e.split, `${path}.split`, ['validation', 'test'] as const),
    subjects: list(e.subjects, `${path}.subjects`, 0).map((v, i) => text(v, `${path}.subjects[${i}]`)),
    segments,
    balancedAccuracy: fraction(e.balancedAccuracy, 'balancedAccuracy'),
    kappa: fraction(e.kappa, 'kappa', -1),
    bandPowerBalancedAccuracy: e.bandPowerBalancedAccuracy === null ? null : fraction(e.bandPowerBalancedAccuracy, 'bandPowerBalancedAccuracy'),
  };
}

function preprocessing(value: unknown): BundlePreprocessing {
  const p = object(value, 'config.preprocessing', ['lowHz', 'highHz', 'notchHz', 'alignment']);
  const lowHz = p.lowHz === 0 ? 0 : positive(p.lowHz, 'config.preprocessing.lowHz');
  const highHz = positive(p.highHz, 'config.preprocessing.highHz');
  if (highHz <= lowHz) throw new BundleConfigError('config.preprocessing.highHz', `must exceed lowHz (${lowHz})`);
  const notchHz = p.notchHz === null ? null : oneOf(p.notchHz, 'config.preprocessing.notchHz', [50, 60] as const);
  return { lowHz, highHz, notchHz, ...(p.alignment === undefined ? {} : { alignment: alignment(p.alignment) }) };
}

function alignment(value: unknown): AlignmentSpec {
  const path = 'config.preprocessing.alignment';
  const a = object(value, path, ['method', 'targetRmsUv', 'shrinkage']);
  const shrinkage = a.shrinkage === 0 ? 0 : positive(a.shrinkage, `${path}.shrinkage`);
  if (shrinkage >= 1) throw new BundleConfigError(`${path}.shrinkage`, `must be below 1, found ${shrinkage}`);
  return { method: oneOf(a.method, `${path}.method`, ['euclidean'] as const), targetRmsUv: positive(a.targetRmsUv, `${path}.targetRmsUv`), shrinkage };
}

function labelMap(value: unknown, classes: readonly string[]): Record<string, string> {
  const m = object(value, 'config.labels');
  const out: Record<string, string> = {};
  for (const [annotation, cls] of Object.entries(m)) {
    const name = text(cls, `config.labels.${annotation}`);
    if (!classes.includes(name)) throw new BundleConfigError(`config.labels.${annotation}`, `names class "${name}", which is not in config.classes`);
    out[annotation] = name;
  }
  return out;
}

function provenance(value: unknown): BundleProvenance {
  const p = object(value, 'config.provenance', ['source', 'createdAt', 'notes', 'trainingSubjects']);
  const createdAt = text(p.createdAt, 'config.provenance.createdAt');
  if (Number.isNaN(Date.parse(createdAt))) throw new BundleConfigError('config.provenance.createdAt', `"${createdAt}" is not an ISO 8601 time`);
  return {
    source: text(p.source, 'config.provenance.source'),
    createdAt,
    ...(p.notes === undefined ? {} : { notes: text(p.notes, 'config.provenance.notes', true) }),
    ...(p.trainingSubjects === undefined ? {} : { trainingSubjects: nameList(p.trainingSubjects, 'config.provenance.trainingSubjects') }),
  };
}

function weightFile(value: unknown, path: string): BundleWeightFile {
  const w = object(value, path, ['file', 'dtype', 'sha256']);
  const file = text(w.file, `${path}.file`);
  if (!/^[\w.-]+\.safetensors$/.test(file) || file.startsWith('.')) {
    throw new BundleConfigError(`${path}.file`, `"${file}" must be a plain file name ending in .safetensors`);
  }
  const sha256 = text(w.sha256, `${path}.sha256`);
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new BundleConfigError(`${path}.sha256`, 'must be 64 lower-case hex digits');
  return { file, dtype: oneOf(w.dtype, `${path}.dtype`, ['F32', 'F16'] as const), sha256 };
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? 'nothing' : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function object(value: unknown, path: string, allowed?: readonly string[]): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new BundleConfigError(path, `must be an object, found ${show(value)}`);
  if (allowed) {
    const unknown = Object.keys(value).find((k) => !allowed.includes(k));
    if (unknown !== undefined) throw new BundleConfigError(`${path}.${unknown}`, `is not a bundle field (fields: ${allowed.join(', ')})`);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, path: string, minLength: number): unknown[] {
  if (!Array.isArray(value)) throw new BundleConfigError(path, `must be a list, found ${show(value)}`);
  if (value.length < minLength) throw new BundleConfigError(path, `must have at least ${minLength} entr${minLength === 1 ? 'y' : 'ies'}`);
  return value;
}

function text(value: unknown, path: string, allowEmpty = false): string {
  if (typeof value !== 'string' || (!allowEmpty && value.trim() === '')) throw new BundleConfigError(path, `must be a non-empty string, found ${show(value)}`);
  return value;
}

/** A non-empty list of distinct, non-empty names (classes, channels, subjects). */
function nameList(value: unknown, path: string): string[] {
  const names = list(value, path, 1).map((v, i) => text(v, `${path}[${i}]`));
  names.forEach((name, i) => {
    const first = names.indexOf(name);
    if (first !== i) throw new BundleConfigError(`${path}[${i}]`, `"${name}" repeats ${path}[${first}]`);
  });
  return names;
}

function positive(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw new BundleConfigError(path, `must be a positive number, found ${show(value)}`);
  return value;
}

function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new BundleConfigError(path, `must be true or false, found ${show(value)}`);
  return value;
}

function oneOf<T extends string | number>(value: unknown, path: string, options: readonly T[]): T {
  if (!options.includes(value as T)) throw new BundleConfigError(path, `must be one of ${options.map((o) => JSON.stringify(o)).join(', ')}, found ${show(value)}`);
  return value as T;
}
