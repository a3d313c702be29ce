// Starting and following a decode: trials or back to back, the Decode and Cancel buttons, and the progress line
// (shown from the click on, with ETA and decoding threads; how the run ended).
import type { ModelSummary, RecordingSummary } from '../../worker/api';
import type { DecodeSession } from './useDecodeSession';

const ENDINGS: Partial<Record<DecodeSession['phase'], string>> = {
  done: ' — done',
  cancelled: ' — cancelled; results so far kept',
  interrupted: ' — interrupted: the model worker stopped; results so far kept (decode again to finish)',
  failed: ' — failed; results so far kept',
};

export function RunBar({ session, recording, model }: { session: DecodeSession; recording: RecordingSummary | null; model: ModelSummary | null }) {
  const { phase, progress, plan } = session;
  const running = phase === 'running';
  const eta = progress && progress.done > 0 && running ? (progress.elapsedSec / progress.done) * (progress.total - progress.done) : null;
  const labels = Object.keys(model?.labels ?? {}).join(', ');
  const count = (kind: 'trials' | 'continuous') => (plan && plan.segments === kind && plan.errors.length === 0 ? ` (${plan.count})` : '');
  return (
    <>
      {model && recording && (
        <fieldset className="segment-plan">
          <legend>Segments</legend>
          <label>
            <input type="radio" name="segments" checked={session.segments === 'trials'} disabled={!session.trialsAvailable} onChange={() => session.setSegments('trials')} /> the trials: one at each{' '}
            {labels || 'labelled'} annotation{count('trials')}
          </label>
          <label>
            <input type="radio" name="segments" checked={session.segments === 'continuous'} onChange={() => session.setSegments('continuous')} /> back to back over the whole recording{count('continuous')}
          </label>
        </fieldset>
      )}
      <div className="toolbar">
        <button type="button" onClick={() => void session.run()} disabled={!model || !recording || running || (plan?.errors.length ?? 0) > 0}>
          Decode {recording ? recording.name : ''}
        </button>
        <button type="button" onClick={session.cancel} disabled={!running}>Cancel</button>
        <span aria-live="polite" data-testid="decode-progress" data-run-start={session.runTimes.start} data-run-end={session.runTimes.end ?? ''}>
          {progress
            ? progress.done === 0 && running
              ? `starting: 0 / ${progress.total || '…'} segments`
              : `${progress.done} / ${progress.total} segments, ${progress.elapsedSec.toFixed(1)} s${progress.lanes > 1 ? ` on ${progress.lanes} threads` : ''}${eta !== null ? `, about ${eta.toFixed(0)} s left` : ''}`
            : ''}
          {ENDINGS[phase] ?? ''}
        </span>
      </div>
    </>
  );
}
