// `npm run fuzz` runs each target in child processes (fuzzWorker.ts) watched from scripts/fuzz.ts. A case that kills
// its process (an uncaught error, an abort, running out of memory) or hangs is a failure of that case and of its
// target; the target goes on in a new process from the next case, so one case never ends the run.
// Both sides of the protocol live here: `serveTarget` in the child, `superviseTarget` in the parent.
import { fork } from 'node:child_process';
import { seededRandom } from '../dsp/random';
import { addCase, type CaseBuilder, type CaseReport, caseSeed, emptySummary, fuzzTarget, type FuzzSummary, type FuzzTarget, makeCase, seedBytes } from './fuzz';

/** A case with no answer for this long is killed and counted as a failure. */
export const HANG_MS = 30_000;
/** Time a child may take to load tsx and the seed inputs before its first case (longer on a loaded machine). */
const STARTUP_MS = 120_000;

type WorkerMessage = { readonly kind: 'ready' } | { readonly kind: 'report'; readonly report: CaseReport } | { readonly kind: 'done'; readonly retainedMB: number };

export interface SupervisedSummary extends FuzzSummary {
  /** Heap and array buffers still held after a full GC at the end, above the same after loading the seeds (largest over the processes). */
  retainedMB: number;
  /** Processes started: 1, plus one per crash or hang. */
  processes: number;
}

const WORKER_URL = new URL('./fuzzWorker.ts', import.meta.url);

// ---------------------------------------------------------------------------------------------- the child

/** The child's side: runs the cases its arguments name and reports each one before starting the next. */
export async function serveTarget(argv: readonly string[], build?: CaseBuilder): Promise<void> {
  const [target, seed, from, cases] = [argv[0] as FuzzTarget, Number(argv[1]), Number(argv[2]), Number(argv[3])];
  // Waiting for each message to be written means a crash right after a case cannot lose that case's report.
  const send = (m: WorkerMessage) => new Promise<void>((resolve) => process.send!(m, () => resolve()));
  const heldMB = async () => {
    const gc = (globalThis as { gc?: () => void }).gc;
    // Array buffers freed by one GC are returned a task later: collect, wait a moment, collect again.
    gc?.();
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc?.();
    const m = process.memoryUsage();
    return (m.heapUsed + m.arrayBuffers) / 2 ** 20;
  };
  seedBytes(target);
  const baselineMB = await heldMB();
  await send({ kind: 'ready' });
  await fuzzTarget(target, { seed, from, cases, ...(build ? { build } : {}), onReport: (report) => send({ kind: 'report', report }) });
  await send({ kind: 'done', retainedMB: (await heldMB()) - baselineMB });
  process.disconnect();
}

// ---------------------------------------------------------------------------------------------- the parent

export interface SuperviseOptions {
  readonly seed: number;
  readonly cases: number;
  readonly from?: number;
  readonly hangMs?: number;
  /** The child's entry; tests give one whose cases crash on purpose. */
  readonly workerUrl?: URL;
}

type ChildEnd = { readonly kind: 'done'; readonly retainedMB: number } | { readonly kind: 'crashed' | 'hung' | 'no-start'; readonly problem: string };

/** Runs cases `from` … `from + cases − 1` of `target`, restarting the child after each case that crashed or hung. */
export async function superviseTarget(target: FuzzTarget, options: SuperviseOptions): Promise<SupervisedSummary> {
  const { seed, cases, from = 0, hangMs = HANG_MS, workerUrl = WORKER_URL } = options;
  const summary: SupervisedSummary = { ...emptySummary(target, from, cases), retainedMB: 0, processes: 0 };
  const end = from + cases;
  let next = from;
  while (next < end) {
    summary.processes++;
    const ended = await runChild(workerUrl, [target, String(seed), String(next), String(end - next)], hangMs, (report) => {
      addCase(summary, report);
      next = report.caseIndex + 1;
    });
    if (ended.kind === 'done') {
      summary.retainedMB = Math.max(summary.retainedMB, ended.retainedMB);
      break;
    }
    if (ended.kind === 'no-start' || next === end) {
      // Not one case's fault (the process could not start, or died after its last case): one failure of the target.
      summary.failures.push({ target, caseIndex: next, seed: caseSeed(seed, next), problem: ended.problem, input: new Uint8Array(0) });
      break;
    }
    addCase(summary, { caseIndex: next, seed: caseSeed(seed, next), outcome: 'failure', problem: ended.problem, ms: ended.kind === 'hung' ? hangMs : 0, memoryDeltaMB: 0, input: rebuild(target, seed, next) });
    next++;
  }
  return summary;
}

/** The input of a case that took its process down, built again from its seed for the failure report. */
function rebuild(target: FuzzTarget, seed: number, caseIndex: number): Uint8Array {
  try {
    return makeCase(target, seededRandom(caseSeed(seed, caseIndex)));
  } catch {
    return new Uint8Array(0);
  }
}

function runChild(workerUrl: URL, args: string[], hangMs: number, onReport: (r: CaseReport) => void): Promise<ChildEnd> {
  return new Promise((resolve) => {
    const child = fork(workerUrl, args, {
      execArgv: ['--import', 'tsx', '--expose-gc'],
      serialization: 'advanced',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    let ready = false;
    let ended: ChildEnd | null = null;
    const finish = (e: ChildEnd) => {
      ended ??= e;
    };
    let timer = setTimeout(onHang, STARTUP_MS);
    function onHang() {
      if (ready) finish({ kind: 'hung', problem: `no answer within ${hangMs / 1000} s: the case hung and its process was killed` });
      else finish({ kind: 'no-start', problem: `the fuzz process did not start its first case within ${STARTUP_MS / 1000} s and was killed` });
      child.kill('SIGKILL');
    }
    child.on('message', (m: WorkerMessage) => {
      clearTimeout(timer);
      timer = setTimeout(onHang, hangMs);
      if (m.kind === 'ready') ready = true;
      else if (m.kind === 'report') onReport(m.report);
      else finish({ kind: 'done', retainedMB: m.retainedMB });
    });
    child.on('error', (e) => {
      // The process could not be started or signalled; 'close' may never come.
      clearTimeout(timer);
      child.kill('SIGKILL');
      resolve(ended ?? { kind: ready ? 'crashed' : 'no-start', problem: `the fuzz process failed: ${e.message}` });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const tail = stderr.trim().split('\n').slice(-12).join('\n');
      const how = `the fuzz process died (${code !== null ? `exit code ${code}` : `signal ${signal}`})${tail ? `:\n${tail}` : ''}`;
      resolve(ended ?? (ready ? { kind: 'crashed', problem: how } : { kind: 'no-start', problem: `${how} before its first case` }));
    });
  });
}
