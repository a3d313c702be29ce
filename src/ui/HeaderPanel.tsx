// The recording's header: format, start, duration, channels and the reader's warnings; patient fields can be hidden
// (de-identify) before a screen is shared.
import { useState } from 'react';
import type { RecordingSummary } from '../worker/api';

export function HeaderPanel({ recording }: { readonly recording: RecordingSummary }) {
  const [deidentify, setDeidentify] = useState(false);
  const rates = [...new Set(recording.channels.map((c) => c.sampleRateHz))];
  const hidden = '(hidden)';
  return (
    <section className="header-panel" aria-labelledby="header-title">
      <h2 id="header-title">{recording.name}</h2>
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
        <dd data-testid="start">{deidentify ? hidden : recording.startIso ? recording.startIso.replace('T', ' ').slice(0, 19) : 'unknown (impossible date in the header)'}</dd>
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
    </section>
  );
}
