import { expect, type Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { repeatedEdf } from '../src/testing/bigEdf';

const demo = () => new Uint8Array(gunzipSync(readFileSync('public/demo/S001R04.edf.gz')));

async function openDemo(page: Page, query = '') {
  await page.goto(`/?backend=wasm${query}`);
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
}

test('decodes the demo recording with the bundled model: every segment, three experts\' gates, CSV with one row per segment, main thread free', async ({ page }) => {
  await openDemo(page);
  await expect(page.getByTestId('model-card')).not.toContainText('UNTRAINED');
  // Long tasks on the main thread during the run (Plotly, loaded when the tab opens, is parsed before it).
  await expect(page.locator('section[aria-labelledby=decode-title]')).toHaveAttribute('data-plotly-ready', 'true', { timeout: 30_000 });
  await page.evaluate(() => {
    const w = window as unknown as { longTasks: { start: number; duration: number }[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: false });
  });
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  // Wait without Playwright's locator machinery, whose polling forces style and layout on the page's main thread
  // (60–120-ms tasks under load, seen in a trace) and would be counted against the app.
  await page.waitForFunction(() => /31 \/ 31 segments.*done/.test(document.querySelector('[data-testid=decode-progress]')?.textContent ?? ''), undefined, { polling: 500, timeout: 120_000 });
  await expect(page.getByTestId('decode-summary')).toContainText('31 segments');
  // One decoding thread per core (at most 4): the model worker and its replicas, none of which failed.
  const cores = await page.evaluate(() => navigator.hardwareConcurrency);
  if (cores > 1) await expect(page.getByTestId('decode-progress')).toContainText(`on ${Math.min(4, cores)} threads`);
  await expect(page.getByRole('list', { name: 'Decode warnings' })).not.toContainText('decoding worker');
  await expect(page.getByTestId('timeline')).toHaveAttribute('data-rendered', 'true');
  const gates = page.getByTestId('gates');
  await expect(gates).toHaveAttribute('data-rendered', 'true');
  for (const k of [1, 2, 3]) await expect(gates.getByText(`expert ${k}`)).toBeVisible();
  const progress = page.getByTestId('decode-progress');
  const [runStart, runEnd] = [Number(await progress.getAttribute('data-run-start')), Number(await progress.getAttribute('data-run-end'))];
  expect(runEnd).toBeGreaterThan(runStart);
  const longTasks = (await page.evaluate(() => (window as unknown as { longTasks: { start: number; duration: number }[] }).longTasks)).filter(
    (t) => t.start + t.duration > runStart && t.start < runEnd,
  );
  console.log(`long tasks during the ${((runEnd - runStart) / 1000).toFixed(1)}-s decode run: ${longTasks.length} (${longTasks.map((t) => `${t.duration.toFixed(0)} ms at +${(t.start - runStart).toFixed(0)} ms`).join(', ')})`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  const csv = readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv.length).toBe(32);
  expect(csv[0]).toMatch(/^start_sec,end_sec,class,p_left fist,p_right fist,gate_expert1,gate_expert2,gate_expert3$/);
  const [edf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download EDF+ annotations' }).click()]);
  expect(readFileSync((await edf.path())!).subarray(192, 197).toString()).toBe('EDF+C');
  // Reconstruction by expert 1 of the first segment.
  await page.getByRole('button', { name: 'Reconstruct' }).click();
  const bandErrors = page.getByTestId('band-errors');
  await expect(bandErrors).toContainText('magnitude, masked regions');
  // Five bands, each with finite errors and ratios for both branches in the three measures.
  const cells = await bandErrors.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent ?? '')));
  expect(cells.map((r) => r[0])).toEqual(['delta', 'theta', 'alpha', 'beta', 'gamma']);
  for (const row of cells) {
    expect(row.length).toBe(16);
    for (const value of row.slice(1)) expect(Number.isFinite(Number(value))).toBe(true);
  }
  await page.screenshot({ path: 'test-results/decode.png', fullPage: true });
  expect(longTasks.filter((t) => t.duration > 50)).toEqual([]);
});

