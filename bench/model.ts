// `npm run bench -- model [--workloads encoder,specmoe] [--batch 1,4] [--threads 1,2] [--repeats 5]`: the authors'
// full-size encoder and 3-expert SpecMoE on 30-s, 19-channel segments (C = 19, T = 6000) in Node, ours beside the
// peer a user would pick instead, in the same run: onnxruntime-web (its wasm back-end, as a web page runs it) on the
// exported graphs of ../shared/reference/specmoe/peers, with the same thread count. Each side runs in a process of
// its own (so that peak RSS is its own); their timed runs alternate, one each, so that both see the same machine
// load, which is measured and printed with the table. The browser twin is `npm run bench -- model-browser`.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { option, parseArgs } from '../src/cli/command';
import { REPO_ROOT } from '../src/cli/paths';
import { describeLoad, type LoadReading, loadCell, measureLoad } from './machineLoad';
import { PEER_GRAPHS, peerGraph } from './peers/ortInputs';
import { type StepChild, startStepChild } from './stepChild';

export const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Seconds of a median, or the reason there is none. */
export const secondsCell = (ms: readonly number[] | string) => (typeof ms === 'string' ? ms : (median(ms) / 1000).toFixed(2));

/** ours ÷ peer, from medians of the same run. */
export function ratioCell(ours: readonly number[], peer: readonly number[] | string): string {
  return typeof peer === 'string' ? '—' : (median(ours) / median(peer)).toFixed(2);
}

/** Why the peer cannot run a workload here, or null. */
export function peerMissing(workload: string, batch: number): string | null {
  if (!PEER_GRAPHS[workload]) return 'no peer graph';
  if (batch !== 1) return 'the peer graphs are exported for B = 1';
  if (!existsSync(peerGraph(workload))) return `${peerGraph(workload)} is absent`;
  return null;
}

/** A peer that times one run per call, or the reason it does not run. */
export type Peer = { run(): Promise<number> } | string;

/** What one workload's alternating runs measured: ours and the peer's times (ms), the load meanwhile. */
export interface Alternation {
  readonly oursMs: number[];
  /** The peer's times, or why it has none (it was missing, or failed during the runs). */
  readonly peer: readonly number[] | string;
  readonly load: LoadReading | null;
}

/**
 * Runs ours and the peer in turn `repeats` times (each call of `ours` may return several timings) while measuring
 * the other load on the machine; a peer that fails mid-way is reported as failed and ours go on.
 */
export async function alternate(ours: () => Promise<readonly number[]>, peer: Peer, repeats: number): Promise<Alternation> {
  const oursMs: number[] = [];
  const peerMs: number[] = [];
  let failed = typeof peer === 'string' ? peer : null;
  const stop = measureLoad();
  for (let r = 0; r < repeats; r++) {
    oursMs.push(...(await ours()));
    if (failed === null && typeof peer !== 'string') {
      try {
        peerMs.push(await peer.run());
      } catch (e) {
        failed = `failed: ${(e as Error).message}`;
      }
    }
  }
  return { oursMs, peer: failed ?? peerMs, load: stop() };
}

/** The per-run line written under a result table. */
export function alternationNote(label: string, { oursMs, peer, load }: Alternation): string {
  const seconds = (ms: readonly number[]) => `${ms.map((v) => (v / 1000).toFixed(2)).join(', ')} s`;
  return `${label}: ours ${seconds(oursMs)}; onnxruntime-web ${typeof peer === 'string' ? peer : seconds(peer)}; ${describeLoad(load)}`;
}

/** Debian's python3 with torch, for the PyTorch column; this repository does not ship a PyTorch model to run. */
function pytorchNote(): string {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return 'PyTorch: python3 has torch, but this repository ships no PyTorch model: see ../shared/reference/specmoe/peers/README.md for its figures (not from this run)';
  } catch {
    return 'PyTorch: /usr/bin/python3 has no torch module here: column skipped';
  }
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['batch', 'threads', 'repeats', 'workloads']);
  const batches = option(args, 'batch', '1,4')!.split(',').map(Number);
  const threadCounts = option(args, 'threads', '1,2')!.split(',').map(Number);
  const workloads = option(args, 'workloads', 'encoder,specmoe')!.split(',');
  const repeats = Number(option(args, 'repeats', '5'));
  const rows: string[] = [];
  const notes: string[] = [];
  for (const batch of batches) {
    for (const workload of workloads) {
      for (const threads of threadCounts) {
        const label = `${workload}, B=${batch}, ${threads} thread${threads > 1 ? 's' : ''}`;
        console.log(`  ${label}: starting ours${peerMissing(workload, batch) ? '' : ' and onnxruntime-web'}…`);
        const ours = await startStepChild(resolve(REPO_ROOT, 'bench/modelWorkload.ts'), [workload, String(batch), '19', '6000', String(threads)]);
        let peer: StepChild | string = peerMissing(workload, batch) ?? '';
        if (peer === '') {
          try {
            peer = await startStepChild(resolve(REPO_ROOT, 'bench/peers/ortWorkload.ts'), [workload, String(threads)]);
          } catch (e) {
            peer = `failed: ${(e as Error).message}`;
          }
        }
        const measured = await alternate(async () => [await ours.run()], peer, repeats);
        const oursRss = await ours.end();
        const peerEnd = typeof peer === 'string' ? null : await peer.end().catch(() => null);
        const peerRss = peerEnd === null || typeof measured.peer === 'string' ? '—' : peerEnd.toFixed(0);
        const { oursMs, peer: peerCell, load } = measured;
        notes.push(alternationNote(label, measured));
        rows.push(
          `| ${workload} | ${batch} | ${threads} | ${secondsCell(oursMs)} | ${(median(oursMs) / 1000 / batch).toFixed(2)} | ${secondsCell(peerCell)} | ${ratioCell(oursMs, peerCell)} | ` +
            `${oursRss.toFixed(0)} | ${peerRss} | ${loadCell(load)} |`,
        );
      }
    }
  }
  console.log(`\nNode ${process.version}, ours: tfjs-backend-wasm + the generated kernels; peer: onnxruntime-web (wasm), same threads. Median of ${repeats} alternating runs after a warm-up each.`);
  console.log('| workload (C=19, T=6000) | B | threads | ours s | ours s / segment | onnxruntime-web s | ours ÷ peer | ours peak RSS MiB | peer peak RSS MiB | other load (cores) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  console.log(`\n${pytorchNote()}`);
  for (const n of notes) console.log(`- ${n}`);
}
