// Gaussian STFT masks of SpecHi-Net's pretraining (ARCHITECTURE.md §9): frequency, time and time-frequency
// Gaussian components (σ = 5 % of each axis), centres biased into the EEG bands, multiplied into one mask shared by
// all channels until the masked area reaches the ratio; the masked signal is istft(stft(x) ⊙ M).
import { type Random, seededRandom } from './random';
import { istft, scaleByMap, stft, type StftOptions } from './stft';

export type MaskKind = 'freq' | 'time' | 'tf';

/** One Gaussian component: its kind and centre (frequency bin f0, frame t0). */
export type MaskComponent = readonly [kind: MaskKind, f0: number, t0: number];

export interface MaskParams {
  /** Stop once this fraction of the time-frequency plane is masked (0.5). */
  readonly ratio: number;
  /** Probabilities of freq / time / tf components (0.6, 0.3, 0.1). */
  readonly typeRatios: readonly [number, number, number];
  /** Probability that a freq or tf centre is drawn inside an EEG band (0.5). */
  readonly bandBias: number;
  /** Probabilities of delta / theta / alpha / beta (0.3, 0.4, 0.2, 0.1). */
  readonly bandProbs: readonly [number, number, number, number];
  /** Depth of each component: M ← M·(1 − level·G) (1.0). */
  readonly level: number;
}

/** The paper's pretraining values (§9). */
export const PAPER_MASK_PARAMS: MaskParams = {
  ratio: 0.5,
  typeRatios: [0.6, 0.3, 0.1],
  bandBias: 0.5,
  bandProbs: [0.3, 0.4, 0.2, 0.1],
  level: 1,
};

/** Band edges in Hz, inclusive (§9). */
export const EEG_BANDS = [
  { name: 'delta', loHz: 1, hiHz: 4 },
  { name: 'theta', loHz: 4, hiHz: 8 },
  { name: 'alpha', loHz: 8, hiHz: 12 },
  { name: 'beta', loHz: 12, hiHz: 30 },
] as const;

const KINDS: readonly MaskKind[] = ['freq', 'time', 'tf'];
/** A level that never reaches the ratio (e.g. level 0) must not loop forever. */
const MAX_COMPONENTS = 10_000;

export interface GaussianMask {
  /** M [F, NT] row-major, in [0, 1]. */
  readonly map: Float64Array;
  readonly nFreqs: number;
  readonly nFrames: number;
  readonly components: MaskComponent[];
  /** Fraction of the plane masked, 1 − mean(M). */
  readonly maskedFraction: number;
}

/** Multiplies one component into M in place. */
function applyComponent(map: Float64Array, nFreqs: number, nFrames: number, [kind, f0, t0]: MaskComponent, level: number): void {
  const sigmaF = 0.05 * nFreqs;
  const sigmaT = 0.05 * nFrames;
  for (let k = 0; k < nFreqs; k++) {
    const gf = kind === 'time' ? 1 : Math.exp(-0.5 * ((k - f0) / sigmaF) ** 2);
    for (let j = 0; j < nFrames; j++) {
      const gt = kind === 'freq' ? 1 : Math.exp(-0.5 * ((j - t0) / sigmaT) ** 2);
      map[k * nFrames + j]! *= 1 - level * gf * gt;
    }
  }
}

function maskedFraction(map: Float64Array): number {
  let sum = 0;
  for (const v of map) sum += v;
  return 1 - sum / map.length;
}

/** The mask built from an explicit component list, applied in order (used by the parity test). */
export function maskFromComponents(nFreqs: number, nFrames: number, components: readonly MaskComponent[], level = 1): GaussianMask {
  const map = new Float64Array(nFreqs * nFrames).fill(1);
  for (const c of components) applyComponent(map, nFreqs, nFrames, c, level);
  return { map, nFreqs, nFrames, components: [...components], maskedFraction: maskedFraction(map) };
}

/** Frequency bins of each band: k with lo ≤ k·fs/nperseg ≤ hi. */
function bandBins(freqs: ArrayLike<number>): number[][] {
  return EEG_BANDS.map(({ loHz, hiHz }) => {
    const bins: number[] = [];
    for (let k = 0; k < freqs.length; k++) if (freqs[k]! >= loHz && freqs[k]! <= hiHz) bins.push(k);
    return bins;
  });
}

