// How the decoded trials agree with the recording's own labels (its T1/T2… annotations through the model's label
// map): balanced accuracy against chance, Cohen's κ, and the confusion matrix, rows the labels, columns the
// predictions. When the recording's subject trained or validated the model, that is said beside the figure: such an
// agreement is no measure of how the model decodes new people (issue 15).
import type { SeenSubject, TrialAgreement } from '../../worker/api';
import { pct } from '../format';

interface Props {
  readonly agreement: TrialAgreement;
  readonly classes: readonly string[];
  readonly labels: Readonly<Record<string, string>> | null;
  readonly seenSubject: SeenSubject | null;
}

export function Agreement({ agreement, classes, labels, seenSubject }: Props) {
  const m = agreement.metrics;
  const annotation = (c: string) => Object.entries(labels ?? {}).filter(([, cls]) => cls === c).map(([a]) => a).join(', ');
  return (
    <section aria-labelledby="agreement-title" className="agreement" data-testid="agreement">
      <h3 id="agreement-title">Agreement with the recording's labels</h3>
      <p data-testid="agreement-summary">
        <strong>Balanced accuracy {pct(m.balancedAccuracy)}</strong> over {agreement.trials} labelled trials, where guessing scores {pct(agreement.chance)}; accuracy {pct(m.accuracy)},
        Cohen's κ {m.kappa.toFixed(2)} (0: agreement by chance, 1: perfect). A single recording holds few trials: read this as a check, not as a measure of the model.
      </p>
      {seenSubject && (
        <p className="seen-subject" role="note" data-testid="seen-subject" data-split={seenSubject.split}>
          {seenSubject.message}
        </p>
      )}
      <table className="confusion" aria-label="Confusion matrix of the trials">
        <thead>
          <tr><th>label \ predicted</th>{classes.map((c) => <th key={c} scope="col">{c}</th>)}<th scope="col">trials</th><th scope="col">recall</th></tr>
        </thead>
        <tbody>
          {m.confusion.map((row, i) => (
            <tr key={classes[i]}>
              <th scope="row">{classes[i]}{annotation(classes[i]!) ? ` (${annotation(classes[i]!)})` : ''}</th>
              {row.map((v, j) => <td key={j} data-cell className={i === j ? "hit" : undefined}>{v}</td>)}
              <td>{row.reduce((a, b) => a + b, 0)}</td>
              <td>{pct(m.recall[i]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
