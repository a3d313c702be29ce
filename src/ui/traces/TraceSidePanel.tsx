// Beside the traces: which traces are shown (with their type), and the annotations, each a button that pages there.
import { useMemo } from 'react';
import type { PageData, RecordingSummary } from '../../worker/api';
import { timeLabel } from '../format';
import type { ViewerState } from './viewerState';

interface Props {
  readonly recording: RecordingSummary;
  readonly state: ViewerState;
  readonly page: PageData | null;
  readonly onChange: (next: ViewerState) => void;
  readonly onJump: (dataSec: number) => void;
}

/** At most this many annotations are listed (a night's scoring has ~1 000; the hypnogram shows them whole). */
const LISTED = 2000;

export function TraceSidePanel({ recording, state, page, onChange, onJump }: Props) {
  const labels = page?.allLabels ?? recording.channels.map((c) => c.label);
  const hidden = page?.hidden ?? [];
  const typeOf = useMemo(() => new Map(recording.channels.map((c) => [c.label, c.type])), [recording]);
  const annotationTypes = useMemo(() => [...new Set(recording.annotations.map((a) => a.description))], [recording]);
  const toggle = (label: string, show: boolean) => onChange({ ...state, hidden: show ? hidden.filter((h) => h !== label) : [...hidden, label] });
  return (
    <aside className="side" aria-label="Channels and annotations">
      <details open>
        <summary>Channels ({labels.length - hidden.length} of {labels.length} shown)</summary>
        <div className="toolbar">
          <button type="button" onClick={() => onChange({ ...state, hidden: [], firstTrace: 0 })}>Show all</button>
          <button type="button" onClick={() => onChange({ ...state, hidden: null, firstTrace: 0 })}>Default view</button>
        </div>
        <ul className="channel-list" aria-label="Channels">
          {labels.map((l) => (
            <li key={l}>
              <label>
                <input type="checkbox" checked={!hidden.includes(l)} onChange={(e) => toggle(l, e.target.checked)} /> {l}
                {typeOf.get(l) && typeOf.get(l) !== 'eeg' ? <span className="channel-type"> {typeOf.get(l)!.toUpperCase()}</span> : null}
              </label>
            </li>
          ))}
        </ul>
      </details>
      <details open>
        <summary>Annotations ({recording.annotations.length}{annotationTypes.length ? `: ${annotationTypes.slice(0, 6).join(', ')}` : ''})</summary>
        <ul className="annotation-list" aria-label="Annotations">
          {recording.annotations.slice(0, LISTED).map((a, i) => (
            <li key={i}>
              <button type="button" onClick={() => onJump(a.dataSec)} title={a.source ? `from ${a.source}` : undefined}>
                {timeLabel(recording, a.onsetSec, 1)} {a.description}
                {a.durationSec ? ` (${a.durationSec} s)` : ''}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </aside>
  );
}
