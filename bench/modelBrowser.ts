// `npm run bench -- model-browser [--workloads encoder,specmoe] [--batch 1] [--threads 1,2] [--repeats 5]
// [--wasm-threads 0] [--backends wasm]`: the authors' full-size model on a 30-s, 19-channel segment (C = 19,
// T = 6000) in Chromium, in the benchmark page's worker on a back-end started as the app's model worker starts it
// (bench/browser/), beside onnxruntime-web's wasm build in a worker of a page of its own (bench/peers/ortBrowser.ts),
// each in its own Chromium; their timed runs alternate. "threads" is the generated kernels' thread count for ours
// (1: bench.html's `?kernelThreads=1`; 2: the app's default where the page is cross-origin isolated) and
// onnxruntime-web's numThreads; tfjs-backend-wasm runs its single-threaded build unless --wasm-threads asks for its
// threaded one. webgl / webgpu (no peer) run on SwiftShader here: minutes per forward.
import { option, parseArgs } from '../src/cli/command';
import type { ModelWorkload } from './workloads/model';
import { BENCH_PORT, openBenchPage } from './browserHarness';
import { loadCell } from './machineLoad';
import { alternate, alternationNote, peerMissing, ratioCell, secondsCell } from './model';
import { openPeer, type PeerPage } from './peers/ortBrowser';

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['backends', 'workloads', 'batch', 'repeats', 'threads', 'wasm-threads']);
  const threadCounts = option(args, 'threads', '1,2')!.split(',').map(Number);
  const backends = option(args, 'backends', 'wasm')!.split(',');
  const workloads = option(args, 'workloads', 'encoder,specmoe')!.split(',') as ModelWorkload[];
  const batch = Number(option(args, 'batch', '1'));
  const repeats = Number(option(args, 'repeats', '5'));
  const wasmThreads = Number(option(args, 'wasm-threads', '0'));
  const rows: string[] = [];
  const notes: string[] = [];
  for (const backend of backends) {
    for (const threads of backend === 'wasm' ? threadCounts : [1]) {
      const bench = await openBenchPage(backend, { wasmThreads, kernelThreads: threads === 1 ? 1 : undefined });
      try {
        for (const workload of workloads) {
          const label = `${workload}, B=${batch}, ${bench.shown.replace('Back-end: ', '')}`;
          const missing = backend === 'wasm' ? peerMissing(workload, batch) : 'no peer on this back-end';
          let peer: PeerPage | string = missing ?? '';
          if (peer === '') {
            try {
              peer = await openPeer(BENCH_PORT + 1, workload, threads);
            } catch (e) {
              peer = `failed: ${(e as Error).message}`;
            }
          }
          const request = { kind: 'model-step' as const, workload, batch, channels: 19, samples: 6000 };
          await bench.call(request); // prepares the workload and its warm-up run
          let lastNote = '';
          const measured = await alternate(
            async () => {
              const { result } = await bench.call(request);
              lastNote = result.note;
              return result.runsMs;
            },
            peer,
            backend === 'wasm' ? repeats : 1,
          );
          const { oursMs, peer: peerCell, load } = measured;
          const peerPeak = typeof peer === 'string' || typeof peerCell === 'string' ? '—' : peer.rendererPeakMiB().toFixed(0);
          if (typeof peer !== 'string') await peer.close();
          notes.push(alternationNote(label, measured), `${label}, last run of ours: ${lastNote}`);
          rows.push(
            `| ${workload} | ${batch} | ${backend} | ${threads} | ${secondsCell(oursMs)} | ${secondsCell(peerCell)} | ${ratioCell(oursMs, peerCell)} | ` +
              `${bench.rendererPeakMiB().toFixed(0)} | ${peerPeak} | ${loadCell(load)} |`,
          );
        }
      } finally {
        await bench.close();
      }
    }
  }
  console.log(`\nChromium worker (Debian's chromium, headless), ours: the benchmark page's worker; peer: onnxruntime-web (wasm) in a worker. Median of ${repeats} alternating runs after a warm-up each; peak memory = the largest peak RSS of the browser's renderer processes (the tab and its workers).`);
  console.log('| workload (C=19, T=6000) | B | back-end | threads | ours s | onnxruntime-web s | ours ÷ peer | ours renderer peak MiB | peer renderer peak MiB | other load (cores) |');
  console.log('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) console.log(r);
  for (const n of notes) console.log(`- ${n}`);
}
