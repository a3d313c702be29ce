// Sleep scoring read from annotations: which texts are sleep stages (AASM W, N1, N2, N3, REM; R&K's S1–S4 and
// "Sleep stage 1…4, R" of Sleep-EDF, with S3 and S4 merged into N3), and a hypnogram of fixed-length epochs on the
// recording's clock. Epoch codes follow YASA's integer hypnogram: 0 W, 1 N1, 2 N2, 3 N3, 4 REM, -1 artefact or
// movement, 9 unscored.

export const SLEEP_STAGES = ['W', 'N1', 'N2', 'N3', 'REM'] as const;
export type SleepStage = (typeof SLEEP_STAGES)[number];

export const ARTEFACT = -1;
export const UNSCORED = 9;
/** 0–4: the index of a stage in SLEEP_STAGES; ARTEFACT; UNSCORED. */
export type EpochCode = number;

const STAGE_WORDS: Readonly<Record<string, EpochCode>> = {
  w: 0, wake: 0, awake: 0, n1: 1, s1: 1, n2: 2, s2: 2, n3: 3, s3: 3, n4: 3, s4: 3, sws: 3, r: 4, rem: 4,
  '?': UNSCORED, unscored: UNSCORED, unknown: UNSCORED,
  mt: ARTEFACT, 'movement time': ARTEFACT, movement: ARTEFACT, artefact: ARTEFACT, artifact: ARTEFACT,
};

/** After "Sleep stage" or "Stage" a bare R&K digit is a stage too ("Sleep stage 4" → N3). */
const STAGE_DIGITS: Readonly<Record<string, EpochCode>> = { '0': 0, '1': 1, '2': 2, '3': 3, '4': 3, '5': 4 };

/**
 * The epoch code an annotation text scores, or null when the text is not a scoring annotation ("T1", "Lights off").
 * "Sleep stage W", "W", "Wake", "N1", "S1", "Sleep stage 1", "Stage 2", "N3", "Sleep stage 4", "REM", "R",
 * "Sleep stage R"; "Movement time" is an artefact, "Sleep stage ?" is unscored.
 */
export function stageOf(text: string): EpochCode | null {
  const t = text.trim().toLowerCase().replace(/[\s_]+/g, ' ');
  const rest = /^(sleep ?stage|stage)[ _:-]*(.+)$/.exec(t)?.[2];
  if (rest !== undefined) return STAGE_WORDS[rest] ?? STAGE_DIGITS[rest] ?? null;
  return STAGE_WORDS[t] ?? null;
}

export interface ScoringAnnotation {
  /** Seconds on the recording's clock (after the header start). */
  readonly onsetSec: number;
  readonly durationSec: number | null;
  readonly description: string;
}

export interface Hypnogram {
  /** Clock seconds of the first epoch's start. */
  readonly startSec: number;
  readonly epochSec: number;
  /** One code per epoch. */
  readonly epochs: Int8Array;
}

/** Scoring epochs are 30 s (AASM); older scorings in 20-s epochs are read in their own length. */
const AASM_EPOCH_SEC = 30;

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}

/** 30 s when every scored duration is a multiple of it, else their greatest common divisor in whole seconds. */
function epochLength(scored: readonly ScoringAnnotation[]): number {
  const durations = scored.flatMap((a) => (a.durationSec !== null && a.durationSec > 0 ? [Math.round(a.durationSec)] : []));
  if (durations.every((d) => d % AASM_EPOCH_SEC === 0)) return AASM_EPOCH_SEC;
  return Math.max(1, durations.reduce(gcd));
}

/**
 * The hypnogram of the epochs within [fromSec, toSec) of the clock (the recording's span): each epoch takes the code
 * of the scoring annotation that covers its midpoint (an annotation without a duration lasts until the next one),
 * the grid runs from the first scoring annotation's onset, and unscored epochs before the first and after the last
 * scored one are left out. Null when no annotation scores a sleep stage within the span.
 */
export function hypnogramFromAnnotations(annotations: readonly ScoringAnnotation[], fromSec: number, toSec: number): Hypnogram | null {
  const scored = annotations.filter((a) => stageOf(a.description) !== null).sort((a, b) => a.onsetSec - b.onsetSec);
  if (scored.length === 0) return null;
  const epochSec = epochLength(scored);
  const spans = scored.map((a, i) => {
    const next = scored[i + 1]?.onsetSec ?? a.onsetSec + epochSec;
    return { from: a.onsetSec, to: a.onsetSec + (a.durationSec !== null && a.durationSec > 0 ? a.durationSec : Math.max(epochSec, next - a.onsetSec)), code: stageOf(a.description)! };
  });
  const origin = scored[0]!.onsetSec;
  const first = Math.ceil((fromSec - origin) / epochSec - 1e-9);
  const last = Math.floor((toSec - origin) / epochSec + 1e-9); // exclusive
  const codes: number[] = [];
  let s = 0;
  for (let e = first; e < last; e++) {
    const mid = origin + (e + 0.5) * epochSec;
    while (s < spans.length && spans[s]!.to <= mid) s++;
    // Spans may overlap (rescored files): the latest one that covers the midpoint wins.
    let code = UNSCORED;
    for (let j = s; j < spans.length && spans[j]!.from <= mid; j++) if (spans[j]!.to > mid) code = spans[j]!.code;
    codes.push(code);
  }
  const scoredAt = codes.map((c, i) => (c !== UNSCORED ? i : -1)).filter((i) => i >= 0);
  if (!codes.some((c) => c >= 0 && c < SLEEP_STAGES.length)) return null;
  const lo = scoredAt[0]!;
  const hi = scoredAt[scoredAt.length - 1]!;
  return { startSec: origin + (first + lo) * epochSec, epochSec, epochs: Int8Array.from(codes.slice(lo, hi + 1)) };
}

/**
 * The default label map of sleep fine-tuning for the given annotation texts: every text that scores a stage mapped to
 * its AASM class (W, N1, N2, N3, REM), in stage order so the classes come out in that order; artefact and unscored
 * texts ("Movement time", "Sleep stage ?") are left out, so they are ignored. Empty when no text is a stage.
 */
export function sleepLabelMap(texts: Iterable<string>): string {
  const staged = [...new Set(texts)].map((t) => ({ t: t.trim(), code: stageOf(t) })).filter((x) => x.code !== null && x.code >= 0 && x.code < SLEEP_STAGES.length);
  staged.sort((a, b) => a.code! - b.code! || a.t.localeCompare(b.t));
  return staged.map((x) => `${x.t}=${SLEEP_STAGES[x.code!]}`).join(',');
}
