#!/usr/bin/env node
// Serves the built app (dist/) on 127.0.0.1: `node scripts/serve.mjs [--port N]` (or PORT=N; default 5173).
// `npm start` builds first and then serves the same way (scripts/start.mjs).
import { chosenPort, exitIfBusy, serveBuiltApp, stopOnSignals } from './server.mjs';

const port = chosenPort();
stopOnSignals();
await exitIfBusy(port);
await serveBuiltApp(port);
