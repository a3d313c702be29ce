import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

/** axe's serious and critical violations on the page as it is now, one line each. */
async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('every view passes axe with no serious or critical violation', async ({ page }) => {
  await page.goto('/?backend=wasm');
  expect(await seriousViolations(page)).toEqual([]);
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  const views: [string, () => Promise<void>][] = [
    ['Traces', async () => {}],
    ['Spectrogram', async () => expect(page.getByTestId('spectrogram')).toHaveAttribute('data-rendered', 'true')],
    ['Mask preview', async () => expect(page.getByTestId('mask-map')).toHaveAttribute('data-rendered', 'true')],
    ['Decode', async () => {
      await expect(page.getByTestId('model-card')).toContainText('motor imagery');
      await page.getByRole('button', { name: /^Decode S001R04/ }).click();
      await expect(page.getByTestId('gates')).toHaveAttribute('data-rendered', 'true', { timeout: 120_000 });
    }],
    ['Fine-tune', async () => {}],
  ];
  const found: string[] = [];
  for (const [tab, ready] of views) {
    await page.getByRole('tab', { name: tab }).click();
    await ready();
    found.push(...(await seriousViolations(page)).map((v) => `${tab}: ${v}`));
  }
  expect(found).toEqual([]);
});

test('the whole demo path is reachable from the keyboard', async ({ page }) => {
  await page.goto('/?backend=wasm');
  // Tab to the demo button and press Enter.
  for (let i = 0; i < 20; i++) {
    await page.keyboard.press('Tab');
    if ((await page.evaluate(() => document.activeElement?.textContent ?? '')).startsWith('Open demo recording')) break;
  }
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  // The view tabs: focus one, move with the arrow keys.
  await page.getByRole('tab', { name: 'Traces' }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('tab', { name: 'Spectrogram' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('End');
  await expect(page.getByRole('tab', { name: 'Fine-tune' })).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowLeft');
  await expect(page.getByRole('tab', { name: 'Decode' })).toHaveAttribute('aria-selected', 'true');
  // Every button and form control on the decode view can take focus.
  const unreachable = await page.evaluate(() =>
    [...document.querySelectorAll('main button, main select, main input')].filter((el) => (el as HTMLElement).tabIndex < 0 && !(el as HTMLButtonElement).disabled).map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(unreachable).toEqual([]);
});
