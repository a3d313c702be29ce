// Seeded fuzz cases of every reader of user bytes (`npm run fuzz` runs thousands): each ends in a read or a typed error,
// within the time and memory bounds of src/testing/fuzz.ts. They run with a fixed seed and with a seed that changes from
// run to run (printed; FUZZ_SEED=… replays a run, and every failure prints the command that replays its case alone).
import { createHash, randomInt } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../dsp/random';
import {
  breakSafetensorsLayout,
  caseSeed,
  type FuzzSummary,
  FUZZ_TARGETS,
  fuzzTarget,
  isTypedError,
  LAYOUT_FAULTS,
  makeCase,
  readCase,
  seedBytes,
  storedZip,
} from '../testing/fuzz';
import { EdfFormatError, WeightsError } from './errors';
import { readPthStateDict } from './pth';
import { UnsafePickleGlobalError } from './pickle';
import { readSafetensors } from './safetensors';

const CASES = 60;
const FIXED_SEED = 20261130;
const RUN_SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : randomInt(1, 2 ** 31);
console.log(`fuzz.test: seeds ${FIXED_SEED} (fixed) and ${RUN_SEED} (this run); replay this run: FUZZ_SEED=${RUN_SEED} npx vitest run src/io/fuzz.test.ts`);

/** Each failed or skipped case with the command that replays it alone. */
const problems = (s: FuzzSummary, seed: number, kinds: 'failures' | 'skips') =>
  (kinds === 'failures' ? s.failures.map((f) => ({ i: f.caseIndex, what: f.problem })) : s.skips.map((k) => ({ i: k.caseIndex, what: `mutator threw ${k.reason}` }))).map(
    ({ i, what }) => `case ${i}: ${what}\n  replay: npm run fuzz -- --targets ${s.target} --seed ${seed} --from ${i} --cases 1`,
  );

describe('fuzzed readers', () => {
  for (const seed of [FIXED_SEED, RUN_SEED]) {
    for (const target of FUZZ_TARGETS) {
      it(`${target}, seed ${seed}: ${CASES} mutations end in a read or a typed error`, async () => {
        const s = await fuzzTarget(target, { seed, cases: CASES });
        expect(problems(s, seed, 'failures')).toEqual([]);
        expect(problems(s, seed, 'skips')).toEqual([]);
        expect(s.read + s.typedErrors).toBe(CASES);
        // The mutations are not all rejected at the first byte, nor all harmless.
        expect(s.typedErrors).toBeGreaterThan(0);
      }, 60_000);
    }
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

describe('fuzz mutators', () => {
  it('build bundle case 129 of seed 4242, whose JSON once contained itself', () => {
    const bytes = makeCase('bundle', seededRandom(caseSeed(4242, 129)));
    expect(() => JSON.parse(new TextDecoder().decode(bytes))).not.toThrow();
  });

  it('build each case from its seed alone: the same bytes in a second pass (no state kept between cases)', () => {
    for (const target of ['bundle', 'safetensors'] as const) {
      const pass = () => Array.from({ length: 300 }, (_, i) => `case ${i}: ${createHash('sha256').update(makeCase(target, seededRandom(caseSeed(4242, i)))).digest('hex')}`);
      expect(pass(), target).toEqual(pass());
    }
  });

  it('a mutator that throws makes its case a counted skip, and the run goes on', async () => {
    let index = 0; // the builder is called once per case, in order
    const s = await fuzzTarget('bundle', {
      seed: 7,
      cases: 8,
      build: (target, random) => {
        const bytes = makeCase(target, random);
        if ([2, 5].includes(index++)) throw new TypeError('Converting circular structure to JSON');
        return bytes;
      },
    });
    expect(s.skips.map((k) => [k.caseIndex, k.reason])).toEqual([
      [2, 'TypeError: Converting circular structure to JSON'],
      [5, 'TypeError: Converting circular structure to JSON'],
    ]);
    expect(s.read + s.typedErrors).toBe(6);
    expect(s.failures).toEqual([]);
  });

  it('break the safetensors layout in the three ways the reference reader refuses', () => {
    const expected = { overlap: /data_offsets \[\d+, \d+\] overlap tensor/, hole: /belong to no tensor: a hole (between|before) tensor/, trailing: /belong to no tensor after tensor .*, the last/ };
    for (const fault of LAYOUT_FAULTS) {
      for (let k = 0; k < 20; k++) {
        const bytes = breakSafetensorsLayout(seedBytes('safetensors'), fault, seededRandom(k));
        expect(() => readSafetensors(bytes), `${fault} ${k}`).toThrow(WeightsError);
        expect(() => readSafetensors(bytes), `${fault} ${k}`).toThrow(expected[fault]);
      }
    }
  });
});
