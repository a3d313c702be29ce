import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { readSafetensors } from '../io/safetensors';
import { describeShared, REFERENCE_DIR } from '../testing/shared';
import { expertStateDictShapes, specMoEStateDictShapes } from './architecture';
import { AUTHORS_EXPERT, specMoEConfig } from './config';

describeShared('state_dict layout', () => {
  it('the expert spec lists exactly the 334 keys and shapes of expert_small.safetensors', () => {
    const fixture = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
    const ours = expertStateDictShapes(AUTHORS_EXPERT);
    expect(ours.size).toBe(334);
    expect(new Set(ours.keys())).toEqual(new Set(fixture.keys()));
    for (const [key, shape] of ours) expect(fixture.get(key)!.shape, key).toEqual(shape);
  });

  it('the SpecMoE spec lists exactly the 468 keys and shapes of moe_small.safetensors', () => {
    const fixture = readSafetensors(readFileSync(`${REFERENCE_DIR}/moe_small.safetensors`)).tensors;
    const ours = specMoEStateDictShapes(specMoEConfig({ nClasses: 4, segmentSec: 6 }));
    expect(ours.size).toBe(468);
    expect(new Set(ours.keys())).toEqual(new Set(fixture.keys()));
    for (const [key, shape] of ours) expect(fixture.get(key)!.shape, key).toEqual(shape);
  });
});
