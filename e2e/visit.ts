// A full visit of the demo, as a user makes it: open the demo recording, view traces, a spectrogram and the mask
// preview, decode it with the bundled model, and fine-tune a head on two annotated runs. Shared by the privacy and
// offline tests.
import { expect, type Page } from '@playwright/test';
import { fixture, saveHead, waitForDecode } from './helpers';

export async function fullVisit(page: Page): Promise<void> {
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Spectrogram' }).click();
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('C3..');
  await expect(page.getByTestId('spectrogram')).toHaveAttribute('data-rendered', 'true');
  await page.getByRole('tab', { name: 'Mask preview' }).click();
  await expect(page.getByTestId('mask-map')).toHaveAttribute('data-rendered', 'true');

  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  await waitForDecode(page, 15); // the demo's 15 labelled trials
  await expect(page.getByTestId('gates')).toHaveAttribute('data-rendered', 'true');

  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  await page.getByLabel('Add to split').selectOption('train');
  await page.getByLabel('Annotated recordings').setInputFiles(fixture('S002R04.edf.gz'));
  await page.getByLabel('Add to split').selectOption('validation');
  await page.getByLabel('Annotated recordings').setInputFiles(fixture('S003R04.edf.gz'));
  await expect(page.getByRole('table', { name: 'Training recordings' })).toContainText('S003R04');
  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train head' }).click();
  await expect(page.getByTestId('train-status')).toContainText(/done in/, { timeout: 240_000 });
  await saveHead(page);
}
