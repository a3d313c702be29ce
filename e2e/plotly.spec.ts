// Plotly without a main-thread freeze: it is loaded as a classic async script (compiled off the main thread while
// it downloads) in idle time after the first paint, not when the first chart appears. The long tasks are measured
// with a PerformanceObserver and printed: imported as a module (before), Plotly was one 1.9–5-s task when the first
// chart appeared.
import { expect, test } from '@playwright/test';

type Task = { start: number; duration: number };

test('Plotly loads in idle time after the first paint, as a classic script, and the first chart waits for no Plotly load', async ({ page }) => {
  await page.addInitScript(() => {
    const w = window as unknown as { longTasks: Task[] };
    w.longTasks = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => w.longTasks.push({ start: e.startTime, duration: e.duration }))).observe({ type: 'longtask', buffered: true });
  });
  await page.goto('/?backend=wasm');
  await page.waitForFunction(() => document.documentElement.dataset.plotly === 'ready', undefined, { timeout: 60_000 });
  const load = await page.evaluate(() => {
    const at = (name: string) => performance.getEntriesByName(name)[0]?.startTime ?? Number.NaN;
    return {
      paint: at('first-contentful-paint'),
      start: at('plotly-load'),
      ready: at('plotly-ready'),
      scripts: [...document.querySelectorAll('script[src*=plotly]')].map((s) => ({ src: (s as HTMLScriptElement).src, module: (s as HTMLScriptElement).type === 'module', async: (s as HTMLScriptElement).async })),
    };
  });
  expect(load.scripts).toHaveLength(1);
  expect(load.scripts[0]).toMatchObject({ module: false, async: true });
  expect(load.scripts[0]!.src).toMatch(/\/assets\/plotly-cartesian\.min-[\w-]+\.js$/);
  expect(load.start).toBeGreaterThan(load.paint); // nothing of Plotly delays the first paint
  const during = (from: number, to: number) => page.evaluate(([a, b]) => (window as unknown as { longTasks: Task[] }).longTasks.filter((t) => t.start + t.duration > a && t.start < b), [from, to] as const);
  const loading = await during(load.start, load.ready + 1);
  console.log(
    `Plotly: first paint at ${load.paint.toFixed(0)} ms, load started at ${load.start.toFixed(0)} ms, ready at ${load.ready.toFixed(0)} ms; ` +
      `long tasks meanwhile: ${loading.map((t) => `${t.duration.toFixed(0)} ms`).join(', ') || 'none'} (2 shared cores, other work running)`,
  );

  // The first chart appears without loading Plotly again: no task as long as its load.
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  const clicked = await page.evaluate(() => performance.now());
  await page.getByRole('tab', { name: 'Spectrogram' }).click();
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-rendered', 'true');
  const chart = await during(clicked, await page.evaluate(() => performance.now()));
  console.log(`first chart (spectrogram): long tasks ${chart.map((t) => `${t.duration.toFixed(0)} ms`).join(', ') || 'none'}`);
  expect(await page.evaluate(() => performance.getEntriesByName('plotly-load').length)).toBe(1);
});
