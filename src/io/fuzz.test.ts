// A seeded few hundred fuzz cases of every reader of user bytes (`npm run fuzz` runs thousands): each ends in a read or
// a typed error, within the time and memory bounds of src/testing/fuzz.ts.
import { describe, expect, it } from 'vitest';
import { FUZZ_TARGETS, fuzzTarget, isTypedError, readCase, seedBytes, storedZip } from '../testing/fuzz';
import { EdfFormatError, WeightsError } from './errors';
import { readPthStateDict } from './pth';
import { UnsafePickleGlobalError } from './pickle';

const CASES = 60;

describe('fuzzed readers', () => {
  for (const target of FUZZ_TARGETS) {
    it(`${target}: ${CASES} seeded mutations end in a read or a typed error`, async () => {
      const s = await fuzzTarget(target, CASES, 20261130);
      expect(s.failures.map((f) => `case ${f.caseIndex} (seed ${f.seed}): ${f.problem}`)).toEqual([]);
      expect(s.read + s.typedErrors).toBe(CASES);
      // The mutations are not all rejected at the first byte, nor all harmless.
      expect(s.typedErrors).toBeGreaterThan(0);
    }, 60_000);
  }

  it('only our error classes count as handled', () => {
    expect(isTypedError(new EdfFormatError('x', 'field', 0))).toBe(true);
    expect(isTypedError(new WeightsError('x'))).toBe(true);
    expect(isTypedError(new TypeError('x'))).toBe(false);
    expect(isTypedError(new RangeError('Invalid typed array length'))).toBe(false);
  });

  it('a .pth whose pickle calls os.system is refused by name, before anything runs', () => {
    // protocol 2: GLOBAL 'os system', the argument tuple ('echo pwned',), REDUCE, STOP.
    const text = 'echo pwned';
    const pickle = new Uint8Array([0x80, 0x02, ...new TextEncoder().encode('cos\nsystem\n'), 0x58, text.length, 0, 0, 0, ...new TextEncoder().encode(text), 0x85, 0x52, 0x2e]);
    const pth = storedZip(new Map([['archive/data.pkl', pickle], ['archive/version', new TextEncoder().encode('3\n')]]));
    expect(() => readPthStateDict(pth)).toThrow(UnsafePickleGlobalError);
    expect(() => readPthStateDict(pth)).toThrow(/refusing global "os\.system" at byte 2/);
  });

  it('the unmutated seeds read', async () => {
    // Sanity: readCase itself is right, so the typed errors above come from the mutations.
    for (const target of FUZZ_TARGETS) await expect(readCase(target, seedBytes(target)), target).resolves.toBeUndefined();
  });
});
