// `npm run bench -- model [--batch 1,8] [--backends wasm,cpu] [--repeats 3]`: one expert forward, one encoder and
// the 3-expert SpecMoE on a 30-s, 19-channel segment (C = 19, T = 6000) in Node, beside PyTorch 1.13's figures on
// this kind of machine (../shared/reference/specmoe/TIMINGS.md). Each workload runs in its own process.
// The browser back-ends (wasm SIMD/threads, webgl, webgpu) are measured by `npm run bench -- model-browser`.
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { option, parseArgs } from '../src/cli/command';
import { REPO_ROOT } from '../src/cli/paths';

/** PyTorch 1.13, 2 threads, median wall seconds and peak RSS MiB (TIMINGS.md). */
export const PYTORCH: Record<string, Record<number, { sec: number; rssMB: number }>> = {
  expert: { 1: { sec: 5.9, rssMB: 2623 }, 8: { sec: 48.3, rssMB: 18330 } },
  encoder: { 1: { sec: 3.56, rssMB: 2520 }, 8: { sec: 26.9, rssMB: 18213 } },
  specmoe: { 1: { sec: 10.4, rssMB: 2567 }, 8: { sec: 81.8, rssMB: 18212 } },
};

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['batch', 'backends', 'repeats', 'workloads']);
  const batches = option(args, 'batch', '1,8')!.split(',').map(Number);
  const backends = option(args, 'backends', 'wasm')!.split(',');
  const workloads = option(args, 'workloads', 'encoder,expert,specmoe')!.split(',');
  const repeats = option(args, 'repeats', '3')!;
  console.log('| workload (C=19, T=6000) | B | back-end | median s | s / segment | × PyTorch time | peak RSS MiB | PyTorch RSS MiB |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|');
  for (const backend of backends) {
    for (const batch of batches) {
      for (const workload of workloads) {
        const reps = batch > 1 ? '1' : repeats;
        const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(REPO_ROOT, 'bench/modelWorkload.ts'), workload, backend, String(batch), '19', '6000', reps], {
          cwd: REPO_ROOT,
          encoding: 'utf8',
          maxBuffer: 1 << 20,
        });
        const r = JSON.parse(out.trim().split('\n').pop()!) as { runsMs: number[]; peakRssMB: number };
        const sec = median(r.runsMs) / 1000;
        const peer = PYTORCH[workload]![batch];
        const ratio = peer ? (sec / peer.sec).toFixed(2) : '—';
        console.log(
          `| ${workload} | ${batch} | ${backend} (Node) | ${sec.toFixed(2)} | ${(sec / batch).toFixed(2)} | ${ratio} | ${r.peakRssMB.toFixed(0)} | ${peer?.rssMB ?? '—'} |`,
        );
      }
    }
  }
}
