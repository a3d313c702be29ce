#!/usr/bin/env node
// Serves the built app (dist/) on 127.0.0.1, cross-origin isolated (COOP/COEP) so threaded wasm can run.
import { preview } from 'vite';

const portArg = process.argv.indexOf('--port');
const port = portArg > 0 ? Number(process.argv[portArg + 1]) : 5173;
const server = await preview({ preview: { host: '127.0.0.1', port, strictPort: true, open: false } });
server.printUrls();
