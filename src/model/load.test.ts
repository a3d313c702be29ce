import { describe, expect, it } from 'vitest';
import { readWeights } from '../io/weights';
import { defaultModelFiles } from '../cli/modelFiles';
import { buildExpert, specMoEFromWeights } from './load';
import { expertStateDictShapes } from './architecture';
import { AUTHORS_EXPERT } from './config';
import type { NamedTensor } from '../io/safetensors';

describe('loading models', () => {
  it('loads the bundled demo model with its three full experts (decoders kept for reconstructions)', async () => {
    const loaded = specMoEFromWeights(await readWeights(defaultModelFiles()));
    expect(loaded.trained).toBe(true);
    expect(loaded.task.classes).toEqual(['left fist', 'right fist']);
    expect(loaded.experts).toHaveLength(3);
    loaded.model.params.dispose();
    loaded.experts!.forEach((e) => e.params.dispose());
  });

  it('fills BatchNorm step counters a state dict leaves out, but still refuses a missing weight', () => {
    const config = { ...AUTHORS_EXPERT, d1: 8, d2: 8, d3: 16, up3Mid: 8, heads: 2 };
    const shapes = expertStateDictShapes(config);
    const tensors = new Map<string, NamedTensor>();
    for (const [k, shape] of shapes) {
      if (k.endsWith('num_batches_tracked')) continue;
      tensors.set(k, { dtype: 'F32', shape, data: new Float32Array(shape.reduce((a, b) => a * b, 1)) });
    }
    buildExpert(tensors, config).params.dispose();
    const firstWeight = [...tensors.keys()].find((k) => k.endsWith('.weight'))!;
    tensors.delete(firstWeight);
    expect(() => buildExpert(tensors, config)).toThrow(`missing ${firstWeight}`);
  });
});
