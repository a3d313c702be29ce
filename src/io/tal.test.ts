import { describe, expect, it } from 'vitest';
import { parseRecordTals } from './tal';

/** TAL bytes as the spec writes them: \x14 and \x15 separators, \x00 between TALs, zero padding after. */
function bytes(text: string, latin1 = false): Uint8Array {
  const encoded = latin1 ? Uint8Array.from(text, (c) => c.charCodeAt(0)) : new TextEncoder().encode(text);
  const out = new Uint8Array(encoded.length + 8);
  out.set(encoded);
  return out;
}

describe('TAL parsing (EDF+ spec 2.2.2)', () => {
  it('reads the time-keeping TAL as the record start and the following TALs as annotations', () => {
    const tals = parseRecordTals(bytes('+12.5\x14\x14\x00+13.25\x151.5\x14Spike\x14Artifact\x14\x00-0.5\x14before start\x14\x00'));
    expect(tals.firstOnsetSec).toBe(12.5);
    expect(tals.annotations).toEqual([
      { onsetSec: 13.25, durationSec: 1.5, description: 'Spike' },
      { onsetSec: 13.25, durationSec: 1.5, description: 'Artifact' },
      { onsetSec: -0.5, durationSec: null, description: 'before start' },
    ]);
    expect(tals.unreadableTals).toBe(0);
  });

  it('keeps an annotation that shares the time-keeping TAL, and the spec-literal texts of Nihon Kohden TALs', () => {
    expect(parseRecordTals(bytes('+0.7\x14\x14Test1\x14\x00')).annotations).toEqual([{ onsetSec: 0.7, durationSec: null, description: 'Test1' }]);
    // MB0400FU.EDF writes no NUL between the time-keeping TAL and the next one: the onset becomes a text.
    const nk = parseRecordTals(bytes('+1.000000\x14\x14+1.140000\x14A1+A2 OFF\x14\x00'));
    expect(nk.firstOnsetSec).toBe(1);
    expect(nk.annotations.map((a) => a.description)).toEqual(['+1.140000', 'A1+A2 OFF']);
  });

  it('decodes UTF-8, and falls back to Latin-1 per text when the bytes are not UTF-8', () => {
    expect(parseRecordTals(bytes('+0\x14\x14\x00+1\x14仰卧\x14\x00')).annotations[0]!.description).toBe('仰卧');
    const tals = parseRecordTals(bytes("+0\x14\x14\x00+31.375488\x14RS232 Trigger: 177('\xb1')\x14\x00", true));
    expect(tals.annotations[0]!.description).toBe("RS232 Trigger: 177('±')");
    expect(tals.latin1Texts).toEqual(["RS232 Trigger: 177('±')"]);
  });

  it('skips unreadable TALs, counts them, and reports an unreadable time-keeping TAL as NaN', () => {
    const tals = parseRecordTals(bytes('\xdb\xff+0\x14\x14\x00+0\x154.2\x14T0\x14\x00+x\x14bad onset\x14\x00+1\x15-2\x14bad duration\x14\x00', true));
    expect(tals.firstOnsetSec).toBeNaN();
    expect(tals.annotations).toEqual([{ onsetSec: 0, durationSec: 4.2, description: 'T0' }]);
    expect(tals.unreadableTals).toBe(3);
  });

  it('reads an onset without its sign (as the native reading does) and an empty record as NaN', () => {
    expect(parseRecordTals(bytes('5\x00B\x00')).firstOnsetSec).toBe(5);
    expect(parseRecordTals(new Uint8Array(64)).firstOnsetSec).toBeNaN();
  });
});
