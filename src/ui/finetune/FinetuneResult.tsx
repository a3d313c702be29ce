// A training run's outcome: the splits (which recordings and subjects each held), validation and test metrics each
// beside the band-power reference on the same split, and saving the head — only after a plain warning when it
// scores at or below chance, or below band power, somewhere it was measured.
import { useState } from 'react';
import type { FinetuneSummary, Metrics, NamedBytes } from '../../worker/api';
import { download, pct } from '../format';

function MetricsTable({ title, m, reference, classes }: { title: string; m: Metrics; reference: Metrics | null; classes: readonly string[] }) {
  return (
    <table className="metrics" aria-label={title}>
      <caption>
        {title}: balanced accuracy {pct(m.balancedAccuracy)}, weighted F1 {m.weightedF1.toFixed(3)}, Cohen's κ {m.kappa.toFixed(3)}, n = {m.count}
        {reference ? `; band power + logistic regression on the same split: balanced accuracy ${pct(reference.balancedAccuracy)}` : ''}
      </caption>
      <thead>
        <tr><th>true \ predicted</th>{classes.map((c) => <th key={c}>{c}</th>)}<th>recall</th></tr>
      </thead>
      <tbody>
        {m.confusion.map((row, i) => (
          <tr key={i}><th>{classes[i]}</th>{row.map((v, j) => <td key={j}>{v}</td>)}<td>{pct(m.recall[i]!)}</td></tr>
        ))}
      </tbody>
    </table>
  );
}

interface Props {
  readonly result: FinetuneSummary;
  readonly names: ReadonlyMap<string, string>;
  readonly saved: readonly NamedBytes[] | null;
  readonly onSave: () => void;
}

export function FinetuneResult({ result, names, saved, onSave }: Props) {
  const [confirming, setConfirming] = useState(false);
  const weak = result.weakWarnings.length > 0;
  return (
    <div data-testid="finetune-result">
      <ul className="splits" aria-label="Splits">
        {result.splits.map((s) => (
          <li key={s.name}>
            {s.name}: {s.recordingIds.map((id) => names.get(id) ?? id).join(', ') || 'no recordings'} — subjects {s.subjects.join(', ') || '–'}; {s.recordings} recordings, {s.segments} segments ({s.classCounts.join(' / ')})
          </li>
        ))}
      </ul>
      <MetricsTable title="Validation" m={result.validation} reference={result.references.validation} classes={result.classes} />
      {result.test && <MetricsTable title="Test" m={result.test} reference={result.references.test} classes={result.classes} />}
      {weak && (
        <div className="weak-head" role="note" data-testid="weak-head">
          <strong>This head is not better than it should be:</strong>
          <ul>{result.weakWarnings.map((w) => <li key={w}>{w}</li>)}</ul>
        </div>
      )}
      <div className="toolbar">
        {confirming ? (
          <>
            <span>Save a head that does no better than {result.weakWarnings.some((w) => w.includes('chance')) ? 'chance' : 'band power'}?</span>
            <button type="button" onClick={() => { setConfirming(false); onSave(); }}>Save anyway</button>
            <button type="button" onClick={() => setConfirming(false)}>Don't save</button>
          </>
        ) : (
          <button type="button" onClick={() => (weak ? setConfirming(true) : onSave())}>Save head and use it for decoding</button>
        )}
        {saved && saved.map((f) => <button key={f.name} type="button" onClick={() => download(f.name, f.bytes)}>Download {f.name}</button>)}
        {saved && <span role="status">Saved in this browser; the Decode tab now uses it.</span>}
      </div>
    </div>
  );
}
