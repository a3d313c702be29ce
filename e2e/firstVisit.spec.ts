// The first visit as a newcomer makes it: the page names its icon (without it, browsers ask for /favicon.ico and get
// a 404 on every load; headless Chromium asks for no icon at all, so the link and its answer are checked), nothing
// the page loads fails, and the demo recording is one click away.
import { expect, test } from '@playwright/test';

test('the first load requests nothing that fails, the icon included, and the demo recording is one click away', async ({ page }) => {
  const failed: string[] = [];
  page.on('response', (r) => void (r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`)));
  page.on('requestfailed', (r) => void failed.push(`${r.failure()?.errorText} ${r.url()}`));
  const consoleErrors: string[] = [];
  page.on('console', (m) => void (m.type() === 'error' && consoleErrors.push(m.text())));
  await page.goto('/');
  const icon = page.locator('link[rel=icon]');
  await expect(icon).toHaveAttribute('type', 'image/svg+xml');
  const iconUrl = await icon.evaluate((l) => (l as HTMLLinkElement).href);
  const response = await page.request.get(iconUrl);
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('image/svg+xml');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await expect(page.getByTestId('backend')).not.toContainText('starting');
  expect(failed).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
