// Model-ready segments (ARCHITECTURE.md §1, §10.11): the model's channels picked and ordered from a recording's
// (10-20 names matched case- and punctuation-insensitively; bipolar derivations computed from their electrodes when
// the recording is referential), in µV, resampled to 200 Hz, optionally band-passed, cut into segments, scaled
// µV/100, zero-padded to a multiple of 120 samples, with the positions linspace(0.1, 1.1, T) zero-padded alike.
import type { AlignmentSpec } from '../io/bundleConfig';
import { applySpatialFilter } from './alignment';
import { bandFilter } from './bandFilter';
import { channelKey } from './channels';
import { channelType } from './channelTypes';
import { resampleRate } from './resample';
import { microvoltsPerUnit } from './units';

/** How one model channel is obtained from the recording's channels. */
export type ChannelSource =
  | { readonly kind: 'channel'; readonly index: number }
  | { readonly kind: 'derived'; readonly plus: number; readonly minus: number }
  | { readonly kind: 'missing' };

export interface ChannelMap {
  readonly sources: readonly ChannelSource[];
  readonly missing: readonly string[];
}

export interface RecordingChannel {
  readonly label: string;
  readonly unit: string;
  readonly sampleRateHz: number;
}

export class SegmentError extends Error {
  override readonly name = 'SegmentError';
}

/**
 * Maps model channels onto a recording. 'free' montages (e.g. rodent depth electrodes) take a channel of the same
 * name, or else the recording's EEG channels in file order (never its EOG, EMG, ECG or respiration channels).
 * `overrides` pins a model channel to a recording label (user-chosen mapping).
 */
export function mapChannels(
  recording: readonly RecordingChannel[],
  modelChannels: readonly string[],
  montage: 'referential' | 'bipolar' | 'free',
  overrides: Readonly<Record<string, string>> = {},
): ChannelMap {
  const voltage = recording.map((c, i) => ({ c, i })).filter(({ c }) => microvoltsPerUnit(c.unit) !== null);
  const keys = new Map<string, number>();
  for (const { c, i } of voltage) if (!keys.has(channelKey(c.label))) keys.set(channelKey(c.label), i);
  const eeg = voltage.filter(({ c }) => channelType(c.label, c.unit) === 'eeg');
  const missing: string[] = [];
  const sources = modelChannels.map((name, position): ChannelSource => {
    const pinned = overrides[name] || undefined; // an empty override is none
    const key = channelKey(pinned ?? name);
    if (keys.has(key)) return { kind: 'channel', index: keys.get(key)! };
    if (montage === 'free' && !pinned && eeg[position]) return { kind: 'channel', index: eeg[position]!.i };
    const parts = key.split('-');
    if (parts.length === 2 && keys.has(parts[0]!) && keys.has(parts[1]!)) return { kind: 'derived', plus: keys.get(parts[0]!)!, minus: keys.get(parts[1]!)! };
    missing.push(name);
    return { kind: 'missing' };
  });
  return { sources, missing };
}

export interface PrepareOptions {
  readonly sampleRateHz: number;
  /** Band-pass applied to whole channels before cutting (the demo model's pretraining preprocessing), or null. */
  readonly filter: { readonly lowHz: number; readonly highHz: number; readonly notchHz: 50 | 60 | null; readonly alignment?: AlignmentSpec } | null;
  /** Spatial filter [C, C] applied after the band-pass (the recording's alignment matrix, see dsp/alignment.ts). */
  readonly spatial?: Float64Array | null;
}

/**
 * The model channels as whole signals at options.sampleRateHz in µV, from the recording's channels in physical units
 * (`read(index)` returns all samples of a recording channel). Missing channels are zeros.
 */
