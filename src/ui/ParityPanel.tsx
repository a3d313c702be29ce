// For researchers: run the model in this tab on a PyTorch export's inputs and compare every output with the
// PyTorch outputs of the same name (the reference pack's *_io.safetensors layout: x, times and the outputs).
import { useState } from 'react';
import type { NamedBytes, ParityCheck, WorkerApi } from '../worker/api';
import { errorText } from './format';
import type { Comlink } from './workerClient';

const readFiles = (list: FileList | null): Promise<NamedBytes[]> =>
  Promise.all([...(list ?? [])].map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })));

export function ParityPanel({ api, onError }: { api: Comlink.Remote<WorkerApi>; onError: (message: string) => void }) {
  const [weights, setWeights] = useState<NamedBytes[]>([]);
  const [io, setIo] = useState<NamedBytes | null>(null);
  const [result, setResult] = useState<ParityCheck | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    if (!io || weights.length === 0) return;
    setBusy(true);
    setResult(null);
    try {
      setResult(await api.parityCheck(weights, io));
    } catch (e) {
      onError(`Parity check failed: ${errorText(e)}`);
    } finally {
      setBusy(false);
    }
  };
  const failures = result ? result.rows.filter((r) => !r.ok).length + result.sizeMismatches.length : 0;
  return (
    <details className="parity">
      <summary>Parity check against PyTorch outputs</summary>
      <p>
        Weights (an expert or SpecMoE .safetensors / .pth, or a bundle) and a .safetensors holding <code>x</code> [B, C, T], <code>times</code> [B, 1, T]
        and the outputs PyTorch produced, under the reference pack's names. Runs on the current back-end.
      </p>
      <label>Weights <input type="file" multiple accept=".safetensors,.pth,.json" onChange={(e) => void readFiles(e.target.files).then(setWeights)} /></label>{' '}
      <label>Inputs and reference outputs <input type="file" accept=".safetensors" onChange={(e) => void readFiles(e.target.files).then((f) => setIo(f[0] ?? null))} /></label>{' '}
      <button type="button" onClick={() => void run()} disabled={busy || !io || weights.length === 0}>{busy ? 'Running…' : 'Run parity check'}</button>
      {result && (
        <table className="parity-table" aria-label="Parity check" data-testid="parity-result" data-failures={failures}>
          <caption>
            {result.description} on {result.backend}, {result.seconds.toFixed(2)} s: {failures === 0 ? `all ${result.rows.length} compared tensors within ${result.tolerance} of max|ref|` : `${failures} tensor(s) out of tolerance`}
            {result.unmatched.length ? `; not compared: ${result.unmatched.join(', ')}` : ''}
          </caption>
          <thead><tr><th>tensor</th><th>shape</th><th>max |Δ|</th><th>|Δ| / max|ref|</th><th /></tr></thead>
          <tbody>
            {result.rows.map((r) => (
              <tr key={r.name}><td>{r.name}</td><td>[{r.shape.join(', ')}]</td><td>{r.maxAbsDiff.toExponential(2)}</td><td>{r.relToAbsmax.toExponential(2)}</td><td>{r.ok ? 'ok' : 'FAIL'}</td></tr>
            ))}
            {result.sizeMismatches.map((m) => <tr key={m}><td colSpan={4}>{m}</td><td>FAIL</td></tr>)}
          </tbody>
        </table>
      )}
    </details>
  );
}
