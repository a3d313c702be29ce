// `npm run bench -- finetune [--segments 1000] [--epochs 50] [--c-pool max|mean] [--no-browser]`: head training (spectral gate +
// classifier, experts frozen) on cached embeddings, in Node and in Chromium's model worker, with head training's
// WebAssembly kernels on one thread and on two (a kernel thread beside the training thread).
// Target (fine-tuning issue): under 10 s for 1 000 segments × 50 epochs.
import { option, parseArgs } from '../src/cli/command';
import { initBackend } from '../src/runtime/backend';
import { type HeadBenchRequest, runHeadBench } from './workloads/head';
import { runInBrowser } from './browserHarness';
import { nodeKernelThread } from '../src/runtime/wasm/nodeKernelThread';

const TARGET_SEC = 10;

function poolOption(value: string): 'max' | 'mean' {
  if (value !== 'max' && value !== 'mean') throw new RangeError(`--c-pool takes max or mean, not "${value}"`);
  return value;
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['segments', 'epochs', 'c-pool']);
  const request: HeadBenchRequest = { segments: Number(option(args, 'segments', '1000')), epochs: Number(option(args, 'epochs', '50')), channels: 16, classes: 2, cPool: poolOption(option(args, 'c-pool', 'max') ?? 'max') };
  console.log('| where | back-end | work | total s | s / epoch | × target (10 s) | final train BA |');
  console.log('|---|---|---|---:|---:|---:|---:|');
  const row = (where: string, r: { backend: string; runsMs: number[]; note: string; finalTrainBalancedAccuracy?: number }) => {
    const sec = r.runsMs[0]! / 1000;
    console.log(`| ${where} | ${r.backend} | ${r.note} | ${sec.toFixed(2)} | ${(sec / request.epochs).toFixed(3)} | ${(sec / TARGET_SEC).toFixed(2)} | ${r.finalTrainBalancedAccuracy?.toFixed(3) ?? '—'} |`);
  };
  await initBackend(['wasm']);
  for (const kernelThreads of [1, 2] as const) row('Node', await runHeadBench({ ...request, kernelThreads }, kernelThreads === 2 ? nodeKernelThread : undefined));
  if (!args.flags.has('no-browser')) {
    for (const kernelThreads of [1, 2] as const) await runInBrowser('wasm', [{ kind: 'finetune', ...request, kernelThreads }], (r) => row('Chromium worker', r));
  }
}
