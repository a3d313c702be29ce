// Display montages: referential (as recorded), common average, and the longitudinal bipolar "double banana" built
// from whichever of its 10-20 electrodes the recording has (eegmmidb's "Fc5." and old T3/T4/T5/T6 names count).
import { channelKey, displayName } from './channels';

export type MontageName = 'referential' | 'average' | 'bipolar';

/** The 18 derivations of the longitudinal bipolar montage (left temporal, right temporal, left/right parasagittal, midline). */
export const DOUBLE_BANANA: readonly (readonly [string, string])[] = [
  ['Fp1', 'F7'], ['F7', 'T7'], ['T7', 'P7'], ['P7', 'O1'],
  ['Fp2', 'F8'], ['F8', 'T8'], ['T8', 'P8'], ['P8', 'O2'],
  ['Fp1', 'F3'], ['F3', 'C3'], ['C3', 'P3'], ['P3', 'O1'],
  ['Fp2', 'F4'], ['F4', 'C4'], ['C4', 'P4'], ['P4', 'O2'],
  ['Fz', 'Cz'], ['Cz', 'Pz'],
];

/** One displayed trace: a recording channel, or the difference of two. */
export interface Derivation {
  readonly label: string;
  readonly plus: number;
  readonly minus: number | null;
}

/** Double-banana derivations whose two electrodes are both among `labels` (at least 2 pairs, or none). */
export function bipolarDerivations(labels: readonly string[]): Derivation[] {
  const index = new Map<string, number>();
  labels.forEach((l, i) => {
    if (!index.has(channelKey(l))) index.set(channelKey(l), i);
  });
  const out: Derivation[] = [];
  for (const [a, b] of DOUBLE_BANANA) {
    const ia = index.get(channelKey(a));
    const ib = index.get(channelKey(b));
    if (ia !== undefined && ib !== undefined) out.push({ label: `${displayName(channelKey(a))}-${displayName(channelKey(b))}`, plus: ia, minus: ib });
  }
  return out.length >= 2 ? out : [];
}

/** Subtracts the mean over `signals` at every sample (common average reference), in new arrays. */
export function commonAverage(signals: readonly Float32Array[]): Float32Array[] {
  if (signals.length === 0) return [];
  const n = Math.min(...signals.map((s) => s.length));
  const mean = new Float32Array(n);
  for (const s of signals) for (let i = 0; i < n; i++) mean[i]! += s[i]! / signals.length;
  return signals.map((s) => Float32Array.from({ length: n }, (_, i) => s[i]! - mean[i]!));
}
