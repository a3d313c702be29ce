// Per-channel summary of a whole recording (first samples, mean, std, min, max), streamed window by window so a
// long file never sits in memory. `specmoe info` prints it; the conformance test checks it against the peers.
import type { Recording } from './recording';

export interface ChannelStats {
  /** The first (up to) five physical samples. */
  readonly first: number[];
  readonly nSamples: number;
  /** Null for a channel without samples. */
  readonly mean: number | null;
  /** Population standard deviation (ddof = 0, numpy's default). */
  readonly std: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** Records read per window: about this many bytes of samples. */
const WINDOW_BYTES = 8 << 20;

class Accumulator {
  first: number[] = [];
  n = 0;
  mean = 0;
  /** Sum of squared deviations from the mean, combined window by window (Chan et al.), so no cancellation. */
  m2 = 0;
  min = Infinity;
  max = -Infinity;

  add(values: Float32Array): void {
    if (values.length === 0) return;
    for (let i = 0; this.first.length < 5 && i < values.length; i++) this.first.push(values[i]!);
    let sum = 0;
    let min = this.min;
    let max = this.max;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    const mean = sum / values.length;
    let m2 = 0;
    for (let i = 0; i < values.length; i++) m2 += (values[i]! - mean) ** 2;
    const n = this.n + values.length;
    const delta = mean - this.mean;
    this.m2 += m2 + (delta * delta * this.n * values.length) / n;
    this.mean += (delta * values.length) / n;
    this.n = n;
    this.min = min;
    this.max = max;
  }

  result(): ChannelStats {
    const some = this.n > 0;
    return {
      first: this.first,
      nSamples: this.n,
      mean: some ? this.mean : null,
      std: some ? Math.sqrt(this.m2 / this.n) : null,
      min: some ? this.min : null,
      max: some ? this.max : null,
    };
  }
}

/** Reads every sample of every data channel once, a window of whole records at a time. */
export async function channelStats(recording: Recording): Promise<ChannelStats[]> {
  const { channels, nRecords, recordDurationSec } = recording.header;
  const all = channels.map((c) => c.index);
  const accumulators = channels.map(() => new Accumulator());
  const bytesPerRecord = Math.max(1, channels.reduce((sum, c) => sum + c.samplesPerRecord * 4, 0));
  const recordsPerWindow = Math.max(1, Math.floor(WINDOW_BYTES / bytesPerRecord));
  for (let r = 0; channels.length > 0 && r < nRecords; r += recordsPerWindow) {
    const records = Math.min(recordsPerWindow, nRecords - r);
    const windows = await recording.readChannels(all, r * recordDurationSec, records * recordDurationSec);
    windows.forEach((values, i) => accumulators[i]!.add(values));
  }
  return accumulators.map((a) => a.result());
}
