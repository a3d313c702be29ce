// What the browser tests share: opening the demo and the Decode tab, the vendored fixtures, the demo's bytes.
import { expect, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** The demo recording (eegmmidb S001R04), uncompressed. */
export const demoBytes = () => new Uint8Array(gunzipSync(readFileSync('public/demo/S001R04.edf.gz')));

/** A vendored eegmmidb run (see e2e/fixtures/README.md) as a file to give an <input type=file>. */
export const fixture = (name: string) => ({ name, mimeType: 'application/gzip', buffer: readFileSync(`e2e/fixtures/${name}`) });

/** Opens the app on wasm (`query`: more parameters) with the demo recording and shows the Decode tab with the bundled model loaded. */
export async function openDemoDecode(page: Page, query = ''): Promise<void> {
  await page.goto(`/?backend=wasm${query}`);
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
}

/** Waits for the decode run to end with `n` of `n` segments done (polling slowly: see decode.spec.ts). */
export async function waitForDecode(page: Page, n: number): Promise<void> {
  const done = new RegExp(`${n} / ${n} segments.*done`);
  await page.waitForFunction((source) => new RegExp(source).test(document.querySelector('[data-testid=decode-progress]')?.textContent ?? ''), done.source, { polling: 500, timeout: 120_000 });
}

/** Opens `bytes` as the recording `name` through the page's file input. */
export async function openFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.locator('.open input[type=file]').setInputFiles({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await expect(page.getByRole('heading', { name })).toBeVisible();
}

/**
 * Saves the trained head: "Save head…", and where the page warns that the head is weak (at or below chance, or below
 * band power), "Save anyway" after the warning.
 */
export async function saveHead(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Save head and use it for decoding' }).click();
  if (await page.getByTestId('weak-head').isVisible()) await page.getByRole('button', { name: 'Save anyway' }).click();
  await expect(page.getByText('Saved in this browser; the Decode tab now uses it.')).toBeVisible();
}
