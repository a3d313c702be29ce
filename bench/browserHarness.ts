// Runs benchmark workloads inside the built app's model worker in Debian's Chromium (headless), the way users run
// the model: serves dist/ (building it when absent), opens `/?backend=B&bench` and calls window.specmoeBench.
import { chromium } from '@playwright/test';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import type { BenchRequest, BenchResult } from '../src/worker/api';
import { REPO_ROOT } from '../src/cli/paths';

const PORT = 4179;

async function waitForServer(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (child.exitCode !== null) throw new Error(`the app server exited (${child.exitCode})`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the app server did not answer at ${url}`);
}

/** The page's main-thread long tasks (PerformanceObserver 'longtask') while a request ran: durations in ms. */
export interface MainThread {
  readonly longTasksMs: readonly number[];
}

/**
 * Opens the app once per back-end and runs each request there; yields results in order. wasmThreads: threads of
 * tfjs-backend-wasm's threaded build (`?wasmThreads=N`; 0 = the single-threaded build).
 */
export async function runInBrowser(
  backend: string,
  requests: readonly BenchRequest[],
  onResult: (r: BenchResult, request: BenchRequest, mainThread: MainThread) => void,
  wasmThreads = 0,
): Promise<void> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'index.html'))) execFileSync('npx', ['vite', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
  const server = spawn(process.execPath, [join(REPO_ROOT, 'scripts/serve.mjs'), '--port', String(PORT)], { cwd: REPO_ROOT, stdio: 'ignore' });
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...chromiumArgs, ...(backend === 'webgpu' ? ['--enable-unsafe-webgpu'] : [])] });
  try {
    const base = `http://127.0.0.1:${PORT}`;
    await waitForServer(base, server);
    const page = await browser.newPage();
    await page.goto(`${base}/?backend=${backend}&bench&wasmThreads=${wasmThreads}`);
    await page.waitForFunction(() => 'specmoeBench' in window, undefined, { timeout: 60_000 });
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('starting'), undefined, { timeout: 60_000 });
    // The app loads its model in the same worker at start-up; a benchmark started before that ends would share the
    // thread with it (measured: the first 10-epoch head-training run 7.3 s, the next ones 5.6–5.7 s).
    await page.waitForFunction(() => 'specmoeModelSettled' in window, undefined, { timeout: 120_000 });
    const shown = await page.getByTestId('backend').textContent();
    if (backend === 'wasm' && wasmThreads > 1 && !shown?.includes(`${wasmThreads} threads`)) throw new Error(`asked for ${wasmThreads} wasm threads, the app shows "${shown}"`);
    for (const request of requests) {
      const [result, longTasksMs] = await page.evaluate(async (r) => {
        const tasks: number[] = [];
        const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
        observer.observe({ type: 'longtask', buffered: false });
        const out = await (window as unknown as { specmoeBench: (r: unknown) => Promise<BenchResult> }).specmoeBench(r);
        observer.disconnect();
        return [out, tasks] as const;
      }, request as unknown as Record<string, unknown>);
      onResult(result, request, { longTasksMs });
    }
  } finally {
    await browser.close();
    server.kill();
  }
}
