// The views' one way to ask the worker for something that follows their inputs (a page of traces, a spectrogram, a
// mask preview, a decode plan): the latest answer, whether a newer one is on its way, and the latest request's
// error, which the next answer clears. Answers to requests the inputs have moved past are dropped.
import { useEffect, useRef, useState } from 'react';
import { errorText } from './format';

export interface WorkerCall<T> {
  /** The answer to the latest request that succeeded (kept while a newer one is computed). */
  readonly value: T | null;
  readonly busy: boolean;
  /** The error of the latest request; null once one succeeds. */
  readonly error: string | null;
  /** How long the latest answer took. */
  readonly millis: number;
}

/**
 * Runs `call` whenever `deps` change (no request while `call` is null). `onError`, when given, also hears every error
 * (e.g. the app's alert).
 */
export function useWorkerCall<T>(call: (() => Promise<T>) | null, deps: readonly unknown[], onError?: (message: string) => void): WorkerCall<T> {
  const [state, setState] = useState<WorkerCall<T>>({ value: null, busy: false, error: null, millis: 0 });
  const latest = useRef({ call, onError });
  latest.current = { call, onError };
  useEffect(() => {
    const run = latest.current.call;
    if (!run) return;
    let stale = false;
    const started = performance.now();
    setState((s) => (s.busy ? s : { ...s, busy: true }));
    run().then(
      (value) => !stale && setState({ value, busy: false, error: null, millis: performance.now() - started }),
      (e: unknown) => {
        if (stale) return;
        const message = errorText(e);
        setState((s) => ({ ...s, busy: false, error: message }));
        latest.current.onError?.(message);
      },
    );
    return () => {
      stale = true;
    };
  }, [...deps, call === null]);
  return state;
}
