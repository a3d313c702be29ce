import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_WATCHDOG, startWatchdog, type Watchdog, watchdogOptions, watchedApi } from './workerWatchdog';

/** A worker stand-in whose pings are answered only when the test says so. */
function fakeWorker() {
  const waiting: (() => void)[] = [];
  return {
    pings: 0,
    ping() {
      this.pings++;
      return new Promise<void>((resolve) => waiting.push(resolve));
    },
    answerAll: () => waiting.splice(0).forEach((answer) => answer()),
  };
}

const options = { ...DEFAULT_WATCHDOG, now: () => Date.now() };
let watchdog: Watchdog;

beforeEach(() => void vi.useFakeTimers());
afterEach(() => {
  watchdog?.stop();
  vi.useRealTimers();
});

/** A call that stays in progress until `finish` is called. */
function call() {
  let finish!: () => void;
  const promise = new Promise<void>((resolve) => (finish = resolve));
  return { promise, finish };
}

describe('the model worker watchdog', () => {
  it('asks nothing while no call is in progress', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(worker.pings).toBe(0);
    expect(stopped).not.toHaveBeenCalled();
  });

  it('reports a worker that stops answering during a call once, after the shortest wait and not before', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    watchdog.track(call().promise);
    await vi.advanceTimersByTimeAsync(1_000); // the first ping goes out, and is never answered
    expect(worker.pings).toBe(1);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(stopped).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(stopped.mock.calls[0]![0]).toBeGreaterThan(60_000);
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(worker.pings).toBe(1);
  });

  it('leaves a worker alone that answers, however long the call takes', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    const running = call();
    watchdog.track(running.promise);
    for (let s = 0; s < 600; s++) {
      await vi.advanceTimersByTimeAsync(1_000);
      worker.answerAll();
    }
    expect(worker.pings).toBeGreaterThan(250);
    expect(stopped).not.toHaveBeenCalled();
    running.finish();
    await vi.advanceTimersByTimeAsync(0);
    const pings = worker.pings;
    await vi.advanceTimersByTimeAsync(60_000);
    expect(worker.pings).toBe(pings);
  });

  it('learns to wait longer for a worker that was slow to answer before (a long forward pass)', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    watchdog.track(call().promise);
    await vi.advanceTimersByTimeAsync(1_000);
    await vi.advanceTimersByTimeAsync(30_000);
    worker.answerAll(); // answered after 30 s: the wait becomes 4 × 30 s
    await vi.advanceTimersByTimeAsync(1_000); // the next ping, never answered
    await vi.advanceTimersByTimeAsync(110_000);
    expect(stopped).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(11_000);
    expect(stopped).toHaveBeenCalledTimes(1);
  });

  it('does not report a worker that stops answering once no call is in progress (the next call will)', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    const running = call();
    watchdog.track(running.promise);
    await vi.advanceTimersByTimeAsync(1_000);
    running.finish();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(stopped).not.toHaveBeenCalled();
    watchdog.track(call().promise);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(stopped).toHaveBeenCalledTimes(1);
  });

  it('watches every call made through the wrapped api but ping', async () => {
    const worker = fakeWorker();
    const stopped = vi.fn();
    watchdog = startWatchdog(() => worker.ping(), stopped, options);
    const decoding = call();
    const api = watchedApi({ decode: () => decoding.promise, ping: () => worker.ping() }, watchdog);
    expect((api as { then?: unknown }).then).toBeUndefined();
    const result = api.decode();
    await vi.advanceTimersByTimeAsync(62_000);
    expect(stopped).toHaveBeenCalledTimes(1);
    decoding.finish();
    await expect(result).resolves.toBeUndefined();
  });
});

describe('watchdogOptions', () => {
  it('reads ?watchdogSec (0: off) and is off under ?bench', () => {
    expect(watchdogOptions('')).toBe(DEFAULT_WATCHDOG);
    expect(watchdogOptions('?watchdogSec=15')?.minSilenceMs).toBe(15_000);
    expect(watchdogOptions('?watchdogSec=0')).toBeNull();
    expect(watchdogOptions('?bench&backend=wasm')).toBeNull();
    expect(watchdogOptions('?watchdogSec=soon')).toBe(DEFAULT_WATCHDOG);
  });
});
