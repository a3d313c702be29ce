// The loaded model in plain words: what it decodes, from which channels, and how well it was measured to do it on
// subjects no stage of its training saw, against chance and the classic band-power method on the same subjects.
import { BUILTIN_TASKS, type BackendInfo, type BundleEvaluation, type ModelSummary } from '../../worker/api';
import { pct } from '../format';

/** The sentence on how well the model decodes, from the bundle's held-out evaluation (test preferred). */
function accuracyInWords(model: ModelSummary): { text: string; verdict: 'none' | 'chance' | 'below-reference' | 'good' } {
  const chance = 1 / model.task.classes.length;
  const e: BundleEvaluation | undefined = model.evaluation.find((x) => x.split === 'test') ?? model.evaluation.find((x) => x.split === 'validation');
  if (!e) {
    return { text: `Its accuracy is not recorded in its bundle: nothing shows that it does better than guessing (${pct(chance)} for ${model.task.classes.length} classes). Treat its predictions as unverified.`, verdict: 'none' };
  }
  const subjects = e.subjects.length ? ` of ${e.subjects.length} subject${e.subjects.length > 1 ? 's' : ''} (${e.subjects.join(', ')})` : '';
  const where =
    e.split === 'test'
      ? `${e.segments} segments${subjects} that no stage of its training saw (the test set)`
      : `${e.segments} segments${subjects} of the validation set (it chose when training stopped, so this is optimistic)`;
  const reference = e.bandPowerBalancedAccuracy === null ? '' : `, and log band power with logistic regression scores ${pct(e.bandPowerBalancedAccuracy)} on the same data`;
  const measured = `Measured on ${where}: it gets ${pct(e.balancedAccuracy)} balanced accuracy, where guessing gets ${pct(chance)}${reference}.`;
  if (!(e.balancedAccuracy > chance + 0.02)) return { text: `${measured} It decodes no better than chance: its predictions are close to guesses.`, verdict: 'chance' };
  if (e.bandPowerBalancedAccuracy !== null && e.balancedAccuracy < e.bandPowerBalancedAccuracy) {
    return { text: `${measured} A simple band-power method does better than this model.`, verdict: 'below-reference' };
  }
  return { text: `${measured}`, verdict: 'good' };
}

export function ModelCard({ model, backend }: { model: ModelSummary; backend: BackendInfo | null }) {
  const accuracy = accuracyInWords(model);
  return (
    <div className="model-card" data-testid="model-card">
      <strong>{model.name}</strong> {!model.trained && <span className="untrained" role="note">UNTRAINED — predictions mean nothing</span>}
      <p className={`model-accuracy ${accuracy.verdict}`} data-testid="model-accuracy" data-verdict={accuracy.verdict}>{accuracy.text}</p>
      <div>{model.description}</div>
      <div>
        Task <em>{model.task.name}</em>: classes {model.task.classes.join(', ')}; {model.task.channels.length} channels ({model.task.channels.slice(0, 8).join(', ')}
        {model.task.channels.length > 8 ? ', …' : ''}); {model.task.segmentSec}-s segments at 200 Hz. {(model.parameterCount / 1e6).toFixed(2)} M parameters. Back-end:{' '}
        {backend?.backend ?? '–'}.
      </div>
      <div className="provenance">{model.provenance} · SHA-256 {model.sha256.slice(0, 12)}…</div>
      <div className="tasks">
        Tasks: {BUILTIN_TASKS.map((t) => (t.id === model.task.id ? <b key={t.id}>{t.name} ✓ </b> : <span key={t.id} className="unavailable">{t.name} (needs another model) </span>))}
      </div>
    </div>
  );
}
