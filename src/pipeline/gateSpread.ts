// Whether the spectral gate learned anything: the spread of its values across segments and across channels. A gate
// that gives every segment and channel the same weight (the untrained sigmoid's 0.5) mixes the experts the same way
// whatever the spectrum, and the views must say so rather than draw flat lines as if they meant something.

/** Below this spread (max − min of a gate's values, on the gate's 0–1 scale) the gate counts as flat. */
export const FLAT_GATE_SPREAD = 0.05;

export interface GateSpread {
  /** Per expert: max − min over segments of the segment's mean gate. */
  readonly acrossSegments: readonly number[];
  /** Per expert: max − min over channels of the channel's mean gate over all segments. */
  readonly acrossChannels: readonly number[];
  /** The largest of all the spreads above. */
  readonly largest: number;
  readonly threshold: number;
  /** True when no expert's gate varies by `threshold` or more, between segments or between channels. */
  readonly flat: boolean;
}

/** What a decoded row must carry: the mean gate per expert, and per expert and channel. */
export interface GatedRow {
  readonly gates: readonly number[];
  readonly channelGates: readonly (readonly number[])[];
}

const range = (values: readonly number[]) => (values.length === 0 ? 0 : Math.max(...values) - Math.min(...values));

/** The gates' spread over `rows` (null without rows). */
export function gateSpread(rows: readonly GatedRow[], threshold = FLAT_GATE_SPREAD): GateSpread | null {
  if (rows.length === 0) return null;
  const experts = rows[0]!.gates.length;
  const acrossSegments = Array.from({ length: experts }, (_, k) => range(rows.map((r) => r.gates[k] ?? 0)));
  const acrossChannels = Array.from({ length: experts }, (_, k) => {
    const channels = rows[0]!.channelGates[k]?.length ?? 0;
    const means = Array.from({ length: channels }, (_, c) => rows.reduce((a, r) => a + (r.channelGates[k]?.[c] ?? 0), 0) / rows.length);
    return range(means);
  });
  const largest = Math.max(...acrossSegments, ...acrossChannels);
  return { acrossSegments, acrossChannels, largest, threshold, flat: largest < threshold };
}
