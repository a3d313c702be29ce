import { expect, type Locator, type Page, test } from '@playwright/test';
import { readFileSync } from 'node:fs';

// Reading traces as a clinician would, on a 1024 × 700 screen: µV/mm sensitivity per type and per trace, a
// calibration bar, traces clipped to their rows, shaded annotation spans, the 10-20 default view paged through
// traces, Home/End. Sleep-EDF's short_psg is a vendored fixture (e2e/fixtures/README.md).
const fixture = (name: string) => ({ name, mimeType: 'application/gzip', buffer: readFileSync(`e2e/fixtures/${name}`) });

/** RGB of a canvas pixel at CSS coordinates (the canvas is drawn at devicePixelRatio). */
async function pixel(canvas: Locator, x: number, y: number): Promise<number[]> {
  return canvas.evaluate((el, [cx, cy]) => {
    const c = el as HTMLCanvasElement;
    const k = c.width / c.clientWidth;
    return Array.from(c.getContext('2d')!.getImageData(Math.round(cx! * k), Math.round(cy! * k), 1, 1).data.slice(0, 3));
  }, [x, y]);
}

const sensitivities = async (traces: Locator) => (await traces.getAttribute('data-sensitivities'))!.split('|');

async function openDemo(page: Page) {
  await page.setViewportSize({ width: 1024, height: 700 });
  await page.goto('/');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('traces')).toHaveAttribute('data-shown-count', '19');
}

test('the demo at 1024 × 700: the 10-20 view on one screen, 7 µV/mm, a calibration bar, trace paging, Home and End', async ({ page }) => {
  await openDemo(page);
  const traces = page.getByTestId('traces');
  // The header panel starts folded on a short screen and still says what is open; the traces fit the window.
  await expect(page.locator('details.header-panel')).not.toHaveAttribute('open');
  await expect(page.locator('details.header-panel .header-line')).toHaveText('EDF+C, 64 channels, 125 s, from 2009-08-12 16:15:00');
  await expect(page.getByRole('heading', { name: 'S001R04.edf.gz' })).toBeVisible();
  const box = (await traces.boundingBox())!;
  expect(box.y + box.height).toBeLessThanOrEqual(700);
  const onScreen = (await traces.getAttribute('data-traces'))!.split('|');
  expect(onScreen.length).toBeGreaterThanOrEqual(4);
  expect(onScreen.length).toBeLessThanOrEqual(20);
  expect(new Set(await sensitivities(traces))).toEqual(new Set(['7 µV/mm']));
  await expect(traces).toHaveAttribute('data-calibration', /^(70 µV per 10 mm|35 µV per 5 mm)$/);
  await expect(page.getByTestId('position')).toHaveText(/^16:15:00 \(0\.0 s\) – 16:15:10 \(10\.0 s\) of 125 s/);

  // ↓ pages through the 19 traces (the last window ends at the last trace); ↑ comes back.
  const next = Math.min(onScreen.length, 19 - onScreen.length);
  await page.keyboard.press('ArrowDown');
  await expect(traces).toHaveAttribute('data-first-trace', String(next));
  await expect(page.getByTestId('trace-window')).toContainText(`traces ${next + 1}–`);
  await page.keyboard.press('ArrowUp');
  await expect(traces).toHaveAttribute('data-first-trace', '0');
  // Show all 64, then back to the default view.
  await page.getByRole('button', { name: 'Show all' }).click();
  await expect(traces).toHaveAttribute('data-shown-count', '64');
  await page.getByRole('button', { name: 'Default view' }).click();
  await expect(traces).toHaveAttribute('data-shown-count', '19');

  // End and Home.
  await page.keyboard.press('End');
  await expect(traces).toHaveAttribute('data-start', '115');
  await expect(page.getByTestId('position')).toHaveText(/^16:16:55 \(115\.0 s\) – 16:17:05 \(125\.0 s\)/);
  await page.keyboard.press('Home');
  await expect(traces).toHaveAttribute('data-start', '0');
  // Home on the focused tab list moves between tabs, not the traces.
  await page.keyboard.press('PageDown');
  await page.getByRole('tab', { name: 'Traces' }).focus();
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Fine-tune' })).toHaveAttribute('aria-selected', 'true');
  await page.getByRole('tab', { name: 'Traces' }).click();
  await expect(traces).toHaveAttribute('data-start', '10');
  await page.screenshot({ path: 'test-results/traces-1024x700.png' });
});

