// Spectrogram traces for Plotly, shared by the spectrogram, mask-preview and reconstruction views: a dB heatmap up
// to a frequency (Viridis, readable with colour-vision deficiencies) and dotted lines at the EEG band edges.
import { REPORT_BANDS, type Spectrogram } from '../../worker/api';

export function bandShapes(maxHz: number, xRef = 'paper') {
  return REPORT_BANDS.filter((b) => b.loHz < maxHz).map((b) => ({
    type: 'line', xref: xRef, x0: 0, x1: 1, y0: b.loHz, y1: b.loHz, line: { color: 'rgba(255,255,255,0.6)', width: 1, dash: 'dot' },
  }));
}

export function heatmap(s: Spectrogram, maxHz: number, extra: object = {}): object {
  const nFreqs = s.freqs.findIndex((f) => f > maxHz);
  const rows = nFreqs < 0 ? s.freqs.length : nFreqs;
  const cols = s.times.length;
  const z = Array.from({ length: rows }, (_, k) => Array.from(s.db.subarray(k * cols, (k + 1) * cols)));
  return { type: 'heatmap', x: Array.from(s.times), y: Array.from(s.freqs.subarray(0, rows)), z, colorscale: 'Viridis', colorbar: { title: { text: 'dB' } }, ...extra };
}
