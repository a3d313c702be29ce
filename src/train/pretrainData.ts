// Pretraining windows from real recordings (ARCHITECTURE.md §8, scaled down): pick the model's channels, convert
// to µV, resample to 200 Hz, band-pass 0.3–75 Hz with a mains notch, cut non-overlapping windows and drop those
// whose largest |value| reaches the artefact threshold, as the authors do.
import { alignmentMatrix, type AlignmentSpec, applySpatialFilter, CovarianceAccumulator } from '../dsp/alignment';
import { bandFilter } from '../dsp/bandFilter';
import { matchChannels } from '../dsp/channels';
import { resampleRate } from '../dsp/resample';
import { microvoltsPerUnit } from '../dsp/units';
import type { Recording } from '../io/recording';

export interface WindowSpec {
  /** Model channels in order (10-20 names; matched with channelKey). */
  readonly channels: readonly string[];
  readonly windowSec: number;
  readonly sampleRateHz: number;
  /** Windows with max |x| ≥ this (µV) are dropped (authors: 100). */
  readonly artifactUv: number;
  readonly lowHz: number;
  readonly highHz: number;
  readonly notchHz: 50 | 60 | null;
  /** Per-recording spatial alignment after the band-pass (as the bundle's preprocessing); absent: none. */
  readonly alignment?: AlignmentSpec;
}

export interface PretrainWindow {
  readonly recordingId: string;
  /** Index of the window inside its recording (k of the pretraining positions linspace(1 + 10k, 10 + 10k, T)). */
  readonly index: number;
  /** [C, T] row-major, µV. */
  readonly microvolts: Float32Array;
}

export interface ExtractedWindows {
  readonly windows: PretrainWindow[];
  readonly dropped: number;
}

export class PretrainDataError extends Error {
  override readonly name = 'PretrainDataError';
}

/** Whole channels of `recording` for the spec, in µV at spec.sampleRateHz, filtered. */
export async function preparedChannels(recording: Recording, spec: Pick<WindowSpec, 'channels' | 'sampleRateHz' | 'lowHz' | 'highHz' | 'notchHz' | 'alignment'>): Promise<Float64Array[]> {
  const labels = recording.header.channels.map((c) => c.label);
  const indices = matchChannels(labels, spec.channels);
  const missing = spec.channels.filter((_, i) => indices[i]! < 0);
  if (missing.length > 0) throw new PretrainDataError(`${recording.source.name} lacks the channels ${missing.join(', ')}`);
  const filtered = await Promise.all(
    indices.map(async (index) => {
      const info = recording.header.channels[index]!;
      const scale = microvoltsPerUnit(info.unit);
      if (scale === null) throw new PretrainDataError(`${recording.source.name}: channel ${info.label} is in "${info.unit}", not a voltage`);
      const raw = await recording.readSamples(index, 0, info.nSamples);
      const uv = raw.map((v) => v * scale);
      const resampled = resampleRate(uv, info.sampleRateHz, spec.sampleRateHz);
      return bandFilter(resampled, { sampleRateHz: spec.sampleRateHz, lowHz: spec.lowHz, highHz: spec.highHz, notchHz: spec.notchHz });
    }),
  );
  if (!spec.alignment) return filtered;
  const accumulator = new CovarianceAccumulator(filtered.length);
  accumulator.add(filtered);
  return applySpatialFilter(filtered, alignmentMatrix(accumulator.covariance(), filtered.length, spec.alignment));
}

export async function extractWindows(recording: Recording, recordingId: string, spec: WindowSpec): Promise<ExtractedWindows> {
  const channels = await preparedChannels(recording, spec);
  const length = Math.round(spec.windowSec * spec.sampleRateHz);
  const total = Math.min(...channels.map((c) => c.length));
  const windows: PretrainWindow[] = [];
  let dropped = 0;
  for (let k = 0; (k + 1) * length <= total; k++) {
    const data = new Float32Array(channels.length * length);
    let peak = 0;
    channels.forEach((c, ci) => {
      for (let t = 0; t < length; t++) {
        const v = c[k * length + t]!;
        data[ci * length + t] = v;
        peak = Math.max(peak, Math.abs(v));
      }
    });
    if (peak >= spec.artifactUv) dropped++;
    else windows.push({ recordingId, index: k, microvolts: data });
  }
  return { windows, dropped };
}