test('sensitivity for all traces and for one: the selector, +/−, and a click on a label', async ({ page }) => {
  await openDemo(page);
  const traces = page.getByTestId('traces');
  await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('10');
  expect(new Set(await sensitivities(traces))).toEqual(new Set(['10 µV/mm']));
  await expect(traces).toHaveAttribute('data-calibration', /^(100 µV per 10 mm|50 µV per 5 mm)$/);
  await page.keyboard.press('+');
  await expect(traces).toHaveAttribute('data-sensitivities', /^7 µV\/mm\|7 µV\/mm/);
  // A click on the second label selects that trace: + makes it alone twice as tall.
  const box = (await traces.boundingBox())!;
  const rows = (await traces.getAttribute('data-traces'))!.split('|');
  const rowHeight = (box.height - 16 - 30) / rows.length;
  await traces.click({ position: { x: 30, y: 16 + 1.5 * rowHeight } });
  await expect(traces).toHaveAttribute('data-selected', rows[1]!);
  await page.keyboard.press('+');
  const after = await sensitivities(traces);
  expect(after[1]).toBe('3.5 µV/mm');
  expect(after[0]).toBe('7 µV/mm');
  await expect(page.getByTestId('trace-gain')).toHaveText('×2');
  // Escape returns +/− to all traces; the selected trace keeps its gain.
  await page.keyboard.press('Escape');
  await expect(traces).toHaveAttribute('data-selected', '');
  await page.keyboard.press('-');
  const less = await sensitivities(traces);
  expect([less[0], less[1]]).toEqual(['10 µV/mm', '5 µV/mm']);
});

test("annotations are shaded spans with their duration, and traces never leave their rows (Sleep-EDF's polygraphy typed)", async ({ page }) => {
  await openDemo(page);
  const traces = page.getByTestId('traces');
  // S001R04's first page: T0 0–4.2 s, T2 4.2–8.3 s. Mid-span at 6 s, the lane above the traces is shaded.
  const box = (await traces.boundingBox())!;
  const plotLeft = 116;
  const plotRight = box.width - 64;
  const at = (sec: number) => plotLeft + (sec / 10) * (plotRight - plotLeft);
  const lane = await pixel(traces, at(6), 8);
  expect(lane.some((v) => v < 235)).toBe(true);

  // short_psg has no annotations: the lane stays white even at 1 µV/mm, where every EEG trace overflows its row.
  await page.locator('section.open input[type=file]').setInputFiles(fixture('short_psg.edf.gz'));
  await expect(traces).toHaveAttribute('data-traces', /^EEG Fpz-Cz\|EEG Pz-Oz\|EOG horizontal/);
  await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('1');
  await expect(traces).toHaveAttribute('data-clipped', /EEG Fpz-Cz/);
  const psgBox = (await traces.boundingBox())!;
  for (let x = plotLeft + 5; x < psgBox.width - 70; x += 37) expect(await pixel(traces, x, 8)).toEqual([255, 255, 255]);
  // Per-type defaults scale with the EEG sensitivity: EOG 10/7 of EEG; respiration is fitted to its row.
  await page.getByRole('combobox', { name: 'Sensitivity' }).selectOption('7');
  await page.getByRole('combobox', { name: 'Traces on screen' }).selectOption('8');
  const s = await sensitivities(traces);
  expect(s.slice(0, 3)).toEqual(['7 µV/mm', '7 µV/mm', '10 µV/mm']);
  expect(s[3]).toMatch(/units\/mm$/);
  await expect(page.getByRole('list', { name: 'Channels' })).toContainText('Resp oro-nasal RESP');
});
