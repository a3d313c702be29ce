import { describe, expect, it } from 'vitest';
import { microvoltsPerUnit } from './units';

describe('microvoltsPerUnit', () => {
  it('knows the voltage spellings EDF files use', () => {
    expect(microvoltsPerUnit('uV')).toBe(1);
    expect(microvoltsPerUnit('µV')).toBe(1);
    expect(microvoltsPerUnit(' mV ')).toBe(1000);
    expect(microvoltsPerUnit('V')).toBe(1e6);
    expect(microvoltsPerUnit('nV')).toBe(0.001);
    expect(microvoltsPerUnit('DegC')).toBeNull();
    expect(microvoltsPerUnit('')).toBeNull();
  });
});
