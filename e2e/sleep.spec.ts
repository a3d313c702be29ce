import { expect, type Page, test } from '@playwright/test';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DATA_DIR } from '../src/testing/shared';
import { fixture, saveHead } from './helpers';

// The clinician's sleep recording: Sleep-EDF's SC4001 PSG (its first 300 s, short_psg) and the night's hypnogram,
// both vendored (e2e/fixtures/README.md). The hypnogram is added from its own file, drawn above the traces with the
// sleep statistics, a sleep head is fine-tuned on the pair in the tab, and its decode is compared with the scoring.
const text = (name: string, body: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(body) });

async function openPsg(page: Page) {
  await page.goto('/?backend=wasm');
  await page.locator('section.open input[type=file]').setInputFiles(fixture('short_psg.edf.gz'));
  await expect(page.getByTestId('traces')).toHaveAttribute('data-traces', /^EEG Fpz-Cz/);
}

test("adds Sleep-EDF's hypnogram to its PSG: aligned by start times, drawn above the traces, linked to them, with the statistics", async ({ page }) => {
  await openPsg(page);
  const traces = page.getByTestId('traces');
  // A scoring file that does not overlap the recording: a clear error, and nothing is lost.
  await page.getByLabel('Add annotations from file').setInputFiles(text('late.csv', 'onset,duration,description\n9000,30,Sleep stage W\n'));
  await expect(page.getByTestId('annotation-import')).toHaveText(
    'Could not add annotations from late.csv: the 1 annotations of late.csv (1989-04-24 18:43:00 to 1989-04-24 18:43:30) do not overlap the recording (1989-04-24 16:13:00 to 1989-04-24 16:18:00): is the file for another recording?',
  );
  await expect(traces).toHaveAttribute('data-traces', /^EEG Fpz-Cz/);

  await page.getByLabel('Add annotations from file').setInputFiles(fixture('SC4001EC-Hypnogram.edf.gz'));
  await expect(page.getByTestId('annotation-import')).toHaveText('Added 154 annotations from SC4001EC-Hypnogram.edf.gz (153 lie outside the recording).');
  const hypnogram = page.getByTestId('hypnogram');
  await expect(hypnogram).toHaveAttribute('data-epochs', '0,0,0,0,0,0,0,0,0,0');
  await expect(page.getByTestId('current-epoch')).toHaveText(' — page at 16:13:00 (0 s), epoch 1: W');
  await expect(page.getByRole('list', { name: 'Annotations' })).toContainText('16:13:00 (0.0 s) Sleep stage W (30630 s)');

  // Linked: a click on the 6th epoch pages the traces there; paging moves the mark.
  const box = (await hypnogram.boundingBox())!;
  const plot = box.width - 44 - 4;
  await hypnogram.click({ position: { x: 44 + (5.5 / 10) * plot, y: 20 } });
  await expect(traces).toHaveAttribute('data-start', '150');
  await expect(page.getByTestId('current-epoch')).toHaveText(' — page at 16:15:30 (150 s), epoch 6: W');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await page.keyboard.press('PageDown');
  await expect(page.getByTestId('current-epoch')).toContainText('epoch 7: W');

  // Ten epochs of wake: TIB 5 minutes, no sleep, so no latencies or shares.
  await page.getByText('Sleep statistics', { exact: true }).click();
  const stats = page.getByRole('table', { name: 'Sleep statistics' });
  await expect(stats.getByRole('row', { name: /^Time in bed \(TIB\)/ })).toContainText('5.0 min');
  await expect(stats.getByRole('row', { name: /^Total sleep time \(TST\)/ })).toContainText('0.0 min');
  await expect(stats.getByRole('row', { name: /^Sleep onset latency/ })).toContainText('–');
});

test('reads a CSV scoring with every stage: hypnogram, stage minutes and the YASA statistics', async ({ page }) => {
  await openPsg(page);
  const scoring = 'onset,duration,description\n0,60,W\n60,60,N1\n120,60,N2\n180,30,N3\n210,30,W\n240,60,REM\n';
  await page.getByLabel('Add annotations from file').setInputFiles(text('scoring.csv', scoring));
  await expect(page.getByTestId('hypnogram')).toHaveAttribute('data-epochs', '0,0,1,1,2,2,3,0,4,4');
  await page.getByText('Sleep statistics', { exact: true }).click();
  const row = (name: RegExp) => page.getByRole('table', { name: 'Sleep statistics' }).getByRole('row', { name });
  await expect(row(/^Sleep period \(SPT\)/)).toContainText('4.0 min'); // epochs 3–10
  await expect(row(/^Total sleep time \(TST\)/)).toContainText('3.5 min');
  await expect(row(/^Wake after sleep onset/)).toContainText('0.5 min');
  await expect(row(/^Sleep efficiency/)).toContainText('70.0 %');
  await expect(row(/^Sleep onset latency/)).toContainText('1.0 min');
  await expect(row(/^REM latency/)).toContainText('4.0 min (3.0 min)');
  await expect(row(/^N2 /)).toContainText('1.0 min, 28.6 %');
});

