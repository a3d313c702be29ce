import { expect, type Page, test } from '@playwright/test';
import { fixture, waitForDecode } from './helpers';

/** Opens the Decode tab's "Load another model" disclosure unless it is open already. */
async function openLoadModel(page: Page) {
  const details = page.locator('details.load-model');
  if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
}

test('fine-tunes a head on two annotated recordings, shows curves and confusion matrices, saves it and decodes a third recording with it', async ({ page }) => {
  await page.goto('/?backend=wasm');
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await expect(page.getByTestId('channel-count')).toHaveText('64 channels at 160 Hz');
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  await page.getByRole('tab', { name: 'Fine-tune' }).click();

  const input = page.getByLabel('Annotated recordings');
  await page.getByLabel('Add to split').selectOption('train');
  await input.setInputFiles(fixture('S002R04.edf.gz'));
  await page.getByLabel('Add to split').selectOption('validation');
  await input.setInputFiles(fixture('S003R04.edf.gz'));
  const table = page.getByRole('table', { name: 'Training recordings' });
  await expect(table).toContainText('S002R04');
  await expect(table).toContainText('S003R04');

  await page.getByLabel('Label map').fill('T1=left fist,T2=right fist');
  await page.getByLabel('Epochs').fill('8');
  await page.getByRole('button', { name: 'Train head' }).click();
  await expect(page.getByTestId('train-status')).toContainText(/done in [\d.]+ s/, { timeout: 240_000 });
  // The page is cross-origin isolated and this machine has two cores: the kernel Web Worker took half the work.
  await expect(page.getByTestId('train-status')).toContainText('head kernels on 2 threads');
  await expect(page.getByTestId('loss-curve')).toHaveAttribute('data-rendered', 'true');
  const validation = page.getByRole('table', { name: 'Validation' });
  await expect(validation).toContainText(/balanced accuracy \d+(\.\d)? %/);
  // A 2 × 2 confusion matrix whose cells add up to the validation segment count.
  const caption = await validation.locator('caption').textContent();
  const n = Number(/n = (\d+)/.exec(caption!)![1]);
  expect(n).toBe(15); // run 4 holds 15 imagery trials (T1 or T2) between rests (T0)
  const cells = (await validation.locator('tbody td').allTextContents()).filter((t) => !t.includes('%')).map(Number);
  expect(cells).toHaveLength(4);
  expect(cells.reduce((a, b) => a + b, 0)).toBe(n);
  // The head is compared with band power on the same split, and called weak exactly when it is at or below chance or
  // below band power there; a weak head is saved only after that warning and a second click.
  const [head, bandPower] = [...caption!.matchAll(/balanced accuracy (\d+(?:\.\d)?) %/g)].map((m) => Number(m[1]));
  expect(caption).toContain('band power + logistic regression on the same split');
  const weak = head! <= 50 || head! < bandPower!;
  await expect(page.getByTestId('weak-head')).toHaveCount(weak ? 1 : 0);
  await page.screenshot({ path: 'test-results/finetune.png', fullPage: true });
  await page.getByRole('button', { name: 'Save head and use it for decoding' }).click();
  if (weak) {
    await expect(page.getByText('Saved in this browser; the Decode tab now uses it.')).toHaveCount(0);
    await page.getByRole('button', { name: 'Save anyway' }).click();
  }
  await expect(page.getByText('Saved in this browser; the Decode tab now uses it.')).toBeVisible();
  await expect(page.getByRole('button', { name: /^Download .*\.safetensors$/ }).first()).toBeVisible();

  // The third recording (the demo, S001R04) decoded with the new head.
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('head fine-tuned on frozen experts');
  // The saved head keeps the label map (T1, T2), so the demo's 15 trials are decoded and compared with their labels.
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  await waitForDecode(page, 15);
  await expect(page.getByTestId('decode-summary')).toContainText('15 trials');
  await expect(page.getByTestId('agreement')).toContainText('over 15 labelled trials');
  await expect(page.getByTestId('model-accuracy')).toContainText(/Measured on 15 segments of 1 subject \(S003\) of the validation set \(it chose when training stopped, so this is optimistic\): it gets \d+\.\d % balanced accuracy, where guessing gets 50\.0 %, and log band power/);

  // The saved head survives a reload (IndexedDB), until "Forget everything".
  await page.reload();
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).not.toContainText('head fine-tuned on frozen experts');
  await openLoadModel(page);
  await page.getByRole('button', { name: 'Use the fine-tuned model saved in this browser' }).click();
  await expect(page.getByTestId('model-card')).toContainText('head fine-tuned on frozen experts');
  // "Forget everything" deletes it.
  await page.getByRole('button', { name: 'Forget everything' }).click();
  await expect(page.getByText(/Forgot everything/)).toBeVisible();
  await page.getByRole('tab', { name: 'Decode' }).click();
  await openLoadModel(page);
  await page.getByRole('button', { name: 'Use the fine-tuned model saved in this browser' }).click();
  await expect(page.getByRole('alert')).toContainText('No fine-tuned model is saved in this browser');
});
