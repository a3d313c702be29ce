import { expect, test } from '@playwright/test';

// A 2.1 GB EDF (16 motor channels at 200 Hz, 93 hours) assembled in the page as a Blob of repeated parts and dropped
// on the app: it opens (header only), pages, and decodes, with the tab's memory far below the file's size.
const CHANNELS = ['FC3', 'FC1', 'FCz', 'FC2', 'FC4', 'C5', 'C3', 'C1', 'Cz', 'C2', 'C4', 'C6', 'CP3', 'CP1', 'CP2', 'CP4'];
const RATE = 200;
const RECORDS_PER_CHUNK = 1000;
const CHUNKS = 336;

function edfHeader(nRecords: number): string {
  const f = (v: string | number, w: number) => String(v).slice(0, w).padEnd(w, ' ');
  const ns = CHANNELS.length;
  let h = f('0', 8) + f('X X X X', 80) + f('Startdate 01-JAN-2024 X X big-file-test', 80) + '01.01.2400.00.00' + f(256 * (ns + 1), 8) + f('', 44);
  h += f(nRecords, 8) + f(1, 8) + f(ns, 4);
  const each = (v: (c: string) => string | number, w: number) => CHANNELS.map((c) => f(v(c), w)).join('');
  h += each((c) => c, 16) + each(() => 'AgAgCl electrode', 80) + each(() => 'uV', 8) + each(() => -3276.8, 8) + each(() => 3276.7, 8);
  h += each(() => -32768, 8) + each(() => 32767, 8) + each(() => 'HP:0.1Hz', 80) + each(() => RATE, 8) + each(() => '', 32);
  return h;
}

test('a 2 GB recording opens, pages and decodes without the tab dying; peak memory reported', async ({ page }) => {
  test.setTimeout(300_000);
  await page.goto('/?backend=wasm');
  await expect(page.getByTestId('model-card').or(page.getByRole('button', { name: /Open demo recording/ }))).toBeVisible();
  const header = edfHeader(RECORDS_PER_CHUNK * CHUNKS);
  const size = await page.evaluate(
    ({ header, rate, channels, recordsPerChunk, chunks }) => {
      // One chunk of records: 10 Hz alpha-like sines plus a slow drift, different per channel (0.1 µV units).
      const recordSamples = rate * channels;
      const chunk = new Int16Array(recordsPerChunk * recordSamples);
      for (let r = 0; r < recordsPerChunk; r++) {
        for (let c = 0; c < channels; c++) {
          for (let i = 0; i < rate; i++) {
            const t = r + i / rate;
            chunk[r * recordSamples + c * rate + i] = Math.round(200 * Math.sin(2 * Math.PI * (10 + c / 4) * t) + 100 * Math.sin(2 * Math.PI * 0.3 * t));
          }
        }
      }
      const parts: BlobPart[] = [new TextEncoder().encode(header)];
      const chunkBlob = new Blob([chunk]);
      for (let k = 0; k < chunks; k++) parts.push(chunkBlob);
      const file = new File(parts, 'big.edf');
      const dt = new DataTransfer();
      dt.items.add(file);
      document.querySelector('.app')!.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      return file.size;
    },
    { header, rate: RATE, channels: CHANNELS.length, recordsPerChunk: RECORDS_PER_CHUNK, chunks: CHUNKS },
  );
  expect(size).toBeGreaterThan(2 * 2 ** 30);
  await expect(page.getByRole('heading', { name: 'big.edf' })).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('channel-count')).toHaveText('16 channels at 200 Hz');

  // Page through the traces.
  const traces = page.getByTestId('traces');
  await expect(traces).toHaveAttribute('data-traces', /FC3/);
  await page.getByRole('button', { name: 'Next page (PgDn)' }).click();
  await expect(traces).toHaveAttribute('data-start', '10');
  await page.getByRole('button', { name: 'Next page (PgDn)' }).click();
  await expect(traces).toHaveAttribute('data-start', '20');

  // Decode: segments stream in; cancel keeps them.
  await page.getByRole('tab', { name: 'Decode' }).click();
  await expect(page.getByTestId('model-card')).toContainText('motor imagery');
  await page.getByRole('button', { name: /^Decode big\.edf/ }).click();
  await expect(page.getByTestId('decode-progress')).toContainText(/^([2-9]|\d\d+) \/ 84000 segments/, { timeout: 120_000 });
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByTestId('decode-progress')).toContainText('cancelled; results so far kept');

  const memory = await page.evaluate(async () => {
    const p = performance as unknown as { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }>; memory?: { usedJSHeapSize: number } };
    if (self.crossOriginIsolated && p.measureUserAgentSpecificMemory) return { how: 'measureUserAgentSpecificMemory (page + worker)', bytes: (await p.measureUserAgentSpecificMemory()).bytes };
    return { how: 'performance.memory (main thread JS heap)', bytes: p.memory?.usedJSHeapSize ?? NaN };
  });
  console.log(`2.1 GB EDF: memory after open, paging and decoding ${(memory.bytes / 2 ** 20).toFixed(0)} MB by ${memory.how}`);
  expect(memory.bytes).toBeLessThan(1024 * 2 ** 20);
});
