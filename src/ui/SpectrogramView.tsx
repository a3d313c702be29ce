// Spectrogram of a channel or the channel average, over the current page or the whole recording: dB colour scale
// (Viridis, readable with colour-vision deficiencies), EEG bands marked, time in recording seconds; clicking a time
// jumps the traces there.
import { useMemo, useState } from 'react';
import { type RecordingSummary, REPORT_BANDS, type Spectrogram, type WorkerApi } from '../worker/api';
import { Plot } from './charts/Plot';
import { bandShapes, heatmap } from './charts/spectrogram';
import type { ViewerState } from './TraceView';
import { useWorkerCall } from './useWorkerCall';
import type { Comlink } from './workerClient';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  readonly viewer: ViewerState;
  readonly onJump: (dataSec: number) => void;
  readonly onError: (message: string) => void;
}

export function SpectrogramView({ api, recording, viewer, onJump, onError }: Props) {
  const eeg = recording.channels.filter((c) => /v$/i.test(c.unit));
  const [channel, setChannel] = useState(() => eeg.find((c) => /^c3/i.test(c.label.replace(/^EEG\s*/i, '')))?.label ?? eeg[0]?.label ?? 'average');
  const [span, setSpan] = useState<'page' | 'whole'>('page');
  const request = span === 'whole' ? { channel, startSec: 0, durationSec: recording.durationSec } : { channel, startSec: viewer.startSec, durationSec: viewer.pageSec };
  const { value: spec, busy } = useWorkerCall<Spectrogram>(() => api.spectrogram(request), [api, channel, span, recording, viewer.startSec, viewer.pageSec], onError);
  const maxHz = Math.min(60, (spec?.sampleRateHz ?? 120) / 2);
  const data = useMemo(() => (spec ? [heatmap(spec, maxHz)] : []), [spec, maxHz]);
  const layout = useMemo(
    () => ({
      title: { text: `${channel === 'average' ? 'Channel average' : channel}: power (dB)` },
      xaxis: { title: { text: 'recording time (s)' } },
      yaxis: { title: { text: 'frequency (Hz)' } },
      shapes: bandShapes(maxHz),
      annotations: REPORT_BANDS.filter((b) => b.loHz < maxHz).map((b) => ({ xref: 'paper', x: 1.0, xanchor: 'right', y: (b.loHz + Math.min(b.hiHz, maxHz)) / 2, text: b.name, showarrow: false, font: { color: '#fff', size: 10 } })),
    }),
    [channel, maxHz],
  );
  return (
    <section aria-labelledby="spec-title">
      <h2 id="spec-title">Spectrogram</h2>
      <div className="toolbar">
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(e.target.value)} aria-label="Spectrogram channel">
            <option value="average">Channel average</option>
            {eeg.map((c) => <option key={c.label} value={c.label}>{c.label}</option>)}
          </select>
        </label>
        <label>
          Span <select value={span} onChange={(e) => setSpan(e.target.value as 'page' | 'whole')}>
            <option value="page">Current page</option>
            <option value="whole">Whole recording</option>
          </select>
        </label>
        <span aria-live="polite">{busy ? 'computing…' : spec ? `${spec.times.length} columns × ${spec.freqs.length} bins at ${spec.sampleRateHz} Hz; click to jump the traces` : ''}</span>
      </div>
      {spec && <Plot data={data} layout={layout} label={`Spectrogram of ${channel}`} height={380} onClick={(p) => onJump(p.x)} testId="spectrogram" />}
    </section>
  );
}
