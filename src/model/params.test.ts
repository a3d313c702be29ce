import { describe, expect, it } from 'vitest';
import { parameterCount } from './params';

describe('parameterCount', () => {
  it('counts weights and biases, not BatchNorm buffers', () => {
    const t = (...shape: number[]) => ({ shape });
    const entries: [string, { shape: number[] }][] = [
      ['Down1.features1.0.weight', t(8, 16, 7)],
      ['Down1.features1.0.bias', t(8)],
      ['Down1.features1.1.weight', t(8)],
      ['Down1.features1.1.running_mean', t(8)],
      ['Down1.features1.1.running_var', t(8)],
      ['Down1.features1.1.num_batches_tracked', t()],
    ];
    expect(parameterCount(entries)).toBe(8 * 16 * 7 + 8 + 8);
  });
});
