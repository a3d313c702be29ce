#!/usr/bin/env node
// Installs what a fresh clone is missing, using only Node's built-ins (it runs before node_modules exists):
// npm packages from package-lock.json, and with --browser Debian's chromium for the Playwright tests.
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

if (wantBrowser && !existsSync(CHROMIUM)) {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    run('apt-get update -qq');
    run('DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium');
  } else {
    console.error(`[ensure] ${CHROMIUM} is missing and this user is not root: run "sudo apt-get install chromium" once.`);
    process.exit(1);
  }
}
