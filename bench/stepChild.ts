// A benchmark workload in a child process of its own (its peak RSS is then its own), driven one timed run at a time
// so that the driver can alternate runs of ours and a peer's in the same period of machine load. Protocol over the
// IPC channel: the child sends {ready} once prepared (warm-up included), then answers each 'run' with {ms} and
// 'end' with {peakRssMB}.
import { fork } from 'node:child_process';
import { REPO_ROOT } from '../src/cli/paths';

type Reply = { ready: true } | { ms: number } | { peakRssMB: number } | { error: string };

export interface StepChild {
  run(): Promise<number>;
  end(): Promise<number>;
}

/** Starts `script` (TypeScript, run through tsx) with `args`, and waits until it is prepared. */
export async function startStepChild(script: string, args: readonly string[]): Promise<StepChild> {
  const child = fork(script, [...args], { cwd: REPO_ROOT, execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies: Reply[] = [];
  const waiting: ((r: Reply) => void)[] = [];
  child.on('message', (m: Reply) => (waiting.length ? waiting.shift()!(m) : replies.push(m)));
  child.on('exit', (code) => waiting.splice(0).forEach((w) => w({ error: `${script} exited (${code})` })));
  const next = async (): Promise<Reply> => {
    const r = replies.shift() ?? (await new Promise<Reply>((resolve) => waiting.push(resolve)));
    if ('error' in r) throw new Error(r.error);
    return r;
  };
  await next();
  return {
    async run() {
      child.send('run');
      return ((await next()) as { ms: number }).ms;
    },
    async end() {
      child.send('end');
      return ((await next()) as { peakRssMB: number }).peakRssMB;
    },
  };
}

/** The child's side: prepares the workload (with its warm-up), then serves the driver's requests. */
export async function serveSteps(prepare: () => Promise<() => Promise<void>>): Promise<void> {
  const send = (m: Reply) => process.send!(m);
  let step: () => Promise<void>;
  try {
    step = await prepare();
  } catch (e) {
    send({ error: (e as Error).message });
    process.exit(1);
  }
  send({ ready: true });
  process.on('message', async (m) => {
    if (m === 'run') {
      const started = performance.now();
      await step();
      send({ ms: performance.now() - started });
    } else {
      process.send!({ peakRssMB: process.resourceUsage().maxRSS / 1024 } satisfies Reply, () => process.exit(0));
    }
  });
}
