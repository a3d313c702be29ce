// A watchdog on the model worker's progress. A worker can stop without an error event (Chromium may end one that
// runs out of memory silently), and then every call to it waits forever. So while a call is in progress, the watchdog
// asks the worker for a sign of life (`ping`, answered by its event loop between any two steps of its work) every
// second; when a ping stays unanswered too long, it reports the worker as stopped, and the app restarts it as after a
// crash (workerClient.ts, App.tsx). Only unanswered pings count, never the time between our own timer ticks, so a tab
// whose timers the browser slows down in the background is not mistaken for a dead worker.

export interface WatchdogOptions {
  /** How often a sign of life is asked for while a call is in progress, ms. */
  readonly pingMs: number;
  /** The shortest wait for an answer before the worker counts as stopped, ms. */
  readonly minSilenceMs: number;
  /**
   * The wait is also at least this many times the longest answer seen so far: a worker that is only slow (a large
   * model on a slow back-end blocks it for one whole forward pass) learns a longer wait instead of being restarted.
   */
  readonly slowFactor: number;
  /** A monotonic clock, ms. */
  readonly now: () => number;
}

export const DEFAULT_WATCHDOG: WatchdogOptions = { pingMs: 1000, minSilenceMs: 60_000, slowFactor: 4, now: () => performance.now() };

/**
 * The watchdog's settings for this page: `?watchdogSec=N` sets the shortest wait (0 turns it off); under `?bench`
 * it is off, so that no measurement is ever cut short. Null: no watchdog.
 */
export function watchdogOptions(search: string): WatchdogOptions | null {
  const params = new URLSearchParams(search);
  if (params.has('bench')) return null;
  const seconds = params.get('watchdogSec');
  if (seconds === null || !Number.isFinite(Number(seconds)) || Number(seconds) < 0) return DEFAULT_WATCHDOG;
  return Number(seconds) === 0 ? null : { ...DEFAULT_WATCHDOG, minSilenceMs: Number(seconds) * 1000 };
}

export interface Watchdog {
  /** Watches the worker while `call` is in progress; returns it unchanged. */
  track<T>(call: Promise<T>): Promise<T>;
  stop(): void;
}

/**
 * Starts watching: `ping` asks the worker for a sign of life; `onStopped` is called once, with how long the last
 * ping has gone unanswered, when that exceeds the wait.
 */
export function startWatchdog(ping: () => Promise<unknown>, onStopped: (silentMs: number) => void, options: WatchdogOptions = DEFAULT_WATCHDOG): Watchdog {
  let inProgress = 0;
  let unansweredSince: number | null = null;
  let longestAnswerMs = 0;
  const tick = () => {
    const now = options.now();
    if (unansweredSince !== null) {
      const silentMs = now - unansweredSince;
      if (inProgress > 0 && silentMs > Math.max(options.minSilenceMs, options.slowFactor * longestAnswerMs)) {
        clearInterval(timer);
        onStopped(silentMs);
      }
      return;
    }
    if (inProgress === 0) return;
    const sentAt = now;
    unansweredSince = sentAt;
    // An error answer is an answer too: the worker's event loop turned.
    const answered = () => {
      longestAnswerMs = Math.max(longestAnswerMs, options.now() - sentAt);
      if (unansweredSince === sentAt) unansweredSince = null;
    };
    ping().then(answered, answered);
  };
  const timer = setInterval(tick, options.pingMs);
  return {
    track(call) {
      inProgress++;
      const done = () => void inProgress--;
      call.then(done, done);
      return call;
    },
    stop: () => clearInterval(timer),
  };
}

/** `api` (a comlink proxy) with every call but `ping` tracked by `watchdog`. */
export function watchedApi<T extends object>(api: T, watchdog: Watchdog): T {
  return new Proxy(api, {
    get(target, key) {
      const member: unknown = Reflect.get(target, key);
      // `then` stays as comlink has it (undefined), so the proxy is not mistaken for a promise.
      if (typeof key !== 'string' || key === 'then' || key === 'ping') return member;
      return (...args: unknown[]) => watchdog.track((member as (...a: unknown[]) => Promise<unknown>)(...args));
    },
  });
}
