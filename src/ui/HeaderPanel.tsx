// The recording's header: format, start, duration, channels and the reader's warnings; patient fields can be hidden
// (de-identify) before a screen is shared. It folds to one line (closed from the start on short screens, so the
// traces keep the height), which still says what is open.
import { useState } from 'react';
import type { RecordingSummary } from '../worker/api';

/** Windows shorter than this open with the panel folded. */
const FOLDED_BELOW_PX = 720;

export function HeaderPanel({ recording }: { readonly recording: RecordingSummary }) {
  const [deidentify, setDeidentify] = useState(false);
  const [open, setOpen] = useState(() => window.innerHeight >= FOLDED_BELOW_PX);
  const rates = [...new Set(recording.channels.map((c) => c.sampleRateHz))];
  const hidden = '(hidden)';
  const start = recording.startIso ? recording.startIso.replace('T', ' ').slice(0, 19) : 'unknown (impossible date in the header)';
  return (
    <details className="header-panel" open={open} onToggle={(e) => setOpen(e.currentTarget.open)} aria-labelledby="header-title">
      <summary>
        <h2 id="header-title">{recording.name}</h2>
        <span className="header-line">
          {recording.format}, {recording.channels.length} channels, {recording.durationSec.toFixed(0)} s{deidentify ? '' : `, from ${start}`}
          {recording.warnings.length > 0 ? `, ${recording.warnings.length} warning(s)` : ''}
        </span>
      </summary>
      <label className="deidentify">
        <input type="checkbox" checked={deidentify} onChange={(e) => setDeidentify(e.target.checked)} /> De-identify (hide patient fields)
      </label>
      <dl>
        <dt>Format</dt>
        <dd data-testid="format">{recording.format}</dd>
        <dt>Patient</dt>
        <dd data-testid="patient">{deidentify ? hidden : recording.patientId || '–'}</dd>
        <dt>Recording</dt>
        <dd data-testid="recording-id">{deidentify ? hidden : recording.recordingId || '–'}</dd>
        <dt>Start</dt>
        <dd data-testid="start">{deidentify ? hidden : start}</dd>
        <dt>Duration</dt>
        <dd>{recording.durationSec.toFixed(1)} s in {recording.nRecords} records of {recording.recordDurationSec} s{recording.hasGaps ? ' (with gaps)' : ''}</dd>
        <dt>Channels</dt>
        <dd data-testid="channel-count">{recording.channels.length} channels at {rates.join(', ')} Hz</dd>
        <dt>Annotations</dt>
        <dd>{recording.annotations.length}</dd>
      </dl>
      {recording.warnings.length > 0 && (
        <details className="warnings">
          <summary>{recording.warnings.length} reader warning(s)</summary>
          <ul>{recording.warnings.map((w, i) => <li key={i}>{w}</li>)}</ul>
        </details>
      )}
    </details>
  );
}
