// The server behind `npm start` (scripts/start.mjs) and scripts/serve.mjs: which port, whether it is free (checked
// before anything is built), serving dist/ cross-origin isolated (COOP/COEP, so threaded wasm can run), and stopping
// on Ctrl-C, SIGTERM, or when the npm process that started it goes away. Node built-ins only at the top: start.mjs
// imports this before node_modules may exist.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST = '127.0.0.1';
export const DEFAULT_PORT = 5173;

/** Stops everything with a one-line message: no stack trace for problems the user can fix. */
export function fail(message) {
  console.error(`specmoe-web: ${message}`);
  process.exit(1);
}

/** The port asked for: `--port N` or `--port=N`, else $PORT, else 5173. */
export function chosenPort(argv = process.argv.slice(2), env = process.env) {
  const at = argv.findIndex((a) => a === '--port' || a.startsWith('--port='));
  const text = at < 0 ? env.PORT : argv[at].startsWith('--port=') ? argv[at].slice('--port='.length) : argv[at + 1];
  if (text === undefined || text === '') return DEFAULT_PORT;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535) fail(`the port must be a whole number from 1 to 65535, got "${text}" (${at < 0 ? 'PORT' : '--port'})`);
  return port;
}

function portIsFree(port) {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (e) => (e.code === 'EADDRINUSE' ? resolve(false) : reject(e)));
    probe.listen(port, HOST, () => probe.close(() => resolve(true)));
  });
}

function busyPortMessage(port) {
  const other = port === 65535 ? port - 1 : port + 1;
  return `port ${port} is already in use (another "npm start"?): stop that server, or pick another port with PORT=${other} npm start or npm start -- --port ${other}`;
}

/** Exits with one line naming the port and how to pick another if something already listens on it. */
export async function exitIfBusy(port) {
  try {
    if (!(await portIsFree(port))) fail(busyPortMessage(port));
  } catch (e) {
    fail(`cannot listen on ${HOST}:${port}: ${e.message}`);
  }
}

/** What is running now: a child step of `npm start`, then the server. */
let child = null;
let server = null;

async function stop(why) {
  child?.kill('SIGTERM');
  if (server) {
    console.log(`specmoe-web: stopping (${why})`);
    await server.close();
  }
  process.exit(0);
}

/**
 * Ctrl-C (SIGINT), SIGTERM and SIGHUP stop us, and so does the parent's exit: npm runs us under `sh -c`, and a
 * signal sent to npm alone ends that shell, not us, which would leave us serving.
 */
export function stopOnSignals() {
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(signal, () => void stop(signal));
  const parent = process.ppid;
  setInterval(() => process.ppid !== parent && void stop('the process that started it exited'), 250).unref();
}

/** Runs a Node script as a child with our terminal; resolves with its exit code. A stop ends it first. */
export function runNode(args) {
  return new Promise((resolve) => {
    child = spawn(process.execPath, args, { cwd: ROOT, stdio: 'inherit' });
    child.on('exit', (code, signal) => {
      child = null;
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

/** Serves dist/ on HOST:port until stopped; prints the address. */
export async function serveBuiltApp(port) {
  const { preview } = await import('vite');
  try {
    server = await preview({ root: ROOT, logLevel: 'warn', preview: { host: HOST, port, strictPort: true, open: false } });
  } catch (e) {
    if (e.code === 'EADDRINUSE' || /already in use/.test(e.message)) fail(busyPortMessage(port));
    throw e;
  }
  console.log(`specmoe-web is serving http://${HOST}:${port}/ (Ctrl-C stops it)`);
}