export async function prepareChannels(
  recording: readonly RecordingChannel[],
  map: ChannelMap,
  read: (index: number) => Promise<Float32Array>,
  options: PrepareOptions,
): Promise<Float64Array[]> {
  const cache = new Map<number, Float64Array>();
  const at200 = async (index: number) => {
    let s = cache.get(index);
    if (!s) {
      const info = recording[index]!;
      const scale = microvoltsPerUnit(info.unit)!;
      const uv = Float64Array.from(await read(index), (v) => v * scale);
      s = resampleRate(uv, info.sampleRateHz, options.sampleRateHz);
      cache.set(index, s);
    }
    return s;
  };
  const derived = await Promise.all(
    map.sources.map(async (src) => {
      if (src.kind === 'channel') return at200(src.index);
      if (src.kind === 'derived') {
        const [a, b] = [await at200(src.plus), await at200(src.minus)];
        return Float64Array.from({ length: Math.min(a.length, b.length) }, (_, i) => a[i]! - b[i]!);
      }
      return null;
    }),
  );
  const length = Math.min(...derived.filter((d): d is Float64Array => d !== null).map((d) => d.length));
  if (!Number.isFinite(length)) throw new SegmentError('none of the model channels is in the recording');
  const filtered = derived.map((d) => {
    if (!d) return new Float64Array(length);
    const cut = d.length === length ? d : d.subarray(0, length);
    if (!options.filter) return Float64Array.from(cut);
    const { lowHz, highHz, notchHz } = options.filter;
    return bandFilter(cut, { sampleRateHz: options.sampleRateHz, lowHz, highHz, notchHz });
  });
  return options.spatial ? applySpatialFilter(filtered, options.spatial) : filtered;
}

export interface Segments {
  /** [nSegments, C, paddedLength] row-major, µV/100. */
  readonly x: Float32Array;
  /** Positions [paddedLength]: linspace(0.1, 1.1, length) then zeros. */
  readonly times: Float32Array;
  readonly nSegments: number;
  readonly nChannels: number;
  /** Samples per segment before padding (segmentSec × rate) and after (next multiple of 120). */
  readonly length: number;
  readonly paddedLength: number;
  /** Onset of each segment in seconds from the first sample of the prepared signals. */
  readonly onsetsSec: readonly number[];
}

/** Positions for fine-tuning and inference (§1): linspace(0.1, 1.1, length) in float64, cast, zero-padded. */
export function segmentPositions(length: number, paddedLength: number): Float32Array {
  const times = new Float32Array(paddedLength);
  for (let t = 0; t < length; t++) times[t] = length === 1 ? 0.1 : 0.1 + t / (length - 1);
  return times;
}

export function paddedLengthOf(length: number): number {
  return Math.ceil(length / 120) * 120;
}

/**
 * Cuts prepared signals (µV at sampleRateHz) into segments starting at `onsetsSec` (default: back to back from 0 with
 * `strideSec` = segmentSec); segments that would run past the end are left out.
 */
export function cutSegments(
  signals: readonly Float64Array[],
  sampleRateHz: number,
  segmentSec: number,
  onsetsSec?: readonly number[],
  strideSec = segmentSec,
): Segments {
  const length = Math.round(segmentSec * sampleRateHz);
  const paddedLength = paddedLengthOf(length);
  const total = signals.length > 0 ? Math.min(...signals.map((s) => s.length)) : 0;
  const starts = (onsetsSec ?? Array.from({ length: Math.max(0, Math.floor((total / sampleRateHz - segmentSec) / strideSec + 1e-9) + 1) }, (_, i) => i * strideSec))
    .filter((sec) => sec >= 0 && Math.round(sec * sampleRateHz) + length <= total);
  const nChannels = signals.length;
  const x = new Float32Array(starts.length * nChannels * paddedLength);
  starts.forEach((sec, s) => {
    const first = Math.round(sec * sampleRateHz);
    for (let c = 0; c < nChannels; c++) {
      const base = (s * nChannels + c) * paddedLength;
      const src = signals[c]!;
      for (let t = 0; t < length; t++) x[base + t] = src[first + t]! / 100;
    }
  });
  return { x, times: segmentPositions(length, paddedLength), nSegments: starts.length, nChannels, length, paddedLength, onsetsSec: starts };
}
