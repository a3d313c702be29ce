// Euclidean alignment of a recording's channels (He & Wu, IEEE TBME 2020): the model channels are multiplied by
// s·R^(-1/2), where R is the recording's own spatial covariance (after band-pass), shrunk towards a scaled identity
// so a flat or zero-filled channel cannot make it singular. Every recording then has the same average covariance
// (s²·I): what differs between people's heads and caps (amplitudes, volume conduction) is largely removed, what
// differs between moments of one recording (e.g. the lateralised mu/beta power of motor imagery) is kept. It uses no
// labels, only the recording being decoded, so it runs the same in training, in the app and in the CLI.
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import type { AlignmentSpec } from '../io/bundleConfig';

export type { AlignmentSpec };

/**
 * s = 100 µV makes the aligned channels unit-variance in the model's units (µV/100), like z-scored channels; at
 * EEG's natural ~20 µV the Welch PSD that feeds the spectral gate is ~25× smaller and the gate stays flat.
 */
export const DEFAULT_ALIGNMENT: AlignmentSpec = { method: 'euclidean', targetRmsUv: 100, shrinkage: 0.05 };

export class AlignmentError extends Error {
  override readonly name = 'AlignmentError';
}

/** Running sums for the channel covariance of signals read in chunks (means removed at the end). */
export class CovarianceAccumulator {
  private readonly sums: Float64Array;
  private readonly products: Float64Array;
  private count = 0;

  constructor(readonly nChannels: number) {
    this.sums = new Float64Array(nChannels);
    this.products = new Float64Array(nChannels * nChannels);
  }

  /** Adds samples [from, to) of equally long channels. */
  add(channels: readonly Float64Array[], from = 0, to = Math.min(...channels.map((c) => c.length))): void {
    const c = this.nChannels;
    if (channels.length !== c) throw new AlignmentError(`covariance of ${c} channels fed ${channels.length}`);
    for (let i = 0; i < c; i++) {
      const a = channels[i]!;
      let s = 0;
      for (let t = from; t < to; t++) s += a[t]!;
      this.sums[i]! += s;
      for (let j = i; j < c; j++) {
        const b = channels[j]!;
        let p = 0;
        for (let t = from; t < to; t++) p += a[t]! * b[t]!;
        this.products[i * c + j]! += p;
      }
    }
    this.count += Math.max(0, to - from);
  }

  get samples(): number {
    return this.count;
  }

  /** [C, C] covariance (divided by n), symmetric. */
  covariance(): Float64Array {
    const c = this.nChannels;
    const n = this.count;
    if (n < 2) throw new AlignmentError(`covariance needs at least 2 samples, got ${n}`);
    const out = new Float64Array(c * c);
    for (let i = 0; i < c; i++) {
      for (let j = i; j < c; j++) {
        const v = this.products[i * c + j]! / n - (this.sums[i]! / n) * (this.sums[j]! / n);
        out[i * c + j] = v;
        out[j * c + i] = v;
      }
    }
    return out;
  }
}

/** s·(shrunk R)^(-1/2) as a [C, C] row-major matrix (symmetric). */
export function alignmentMatrix(covariance: Float64Array, nChannels: number, spec: AlignmentSpec): Float64Array {
  const c = nChannels;
  if (covariance.length !== c * c) throw new AlignmentError(`covariance has ${covariance.length} values, expected ${c}×${c}`);
  if (!(spec.shrinkage >= 0 && spec.shrinkage < 1)) throw new AlignmentError(`shrinkage ${spec.shrinkage} is outside [0, 1)`);
  let trace = 0;
  for (let i = 0; i < c; i++) trace += covariance[i * c + i]!;
  if (!(trace > 0) || !Number.isFinite(trace)) throw new AlignmentError('the channels carry no signal (covariance trace is 0): nothing to align');
  const floor = (spec.shrinkage * trace) / c;
  const shrunk = Matrix.zeros(c, c);
  for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) shrunk.set(i, j, (1 - spec.shrinkage) * covariance[i * c + j]! + (i === j ? floor : 0));
  const evd = new EigenvalueDecomposition(shrunk, { assumeSymmetric: true });
  const values = evd.realEigenvalues;
  const vectors = evd.eigenvectorMatrix;
  const out = new Float64Array(c * c);
  for (let k = 0; k < c; k++) {
    // Eigenvalues are ≥ floor > 0 in exact arithmetic; the max guards against rounding.
    const w = spec.targetRmsUv / Math.sqrt(Math.max(values[k]!, floor * 1e-6));
    for (let i = 0; i < c; i++) {
      const vi = vectors.get(i, k) * w;
      for (let j = 0; j < c; j++) out[i * c + j]! += vi * vectors.get(j, k);
    }
  }
  return out;
}

/** W·X for channels X (each a signal); returns new arrays. */
export function applySpatialFilter(channels: readonly Float64Array[], matrix: Float64Array): Float64Array[] {
  const c = channels.length;
  if (matrix.length !== c * c) throw new AlignmentError(`a ${Math.round(Math.sqrt(matrix.length))}-channel spatial filter applied to ${c} channels`);
  const length = Math.min(...channels.map((x) => x.length));
  return Array.from({ length: c }, (_, i) => {
    const out = new Float64Array(length);
    for (let j = 0; j < c; j++) {
      const w = matrix[i * c + j]!;
      if (w === 0) continue;
      const x = channels[j]!;
      for (let t = 0; t < length; t++) out[t]! += w * x[t]!;
    }
    return out;
  });
}
