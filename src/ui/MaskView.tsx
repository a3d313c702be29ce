// The pretraining mask preview: the paper's Gaussian time/frequency/tf masks on a 30-s segment of a channel, with
// every parameter adjustable and a seed; the mask map, the masked spectrogram beside the original, and the signals.
import { useMemo } from 'react';
import { type MaskParams, type MaskPreview, PAPER_MASK_PARAMS, type RecordingSummary, type WorkerApi } from '../worker/api';
import { Plot } from './charts/Plot';
import { heatmap } from './charts/spectrogram';
import { pct } from './format';
import type { ViewerState } from './TraceView';
import { useWorkerCall } from './useWorkerCall';
import type { Comlink } from './workerClient';

/** What the user set in this view; kept by the app so it survives switching tabs. */
export interface MaskSettings {
  readonly channel: string;
  readonly params: MaskParams;
  readonly seed: number;
}

interface Props {
  readonly api: Comlink.Remote<WorkerApi>;
  readonly recording: RecordingSummary;
  readonly viewer: ViewerState;
  /** null: the defaults (C3 or the first EEG channel, the paper's masks, seed 41). */
  readonly settings: MaskSettings | null;
  readonly onSettings: (settings: MaskSettings) => void;
  readonly onError: (message: string) => void;
}

function Slider({ label, value, min, max, step, onChange }: { label: string; value: number; min: number; max: number; step: number; onChange: (v: number) => void }) {
  return (
    <label className="slider">
      {label} <input type="range" min={min} max={max} step={step} value={value} onChange={(e) => onChange(Number(e.target.value))} aria-valuetext={String(value)} /> <output>{value}</output>
    </label>
  );
}

export function MaskView({ api, recording, viewer, settings, onSettings, onError }: Props) {
  const eeg = recording.channels.filter((c) => /v$/i.test(c.unit));
  const fallback = eeg.find((c) => /^c3/i.test(c.label.replace(/^EEG\s*/i, '')))?.label ?? eeg[0]?.label ?? '';
  const current = settings ?? { channel: fallback, params: PAPER_MASK_PARAMS, seed: 41 };
  // Settings made on another recording keep their masks; the channel falls back where this recording lacks it.
  const { params, seed } = current;
  const channel = eeg.some((c) => c.label === current.channel) ? current.channel : fallback;
  const update = (patch: Partial<MaskSettings>) => onSettings({ channel, params, seed, ...patch });
  const setChannel = (c: string) => update({ channel: c });
  const setParams = (p: MaskParams) => update({ params: p });
  const setSeed = (next: (s: number) => number) => update({ seed: next(seed) });
  const durationSec = Math.min(30, Math.floor(recording.durationSec));
  const startSec = Math.max(0, Math.min(viewer.startSec, recording.durationSec - durationSec));
  const { value: preview, millis } = useWorkerCall<MaskPreview>(() => api.maskPreview({ channel, startSec, durationSec, params, seed }), [api, channel, startSec, durationSec, params, seed], onError);
  const set = (patch: Partial<MaskParams>) => setParams({ ...params, ...patch });
  const types = params.typeRatios;
  const bands = params.bandProbs;
  const plots = useMemo(() => {
    if (!preview) return null;
    const spec = (db: Float32Array) => ({ freqs: preview.freqs, times: preview.times, db, sampleRateHz: 200 });
    const t = Array.from({ length: preview.original.length }, (_, i) => startSec + i / 200);
    return {
      mask: [heatmap({ ...spec(preview.mask), db: preview.mask }, 60, { colorbar: { title: { text: 'M' } }, zmin: 0, zmax: 1 })],
      original: [heatmap(spec(preview.originalDb), 60)],
      masked: [heatmap(spec(preview.maskedDb), 60)],
      signals: [
        { type: 'scatter', mode: 'lines', x: t, y: Array.from(preview.original), name: 'original', line: { color: '#0072B2', width: 1 } },
        { type: 'scatter', mode: 'lines', x: t, y: Array.from(preview.masked), name: 'masked', line: { color: '#D55E00', width: 1 } },
      ],
    };
  }, [preview, startSec]);
  const axes = { xaxis: { title: { text: 's' } }, yaxis: { title: { text: 'Hz' } } };
  return (
    <section aria-labelledby="mask-title">
      <h2 id="mask-title">Gaussian mask preview (pretraining)</h2>
      <div className="toolbar">
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            {eeg.map((c) => <option key={c.label} value={c.label}>{c.label}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setParams(PAPER_MASK_PARAMS)}>Paper defaults</button>
        <label>
          Seed <input type="number" value={seed} onChange={(e) => setSeed(() => Number(e.target.value) || 0)} aria-label="Seed" />
        </label>
        <button type="button" onClick={() => setSeed((s) => (s * 1103515245 + 12345) % 2147483647)}>New seed</button>
        <span aria-live="polite" data-testid="masked-area">
          {preview ? `masked area ${pct(preview.maskedFraction)} (${preview.components} components, ${millis.toFixed(0)} ms)` : 'computing…'}
        </span>
      </div>
      <div className="sliders">
        <Slider label="Mask ratio" value={params.ratio} min={0.05} max={0.95} step={0.05} onChange={(v) => set({ ratio: v })} />
        <Slider label="Mask level" value={params.level} min={0.1} max={1} step={0.1} onChange={(v) => set({ level: v })} />
        <Slider label="Band bias" value={params.bandBias} min={0} max={1} step={0.1} onChange={(v) => set({ bandBias: v })} />
        <Slider label="Frequency masks" value={types[0]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [v, types[1], types[2]] })} />
        <Slider label="Time masks" value={types[1]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [types[0], v, types[2]] })} />
        <Slider label="Time-frequency masks" value={types[2]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [types[0], types[1], v] })} />
        {(['delta', 'theta', 'alpha', 'beta'] as const).map((name, i) => (
          <Slider key={name} label={`P(${name})`} value={bands[i]!} min={0} max={1} step={0.1} onChange={(v) => set({ bandProbs: bands.map((b, j) => (j === i ? v : b)) as unknown as MaskParams['bandProbs'] })} />
        ))}
      </div>
      {plots && (
        <div className="grid2">
          <Plot data={plots.mask} layout={{ title: { text: 'Mask M (shared by all channels)' }, ...axes }} label="Mask map" testId="mask-map" />
          <Plot data={plots.signals} layout={{ title: { text: `${channel}: original and masked (µV)` }, xaxis: { title: { text: 's' } } }} label="Original and masked signals" />
          <Plot data={plots.original} layout={{ title: { text: 'Original spectrogram (dB)' }, ...axes }} label="Original spectrogram" />
          <Plot data={plots.masked} layout={{ title: { text: 'Masked spectrogram (dB)' }, ...axes }} label="Masked spectrogram" />
        </div>
      )}
    </section>
  );
}
