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

test('mask preview: original and masked on one colour scale, hovers in dB, every slider explained, a bad setting said until it is fixed', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Mask preview' }).click();
  const original = page.getByTestId('mask-original');
  const masked = page.getByTestId('mask-masked');
  await expect(original).toHaveAttribute('data-rendered', 'true');
  await expect(masked).toHaveAttribute('data-rendered', 'true');
  const range = (plot: typeof original) => plot.evaluate((el) => {
    const trace = (el as unknown as { _fullData: { zmin: number; zmax: number }[] })._fullData[0]!;
    return [trace.zmin, trace.zmax];
  });
  const [lo, hi] = await range(original);
  expect(hi! - lo!).toBeCloseTo(60, 6);
  expect(await range(masked)).toEqual([lo, hi]);

  // Hovering a spectrogram cell reads its time, frequency and power in dB with the reference unit.
  await original.scrollIntoViewIfNeeded();
  const box = (await original.locator('.nsewdrag').first().boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.4, box.y + box.height * 0.6);
  await expect(original.locator('.hoverlayer')).toContainText(/[\d.]+ s, [\d.]+ Hz: -?[\d.]+ dB re 1 µV²/);

  // Ten sliders, each with a one-line explanation.
  const sliders = page.getByRole('slider');
  await expect(sliders).toHaveCount(10);
  for (let i = 0; i < 10; i++) await expect(sliders.nth(i)).toHaveAccessibleDescription(/^\w.{20,}/);

  // All three mask types at 0: no mask can be drawn, and the view says why; one type back above 0 and it is gone.
  for (const name of ['Frequency masks', 'Time masks', 'Time-frequency masks']) {
    await page.getByRole('slider', { name: new RegExp(`^${name}`) }).focus();
    await page.keyboard.press('Home');
  }
  const problem = page.getByTestId('mask-problem');
  await expect(problem).toHaveText('These settings draw no mask: the weights of the mask types (frequency 0, time 0, time-frequency 0) must be ≥ 0 with at least one above 0.');
  await expect(page.getByRole('alert')).toHaveCount(1);
  await page.getByRole('slider', { name: /^Time masks/ }).focus();
  await page.keyboard.press('End');
  await expect(problem).toHaveCount(0);
  await expect(page.getByTestId('masked-area')).toContainText('masked area');
});
