// The decoding tasks the app knows: classes, channels, segment length and pooling, after the datasets the
// SpecMoE paper fine-tunes on (ARCHITECTURE.md §7 lists the per-dataset window lengths and pooling modes).
// A model bundle names its task; user-defined tasks are validated by `defineTask`.

export type PoolMode = 'mean' | 'max';

export interface TaskDefinition {
  /** Stable identifier used in bundles and on the CLI (`--task`). */
  readonly id: string;
  readonly name: string;
  readonly description: string;
  /** Class names in the order of the classifier's outputs. */
  readonly classes: readonly string[];
  /**
   * Model input channels in order. Referential 10-20 names ("C3"), bipolar derivations ("FP1-F7", computed from
   * their two electrodes when the recording is referential), or free names for non-EEG-cap data.
   */
  readonly channels: readonly string[];
  readonly montage: 'referential' | 'bipolar' | 'free';
  readonly segmentSec: number;
  readonly sampleRateHz: number;
  /** Pooling over time (L) and channels (C) in the SpecMoE head (§7). */
  readonly lPool: PoolMode;
  readonly cPool: PoolMode;
  /** Dataset the definition follows, for the model card. */
  readonly reference: string;
}

/** eegmmidb / PhysioNet-MI's 64 channels in file order (labels normalise with channelKey: "Fc5." = "FC5"). */
export const EEGMMIDB_64 = [
  'FC5', 'FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'FC6', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP5', 'CP3', 'CP1',
  'CPz', 'CP2', 'CP4', 'CP6', 'Fp1', 'Fpz', 'Fp2', 'AF7', 'AF3', 'AFz', 'AF4', 'AF8', 'F7', 'F5', 'F3', 'F1', 'Fz',
  'F2', 'F4', 'F6', 'F8', 'FT7', 'FT8', 'T7', 'T8', 'T9', 'T10', 'TP7', 'TP8', 'P7', 'P5', 'P3', 'P1', 'Pz', 'P2',
  'P4', 'P6', 'P8', 'PO7', 'PO3', 'POz', 'PO4', 'PO8', 'O1', 'Oz', 'O2', 'Iz',
] as const;

/** SEED-V's 62-channel ESI NeuroScan cap. */
const SEED_62 = [
  'Fp1', 'Fpz', 'Fp2', 'AF3', 'AF4', 'F7', 'F5', 'F3', 'F1', 'Fz', 'F2', 'F4', 'F6', 'F8', 'FT7', 'FC5', 'FC3', 'FC1',
  'FCz', 'FC2', 'FC4', 'FC6', 'FT8', 'T7', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'T8', 'TP7', 'CP5', 'CP3', 'CP1',
  'CPz', 'CP2', 'CP4', 'CP6', 'TP8', 'P7', 'P5', 'P3', 'P1', 'Pz', 'P2', 'P4', 'P6', 'P8', 'PO7', 'PO5', 'PO3', 'POz',
  'PO4', 'PO6', 'PO8', 'CB1', 'O1', 'Oz', 'O2', 'CB2',
] as const;

/** TUAB's 16 longitudinal bipolar derivations (TCP montage subset used by EEG foundation-model benchmarks). */
const TUAB_16 = [
  'FP1-F7', 'F7-T3', 'T3-T5', 'T5-O1', 'FP2-F8', 'F8-T4', 'T4-T6', 'T6-O2',
  'FP1-F3', 'F3-C3', 'C3-P3', 'P3-O1', 'FP2-F4', 'F4-C4', 'C4-P4', 'P4-O2',
] as const;

