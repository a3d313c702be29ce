import { expect, test } from '@playwright/test';
import { existsSync } from 'node:fs';
import { decodableGappedBytes, expectedClockSec, expectedRecordTimes, gappedPath } from '../src/testing/gappedFiles';
import { plumbingBundleFiles } from '../src/testing/plumbingBundle';
import { REFERENCE_DIR } from '../src/cli/paths';

// A recording whose data records jump 12 h (EDF+D: records at 0–5 s, then 43 200–43 205 s after the start), decoded
// with an untrained plumbing model of its channels: every row's onset is clock time, and clicking a row shows that
// segment's samples in the traces (data time), not a place 12 h past the end of the data.
const FILE = 'EDF.jl/test_merged.edf';

test('a recording with gaps: decoded rows carry clock onsets, and a row jumps the traces to its own samples', async ({ page }) => {
  test.skip(!existsSync(gappedPath(FILE)) || !existsSync(REFERENCE_DIR), 'needs ../shared (the gapped recording and the parity fixture)');
  const times = expectedRecordTimes(FILE);
  await page.goto('/?backend=wasm');
  await page.locator('.open input[type=file]').setInputFiles({ name: 'test_merged.edf', mimeType: 'application/octet-stream', buffer: Buffer.from(decodableGappedBytes(FILE)) });
  await expect(page.getByRole('heading', { name: 'test_merged.edf' })).toBeVisible();
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toBeVisible();
  const bundle = await plumbingBundleFiles(['A1', 'A2', 'A3', 'A4']);
  await page.getByLabel('Model files').setInputFiles([...bundle].map(([name, bytes]) => ({ name, mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) })));
  await expect(page.getByTestId('model-card')).toContainText('UNTRAINED');
  await page.getByRole('button', { name: /^Decode test_merged/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('3 / 3 segments', { timeout: 60_000 });
  await expect(page.getByTestId('decode-progress')).toContainText('done');
  const table = page.getByRole('table', { name: 'Predictions per segment' });
  const onsets = await table.locator('tbody tr td:first-child').allTextContents();
  expect(onsets).toEqual([0, 4, 8].map((dataSec) => expectedClockSec(times, dataSec).toFixed(1))); // 0.0, 4.0, 43202.0
  // The last row: data seconds 8–12, on the clock 12 h later (22:19:46 for a 10:19:44 start).
  await table.getByRole('button', { name: '43202.0' }).click();
  await expect(page.getByRole('tab', { name: 'Traces' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('traces')).toHaveAttribute('data-start', '8');
  await expect(page.getByTestId('position')).toContainText('22:19:46 (43\u2009202.0 s) – ');
  await expect(page.getByTestId('traces')).toHaveAttribute('data-traces', /^A1\|A2\|/);
});
