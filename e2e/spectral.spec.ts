import { expect, test } from '@playwright/test';

test('spectrogram of C3 and the mask preview: a new seed changes the mask, the masked area stays at the ratio', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Spectrogram' }).click();
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('C3..');
  const spectrogram = page.getByTestId('spectrogram');
  await expect(spectrogram).toHaveAttribute('data-rendered', 'true');
  await expect(spectrogram).toHaveAttribute('aria-label', 'Spectrogram of C3..');
  await expect(page.getByText(/columns × 161 bins at 160 Hz/)).toBeVisible();
  await page.screenshot({ path: 'test-results/spectrogram.png', fullPage: true });
  await page.getByRole('combobox', { name: 'Span' }).selectOption('whole');
  await expect(page.getByText(/columns × 161 bins at 160 Hz/)).toBeVisible();

  await page.getByRole('tab', { name: 'Mask preview' }).click();
  const area = page.getByTestId('masked-area');
  await expect(area).toContainText('masked area');
  const first = await area.textContent();
  const fraction = (text: string | null) => Number(/masked area ([\d.]+) %/.exec(text ?? '')![1]) / 100;
  expect(fraction(first)).toBeGreaterThanOrEqual(0.5);
  expect(fraction(first)).toBeLessThan(0.75);
  await expect(page.getByTestId('mask-map')).toHaveAttribute('data-rendered', 'true');
  await page.getByRole('button', { name: 'New seed' }).click();
  await expect(area).not.toHaveText(first!);
  const second = await area.textContent();
  expect(fraction(second)).toBeGreaterThanOrEqual(0.5);
  // Each parameter change is answered in well under a second for the 30-s segment.
  expect(Number(/(\d+) ms/.exec(second!)![1])).toBeLessThan(1000);
  await page.screenshot({ path: 'test-results/mask-preview.png', fullPage: true });
});
