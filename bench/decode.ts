// `npm run bench -- decode [--hours 8] [--batch 1] [--workers N] [--where node,browser]`: a whole night decoded on
// the CPU with tfjs-wasm, in Node and in Chromium (the app's model worker and its replicas), against the target of
// 300 s for an 8-h night (960 sleep-staging segments of 30 s). The workload is src/model/decodeBench.ts: the demo
// recording's data records repeated to H hours (in memory), 4 derivations, a full-size SpecMoE with seeded random
// weights. Lanes: this thread plus worker threads (Node) / the model worker plus Web Workers (Chromium), one per
// core by default; their start-up is inside the measured time. Peak RSS (Node) is the whole process's, threads
// included.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { numberOption, option, parseArgs } from '../src/cli/command';
import { initBackend } from '../src/model/backend';
import { type DecodeBenchResult, runDecodeBench } from '../src/model/decodeBench';
import { closeLanes, defaultLaneCount, nodeLanes } from '../src/model/nodeLanes';
import { REPO_ROOT } from '../src/testing/shared';
import { runInBrowser } from './browserHarness';

const TARGET_SEC = 300;
const TARGET_SEGMENTS = 960; // 8 h of 30-s segments

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

function row(where: string, r: DecodeBenchResult, batch: number, hours: number, memory: string): string {
  const target = (TARGET_SEC * r.segments) / TARGET_SEGMENTS;
  const steady = r.segments > batch ? (r.segments - batch) / (r.totalSec - r.firstSec) : Number.NaN;
  const nightLabel = r.segments === TARGET_SEGMENTS ? `${TARGET_SEC} s` : `${target.toFixed(1)} s (pro rata)`;
  return (
    `| ${where} | ${hours} h × 4 ch | ${r.segments} | ${batch} | ${r.lanes} | ${r.backend} | ${r.totalSec.toFixed(1)} | ${(r.segments / r.totalSec).toFixed(2)} | ` +
    `${steady.toFixed(2)} | ${r.firstSec.toFixed(1)} | ${memory} | ${nightLabel} | ${(r.totalSec / target).toFixed(2)} |`
  );
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['hours', 'batch', 'workers', 'where']);
  const hours = numberOption(args, 'hours', 8);
  const batch = numberOption(args, 'batch', 1);
  const workers = args.options.has('workers') ? numberOption(args, 'workers', 1) : undefined;
  const where = option(args, 'where', 'node,browser')!.split(',');
  const rows: string[] = [];
  if (where.includes('node')) {
    await initBackend(['wasm']);
    const base = new Uint8Array(gunzipSync(readFileSync(join(REPO_ROOT, 'public/demo/S001R04.edf.gz'))));
    let lastLogged = 0;
    const r = await runDecodeBench({ hours, batch }, base, (model) => nodeLanes(model, workers ?? defaultLaneCount()), closeLanes, (done, total, sec) => {
      if (sec - lastLogged >= 60 || done === total) {
        lastLogged = sec;
        console.log(`  Node: ${done}/${total} segments after ${sec.toFixed(0)} s`);
      }
    });
    console.log(`Node: ${r.description}; warnings: ${r.warnings.join('; ') || 'none'}`);
    rows.push(row('Node', r, batch, hours, `${peakRssMiB().toFixed(0)} MiB peak RSS`));
  }
  if (where.includes('browser')) {
    await runInBrowser('wasm', [{ kind: 'decode', hours, batch, ...(workers ? { workers } : {}) }], (result) => {
      const r = JSON.parse(result.note) as DecodeBenchResult;
      console.log(`Chromium: ${r.description}; warnings: ${r.warnings.join('; ') || 'none'}`);
      rows.push(row('Chromium worker', r, batch, hours, '—'));
    });
  }
  console.log('\n| where | night | segments | batch | lanes | back-end | total s | segments / s | after the first batch, segments / s | first batch s | memory | target | total / target |');
  console.log('|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|---:|');
  for (const r of rows) console.log(r);
}
