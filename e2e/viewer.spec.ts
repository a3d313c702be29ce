import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

const demo = () => gunzipSync(readFileSync('public/demo/S001R04.edf.gz'));

test('opens the demo recording, pages, switches to the bipolar montage, applies a notch, survives a truncated file', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('backend')).toContainText(/wasm|webgl|webgpu|cpu/);
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await expect(page.getByTestId('format')).toHaveText('EDF+C');
  const traces = page.getByTestId('traces');
  // The default view of the 64-channel cap: its 19 10-20 electrodes, in file order.
  await expect(traces).toHaveAttribute('data-shown-count', '19');
  await expect(traces).toHaveAttribute('data-traces', /^C3\.\.\|Cz\.\.\|C4\.\.\|Fp1\./);
  // T0/T1/T2 annotations in the list, with their clock time, offset and duration.
  const annotations = page.getByRole('list', { name: 'Annotations' });
  await expect(annotations.getByRole('button', { name: /T1 \(4\.\d s\)$/ }).first()).toBeVisible();
  await expect(annotations.getByRole('button', { name: /T2 \(4\.\d s\)$/ }).first()).toBeVisible();
  await expect(annotations.getByRole('button', { name: '16:15:00 (0.0 s) T0 (4.2 s)' })).toBeVisible();
  // Page forward with the keyboard and the button.
  await page.keyboard.press('PageDown');
  await expect(traces).toHaveAttribute('data-start', '10');
  await page.getByRole('button', { name: /Next page/ }).click();
  await expect(traces).toHaveAttribute('data-start', '20');
  await page.keyboard.press('PageUp');
  await expect(traces).toHaveAttribute('data-start', '10');
  // Jump to an annotation.
  await annotations.getByRole('button', { name: /T2 \(/ }).first().click();
  await expect(traces).not.toHaveAttribute('data-start', '10');
  // Bipolar montage: double-banana derivations from eegmmidb's labels.
  await page.getByRole('combobox', { name: 'Montage' }).selectOption('bipolar');
  await expect(traces).toHaveAttribute('data-traces', /Fp1-F7\|F7-T7/);
  // 50 Hz notch.
  await page.getByRole('combobox', { name: 'Notch' }).selectOption('50');
  await expect(traces).toHaveAttribute('data-filter', /"notchHz":50/);
  // De-identify hides the patient fields.
  await page.getByLabel(/De-identify/).check();
  await expect(page.getByTestId('patient')).toHaveText('(hidden)');
  // A truncated file (cut inside the signal headers): a clear message, and the demo recording stays shown.
  await page.locator('input[type=file]').first().setInputFiles({ name: 'truncated.edf', mimeType: 'application/octet-stream', buffer: demo().subarray(0, 3000) });
  await expect(page.getByRole('alert')).toContainText('Could not open truncated.edf');
  await expect(page.getByRole('alert')).toContainText(/byte/);
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await expect(traces).toHaveAttribute('data-traces', /Fp1-F7/);
  await page.screenshot({ path: 'test-results/viewer.png', fullPage: true });
});
