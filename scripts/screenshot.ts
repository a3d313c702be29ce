// Takes the README's screenshot (docs/screenshot.png): the built app in Debian's Chromium after decoding the demo
// recording with the bundled model. `npm run screenshot` builds first; run it again when the UI changes.
import { chromium } from '@playwright/test';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { chromiumArgs } from '../playwright.config';
import { REPO_ROOT } from '../src/testing/shared';

const OUT = join(REPO_ROOT, 'docs', 'screenshot.png');

/** A port nothing listens on now, chosen by the OS. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer().once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

const port = await freePort();
const server = spawn(process.execPath, [join(REPO_ROOT, 'scripts', 'serve.mjs'), '--port', String(port)], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise<void>((resolve, reject) => {
  server.stdout!.on('data', (b: Buffer) => b.toString().includes('is serving') && resolve());
  server.once('exit', (code) => reject(new Error(`scripts/serve.mjs exited with ${code}`)));
});
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: chromiumArgs });
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 1110 } });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.getByRole('button', { name: /Open demo recording/ }).click();
  await page.getByTestId('channel-count').waitFor();
  await page.getByRole('tab', { name: 'Decode' }).click();
  await page.getByRole('button', { name: /^Decode S001R04/ }).click();
  await page.waitForFunction(() => /(\d+) \/ \1 segments.*done/.test(document.querySelector('[data-testid=decode-progress]')?.textContent ?? ''), undefined, { timeout: 300_000 });
  await page.locator('[data-testid=timeline][data-rendered=true]').waitFor();
  await page.screenshot({ path: OUT });
  console.log(`wrote ${OUT}`);
} finally {
  await browser.close();
  server.kill();
}
