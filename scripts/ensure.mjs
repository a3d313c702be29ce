#!/usr/bin/env node
// Installs what a fresh clone is missing, using only Node's built-ins (it runs before node_modules exists):
// npm packages from package-lock.json, and with --browser (npm test) Debian's chromium for the Playwright tests and
// python3-mne, the peer the EDF+ export tests read their annotations back with.
import { execSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const wantBrowser = process.argv.includes('--browser');
const CHROMIUM = '/usr/bin/chromium';

function run(cmd) {
  console.log(`[ensure] ${cmd}`);
  execSync(cmd, { cwd: root, stdio: 'inherit', env: { ...process.env, PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1' } });
}

function npmPackagesMissing() {
  const installed = join(root, 'node_modules', '.package-lock.json');
  if (!existsSync(installed)) return true;
  return statSync(join(root, 'package-lock.json')).mtimeMs > statSync(installed).mtimeMs;
}

if (npmPackagesMissing()) run('npm ci --no-audit --no-fund');

const mneMissing = () => {
  try {
    execSync('/usr/bin/python3 -c "import mne"', { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
};

if (wantBrowser) {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const chromiumMissing = !existsSync(CHROMIUM);
  const wantMne = mneMissing();
  if ((chromiumMissing || wantMne) && isRoot) run('apt-get update -qq');
  if (chromiumMissing) {
    if (!isRoot) {
      console.error(`[ensure] ${CHROMIUM} is missing and this user is not root: run "sudo apt-get install chromium" once.`);
      process.exit(1);
    }
    run('DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
  }
  // MNE is a peer for one group of tests, not a requirement: without it they are skipped with a message.
  const skipped = 'the MNE read-back tests will be skipped ("sudo apt-get install python3-mne" runs them)';
  if (wantMne && !isRoot) console.error(`[ensure] python3-mne is missing and this user is not root: ${skipped}.`);
  if (wantMne && isRoot) {
    try {
      run('DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-mne');
    } catch {
      console.error(`[ensure] installing python3-mne failed: ${skipped}.`);
    }
  }
}
