// The pretraining mask preview: the paper's Gaussian time/frequency/tf masks on a 30-s segment of a channel, with
// every parameter adjustable (each explained in one line) and a seed; the mask map, the masked spectrogram beside the
// original on one colour scale (values in dB on hover), and the signals. A parameter set no mask can be drawn with
// is said beside the sliders, and the message goes as soon as the parameters work again.
import { useMemo } from 'react';
import { type MaskParams, type MaskPreview, PAPER_MASK_PARAMS, type RecordingSummary, type WorkerApi } from '../worker/api';
import { Plot } from './charts/Plot';
import { eegBandMarks, heatmap } from './charts/spectrogram';
import { pct } from './format';
import type { ViewerState } from './traces/viewerState';
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
}

interface SliderProps {
  readonly label: string;
  readonly help: string;
  readonly value: number;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly onChange: (v: number) => void;
}

function Slider({ label, help, value, min, max, step, onChange }: SliderProps) {
  const id = `slider-${label.replace(/\W+/g, '-')}`;
  return (
    <div className="slider">
      <label>
        {label} <input type="range" min={min} max={max} step={step} value={value} onChange={(e) => onChange(Number(e.target.value))} aria-valuetext={String(value)} aria-describedby={id} /> <output>{value}</output>
      </label>
      <div id={id} className="hint">{help}</div>
    </div>
  );
}

/** The colour scale shared by the original and masked spectrograms spans this many dB below the original's peak. */
const SHARED_RANGE_DB = 60;

const BAND_HELP: Readonly<Record<string, string>> = {
  delta: 'delta, 1–4 Hz',
  theta: 'theta, 4–8 Hz',
  alpha: 'alpha, 8–12 Hz',
  beta: 'beta, 12–30 Hz',
};