/**
 * Draws components until the masked area reaches params.ratio (§9 step 4): kind by typeRatios, f0 and t0 uniform,
 * and for freq/tf components, with probability bandBias, f0 moved to a random bin of a band drawn by bandProbs.
 */
export class MaskParamsError extends RangeError {
  override readonly name = 'MaskParamsError';
}

/** Throws MaskParamsError naming the parameter when no mask can be drawn with `params`. */
export function checkMaskParams(params: MaskParams): void {
  const [freq, time, tf] = params.typeRatios;
  if (!(params.ratio > 0 && params.ratio < 1)) throw new MaskParamsError(`the mask ratio is ${params.ratio}: it must lie between 0 and 1`);
  if (!(params.level > 0 && params.level <= 1)) throw new MaskParamsError(`the mask level is ${params.level}: it must be above 0 and at most 1`);
  if (!(freq + time + tf > 0) || Math.min(freq, time, tf) < 0) {
    throw new MaskParamsError(`the weights of the mask types (frequency ${freq}, time ${time}, time-frequency ${tf}) must be ≥ 0 with at least one above 0`);
  }
  const bands = params.bandProbs;
  if (params.bandBias > 0 && (freq > 0 || tf > 0) && !(bands.reduce((a, b) => a + b, 0) > 0)) {
    throw new MaskParamsError(`the band bias is ${params.bandBias} but P(delta), P(theta), P(alpha) and P(beta) are all 0: give one of them a weight, or set the band bias to 0`);
  }
}

export function randomGaussianMask(freqs: ArrayLike<number>, nFrames: number, params: MaskParams, random: Random): GaussianMask {
  checkMaskParams(params);
  const nFreqs = freqs.length;
  const bins = bandBins(freqs);
  const map = new Float64Array(nFreqs * nFrames).fill(1);
  const components: MaskComponent[] = [];
  while (maskedFraction(map) < params.ratio && components.length < MAX_COMPONENTS) {
    const kind = KINDS[random.choice(params.typeRatios)]!;
    let f0 = random.int(nFreqs);
    const t0 = random.int(nFrames);
    if (kind !== 'time' && random.next() < params.bandBias) {
      const band = bins[random.choice(params.bandProbs)]!;
      if (band.length > 0) f0 = band[random.int(band.length)]!;
    }
    const component: MaskComponent = [kind, f0, t0];
    applyComponent(map, nFreqs, nFrames, component, params.level);
    components.push(component);
  }
  return { map, nFreqs, nFrames, components, maskedFraction: maskedFraction(map) };
}

/** x_masked_c = istft(stft(x_c) ⊙ M)[:T] for each channel (§9 step 5). */
export function applyMask(channels: readonly ArrayLike<number>[], mask: GaussianMask, options: StftOptions): Float64Array[] {
  return channels.map((x) => {
    const spec = stft(x, options);
    if (spec.nFreqs !== mask.nFreqs || spec.nFrames !== mask.nFrames) {
      throw new RangeError(`mask is ${mask.nFreqs}×${mask.nFrames} but the STFT is ${spec.nFreqs}×${spec.nFrames}`);
    }
    scaleByMap(spec, mask.map);
    const y = istft(spec, options);
    const out = new Float64Array(x.length);
    out.set(y.subarray(0, Math.min(y.length, x.length)));
    return out;
  });
}

export interface MaskedSignal {
  readonly mask: GaussianMask;
  readonly masked: Float64Array[];
}

/** A seeded random mask over the channels' shared STFT grid and the masked channels. */
export function gaussianMask(channels: readonly ArrayLike<number>[], options: StftOptions, params: MaskParams, seed: number): MaskedSignal {
  if (channels.length === 0) throw new RangeError('gaussianMask needs at least one channel');
  const grid = stft(channels[0]!, options);
  const mask = randomGaussianMask(grid.freqs, grid.nFrames, params, seededRandom(seed));
  return { mask, masked: applyMask(channels, mask, options) };
}
