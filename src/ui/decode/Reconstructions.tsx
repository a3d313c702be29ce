// An expert's reconstruction of one decoded segment (the pretraining task on the user's own data): original, masked
// input and both branches as signals, their spectrograms on one colour scale, and the error per EEG band.
import { useState } from 'react';
import type { DecodedRow, ModelSummary, Reconstruction, WorkerApi } from '../../worker/api';
import { Plot } from '../charts/Plot';
import { heatmap } from '../charts/spectrogram';
import { errorText } from '../format';
import type { Comlink } from '../workerClient';

export function Reconstructions({ api, rows, model, onError }: { api: Comlink.Remote<WorkerApi>; rows: readonly DecodedRow[]; model: ModelSummary; onError: (m: string) => void }) {
  const [segment, setSegment] = useState(0);
  const [expert, setExpert] = useState<0 | 1 | 2>(0);
  const [channel, setChannel] = useState(0);
  const [result, setResult] = useState<Reconstruction | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    try {
      setResult(await api.reconstruct({ segmentDataSec: rows[segment]?.dataOnset ?? 0, expert, channel, seed: 7 + segment }));
    } catch (e) {
      onError(errorText(e));
    } finally {
      setBusy(false);
    }
  };
  const t = result ? Array.from({ length: result.original.length }, (_, i) => i / result.sampleRateHz) : [];
  // One colour scale for the four spectrograms (the original's top 50 dB), so the masked holes and how far the
  // reconstructions fill them compare at a glance.
  const top = result ? Math.max(...result.spectrograms.original.db) : 0;
  const sharedRange = { zmin: top - 50, zmax: top, zauto: false };
  const line = (y: Float32Array, name: string, color: string) => ({ type: 'scatter', mode: 'lines', x: t, y: Array.from(y), name, line: { color, width: 1 } });
  return (
    <section aria-labelledby="recon-title">
      <h3 id="recon-title">Reconstruction by an expert (pretraining task)</h3>
      <div className="toolbar">
        <label>
          Segment <select value={segment} onChange={(e) => setSegment(Number(e.target.value))}>
            {rows.map((r, i) => <option key={i} value={i}>{r.onset.toFixed(1)} s</option>)}
          </select>
        </label>
        <label>
          Expert <select value={expert} onChange={(e) => setExpert(Number(e.target.value) as 0 | 1 | 2)}>
            {[0, 1, 2].map((k) => <option key={k} value={k}>{k + 1}</option>)}
          </select>
        </label>
        <label>
          Channel <select value={channel} onChange={(e) => setChannel(Number(e.target.value))}>
            {model.task.channels.map((c, i) => <option key={c} value={i}>{c}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => void run()} disabled={busy || !model.hasDecoders}>{busy ? 'Reconstructing…' : 'Reconstruct'}</button>
        {!model.hasDecoders && <span>This model carries no expert decoders.</span>}
      </div>
      {result && (
        <>
          <Plot
            data={[line(result.original, 'original', '#000000'), line(result.masked, 'masked input', '#E69F00'), line(result.dec1, 'branch 1', '#0072B2'), line(result.dec2, 'branch 2', '#009E73')]}
            layout={{ title: { text: 'Original, masked input and the two reconstruction branches (µV)' }, xaxis: { title: { text: 's' } } }}
            label="Reconstruction signals"
            testId="reconstruction"
          />
          <div className="grid4">
            {(['original', 'masked', 'dec1', 'dec2'] as const).map((k) => (
              <Plot key={k} data={[heatmap(result.spectrograms[k], 60, sharedRange)]} layout={{ title: { text: k }, yaxis: { title: { text: 'Hz' } } }} label={`${k} spectrogram`} height={240} />
            ))}
          </div>
          <table className="band-errors" data-testid="band-errors">
            <caption>
              Error against the original, mean over channels (µV²): waveform error power (needs the phase right),
              spectrogram-magnitude error (phase-blind, what the pretraining loss mostly rewards), and the same in the
              masked regions only (cells weighted by how much they were masked). Ratio below 1 = the reconstruction
              is closer to the original than the masked input.
            </caption>
            <thead>
              <tr><th rowSpan={2}>band</th><th colSpan={5}>waveform</th><th colSpan={5}>spectrogram magnitude</th><th colSpan={5}>magnitude, masked regions</th></tr>
              <tr>{[0, 1, 2].map((g) => ['masked input', 'branch 1', 'ratio', 'branch 2', 'ratio'].map((h) => <th key={`${g}${h}`}>{h}</th>))}</tr>
            </thead>
            <tbody>
              {result.bandErrors.map((b) => (
                <tr key={b.band}>
                  <td>{b.band}</td>
                  {[b.waveform, b.magnitude, b.maskedRegions].map((e, g) => [e.masked.toFixed(2), e.dec1.toFixed(2), (e.dec1 / e.masked).toFixed(2), e.dec2.toFixed(2), (e.dec2 / e.masked).toFixed(2)].map((v, i) => <td key={`${g}${i}`}>{v}</td>))}
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
