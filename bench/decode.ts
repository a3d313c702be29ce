// `npm run bench -- decode [--hours 8] [--batch 1] [--workers N] [--where node,browser]`: a whole night decoded on
// the CPU with tfjs-wasm, in Node and in Chromium (the app's model worker and its replicas), against the target of
// 300 s for an 8-h night (960 sleep-staging segments of 30 s). The workload is bench/workloads/decode.ts: the demo
// recording's data records repeated to H hours (in memory), 4 derivations, a full-size SpecMoE with seeded random
// weights. Lanes: this thread plus worker threads (Node) / the model worker plus Web Workers (Chromium), one per
// core by default; their start-up is inside the measured time. Peak RSS (Node) is the whole process's, threads
// included.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { numberOption, option, parseArgs } from '../src/cli/command';
import { initBackend } from '../src/runtime/backend';
import type { SegmentPrediction } from '../src/pipeline/decode';
import { type DecodeBenchResult, runDecodeBench } from './workloads/decode';
import { predictionsEdf } from '../src/pipeline/exports';
import { closeLanes, nodeLaneCount, nodeLanes } from '../src/cli/decodeLanes';
import { REPO_ROOT } from '../src/cli/paths';
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

/** Debian's python3 with python3-mne (as the edf bench): reads the predictions' EDF+ annotation file back. */
const PYTHON = '/usr/bin/python3';
const MNE_READ = `
import json, sys
import mne
a = mne.read_annotations(sys.argv[1])
print(json.dumps({'onset': [float(x) for x in a.onset], 'duration': [float(x) for x in a.duration], 'description': [str(x) for x in a.description]}))
`;

/** Writes the predictions as EDF+ annotations and compares MNE's reading of them (onsets, durations, texts). */
function mneReadBack(rows: readonly SegmentPrediction[]): string {
  try {
    execFileSync(PYTHON, ['-c', 'import mne'], { stdio: 'ignore' });
  } catch {
    return `MNE absent (${PYTHON} -c "import mne" failed; apt install python3-mne): EDF+ read-back skipped`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'specmoe-decode-'));
  try {
    const file = join(dir, 'predictions.edf');
    writeFileSync(file, predictionsEdf(rows, { patientId: 'X X X X', recordingId: 'Startdate X X X X', startDate: null }));
    const back = JSON.parse(execFileSync(PYTHON, ['-c', MNE_READ, file], { encoding: 'utf8', maxBuffer: 1 << 26 })) as { onset: number[]; duration: number[]; description: string[] };
    const same =
      back.onset.length === rows.length &&
      rows.every((r, i) => Math.abs(back.onset[i]! - r.clockSec) < 1e-6 && Math.abs(back.duration[i]! - r.durationSec) < 1e-6 && back.description[i] === r.className);
    return `MNE reads the predictions' EDF+ annotations back: ${back.onset.length} of ${rows.length}, onsets/durations/texts ${same ? 'identical' : 'DIFFERENT'}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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
    const r = await runDecodeBench({ hours, batch }, base, (model) => nodeLanes(model, workers ?? nodeLaneCount(model, Number.POSITIVE_INFINITY)), closeLanes, (done, total, sec) => {
      if (sec - lastLogged >= 60 || done === total) {
        lastLogged = sec;
        console.log(`  Node: ${done}/${total} segments after ${sec.toFixed(0)} s`);
      }
    });
    console.log(`Node: ${r.description}; warnings: ${r.warnings.join('; ') || 'none'}`);
    console.log(`Node: ${mneReadBack(r.rows ?? [])}`);
    rows.push(row('Node', r, batch, hours, `${peakRssMiB().toFixed(0)} MiB peak RSS`));
  }
  if (where.includes('browser')) {
    await runInBrowser('wasm', [{ kind: 'decode', hours, batch, ...(workers ? { workers } : {}) }], (result, _request, mainThread) => {
      const r = JSON.parse(result.note) as DecodeBenchResult;
      const long = mainThread.longTasksMs;
      console.log(`Chromium: ${r.description}; warnings: ${r.warnings.join('; ') || 'none'}`);
      console.log(`Chromium: main-thread long tasks during the run: ${long.length}${long.length ? ` (longest ${Math.max(...long).toFixed(0)} ms)` : ''}; over 50 ms: ${long.filter((d) => d > 50).length}`);
      rows.push(row('Chromium worker', r, batch, hours, '—'));
    });
  }
  console.log('\n| where | night | segments | batch | lanes | back-end | total s | segments / s | after the first batch, segments / s | first batch s | memory | target | total / target |');
  console.log('|---|---|---:|---:|---:|---|---:|---:|---:|---:|---|---|---:|');
  for (const r of rows) console.log(r);
}
