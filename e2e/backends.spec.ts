import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { REFERENCE_DIR } from '../src/cli/paths';

// The small expert fixture (authors' PyTorch outputs) reproduced in Chromium on each back-end, through the app's
// parity panel. SwiftShader makes webgl and webgpu slow here, so only this small fixture runs on them.
const WEIGHTS = join(REFERENCE_DIR, 'expert_small.safetensors');
const IO = join(REFERENCE_DIR, 'expert_small_io.safetensors');
const file = (path: string) => ({ name: path.split('/').pop()!, mimeType: 'application/octet-stream', buffer: readFileSync(path) });

test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: [...chromiumArgs, '--enable-unsafe-webgpu'] } });

// wasm twice: the single-threaded build, and the threaded one with 2 threads (its pthreads start from a copy of
// the Emscripten factory's text, which the build must keep self-contained: vite.config.ts).
const RUNS = [
  { backend: 'wasm', threads: 0, shown: 'wasm' },
  { backend: 'wasm', threads: 2, shown: 'wasm (2 threads)' },
  { backend: 'webgl', threads: 0, shown: 'webgl' },
  { backend: 'webgpu', threads: 0, shown: 'webgpu' },
] as const;

for (const { backend, threads, shown } of RUNS) {
  test(`expert_small reproduces the PyTorch outputs on ${shown} in Chromium`, async ({ page }) => {
    test.skip(!existsSync(WEIGHTS) || !existsSync(IO), `the reference pack is absent (${REFERENCE_DIR}): this parity test needs ../shared`);
    const warnings: string[] = [];
    page.on('console', (m) => void (m.type() === 'warning' && warnings.push(m.text())));
    await page.goto(`/?backend=${backend}&wasmThreads=${threads}`);
    await expect(page.getByTestId('backend')).toHaveText(`Back-end: ${shown}`, { timeout: 60_000 });
    expect(warnings.filter((w) => /threaded wasm|worker sent an error|kernel thread/.test(w))).toEqual([]);
    // On wasm the model's attention, convolutions and linear layers run on the generated kernels, on a second thread
    // where the page has two cores.
    const cores = await page.evaluate(() => navigator.hardwareConcurrency);
    if (backend === 'wasm' && cores > 1) await expect(page.getByTestId('kernel-threads')).toHaveText(' · model kernels on 2 threads');
    await page.getByRole('tab', { name: 'Decode' }).click();
    await page.getByText('Parity check against PyTorch outputs').click();
    await page.getByLabel('Weights').setInputFiles(file(WEIGHTS));
    await page.getByLabel('Inputs and reference outputs').setInputFiles(file(IO));
    await page.getByRole('button', { name: 'Run parity check' }).click();
    const result = page.getByTestId('parity-result');
    await expect(result).toBeVisible({ timeout: 170_000 });
    console.log(`${backend}: ${await result.locator('caption').textContent()}`);
    const failed = (await result.locator('tbody tr').allTextContents()).filter((r) => r.endsWith('FAIL'));
    if (failed.length) console.log(failed.join('\n'));
    await expect(result).toHaveAttribute('data-failures', '0');
    await expect(result.locator('tbody tr')).toHaveCount(18);
  });
}
