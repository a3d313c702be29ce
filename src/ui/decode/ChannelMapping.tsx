// Which recording channel feeds each model channel (automatic by name, or chosen), checked by the worker as the user
// edits: a mapping that makes no sense (one channel copied to many inputs, EOG or EMG on EEG inputs, a label the
// recording lacks) is refused here, before any decoding, and warnings (zero-filled channels, a rate too low for the
// model's band) are shown where the user decides.
import type { DecodePlan, ModelSummary, RecordingSummary } from '../../worker/api';

interface Props {
  readonly model: ModelSummary;
  readonly recording: RecordingSummary;
  readonly overrides: Readonly<Record<string, string>>;
  readonly onOverride: (modelChannel: string, recordingChannel: string) => void;
  readonly plan: DecodePlan | null;
}

/** Resampling to the model's 200 Hz is routine; any other warning is drawn to be noticed. */
const routine = (warning: string) => warning.startsWith('resampled ');

export function PlanProblems({ plan }: { plan: DecodePlan | null }) {
  if (!plan) return null;
  const loud = plan.context.warnings.some((w) => !routine(w));
  return (
    <>
      {plan.errors.length > 0 && (
        <div className="refusal" role="alert" data-testid="decode-refusal">
          <strong>This recording cannot be decoded as set up:</strong>
          <ul>{plan.errors.map((e) => <li key={e}>{e}</li>)}</ul>
        </div>
      )}
      {plan.context.warnings.length > 0 && (
        <ul className={loud ? 'warnings loud' : 'warnings'} aria-label="Mapping warnings" data-testid="mapping-warnings">
          {plan.context.warnings.map((w) => <li key={w}>{w}</li>)}
        </ul>
      )}
    </>
  );
}

export function ChannelMapping({ model, recording, overrides, onOverride, plan }: Props) {
  const automatic = new Map(plan?.context.channelMapping.map((m) => [m.model, m.source]) ?? []);
  const pinned = Object.values(overrides).filter(Boolean).length;
  return (
    <details className="mapping" open={pinned > 0 || undefined}>
      <summary>Channel mapping (model channel ← recording channel){pinned ? `: ${pinned} chosen by hand` : ''}</summary>
      <div className="mapping-grid">
        {model.task.channels.map((c) => (
          <label key={c}>
            {c} ←{' '}
            <select value={overrides[c] ?? ''} onChange={(e) => onOverride(c, e.target.value)}>
              <option value="">automatic ({overrides[c] ? 'by name' : (automatic.get(c) ?? 'missing: zeros')})</option>
              {recording.channels.map((rc) => <option key={rc.label} value={rc.label}>{rc.label}</option>)}
            </select>
          </label>
        ))}
      </div>
    </details>
  );
}
