#!/usr/bin/env node
// `npm start [-- --port N]` (or PORT=N npm start): checks the port is free, installs what is missing
// (scripts/ensure.mjs), builds (vite build) and serves the app until Ctrl-C / SIGTERM, all in this one process and
// its short-lived children, so a signal to npm stops the server too (scripts/server.mjs).
import { join } from 'node:path';
import { chosenPort, exitIfBusy, ROOT, runNode, serveBuiltApp, stopOnSignals } from './server.mjs';

const port = chosenPort();
stopOnSignals();
await exitIfBusy(port);
for (const step of [[join(ROOT, 'scripts', 'ensure.mjs')], [join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build']]) {
  const code = await runNode(step);
  if (code !== 0) process.exit(code);
}
await serveBuiltApp(port);