export const BUILTIN_TASKS: readonly TaskDefinition[] = [
  {
    id: 'sleep-staging',
    name: 'Sleep staging',
    description: 'Five AASM stages per 30-s scoring epoch.',
    classes: ['W', 'N1', 'N2', 'N3', 'REM'],
    channels: ['F4-M1', 'C4-M1', 'O2-M1', 'C3-M2'],
    montage: 'bipolar',
    segmentSec: 30,
    sampleRateHz: 200,
    lPool: 'mean',
    cPool: 'max',
    reference: 'HMC sleep staging (PhysioNet)',
  },
  {
    id: 'sleep-edf',
    name: 'Sleep staging (Sleep-EDF)',
    description: 'Five AASM stages per 30-s epoch from the two EEG derivations of Sleep-EDF (R&K S3 and S4 as N3).',
    classes: ['W', 'N1', 'N2', 'N3', 'REM'],
    // Free: taken by name ("EEG Fpz-Cz"), or else the EEG channels in file order, never the EOG, EMG or respiration.
    channels: ['Fpz-Cz', 'Pz-Oz'],
    montage: 'free',
    segmentSec: 30,
    sampleRateHz: 200,
    lPool: 'mean',
    cPool: 'max',
    reference: 'Sleep-EDF Database Expanded (PhysioNet)',
  },
  {
    id: 'motor-imagery',
    name: 'Motor imagery',
    description: 'Imagined movement of the left fist, right fist, both fists or both feet.',
    classes: ['left fist', 'right fist', 'both fists', 'feet'],
    channels: EEGMMIDB_64,
    montage: 'referential',
    segmentSec: 4,
    sampleRateHz: 200,
    lPool: 'mean',
    cPool: 'max',
    reference: 'PhysioNet EEG Motor Movement/Imagery (eegmmidb)',
  },
  {
    id: 'abnormal-eeg',
    name: 'Abnormal EEG',
    description: 'Normal versus abnormal clinical EEG.',
    classes: ['normal', 'abnormal'],
    channels: TUAB_16,
    montage: 'bipolar',
    segmentSec: 10,
    sampleRateHz: 200,
    lPool: 'mean',
    cPool: 'mean',
    reference: 'TUH Abnormal EEG Corpus (TUAB)',
  },
  {
    id: 'emotion',
    name: 'Emotion',
    description: 'Five emotions elicited by film clips.',
    classes: ['disgust', 'fear', 'sad', 'neutral', 'happy'],
    channels: SEED_62,
    montage: 'referential',
    segmentSec: 1,
    sampleRateHz: 200,
    lPool: 'max',
    cPool: 'mean',
    reference: 'SEED-V',
  },
  {
    id: 'drug-effect',
    name: 'Drug effect (rodent)',
    description: 'Five pharmacological treatments from rodent depth recordings; channels are taken in file order.',
    classes: ['vehicle', 'treatment 1', 'treatment 2', 'treatment 3', 'treatment 4'],
    channels: ['depth 1', 'depth 2', 'depth 3', 'depth 4'],
    montage: 'free',
    segmentSec: 60,
    sampleRateHz: 200,
    lPool: 'mean',
    cPool: 'mean',
    reference: 'DA-Pharmaco (rodent)',
  },
];

export class TaskDefinitionError extends Error {
  override readonly name = 'TaskDefinitionError';
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(`${message} (task field "${field}")`);
  }
}

/** Validates a user-defined (or bundle-supplied) task and returns it frozen. */
export function defineTask(task: TaskDefinition): TaskDefinition {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(task.id)) throw new TaskDefinitionError(`id "${task.id}" must be lower-case letters, digits and dashes`, 'id');
  if (task.classes.length < 2) throw new TaskDefinitionError(`a task needs at least 2 classes, got ${task.classes.length}`, 'classes');
  if (new Set(task.classes).size !== task.classes.length) throw new TaskDefinitionError('class names must be unique', 'classes');
  if (task.channels.length < 1) throw new TaskDefinitionError('a task needs at least one channel', 'channels');
  if (!(task.segmentSec === 1 || task.segmentSec >= 2)) {
    // The gate's Welch settings exist only for 1-s and >= 2-s segments (ARCHITECTURE.md §7).
    throw new TaskDefinitionError(`segment length ${task.segmentSec} s is not supported (1 s or >= 2 s)`, 'segmentSec');
  }
  if (task.sampleRateHz !== 200) throw new TaskDefinitionError('SpecMoE works at 200 Hz', 'sampleRateHz');
  return Object.freeze({ ...task, classes: [...task.classes], channels: [...task.channels] });
}

export function findTask(id: string, extra: readonly TaskDefinition[] = []): TaskDefinition | undefined {
  return [...BUILTIN_TASKS, ...extra].find((t) => t.id === id);
}
