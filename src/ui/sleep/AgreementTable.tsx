// How a sleep model's hypnogram agrees with the scoring, epoch by epoch: accuracy, Cohen's κ and the confusion.
import type { SleepReport } from '../../worker/api';
import { pct } from '../format';

export function AgreementTable({ agreement, stages }: { readonly agreement: NonNullable<SleepReport['agreement']>; readonly stages: readonly string[] }) {
  const kappa = Number.isFinite(agreement.kappa) ? agreement.kappa.toFixed(3) : '– (one stage only)';
  return (
    <table className="metrics" aria-label="Agreement with the scoring" data-testid="sleep-agreement">
      <caption>
        Predicted against scored over {agreement.epochs} epochs: accuracy {pct(agreement.accuracy)}, Cohen's κ {kappa}
      </caption>
      <thead>
        <tr><th scope="col">scored \ predicted</th>{stages.map((s) => <th key={s} scope="col">{s}</th>)}</tr>
      </thead>
      <tbody>
        {agreement.confusion.map((row, i) => (
          <tr key={stages[i]}><th scope="row">{stages[i]}</th>{row.map((v, j) => <td key={j}>{v}</td>)}</tr>
        ))}
      </tbody>
    </table>
  );
}
