// One row per segment: its start (a button that jumps the traces there), the predicted class, the recording's own
// label and whether they agree, the confidence and the experts' gates.
import type { DecodedRow } from '../../worker/api';

/** Rows drawn at most (a night holds ~1 000 segments; the exports hold them all). */
const SHOWN = 500;

export function PredictionsTable({ rows, onSegment }: { rows: readonly DecodedRow[]; onSegment?: (index: number) => void }) {
  const labelled = rows.some((r) => r.label !== undefined);
  return (
    <table className="predictions" aria-label="Predictions per segment">
      <caption>{rows.length > SHOWN ? `The first ${SHOWN} of ${rows.length} segments (the exports hold them all)` : `${rows.length} segments`}</caption>
      <thead>
        <tr><th>start (s)</th><th>predicted</th>{labelled && <th>recording's label</th>}<th>p</th><th>gates 1/2/3</th></tr>
      </thead>
      <tbody>
        {rows.slice(0, SHOWN).map((r, i) => (
          <tr key={i}>
            <td>{onSegment ? <button type="button" onClick={() => onSegment(i)}>{r.onset.toFixed(1)}</button> : r.onset.toFixed(1)}</td>
            <td>{r.class}</td>
            {labelled && <td>{r.label === undefined ? '' : `${r.label}${r.trueClass ? ` = ${r.trueClass} ${r.trueClass === r.class ? '✓' : '✗'}` : ''}`}</td>}
            <td>{Math.max(...Object.values(r.probabilities)).toFixed(2)}</td>
            <td>{r.gates.map((g) => g.toFixed(2)).join(' / ')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
