// Runs benchmark workloads in a Web Worker of the built app in Debian's Chromium (headless), on a back-end started as
// the app's model worker starts it: serves dist/ (building it when absent), opens the benchmark page
// `/bench.html?backend=B&wasmThreads=N&kernelThreads=K` (bench/browser/) and calls its window.specmoeBench.
import { type Browser, chromium } from '@playwright/test';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import type { BenchRequest } from './browser/benchWorker';
import type { BenchResult } from './workloads/model';
import { REPO_ROOT } from '../src/cli/paths';
import { commandLine, peakRssMiB, processTree } from './machineLoad';

/** The app server's port (BENCH_PORT, e.g. to run beside another checkout's benchmarks); the peer page takes the next. */
export const BENCH_PORT = Number(process.env.BENCH_PORT ?? 4179);

export async function waitForServer(url: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child && child.exitCode !== null) throw new Error(`the server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer at ${url}`);
}

/** The page's main-thread long tasks (PerformanceObserver 'longtask') while a request ran: durations in ms. */
export interface MainThread {
  readonly longTasksMs: readonly number[];
}

/** A Chromium of our own; rendererPeakMiB() is the largest peak RSS of its renderer processes (a tab and its workers). */
export interface BenchBrowser {
  readonly browser: Browser;
  rendererPeakMiB(): number;
  close(): Promise<void>;
}

/** Launches Debian's Chromium and finds its process (a child of this one) to read its renderers' memory. */
export async function launchBenchBrowser(extraArgs: readonly string[] = []): Promise<BenchBrowser> {
  // Debian's /usr/bin/chromium is a script that runs /usr/lib/chromium/chromium.
  const isBrowserMain = (pid: number) => /\/chromium$/.test(commandLine(pid).split(' ')[0]!) && !commandLine(pid).includes('--type=');
  const before = new Set(processTree(process.pid).filter(isBrowserMain));
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...chromiumArgs, ...extraArgs] });
  const main = processTree(process.pid).find((pid) => isBrowserMain(pid) && !before.has(pid));
  return {
    browser,
    rendererPeakMiB: () =>
      main === undefined ? Number.NaN : Math.max(0, ...processTree(main).filter((pid) => commandLine(pid).includes('--type=renderer')).map(peakRssMiB)),
    close: () => browser.close(),
  };
}

/** The benchmark page open in its own Chromium, ready for requests. */
export interface BenchPage {
  call(request: BenchRequest): Promise<{ result: BenchResult; mainThread: MainThread }>;
  /** What the page shows as its back-end (and the attention kernels' threads). */
  readonly shown: string;
  rendererPeakMiB(): number;
  close(): Promise<void>;
}

/**
 * Serves the built app and opens its benchmark page on `backend`. wasmThreads: threads of tfjs-backend-wasm's
 * threaded build (0 = the single-threaded build); kernelThreads 1 keeps the generated model kernels on the
 * benchmark worker's thread (by default they get a second one, as in the app's model worker).
 */
export async function openBenchPage(backend: string, query: { wasmThreads?: number; kernelThreads?: number } = {}): Promise<BenchPage> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'bench.html'))) execFileSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const server = spawn(process.execPath, [join(REPO_ROOT, 'scripts/serve.mjs'), '--port', String(BENCH_PORT)], { cwd: REPO_ROOT, stdio: 'ignore' });
  const chrome = await launchBenchBrowser(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : []);
  const close = async () => {
    await chrome.close();
    server.kill();
  };
  try {
    const base = `http://127.0.0.1:${BENCH_PORT}`;
    await waitForServer(base, server);
    const page = await chrome.browser.newPage();
    const wasmThreads = query.wasmThreads ?? 0;
    await page.goto(`${base}/bench.html?backend=${backend}&wasmThreads=${wasmThreads}${query.kernelThreads ? `&kernelThreads=${query.kernelThreads}` : ''}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('starting'), undefined, { timeout: 60_000 });
    const shown = (await page.getByTestId('backend').textContent()) ?? '';
    if (!(await page.evaluate(() => 'specmoeBench' in window))) throw new Error(`the benchmark page did not start: ${shown}`);
    if (backend === 'wasm' && wasmThreads > 1 && !shown.includes(`(${wasmThreads} threads)`)) throw new Error(`asked for ${wasmThreads} wasm threads, the page shows "${shown}"`);
    return {
      shown,
      async call(request) {
        const [result, longTasksMs] = await page.evaluate(async (r) => {
          const tasks: number[] = [];
          const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
          observer.observe({ type: 'longtask', buffered: false });
          const out = await (window as unknown as { specmoeBench: (r: unknown) => Promise<BenchResult> }).specmoeBench(r);
          observer.disconnect();
          return [out, tasks] as const;
        }, request as unknown as Record<string, unknown>);
        return { result, mainThread: { longTasksMs } };
      },
      rendererPeakMiB: chrome.rendererPeakMiB,
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Opens the benchmark page once and runs each request there; yields results in order. */
export async function runInBrowser(
  backend: string,
  requests: readonly BenchRequest[],
  onResult: (r: BenchResult, request: BenchRequest, mainThread: MainThread) => void,
  wasmThreads = 0,
): Promise<void> {
  const bench = await openBenchPage(backend, { wasmThreads });
  try {
    for (const request of requests) {
      const { result, mainThread } = await bench.call(request);
      onResult(result, request, mainThread);
    }
  } finally {
    await bench.close();
  }
}
