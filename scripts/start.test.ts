// `npm start` as a newcomer meets it: the port it serves on (PORT=N or -- --port N), a busy port refused in one
// line before anything is built, the address printed, and Ctrl-C / SIGTERM stopping the server with nothing left
// holding the port.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../src/testing/shared';

/** A port nothing listens on now (the OS picks it, so parallel test runs do not collide). */
async function freePort(): Promise<number> {
  const server = await listening(0);
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function listening(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

async function portIsFree(port: number): Promise<boolean> {
  try {
    const server = await listening(port);
    await new Promise((resolve) => server.close(resolve));
    return true;
  } catch {
    return false;
  }
}

interface Run {
  readonly child: ChildProcess;
  readonly mark: string;
  output: string;
  readonly exited: Promise<number | null>;
}

const runs: Run[] = [];
afterEach(() => {
  for (const run of runs.splice(0)) if (run.child.exitCode === null && run.child.signalCode === null) process.kill(-run.child.pid!, 'SIGKILL');
});

/** Starts a command in its own process group, as a terminal would, collecting stdout and stderr together. */
function start(command: string, args: string[], env: Record<string, string> = {}): Run {
  const mark = `${process.pid}-${runs.length}-${Date.now()}`;
  const child = spawn(command, args, { cwd: REPO_ROOT, env: { ...process.env, ...env, SPECMOE_START_TEST: mark }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const run: Run = { child, mark, output: '', exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
  child.stdout!.on('data', (b: Buffer) => (run.output += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (run.output += b.toString()));
  runs.push(run);
  return run;
}

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Processes still running from `run` (found by the marker in their environment, which children inherit). */
function leftovers(run: Run): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`SPECMOE_START_TEST=${run.mark}`)) {
        found.push(`${pid}: ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ')}`);
      }
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}

const builtAt = () => statSync(join(REPO_ROOT, 'dist', 'index.html'), { throwIfNoEntry: false })?.mtimeMs ?? 0;

describe('npm start', () => {
  it('refuses a busy port in one line naming it and how to pick another, before building anything (PORT and --port)', async () => {
    const port = await freePort();
    const busy = await listening(port);
    const before = builtAt();
    try {
      for (const run of [start('npm', ['start'], { PORT: String(port) }), start('npm', ['start', '--', '--port', String(port)])]) {
        expect(await run.exited).toBe(1);
        const lines = run.output.split('\n').filter((l) => l.startsWith('specmoe-web'));
        expect(lines).toEqual([
          `specmoe-web: port ${port} is already in use (another "npm start"?): stop that server, or pick another port with PORT=${port + 1} npm start or npm start -- --port ${port + 1}`,
        ]);
        expect(run.output).not.toMatch(/vite|building|\[ensure\]/);
      }
    } finally {
      busy.close();
    }
    expect(builtAt()).toBe(before);
  });

  it('builds, serves on the port asked for and prints the address; SIGTERM to npm alone stops the server', async () => {
    const port = await freePort();
    const run = start('npm', ['start', '--', '--port', String(port)]);
    const url = `http://127.0.0.1:${port}/`;
    // The build takes ~20 s on an idle 2-core machine, minutes on a loaded one.
    await until('the server', () => run.output.includes(`specmoe-web is serving ${url} (Ctrl-C stops it)`), 540_000);
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    expect(await response.text()).toContain('<div id="root">');
    expect(run.output).not.toContain('PLUGIN_TIMINGS');
    expect(leftovers(run).filter((p) => /^\d+: \S*node scripts\/start\.mjs/.test(p))).toHaveLength(1);
    // What a process manager or `kill <pid of npm>` does: the signal reaches npm only, not its children.
    process.kill(run.child.pid!, 'SIGTERM');
    await run.exited;
    await until(`port ${port} to be free`, () => portIsFree(port), 5_000);
    await until('every process of the run to end', () => leftovers(run).length === 0, 5_000);
  }, 600_000);

  it('scripts/serve.mjs serves the build on $PORT and Ctrl-C (SIGINT to its process group) stops it', async () => {
    // Uses the dist/ that the test above built.
    const port = await freePort();
    const run = start('sh', ['-c', 'node scripts/serve.mjs'], { PORT: String(port) });
    await until('the server', () => run.output.includes(`specmoe-web is serving http://127.0.0.1:${port}/`), 60_000);
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(200);
    process.kill(-run.child.pid!, 'SIGINT');
    await run.exited;
    await until(`port ${port} to be free`, () => portIsFree(port), 5_000);
    await until('every process of the run to end', () => leftovers(run).length === 0, 5_000);
    expect(run.output).toContain('specmoe-web: stopping (SIGINT)');
  }, 120_000);
});
