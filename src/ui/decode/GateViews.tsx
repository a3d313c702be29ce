// What the spectral gate did: each expert's mean gate per segment, and one expert's gate per model channel and
// segment as a heatmap whose colour range comes from the values (printed beside it), every channel labelled. When
// the gate barely varies, the view says so with its spread instead of letting flat lines pass for a pattern.
import { useMemo, useState } from 'react';
import type { DecodedRow, GateSpread, ModelSummary } from '../../worker/api';
import { Plot } from '../charts/Plot';
import { CLASS_COLOURS } from '../format';

interface Props {
  readonly rows: readonly DecodedRow[];
  readonly channels: readonly string[];
  readonly spread: GateSpread | null;
  /** The decoding model's features per expert and channels per pooled feature; null when not known (no note on what rows gate). */
  readonly pooling: Pick<ModelSummary, 'featureWidth' | 'channelsPerPooledFeature'> | null;
  readonly onSegment?: (index: number) => void;
}

const EXPERTS = [0, 1, 2] as const;

function SpreadNote({ spread }: { spread: GateSpread }) {
  const each = EXPERTS.map((k) => `expert ${k + 1}: ${spread.acrossSegments[k]?.toFixed(3)} between segments, ${spread.acrossChannels[k]?.toFixed(3)} between channels`).join('; ');
  return spread.flat ? (
    <p className="flat-gate" role="note" data-testid="gate-spread" data-flat="true">
      The gate is flat: its values differ by at most {spread.largest.toFixed(3)} between segments or channels (flat means below {spread.threshold} on the gate's 0–1 scale). The
      experts are mixed the same way whatever the spectrum, so these charts show no learned pattern. ({each})
    </p>
  ) : (
    <p role="note" data-testid="gate-spread" data-flat="false">
      The gate varies: by up to {spread.largest.toFixed(3)} between segments or channels (flat would be below {spread.threshold} on its 0–1 scale). ({each})
    </p>
  );
}

const span = (from: number, to: number) => (from === to ? `feature ${from + 1}` : `features ${from + 1}–${to + 1}`);

/**
 * What a heatmap row gates: the gate of row c is computed from channel c's spectrum, but the pooled features it
 * multiplies come from the head's reshape without a transpose (model/pooling.ts), not from channel c.
 */
export function gateRowsNote(channels: readonly string[], { featureWidth: width, channelsPerPooledFeature: mixed }: NonNullable<Props['pooling']>): string {
  const n = channels.length;
  const head = `Each row is the gate computed from that channel's spectrum, but the model pools the experts' features after a reshape that does not transpose them (as the authors' SpecMoE does), so a row weighs features of other channels too:`;
  if (mixed === 1) {
    const k = width / n;
    const second = channels[1] ? `, the ${channels[1]} row ${span(k, 2 * k - 1)}, and so on` : '';
    return `${head} the ${channels[0]} row multiplies ${span(0, k - 1)} of all ${n} channels${second} (${n} channels, ${width} features per expert).`;
  }
  return `${head} each row multiplies features of several channels, and ${n} channels do not divide the ${width} features per expert, so after the head's pooling over channels each feature mixes ${mixed} of the ${n} channels: the model cannot tell those channels apart there.`;
}

export function GateViews({ rows, channels, spread, pooling, onSegment }: Props) {
  const [expert, setExpert] = useState(0);
  const centre = useMemo(() => rows.map((r) => r.onset + r.duration / 2), [rows]);
  const index = useMemo(() => rows.map((_, i) => i), [rows]);
  const perSegment = useMemo(
    () => EXPERTS.map((k) => ({ type: 'scatter', mode: 'lines+markers', x: centre, y: rows.map((r) => r.gates[k]), customdata: index, name: `expert ${k + 1}`, line: { color: CLASS_COLOURS[k] } })),
    [rows, centre, index],
  );
  const z = useMemo(() => channels.map((_, c) => rows.map((r) => r.channelGates[expert]?.[c] ?? null)), [rows, channels, expert]);
  const [low, high] = useMemo(() => {
    const values = z.flat().filter((v): v is number => v !== null);
    if (values.length === 0) return [0, 1];
    const lo = Math.min(...values);
    const hi = Math.max(...values);
    return hi - lo < 1e-3 ? [lo - 5e-4, hi + 5e-4] : [lo, hi];
  }, [z]);
  const heatmap = useMemo(
    () => [{ type: 'heatmap', x: centre, y: [...channels], z, customdata: channels.map(() => index), colorscale: 'Viridis', zmin: low, zmax: high, colorbar: { title: { text: 'gate' } }, hovertemplate: '%{y} at %{x:.1f} s: %{z:.3f}<extra></extra>' }],
    [centre, channels, z, index, low, high],
  );
  const click = onSegment ? (p: { customdata: unknown }) => typeof p.customdata === 'number' && onSegment(p.customdata) : undefined;
  return (
    <section aria-labelledby="gates-title">
      <h3 id="gates-title">The spectral gate</h3>
      {spread && <SpreadNote spread={spread} />}
      <Plot
        data={perSegment}
        layout={{ title: { text: 'Mean gate of each expert per segment' }, xaxis: { title: { text: 'recording time (s after the start)' } }, yaxis: { title: { text: 'gate (axis fitted to the values)' } } }}
        label="Gate weights of the three experts"
        testId="gates"
        onClick={click}
      />
      <label>
        Per-channel gates of expert <select value={expert} onChange={(e) => setExpert(Number(e.target.value))}>
          {EXPERTS.map((k) => <option key={k} value={k}>{k + 1}</option>)}
        </select>
      </label>
      <p className="scale" data-testid="gate-scale">
        Colour scale from these values: {low.toFixed(3)} (dark purple) to {high.toFixed(3)} (yellow); a gate can run from 0 to 1.
      </p>
      <Plot
        data={heatmap}
        layout={{
          title: { text: `Expert ${expert + 1}: gate per channel and segment` },
          xaxis: { title: { text: 'recording time (s after the start)' } },
          yaxis: { type: 'category', tickmode: 'array', tickvals: [...channels], ticktext: [...channels], automargin: true, autorange: 'reversed' },
        }}
        label="Per-channel gate heatmap"
        height={Math.max(260, 20 * channels.length + 110)}
        testId="gate-heatmap"
        onClick={click}
      />
      {pooling && channels.length > 0 && <p role="note" data-testid="gate-rows">{gateRowsNote(channels, pooling)}</p>}
    </section>
  );
}