test('fine-tunes a sleep head on the PSG + hypnogram pair in the tab, decodes with it, and compares its hypnogram with the scoring', async ({ page }) => {
  test.setTimeout(600_000);
  await openPsg(page);
  await page.getByLabel('Add annotations from file').setInputFiles(fixture('SC4001EC-Hypnogram.edf.gz'));
  await expect(page.getByTestId('hypnogram')).toBeVisible();

  // The pair, once for training and once for validation (the only scored PSG the fixtures hold: a plumbing check,
  // not a measure of accuracy).
  await page.getByRole('tab', { name: 'Fine-tune' }).click();
  const pair = async (split: string) => {
    await page.getByLabel('Add to split').selectOption(split);
    await page.getByLabel('Recording (PSG)').setInputFiles(fixture('short_psg.edf.gz'));
    await page.getByLabel('Its hypnogram').setInputFiles(fixture('SC4001EC-Hypnogram.edf.gz'));
    await page.getByRole('button', { name: /^Add to (training|validation)$/ }).click();
  };
  await pair('train');
  const table = page.getByRole('table', { name: 'Training recordings' });
  await expect(table).toContainText('short_psg.edf.gz + SC4001EC-Hypnogram.edf.gz');
  // Only the annotation that overlaps the 300 s counts; the label map is the sleep default for the hypnogram's texts,
  // movement and "?" left out.
  await expect(table.locator('tbody tr').first()).toContainText('Sleep stage W ×1');
  await expect(page.getByLabel('Label map')).toHaveValue('Sleep stage W=W,Sleep stage 1=N1,Sleep stage 2=N2,Sleep stage 3=N3,Sleep stage 4=N3,Sleep stage R=REM');
  await expect(page.getByTestId('sleep-settings')).toHaveText('Training for Sleep staging (Sleep-EDF) (Fpz-Cz, Pz-Oz), one segment per scored 30-s epoch.');
  await expect(page.getByLabel('Segment (s)')).toHaveValue('30');
  await pair('validation');
  await expect(table.locator('tbody tr')).toHaveCount(2);

  await page.getByLabel('Epochs').fill('3');
  await page.getByRole('button', { name: 'Train head' }).click();
  await expect(page.getByTestId('train-status')).toContainText(/done in/, { timeout: 240_000 });
  const splits = page.getByRole('list', { name: 'Splits' });
  const pairName = 'short_psg.edf.gz + SC4001EC-Hypnogram.edf.gz';
  await expect(splits).toContainText(`train: ${pairName} — subjects short_psg; 1 recordings, 10 segments (10 / 0 / 0 / 0 / 0)`);
  await expect(splits).toContainText(`validation: ${pairName} — subjects short_psg; 1 recordings, 10 segments (10 / 0 / 0 / 0 / 0)`);
  await expect(page.getByRole('table', { name: 'Validation' }).locator('thead')).toContainText('WN1N2N3REM');
  await saveHead(page); // through the weak-head warning: 3 epochs on one night's 10 epochs learn little

  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('Sleep staging (Sleep-EDF)');
  await expect(page.getByTestId('model-card')).toContainText('W, N1, N2, N3, REM');
  await page.getByRole('button', { name: /^Decode short_psg/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('10 / 10 segments', { timeout: 120_000 });
  await expect(page.getByTestId('decode-progress')).toContainText('done');

  // Back in the traces: the predicted hypnogram beneath the scored one, and their agreement over the ten epochs.
  await page.getByRole('tab', { name: 'Traces' }).click();
  const predicted = page.getByTestId('hypnogram-predicted');
  await expect(predicted).toHaveAttribute('data-epochs', /^([0-4],){9}[0-4]$/);
  await page.getByText('Sleep statistics and agreement').click();
  const agreement = page.getByTestId('sleep-agreement');
  await expect(agreement.locator('caption')).toHaveText(/^Predicted against scored over 10 epochs: accuracy \d+\.\d %, Cohen's κ /);
  const cells = (await agreement.locator('tbody td').allTextContents()).map(Number);
  expect(cells).toHaveLength(25);
  expect(cells.reduce((a, b) => a + b, 0)).toBe(10);
  expect(cells.slice(0, 5).reduce((a, b) => a + b, 0)).toBe(10); // all scored W
  const predictedCodes = (await predicted.getAttribute('data-epochs'))!.split(',').map(Number);
  expect(cells[0]).toBe(predictedCodes.filter((c) => c === 0).length);
  await expect(page.getByRole('table', { name: 'Sleep statistics' }).locator('thead')).toContainText('predicted');
  await page.screenshot({ path: 'test-results/sleep.png', fullPage: true });
});

test('shows the human EEG bands on EEG channels only: not on an EOG, nor on a mouse EMG', async ({ page }) => {
  await openPsg(page);
  await page.getByRole('tab', { name: 'Spectrogram' }).click();
  const spectrogram = page.getByTestId('spectrogram');
  const bandLabels = spectrogram.locator('g.annotation-text-g text', { hasText: /^(delta|theta|alpha|beta|gamma)$/ });
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('EEG Fpz-Cz');
  await expect(bandLabels).toHaveCount(5);
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('EOG horizontal');
  await expect(spectrogram).toContainText('not EEG, so no EEG bands');
  await expect(bandLabels).toHaveCount(0);
  // The time axis in the app's convention.
  await expect(spectrogram.locator('.xtick text').first()).toContainText('16:13:00');

  const mouse = join(DATA_DIR, 'rodent', 'faster2_mouse_eeg_emg_test.edf.gz');
  test.skip(!existsSync(mouse), `the FASTER2 mouse recording is absent (${mouse}): this part needs ../shared`);
  await page.locator('section.open input[type=file]').setInputFiles({ name: 'mouse.edf.gz', mimeType: 'application/gzip', buffer: readFileSync(mouse) });
  await expect(page.getByTestId('channel-count')).toHaveText('16 channels at 128 Hz');
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('EMG09');
  await expect(spectrogram).toContainText('EMG09: power (dB) — not EEG');
  await expect(bandLabels).toHaveCount(0);
  await page.getByRole('combobox', { name: 'Spectrogram channel' }).selectOption('EEG09');
  await expect(bandLabels).toHaveCount(5);
});
