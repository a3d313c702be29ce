// Runs benchmark workloads in a Web Worker of the built app in Debian's Chromium (headless), on a back-end started as
// the app's model worker starts it: serves dist/ (building it when absent), opens the benchmark page
// `/bench.html?backend=B&wasmThreads=N` (bench/browser/) and calls its window.specmoeBench.
import { chromium } from '@playwright/test';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import type { BenchRequest } from './browser/benchWorker';
import type { BenchResult } from './workloads/model';
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
    await page.goto(`${base}/bench.html?backend=${backend}&wasmThreads=${wasmThreads}`);
    await page.waitForFunction(() => !document.querySelector('[data-testid=backend]')?.textContent?.includes('starting'), undefined, { timeout: 60_000 });
    const shown = await page.getByTestId('backend').textContent();
    if (!(await page.evaluate(() => 'specmoeBench' in window))) throw new Error(`the benchmark page did not start: ${shown}`);
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
