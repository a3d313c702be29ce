// Model configurations. The authors' dimensions are the defaults; widths can be reduced for small models
// (kernel sizes, strides and paddings are fixed by the architecture: the length arithmetic depends on them).
import type { PoolMode } from './tasks';

export interface ExpertConfig {
  /** Down1's first width (authors: 32). */
  readonly d1: number;
  /** Width of Down1/Down2 outputs, TransformerEnc1/3 and the Up2/Up3 stages (authors: 64). */
  readonly d2: number;
  /** Width of Down3, the bottleneck and TransformerEnc2, i.e. the embedding size (authors: 128). */
  readonly d3: number;
  /** Up3's narrow width before the output convolutions (authors: 32). */
  readonly up3Mid: number;
  /** Attention heads in every transformer layer (authors: 8). */
  readonly heads: number;
  /** Rows of the auxiliary heads (authors: 19, whatever the channel count). */
  readonly auxChannels: number;
}

export const AUTHORS_EXPERT: ExpertConfig = { d1: 32, d2: 64, d3: 128, up3Mid: 32, heads: 8, auxChannels: 19 };

export interface SpecMoEConfig {
  readonly expert: ExpertConfig;
  readonly nClasses: number;
  readonly sampleRateHz: number;
  /** Nominal segment length; selects the Welch settings and so the gate input size (ARCHITECTURE.md §7). */
  readonly segmentSec: number;
  /** Classifier hidden width is 3 × clfHidden (authors: 128). */
  readonly clfHidden: number;
  readonly lPool: PoolMode;
  readonly cPool: PoolMode;
}

export function specMoEConfig(partial: Partial<SpecMoEConfig> & Pick<SpecMoEConfig, 'nClasses' | 'segmentSec'>): SpecMoEConfig {
  return {
    expert: AUTHORS_EXPERT,
    sampleRateHz: 200,
    clfHidden: 128,
    lPool: 'mean',
    cPool: 'max',
    ...partial,
  };
}

export class ModelShapeError extends Error {
  override readonly name = 'ModelShapeError';
  constructor(
    message: string,
    readonly tensorName?: string,
  ) {
    super(message);
  }
}

/**
 * Checks that an input of C channels and T samples can run through an expert: T a multiple of 120 and C·T ≥ 360
 * (ARCHITECTURE.md §1). Padding to a multiple of 120 is the caller's job (dsp/segments).
 */
export function checkInputLength(nChannels: number, nSamples: number): void {
  if (!Number.isInteger(nChannels) || nChannels < 1) throw new ModelShapeError(`input needs at least one channel, got ${nChannels}`, 'x');
  if (!Number.isInteger(nSamples) || nSamples % 120 !== 0 || nSamples <= 0) {
    throw new ModelShapeError(`input length ${nSamples} is not a positive multiple of 120 samples (pad it first)`, 'x');
  }
  if (nChannels * nSamples < 360) {
    throw new ModelShapeError(`C·T = ${nChannels}·${nSamples} < 360: too short for the dilated convolutions`, 'x');
  }
}
