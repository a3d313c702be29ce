// Spectrogram of a channel or the channel average, over the current page or the whole recording: dB colour scale
// (Viridis, readable with colour-vision deficiencies), the human EEG bands marked only on EEG channels (a mouse EMG or
// a respiration belt has no alpha band), time in the app's convention; clicking a time jumps the traces there.
import { useMemo, useState } from 'react';
import type { ChannelSummary, RecordingSummary, Spectrogram, WorkerApi } from '../worker/api';
import { Plot } from './charts/Plot';
import { eegBandMarks, heatmap } from './charts/spectrogram';
import { timeAxis } from './charts/timeAxis';
import { clockToDataSec, dataToClockSec } from './format';
import type { ViewerState } from './traces/viewerState';
import { useWorkerCall } from './useWorkerCall';
import type { Comlink } from './workerClient';

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  readonly viewer: ViewerState;
  readonly onJump: (dataSec: number) => void;
  readonly onError: (message: string) => void;
}

/** Whether a spectrogram of this channel (or of the average of the voltage channels) is one of EEG. */
function isEeg(channels: readonly ChannelSummary[], channel: string): boolean {
  if (channel === 'average') return channels.filter((c) => /v$/i.test(c.unit)).every((c) => c.type === 'eeg');
  return channels.find((c) => c.label === channel)?.type === 'eeg';
}

export function SpectrogramView({ api, recording, viewer, onJump, onError }: Props) {
  const voltage = recording.channels.filter((c) => /v$/i.test(c.unit));
  const [channel, setChannel] = useState(() => voltage.find((c) => c.type === 'eeg' && /^c3/i.test(c.label.replace(/^EEG\s*/i, '')))?.label ?? voltage.find((c) => c.type === 'eeg')?.label ?? voltage[0]?.label ?? 'average');
  const [span, setSpan] = useState<'page' | 'whole'>('page');
  const request = span === 'whole' ? { channel, startSec: 0, durationSec: recording.durationSec } : { channel, startSec: viewer.startSec, durationSec: viewer.pageSec };
  const { value: spec, busy } = useWorkerCall<Spectrogram>(() => api.spectrogram(request), [api, channel, span, recording, viewer.startSec, viewer.pageSec], onError);
  const maxHz = Math.min(60, (spec?.sampleRateHz ?? 120) / 2);
  const eeg = isEeg(recording.channels, channel);
  // x in clock seconds after the start, so the axis and the hover read in the app's time convention.
  const data = useMemo(() => (spec ? [heatmap(spec, maxHz, { x: Array.from(spec.times, (t) => dataToClockSec(recording, t)) })] : []), [spec, maxHz, recording]);
  const layout = useMemo(() => {
    const from = spec ? dataToClockSec(recording, span === 'whole' ? 0 : viewer.startSec) : 0;
    const to = spec ? dataToClockSec(recording, span === 'whole' ? recording.durationSec : Math.min(recording.durationSec, viewer.startSec + viewer.pageSec)) : 1;
    const bands = eeg ? eegBandMarks(maxHz) : { shapes: [], annotations: [] };
    return {
      title: { text: `${channel === 'average' ? 'Channel average' : channel}: power (dB)${eeg ? '' : ' — not EEG, so no EEG bands'}` },
      xaxis: timeAxis(recording, from, to),
      yaxis: { title: { text: 'frequency (Hz)' } },
      margin: { l: 60, r: 20, t: 30, b: 70 },
      ...bands,
    };
  }, [channel, maxHz, eeg, recording, spec, span, viewer.startSec, viewer.pageSec]);
  return (
    <section aria-labelledby="spec-title">
      <h2 id="spec-title">Spectrogram</h2>
      <div className="toolbar">
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(e.target.value)} aria-label="Spectrogram channel">
            <option value="average">Channel average</option>
            {voltage.map((c) => <option key={c.label} value={c.label}>{c.label}{c.type !== 'eeg' ? ` (${c.type.toUpperCase()})` : ''}</option>)}
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
      {spec && <Plot data={data} layout={layout} label={`Spectrogram of ${channel}`} height={400} onClick={(p) => onJump(clockToDataSec(recording, p.x))} testId="spectrogram" />}
    </section>
  );
}
