import { expect, test } from '@playwright/test';
import { fullVisit } from './visit';

test('a full visit (open, view, spectrogram, decode, fine-tune) sends no request outside the origin and breaks no CSP rule', async ({ page, baseURL }) => {
  const origin = new URL(baseURL!).origin;
  const requests: string[] = [];
  page.context().on('request', (r) => requests.push(r.url()));
  page.context().on('weberror', (e) => console.log(`page error: ${e.error().message.slice(0, 200)}`));
  await page.addInitScript(() => {
    const w = window as unknown as { cspViolations: string[] };
    w.cspViolations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.cspViolations.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  await page.goto('/?backend=wasm');
  const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
  expect(csp).toContain("default-src 'self'");
  expect(csp).toContain("connect-src 'self'");
  await fullVisit(page);
  const foreign = requests.filter((u) => !u.startsWith('data:') && !u.startsWith('blob:') && new URL(u).origin !== origin);
  console.log(`${requests.length} requests, all to ${origin}: ${foreign.length === 0}`);
  expect(foreign).toEqual([]);
  expect(requests.length).toBeGreaterThan(5);
  expect(await page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations)).toEqual([]);
});

test('after the first visit the whole demo works with the network off (service worker)', async ({ page, context }) => {
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('offline-ready')).toHaveText(/available offline/, { timeout: 60_000 });
  await context.setOffline(true);
  // The network really is off: a request the service worker has not cached fails.
  expect(await page.evaluate(async () => fetch('/not-cached-' + Math.random()).then(() => 'reached', () => 'failed'))).not.toBe('reached');
  await page.reload();
  await expect(page.getByRole('heading', { name: 'specmoe-web' })).toBeVisible();
  await fullVisit(page);
  await page.screenshot({ path: 'test-results/offline.png' });
});
