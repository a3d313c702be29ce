// The bundled motor-imagery model's data: the shared eegmmidb recordings, the subject split kept in split.json, the
// task (its sensorimotor channels, 4-s trials from the T1/T2 onsets) and the preprocessing every stage uses.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { openRecordingFile } from '../../src/cli/files';
import { DEFAULT_ALIGNMENT } from '../../src/dsp/alignment';
import type { BundlePreprocessing } from '../../src/io/bundleConfig';
import { readSafetensors, writeSafetensors } from '../../src/io/safetensors';
import { subjectOf } from '../../src/train/labels';
import { concatTrials, recordingTrials, type TrialSet } from '../../src/train/trials';
import { DATA_DIR, REPO_ROOT } from '../../src/cli/paths';

/** The model's channels (every stage: pretraining windows, trials, the bundle). */
export const CHANNELS = ['FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP3', 'CP1', 'CP2', 'CP4'];
export const CLASSES = ['left fist', 'right fist'];
/** Annotation → class in imagery runs 4, 8 and 12 (T0, rest, is not a class of this model). */
export const LABELS = new Map([['T1', 'left fist'], ['T2', 'right fist']]);
export const SEGMENT_SEC = 4;
export const TASK = { channels: CHANNELS, montage: 'referential' as const, segmentSec: SEGMENT_SEC };

/**
 * Band-pass 8–30 Hz (the mu and beta rhythms only; 4–40 Hz until 2026-12-07: see the model card's earlier runs), then
 * per-recording Euclidean alignment (band power gains 2–3 points from it on held-out subjects: see the model card).
 */
export const PREPROCESSING: BundlePreprocessing = { lowHz: 8, highHz: 30, notchHz: null, alignment: DEFAULT_ALIGNMENT };

export type SplitName = 'train' | 'validation' | 'test';
export const SPLIT = JSON.parse(readFileSync(join(REPO_ROOT, 'scripts', 'demo', 'split.json'), 'utf8')) as Record<SplitName, string[]>;

const IMAGERY_RUN = /R(04|08|12)\.edf\.gz$/;

/** Recordings of `subjects` under ../shared/data/eegmmidb, all runs or only the imagery runs. */
export function recordingsOf(subjects: readonly string[], which: 'all' | 'imagery'): string[] {
  const root = join(DATA_DIR, 'eegmmidb');
  if (!existsSync(root)) throw new Error(`${root} is missing: the demo model is trained from the shared data`);
  return subjects.flatMap((s) =>
    readdirSync(join(root, s))
      .filter((f) => f.endsWith('.edf.gz') && (which === 'all' || IMAGERY_RUN.test(f)))
      .sort()
      .map((f) => join(root, s, f)),
  );
}

/**
 * The labelled trials of a split's imagery runs, prepared as decoding prepares them; kept in .cache/demo-trials
 * (keyed by subjects, margin and preprocessing) so that the stages of a run and repeated runs read them once.
 */
export async function splitTrials(subjects: readonly string[], marginSec: number, preprocessing: BundlePreprocessing = PREPROCESSING): Promise<TrialSet> {
  const key = createHash('sha256').update(JSON.stringify({ subjects, marginSec, preprocessing, TASK, version: 1 })).digest('hex').slice(0, 16);
  const dir = join(REPO_ROOT, '.cache', 'demo-trials');
  const file = join(dir, `${key}.safetensors`);
  if (existsSync(file)) {
    const { tensors, metadata } = readSafetensors(new Uint8Array(readFileSync(file)));
    const meta = JSON.parse(metadata.trials!) as Omit<TrialSet, 'x' | 'labels'>;
    return { ...meta, x: Float32Array.from(tensors.get('x')!.data), labels: Int32Array.from(tensors.get('labels')!.data) };
  }
  const set = await readSplitTrials(subjects, marginSec, preprocessing);
  mkdirSync(dir, { recursive: true });
  const { x, labels, ...meta } = set;
  writeFileSync(file, writeSafetensors({ x: { dtype: 'F32', shape: [x.length], data: x }, labels: { dtype: 'F32', shape: [labels.length], data: Float32Array.from(labels) } }, { trials: JSON.stringify(meta) }));
  return set;
}

async function readSplitTrials(subjects: readonly string[], marginSec: number, preprocessing: BundlePreprocessing): Promise<TrialSet> {
  const classOf = new Map([...LABELS].map(([annotation, cls]) => [annotation, CLASSES.indexOf(cls)]));
  const sets: TrialSet[] = [];
  for (const file of recordingsOf(subjects, 'imagery')) {
    const recording = await openRecordingFile(file);
    try {
      sets.push(await recordingTrials(recording, { recordingId: basename(file).replace(/\.edf\.gz$/, ''), subject: subjectOf(file) }, TASK, classOf, { sampleRateHz: 200, preprocessing, marginSec }));
    } finally {
      await recording.close();
    }
  }
  return concatTrials(sets);
}
