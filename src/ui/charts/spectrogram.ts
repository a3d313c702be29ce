// Spectrogram traces for Plotly, shared by the spectrogram, mask-preview and reconstruction views: a dB heatmap up
// to a frequency (Viridis, readable with colour-vision deficiencies) with its values in the hover, and the human EEG
// bands marked (only on EEG: a mouse EMG or a respiration belt has no alpha band).
import { REPORT_BANDS, type Spectrogram } from '../../worker/api';

/** Dotted lines at the human EEG band edges, and the bands' names, for an EEG channel's spectrogram. */
export function eegBandMarks(maxHz: number): { shapes: object[]; annotations: object[] } {
  const bands = REPORT_BANDS.filter((b) => b.loHz < maxHz);
  return {
    shapes: bands.map((b) => ({ type: 'line', xref: 'paper', x0: 0, x1: 1, y0: b.loHz, y1: b.loHz, line: { color: 'rgba(255,255,255,0.6)', width: 1, dash: 'dot' } })),
    annotations: bands.map((b) => ({ xref: 'paper', x: 1.0, xanchor: 'right', y: (b.loHz + Math.min(b.hiHz, maxHz)) / 2, text: b.name, showarrow: false, font: { color: '#fff', size: 10 } })),
  };
}

/** A dB heatmap of a spectrogram below maxHz, with its values in the hover (dB re its power unit). */
export function heatmap(s: Spectrogram, maxHz: number, extra: object = {}): object {
  const nFreqs = s.freqs.findIndex((f) => f > maxHz);
  const rows = nFreqs < 0 ? s.freqs.length : nFreqs;
  const cols = s.times.length;
  const z = Array.from({ length: rows }, (_, k) => Array.from(s.db.subarray(k * cols, (k + 1) * cols)));
  const unit = s.powerUnit ?? 'µV²';
  return {
    type: 'heatmap',
    x: Array.from(s.times),
    y: Array.from(s.freqs.subarray(0, rows)),
    z,
    colorscale: 'Viridis',
    colorbar: { title: { text: `dB re 1 ${unit}` } },
    hovertemplate: `%{x:.1f} s, %{y:.1f} Hz: %{z:.1f} dB re 1 ${unit}<extra></extra>`,
    ...extra,
  };
}
