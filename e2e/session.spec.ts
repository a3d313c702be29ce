// Work is never lost, and never used behind the user's back: what the user set up survives switching views, and
// the fine-tuning table is exactly what trains.
import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { fixture } from './helpers';

test('fine-tuning recordings survive switching tabs, are removed one by one, and the split summary lists exactly the rows shown', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  const input = page.getByLabel('Annotated recordings');
  await page.getByLabel('Add to split').selectOption('train');
  await input.setInputFiles([fixture('S002R04.edf.gz'), { name: 'S001R04.edf.gz', mimeType: 'application/gzip', buffer: readFileSync('public/demo/S001R04.edf.gz') }]);
  await page.getByLabel('Add to split').selectOption('validation');
  await input.setInputFiles(fixture('S003R04.edf.gz'));
  const table = page.getByRole('table', { name: 'Training recordings' });
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await page.getByLabel('Epochs').fill('2');
  await page.getByLabel('Label map').fill('T1=left fist, T2=right fist');

  // Away and back: the table, the settings and the worker's recordings are the same.
  await page.getByRole('tab', { name: 'Traces' }).click();
  await page.getByRole('tab', { name: 'Mask preview' }).click();
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByLabel('Epochs')).toHaveValue('2');
  await expect(page.getByLabel('Label map')).toHaveValue('T1=left fist, T2=right fist');
  await table.getByRole('button', { name: 'Remove S001R04.edf.gz' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(2);
  await page.getByRole('tab', { name: 'Decode' }).click();
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  const shown = (await table.locator('tbody tr').evaluateAll((rows) => rows.map((r) => [r.children[0]!.textContent, r.children[2]!.textContent])));
  expect(shown).toEqual([['S002R04.edf.gz', 'train'], ['S003R04.edf.gz', 'validation']]);

  await page.getByRole('button', { name: 'Train head' }).click();
  await expect(page.getByTestId('train-status')).toContainText(/done in/, { timeout: 240_000 });
  const splits = await page.getByRole('list', { name: 'Splits' }).locator('li').allTextContents();
  expect(splits.map((s) => s.split(' — ')[0])).toEqual(['train: S002R04.edf.gz', 'validation: S003R04.edf.gz', 'test: no recordings']);
  // The result stays too.
  await page.getByRole('tab', { name: 'Traces' }).click();
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  await expect(page.getByTestId('finetune-result')).toContainText('Validation: balanced accuracy');
});

test('mask settings survive switching tabs', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Mask preview' }).click();
  await page.getByLabel('Seed').fill('7');
  await page.getByRole('slider', { name: /Mask ratio/ }).fill('0.3');
  await expect(page.getByTestId('masked-area')).toContainText(/masked area/);
  const area = await page.getByTestId('masked-area').textContent();
  await page.getByRole('tab', { name: 'Traces' }).click();
  await page.getByRole('tab', { name: 'Mask preview' }).click();
  await expect(page.getByLabel('Seed')).toHaveValue('7');
  await expect(page.getByRole('slider', { name: /Mask ratio/ })).toHaveValue('0.3');
  await expect(page.getByTestId('masked-area')).toContainText(area!.split(' (')[0]!);
});
