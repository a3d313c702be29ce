// The back-end in use (and what it fell back from), and the choice of another: the worker restarts on it.
import { type BackendName, FALLBACK_ORDER } from '../worker/api';
import type { ModelWorker } from './useModelWorker';

export function BackendChoice({ worker }: { worker: ModelWorker }) {
  const { backend } = worker;
  return (
    <>
      <span data-testid="backend">Back-end: {backend ? `${backend.backend}${backend.threads > 1 ? ` (${backend.threads} threads)` : ''}` : 'starting…'}</span>
      {backend && backend.kernelThreads > 1 ? <span data-testid="kernel-threads"> · model kernels on {backend.kernelThreads} threads</span> : null}
      {backend?.tried.length ? <span title={backend.tried.map((t) => `${t.name}: ${t.error}`).join('\n')}> (fell back from {backend.tried.map((t) => t.name).join(', ')})</span> : null}
      <label>
        {' '}Use <select value={worker.preferredBackend} onChange={(e) => worker.setPreferredBackend(e.target.value as BackendName | '')} aria-label="Preferred back-end">
          <option value="">automatic</option>
          {FALLBACK_ORDER.map((b) => <option key={b} value={b}>{b}</option>)}
        </select>
      </label>
    </>
  );
}
