import { describe, expect, it } from 'vitest';
import { checkMaskParams, MaskParamsError, PAPER_MASK_PARAMS, randomGaussianMask } from './masks';
import { seededRandom } from './random';

describe('mask parameters', () => {
  it("accepts the paper's values and refuses those no mask can be drawn with, naming the parameter", () => {
    expect(() => checkMaskParams(PAPER_MASK_PARAMS)).not.toThrow();
    expect(() => checkMaskParams({ ...PAPER_MASK_PARAMS, typeRatios: [0, 0, 0] })).toThrow('the weights of the mask types (frequency 0, time 0, time-frequency 0) must be ≥ 0 with at least one above 0');
    expect(() => checkMaskParams({ ...PAPER_MASK_PARAMS, bandProbs: [0, 0, 0, 0] })).toThrow(/band bias is 0.5 but P\(delta\), P\(theta\), P\(alpha\) and P\(beta\) are all 0/);
    // Without band bias, or with time masks only, the band probabilities are not used.
    expect(() => checkMaskParams({ ...PAPER_MASK_PARAMS, bandBias: 0, bandProbs: [0, 0, 0, 0] })).not.toThrow();
    expect(() => checkMaskParams({ ...PAPER_MASK_PARAMS, typeRatios: [0, 1, 0], bandProbs: [0, 0, 0, 0] })).not.toThrow();
    expect(() => checkMaskParams({ ...PAPER_MASK_PARAMS, ratio: 1 })).toThrow(MaskParamsError);
    expect(() => randomGaussianMask([0, 1, 2], 10, { ...PAPER_MASK_PARAMS, level: 0 }, seededRandom(1))).toThrow('the mask level is 0: it must be above 0 and at most 1');
  });
});
