import { expect, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { REFERENCE_DIR } from '../src/testing/shared';

// The small expert fixture (authors' PyTorch outputs) reproduced in Chromium on each back-end, through the app's
// parity panel. SwiftShader makes webgl and webgpu slow here, so only this small fixture runs on them.
const WEIGHTS = join(REFERENCE_DIR, 'expert_small.safetensors');
const IO = join(REFERENCE_DIR, 'expert_small_io.safetensors');
const file = (path: string) => ({ name: path.split('/').pop()!, mimeType: 'application/octet-stream', buffer: readFileSync(path) });

test.use({ launchOptions: { executablePath: '/usr/bin/chromium', args: [...chromiumArgs, '--enable-unsafe-webgpu'] } });

for (const backend of ['wasm', 'webgl', 'webgpu'] as const) {
  test(`expert_small reproduces the PyTorch outputs on ${backend} in Chromium`, async ({ page }) => {
    test.skip(!existsSync(WEIGHTS) || !existsSync(IO), `the reference pack is absent (${REFERENCE_DIR}): this parity test needs ../shared`);
    await page.goto(`/?backend=${backend}`);
    await expect(page.getByTestId('backend')).toHaveText(`Back-end: ${backend}`, { timeout: 60_000 });
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