export function MaskView({ api, recording, viewer, settings, onSettings }: Props) {
  const voltage = recording.channels.filter((c) => /v$/i.test(c.unit));
  const fallback = voltage.find((c) => c.type === 'eeg' && /^c3/i.test(c.label.replace(/^EEG\s*/i, '')))?.label ?? voltage.find((c) => c.type === 'eeg')?.label ?? voltage[0]?.label ?? '';
  const current = settings ?? { channel: fallback, params: PAPER_MASK_PARAMS, seed: 41 };
  // Settings made on another recording keep their masks; the channel falls back where this recording lacks it.
  const { params, seed } = current;
  const channel = voltage.some((c) => c.label === current.channel) ? current.channel : fallback;
  const update = (patch: Partial<MaskSettings>) => onSettings({ channel, params, seed, ...patch });
  const setChannel = (c: string) => update({ channel: c });
  const setParams = (p: MaskParams) => update({ params: p });
  const setSeed = (next: (s: number) => number) => update({ seed: next(seed) });
  const durationSec = Math.min(30, Math.floor(recording.durationSec));
  const startSec = Math.max(0, Math.min(viewer.startSec, recording.durationSec - durationSec));
  // A parameter set no mask can be drawn with is said beside the sliders (not as the app's alert), until one works.
  const { value: preview, error: problem, millis } = useWorkerCall<MaskPreview>(() => api.maskPreview({ channel, startSec, durationSec, params, seed }), [api, channel, startSec, durationSec, params, seed]);
  const set = (patch: Partial<MaskParams>) => setParams({ ...params, ...patch });
  const types = params.typeRatios;
  const bands = params.bandProbs;
  const eeg = recording.channels.find((c) => c.label === channel)?.type === 'eeg';
  const plots = useMemo(() => {
    if (!preview) return null;
    const spec = (db: Float32Array) => ({ freqs: preview.freqs, times: preview.times, db, sampleRateHz: 200, powerUnit: 'µV²' });
    const t = Array.from({ length: preview.original.length }, (_, i) => startSec + i / 200);
    // One colour scale for both spectrograms: the original's top 60 dB (masked holes show as the scale's bottom).
    let hi = -Infinity;
    for (const v of preview.originalDb) if (v > hi) hi = v;
    const lo = hi - SHARED_RANGE_DB;
    const shared = { zmin: lo, zmax: hi, zauto: false };
    return {
      mask: [heatmap({ ...spec(preview.mask), db: preview.mask }, 60, { colorbar: { title: { text: 'M' } }, zmin: 0, zmax: 1, hovertemplate: '%{x:.1f} s, %{y:.1f} Hz: M = %{z:.2f} (1 kept, 0 masked)<extra></extra>' })],
      original: [heatmap(spec(preview.originalDb), 60, shared)],
      masked: [heatmap(spec(preview.maskedDb), 60, shared)],
      signals: [
        { type: 'scatter', mode: 'lines', x: t, y: Array.from(preview.original), name: 'original', line: { color: '#0072B2', width: 1 }, hovertemplate: '%{x:.2f} s: %{y:.1f} µV<extra>original</extra>' },
        { type: 'scatter', mode: 'lines', x: t, y: Array.from(preview.masked), name: 'masked', line: { color: '#D55E00', width: 1 }, hovertemplate: '%{x:.2f} s: %{y:.1f} µV<extra>masked</extra>' },
      ],
      range: { lo, hi },
    };
  }, [preview, startSec]);
  const axes = { xaxis: { title: { text: 's' } }, yaxis: { title: { text: 'Hz' } }, ...(eeg ? eegBandMarks(60) : {}) };
  return (
    <section aria-labelledby="mask-title">
      <h2 id="mask-title">Gaussian mask preview (pretraining)</h2>
      <div className="toolbar">
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(e.target.value)}>
            {voltage.map((c) => <option key={c.label} value={c.label}>{c.label}{c.type !== 'eeg' ? ` (${c.type.toUpperCase()})` : ''}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => setParams(PAPER_MASK_PARAMS)}>Paper defaults</button>
        <label>
          Seed <input type="number" value={seed} onChange={(e) => setSeed(() => Number(e.target.value) || 0)} aria-label="Seed" />
        </label>
        <button type="button" onClick={() => setSeed((s) => (s * 1103515245 + 12345) % 2147483647)}>New seed</button>
        <span aria-live="polite" data-testid="masked-area">
          {problem ? '' : preview ? `masked area ${pct(preview.maskedFraction)} (${preview.components} components, ${millis.toFixed(0)} ms)` : 'computing…'}
        </span>
      </div>
      {problem && <p role="alert" className="inline-error" data-testid="mask-problem">These settings draw no mask: {problem}.</p>}
      <div className="sliders">
        <Slider label="Mask ratio" help="components are added until this fraction of the time-frequency plane is masked" value={params.ratio} min={0.05} max={0.95} step={0.05} onChange={(v) => set({ ratio: v })} />
        <Slider label="Mask level" help="how deep each component cuts: 1 removes its centre entirely" value={params.level} min={0.1} max={1} step={0.1} onChange={(v) => set({ level: v })} />
        <Slider label="Band bias" help="chance that a frequency or time-frequency component is centred in an EEG band" value={params.bandBias} min={0} max={1} step={0.1} onChange={(v) => set({ bandBias: v })} />
        <Slider label="Frequency masks" help="weight of components that mask a frequency band at all times" value={types[0]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [v, types[1], types[2]] })} />
        <Slider label="Time masks" help="weight of components that mask a stretch of time at all frequencies" value={types[1]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [types[0], v, types[2]] })} />
        <Slider label="Time-frequency masks" help="weight of components that mask one spot of time and frequency" value={types[2]} min={0} max={1} step={0.1} onChange={(v) => set({ typeRatios: [types[0], types[1], v] })} />
        {(['delta', 'theta', 'alpha', 'beta'] as const).map((name, i) => (
          <Slider key={name} label={`P(${name})`} help={`weight of the ${BAND_HELP[name]} band when a centre is drawn in a band`} value={bands[i]!} min={0} max={1} step={0.1} onChange={(v) => set({ bandProbs: bands.map((b, j) => (j === i ? v : b)) as unknown as MaskParams['bandProbs'] })} />
        ))}
      </div>
      {plots && (
        <div className="grid2" data-testid="mask-plots" data-shared-range={`${plots.range.lo.toFixed(2)}|${plots.range.hi.toFixed(2)}`}>
          <Plot data={plots.mask} layout={{ title: { text: 'Mask M (shared by all channels)' }, ...axes }} label="Mask map" testId="mask-map" />
          <Plot data={plots.signals} layout={{ title: { text: `${channel}: original and masked (µV)` }, xaxis: { title: { text: 's' } } }} label="Original and masked signals" />
          <Plot data={plots.original} layout={{ title: { text: 'Original spectrogram (dB re 1 µV²)' }, ...axes }} label="Original spectrogram" testId="mask-original" />
          <Plot data={plots.masked} layout={{ title: { text: 'Masked spectrogram (dB re 1 µV², same scale)' }, ...axes }} label="Masked spectrogram" testId="mask-masked" />
        </div>
      )}
    </section>
  );
}