test('cancelling a long run keeps the segments decoded so far', async ({ page }) => {
  await openDemo(page);
  const long = await repeatedEdf(demo(), 900, 'long.edf'); // 15 min: 225 segments
  const bytes = Buffer.from(await long.read(0, long.size));
  await page.locator('.open input[type=file]').setInputFiles({ name: 'long.edf', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.getByRole('heading', { name: 'long.edf' })).toBeVisible();
  await page.getByRole('button', { name: /^Decode long\.edf/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText(/\d+ \/ 225 segments/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('cancelled; results so far kept');
  const summary = await page.getByTestId('decode-summary').textContent();
  const n = Number(/(\d+) segments/.exec(summary!)![1]);
  expect(n).toBeGreaterThan(0);
  expect(n).toBeLessThan(225);
});

test('a recording without the model\'s channels gets a clear message and stays open', async ({ page }) => {
  await openDemo(page);
  const bytes = demo();
  // Rename every channel label (16 bytes each from byte 256): none of the model's 10-20 channels remain.
  for (let i = 0; i < 64; i++) bytes.set(new TextEncoder().encode(`X${String(i).padStart(2, '0')}`.padEnd(16)), 256 + 16 * i);
  await page.locator('.open input[type=file]').setInputFiles({ name: 'nolabels.edf', mimeType: 'application/octet-stream', buffer: Buffer.from(bytes) });
  await expect(page.getByRole('heading', { name: 'nolabels.edf' })).toBeVisible();
  await page.getByRole('button', { name: /^Decode nolabels/ }).click();
  await expect(page.getByRole('alert')).toContainText(/lacks 16 of the model's 16 channels \(FC3, FC1/);
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
});

test('a worker crash mid-run is reported, the worker restarts, and the recording and the segments so far are kept and exportable', async ({ page }) => {
  await openDemo(page);
  const long = await repeatedEdf(demo(), 900, 'long.edf');
  const bytes = Buffer.from(await long.read(0, long.size));
  await page.locator('.open input[type=file]').setInputFiles({ name: 'long.edf', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(page.getByRole('heading', { name: 'long.edf' })).toBeVisible();
  await page.getByRole('button', { name: /^Decode long\.edf/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText(/^([4-9]|\d\d+) \/ 225 segments/);
  // An uncaught error inside the model worker, as a crash would raise.
  const worker = page.workers().find((w) => w.url().includes('worker'))!;
  await worker.evaluate(() => setTimeout(() => { throw new Error('simulated crash'); }));
  await expect(page.getByRole('alert')).toContainText('The model worker stopped');
  await expect(page.getByRole('alert')).toContainText('It has been restarted; your recording and results are kept.');
  await expect(page.getByTestId('decode-progress')).toContainText('interrupted: the model worker stopped; results so far kept');
  const n = Number(/(\d+) segments/.exec((await page.getByTestId('decode-summary').textContent())!)![1]);
  expect(n).toBeGreaterThanOrEqual(4);
  expect(n).toBeLessThan(225);
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  expect(readFileSync((await download.path())!, 'utf8').trim().split('\n')).toHaveLength(n + 1);
  // The restarted worker decodes again.
  await page.getByRole('button', { name: /^Decode long\.edf/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText(/\d+ \/ 225 segments/);
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('cancelled; results so far kept');
});

/** The model worker (not a decoding replica or the kernel thread). */
const modelWorker = (page: Page) => page.workers().find((w) => /\/worker-[\w-]+\.js$/.test(w.url()))!;
const STOPPED_SILENTLY = /The model worker stopped \(it did not answer for \d+ s, as when it runs out of memory\)\. It has been restarted; your recording and results are kept\./;

test('a worker that ends mid-run without an error event (as an out-of-memory kill may) is found by the watchdog, restarted, and the recording and segments so far are kept', async ({ page }) => {
  await openDemo(page, '&watchdogSec=15');
  const long = await repeatedEdf(demo(), 900, 'long.edf');
  await page.locator('.open input[type=file]').setInputFiles({ name: 'long.edf', mimeType: 'application/octet-stream', buffer: Buffer.from(await long.read(0, long.size)) });
  await expect(page.getByRole('heading', { name: 'long.edf' })).toBeVisible();
  await page.getByRole('button', { name: /^Decode long\.edf/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText(/^([4-9]|\d\d+) \/ 225 segments/);
  // The worker closes itself: it is gone, no error event reaches the page, and no answer ever comes. (The message
  // names the watchdog's wait, so it is the watchdog that found it.)
  await modelWorker(page).evaluate(() => setTimeout(() => self.close()));
  await expect(page.getByRole('alert')).toContainText(STOPPED_SILENTLY, { timeout: 60_000 });
  await expect(page.getByTestId('decode-progress')).toContainText('interrupted: the model worker stopped; results so far kept');
  const n = Number(/(\d+) segments/.exec((await page.getByTestId('decode-summary').textContent())!)![1]);
  expect(n).toBeGreaterThanOrEqual(4);
  expect(n).toBeLessThan(225);
  await expect(page.getByRole('heading', { name: 'long.edf' })).toBeVisible();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
  expect(readFileSync((await download.path())!, 'utf8').trim().split('\n')).toHaveLength(n + 1);
});

test('a model worker whose event loop is stuck is restarted by the watchdog once a call waits on it, and decodes the recording after', async ({ page }) => {
  await openDemo(page, '&watchdogSec=10');
  // Blocks the worker's event loop for good (a runaway computation): it can no longer answer anything.
  await modelWorker(page).evaluate(() => setTimeout(() => {
    for (;;);
  }));
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  await expect(page.getByRole('alert')).toContainText(STOPPED_SILENTLY, { timeout: 60_000 });
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('31 / 31 segments', { timeout: 120_000 });
});
