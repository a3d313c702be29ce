// Spectrograms of a channel (or the channel average) and the pretraining mask preview, for the researcher's views.
// Long spans are read in chunks and their frames averaged into at most `maxColumns` columns.
import { applyMask, randomGaussianMask } from '../dsp/masks';
import { seededRandom } from '../dsp/random';
import { resampleRate } from '../dsp/resample';
import { powerDb, stft } from '../dsp/stft';
import { microvoltsPerUnit } from '../dsp/units';
import type { Recording } from '../io/recording';
import type { MaskPreview, MaskPreviewRequest, Spectrogram, SpectrogramRequest } from './api';

const CHUNK_SEC = 600;

/** Indices of the channels a request averages, and their common rate. */
function channelsOf(recording: Recording, channel: string): { indices: number[]; rate: number } {
  const channels = recording.header.channels;
  if (channel === 'average') {
    const counts = new Map<number, number>();
    for (const c of channels) if (microvoltsPerUnit(c.unit) !== null) counts.set(c.sampleRateHz, (counts.get(c.sampleRateHz) ?? 0) + 1);
    const rate = [...counts].sort((a, b) => b[1] - a[1])[0]?.[0];
    if (rate === undefined) throw new Error('this recording has no voltage channels to average');
    return { indices: channels.flatMap((c, i) => (c.sampleRateHz === rate && microvoltsPerUnit(c.unit) !== null ? [i] : [])), rate };
  }
  const index = channels.findIndex((c) => c.label === channel);
  if (index < 0) throw new Error(`no channel "${channel}" in this recording`);
  return { indices: [index], rate: channels[index]!.sampleRateHz };
}

/** Voltage channels in µV (the spectrogram's dB are then re 1 µV²); other units as they are. */
function toMicrovolts(samples: Float32Array, unit: string): Float32Array {
  const scale = microvoltsPerUnit(unit);
  return scale === null || scale === 1 ? samples : samples.map((v) => v * scale);
}

function toDb(power: Float64Array): Float32Array {
  return Float32Array.from(power, (p) => 10 * Math.log10(p + 1e-20));
}

export async function spectrogram(recording: Recording, request: SpectrogramRequest): Promise<Spectrogram> {
  const { indices, rate } = channelsOf(recording, request.channel);
  const nperseg = request.nperseg ?? Math.min(Math.round(2 * rate), 1024);
  const noverlap = request.noverlap ?? Math.floor(nperseg / 2);
  const start = Math.max(0, request.startSec);
  const end = Math.min(recording.durationSec, request.startSec + request.durationSec);
  if (end - start < nperseg / rate) throw new Error(`the span is shorter than one ${nperseg}-sample window`);
  const nFreqs = Math.floor(nperseg / 2) + 1;
  const frames: Float64Array[] = [];
  const times: number[] = [];
  for (let t0 = start; t0 < end; t0 += CHUNK_SEC) {
    const dur = Math.min(CHUNK_SEC, end - t0);
    if (dur * rate < nperseg && frames.length > 0) break;
    const data = (await recording.readChannels(indices, t0, dur)).map((d, i) => toMicrovolts(d, recording.header.channels[indices[i]!]!.unit));
    const first = frames.length;
    for (const [i, d] of data.entries()) {
      const s = stft(d, { sampleRateHz: rate, nperseg, noverlap });
      if (i === 0) for (let f = 0; f < s.nFrames; f++) times.push(t0 + s.times[f]!), frames.push(new Float64Array(nFreqs));
      // Each frame's bins are contiguous in s.data (frame-major): add its mean power over the channels.
      for (let f = 0; f < s.nFrames; f++) {
        const col = frames[first + f]!;
        for (let k = 0, j = 2 * f * nFreqs; k < nFreqs; k++, j += 2) col[k]! += (s.data[j]! * s.data[j]! + s.data[j + 1]! * s.data[j + 1]!) / indices.length;
      }
    }
  }
  // Average frames into at most maxColumns columns.
  const maxColumns = request.maxColumns ?? 1200;
  const group = Math.max(1, Math.ceil(frames.length / maxColumns));
  const nCols = Math.ceil(frames.length / group);
  const grid = new Float64Array(nFreqs * nCols);
  const colTimes = new Float32Array(nCols);
  for (let c = 0; c < nCols; c++) {
    const members = frames.slice(c * group, (c + 1) * group);
    for (let k = 0; k < nFreqs; k++) grid[k * nCols + c] = members.reduce((a, m) => a + m[k]!, 0) / members.length;
    colTimes[c] = times.slice(c * group, (c + 1) * group).reduce((a, t) => a + t, 0) / members.length;
  }
  const unit = recording.header.channels[indices[0]!]!.unit;
  const powerUnit = microvoltsPerUnit(unit) !== null ? 'µV²' : `${unit || 'unit'}²`;
  return { freqs: Float32Array.from({ length: nFreqs }, (_, k) => (k * rate) / nperseg), times: colTimes, db: toDb(grid), sampleRateHz: rate, powerUnit };
}

/** The channel over the span at 200 Hz in µV, masked by a seeded Gaussian mask with the given parameters (§9). */
export async function maskPreview(recording: Recording, request: MaskPreviewRequest): Promise<MaskPreview> {
  const { indices, rate } = channelsOf(recording, request.channel);
  const info = recording.header.channels[indices[0]!]!;
  const [raw] = await recording.readChannels([indices[0]!], request.startSec, request.durationSec);
  const scale = microvoltsPerUnit(info.unit) ?? 1;
  const at200 = resampleRate(Float64Array.from(raw!, (v) => v * scale), rate, 200);
  const options = { sampleRateHz: 200, nperseg: 400, noverlap: 200 };
  const grid = stft(at200, options);
  const mask = randomGaussianMask(grid.freqs, grid.nFrames, request.params, seededRandom(request.seed));
  const [masked] = applyMask([at200], mask, options);
  return {
    freqs: Float32Array.from(grid.freqs),
    times: Float32Array.from(grid.times, (t) => t + request.startSec),
    mask: Float32Array.from(mask.map),
    originalDb: powerDb(grid),
    maskedDb: powerDb(stft(masked!, options)),
    original: Float32Array.from(at200),
    masked: Float32Array.from(masked!),
    maskedFraction: mask.maskedFraction,
    components: mask.components.length,
  };
}
