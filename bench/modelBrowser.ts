// `npm run bench -- model-browser [--backends wasm,webgl,webgpu] [--workloads encoder,expert,specmoe] [--batch 1]
// [--repeats 3] [--threads 0,2]`: the authors' full-size model on a 30-s, 19-channel segment (C = 19, T = 6000) inside
// the app's model worker in Chromium, beside PyTorch 1.13 on this machine (TIMINGS.md). Default back-end: wasm (SIMD),
// single-threaded and with 2 threads of the threaded build. webgl / webgpu run on SwiftShader here (CPU): expect
// minutes per forward.
import { option, parseArgs } from '../src/cli/command';
import type { ModelWorkload } from './workloads/model';
import { runInBrowser } from './browserHarness';
import { PYTORCH } from './model';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['backends', 'workloads', 'batch', 'repeats', 'threads']);
  const threadCounts = option(args, 'threads', '0,2')!.split(',').map(Number);
  const backends = option(args, 'backends', 'wasm')!.split(',');
  const workloads = option(args, 'workloads', 'encoder,expert,specmoe')!.split(',') as ModelWorkload[];
  const batch = Number(option(args, 'batch', '1'));
  const repeats = Number(option(args, 'repeats', '3'));
  console.log('| workload (C=19, T=6000) in Chromium | B | back-end | median s | runs | × PyTorch time |');
  console.log('|---|---:|---|---:|---:|---:|');
  for (const backend of backends) {
    for (const threads of backend === 'wasm' ? threadCounts : [0]) {
      await runInBrowser(
        backend,
        workloads.map((workload) => ({ kind: 'model', workload, batch, channels: 19, samples: 6000, repeats: backend === 'wasm' ? repeats : 1 })),
        (r, request) => {
          const workload = (request as { workload: ModelWorkload }).workload;
          const sec = median(r.runsMs) / 1000;
          const peer = PYTORCH[workload]?.[batch];
          console.log(`| ${workload} | ${batch} | ${r.backend}${threads > 1 ? `, ${threads} threads` : ''} | ${sec.toFixed(2)} | ${r.runsMs.length} | ${peer ? (sec / peer.sec).toFixed(2) : '—'} |`);
        },
        threads,
      );
    }
  }
}
