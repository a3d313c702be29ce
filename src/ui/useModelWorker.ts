// The model worker's life cycle, in one place: start it on the chosen back-end, and when it dies (a crash, out of
// memory) or the back-end choice changes, start a new one and give it again what the user had loaded (`restore`).
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BackendInfo, BackendName } from '../worker/api';
import { errorText } from './format';
import { startWorker, type WorkerClient } from './workerClient';

export interface ModelWorker {
  readonly client: WorkerClient | null;
  readonly backend: BackendInfo | null;
  /** The back-end asked for ('' = automatic); `?backend=` sets the first choice. */
  readonly preferredBackend: BackendName | '';
  readonly setPreferredBackend: (name: BackendName | '') => void;
  /** Starts a fresh worker (e.g. after "Forget everything"). */
  readonly restart: () => void;
}

interface Options {
  /** Hears a crash before the new worker starts. */
  readonly onCrash: (message: string) => void;
  /** Hears a worker that could not start. */
  readonly onStartError: (message: string) => void;
  /** Gives a started worker what the user had loaded; runs after every start. */
  readonly restore: (client: WorkerClient) => Promise<void>;
}

const query = () => new URLSearchParams(location.search);

export function useModelWorker({ onCrash, onStartError, restore }: Options): ModelWorker {
  const [client, setClient] = useState<WorkerClient | null>(null);
  const [backend, setBackend] = useState<BackendInfo | null>(null);
  const [generation, setGeneration] = useState(0);
  const [preferredBackend, setPreferredBackend] = useState<BackendName | ''>(() => (query().get('backend') as BackendName | null) ?? '');
  const latest = useRef({ onCrash, onStartError, restore });
  latest.current = { onCrash, onStartError, restore };

  // One worker per generation; a crash bumps the generation, which starts a new one and restores what was loaded.
  useEffect(() => {
    let alive = true;
    const c = startWorker((message) => {
      if (!alive) return;
      latest.current.onCrash(message);
      setGeneration((g) => g + 1);
    });
    setClient(c);
    setBackend(null);
    void (async () => {
      try {
        // `?wasmThreads=N` asks for N threads of the threaded wasm build (0: single-threaded); by default the worker picks.
        const threads = query().get('wasmThreads');
        const info = await c.api.init(preferredBackend || undefined, threads === null ? undefined : Number(threads));
        if (!alive) return;
        setBackend(info);
        await latest.current.restore(c);
      } catch (e) {
        if (alive) latest.current.onStartError(`The model worker could not start: ${errorText(e)}`);
      }
    })();
    return () => {
      alive = false;
      c.terminate();
    };
  }, [generation, preferredBackend]);

  return { client, backend, preferredBackend, setPreferredBackend, restart: useCallback(() => setGeneration((g) => g + 1), []) };
}
