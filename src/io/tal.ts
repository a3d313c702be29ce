// Time-stamped Annotation Lists (EDF+ spec section 2.2.2): the bytes of an "EDF Annotations" signal in one data
// record hold TALs separated by 0x00. A TAL is `onset [0x15 duration] 0x14 text 0x14 text ... 0x14`. The first TAL
// of a record in the first annotation signal is the time-keeping TAL: its onset is the record's start time.
import type { Annotation } from './recording';

const NUL = 0x00;
const DURATION_MARK = 0x15;
const TEXT_MARK = 0x14;

export interface RecordTals {
  /** Onset of the record's first TAL (its start time), NaN when the record has no readable TAL. */
  readonly firstOnsetSec: number;
  readonly annotations: Annotation[];
  /** TALs whose onset or duration could not be read (skipped). */
  readonly unreadableTals: number;
  /** Texts that were not valid UTF-8 and were read as Latin-1. */
  readonly latin1Texts: string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function ascii(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]!);
  return s;
}

/** The spec requires a sign on the onset; some writers omit it, and nothing is lost by reading it anyway. */
const ONSET = /^[+-]?(\d+\.?\d*|\.\d+)$/;
const DURATION = /^(\d+\.?\d*|\.\d+)$/;

/** TAL texts are UTF-8 (EDF+ spec); files that are not valid UTF-8 were written in Latin-1 (one byte per character). */
function decodeText(bytes: Uint8Array, latin1Texts: string[]): string {
  try {
    return utf8.decode(bytes);
  } catch {
    const text = ascii(bytes);
    latin1Texts.push(text);
    return text;
  }
}

/** Onset and duration of a TAL's first part, or null when unreadable. */
function timing(head: Uint8Array): { onsetSec: number; durationSec: number | null } | null {
  const mark = head.indexOf(DURATION_MARK);
  const onset = ascii(mark < 0 ? head : head.subarray(0, mark));
  if (!ONSET.test(onset)) return null;
  if (mark < 0) return { onsetSec: Number(onset), durationSec: null };
  const duration = ascii(head.subarray(mark + 1));
  return DURATION.test(duration) ? { onsetSec: Number(onset), durationSec: Number(duration) } : null;
}

/** Parses the annotation-signal bytes of one data record. Work is linear in the bytes. */
export function parseRecordTals(bytes: Uint8Array): RecordTals {
  const annotations: Annotation[] = [];
  const latin1Texts: string[] = [];
  let firstOnsetSec = Number.NaN;
  let unreadableTals = 0;
  let seenTal = false;
  let start = 0;
  while (start < bytes.length) {
    let end = bytes.indexOf(NUL, start);
    if (end < 0) end = bytes.length;
    if (end > start) {
      const tal = bytes.subarray(start, end);
      let textStart = tal.indexOf(TEXT_MARK);
      if (textStart < 0) textStart = tal.length;
      const time = timing(tal.subarray(0, textStart));
      if (!seenTal) firstOnsetSec = time ? time.onsetSec : Number.NaN;
      seenTal = true;
      if (!time) unreadableTals++;
      else {
        let p = textStart + 1;
        while (p < tal.length) {
          let q = tal.indexOf(TEXT_MARK, p);
          if (q < 0) q = tal.length;
          if (q > p) annotations.push({ onsetSec: time.onsetSec, durationSec: time.durationSec, description: decodeText(tal.subarray(p, q), latin1Texts) });
          p = q + 1;
        }
      }
    }
    start = end + 1;
  }
  return { firstOnsetSec, annotations, unreadableTals, latin1Texts };
}
