// `npm run bench -- decode [--hours 8] [--batch 1] [--workers N]`: a whole night decoded on the CPU in Node with tfjs-wasm, against
// the target of 300 s for an 8-h night (960 sleep-staging segments of 30 s).
// The night is public/demo/S001R04.edf.gz (eegmmidb, 64 channels at 160 Hz, 1-s records) with its data records
// repeated to H hours by src/testing/bigEdf.ts (in memory, bytes made on demand, no file written). The sleep-staging
// task's four derivations are pinned to F4, C4, O2 and C3 with channel overrides (eegmmidb has no mastoids), so
// decodeRecording reads 4 of the 64 channels, resamples them 160 → 200 Hz chunk by chunk and runs the model.
// The model is a SpecMoE of the authors' full size (three AUTHORS_EXPERT encoders + a 5-class head), freshly
// initialised with fixed seeds: timing does not depend on the weights' values. No band-pass (a bare state dict has
// no preprocessing). Peak RSS is this whole process's, worker threads included (Node, tsx, tfjs-wasm per thread, the base recording, a model per lane).
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { numberOption, parseArgs } from '../src/cli/command';
import { openRecording } from '../src/io/open';
import type { NamedTensor } from '../src/io/safetensors';
import { blobSource } from '../src/io/sources';
import { assembleSpecMoEStateDict } from '../src/io/stateDict';
import { expertStateDictShapes } from '../src/model/architecture';
import { initBackend } from '../src/model/backend';
import { AUTHORS_EXPERT, specMoEConfig } from '../src/model/config';
import { decodeRecording } from '../src/model/decode';
import { closeLanes, defaultLaneCount, nodeLanes } from '../src/model/nodeLanes';
import { initExpertParams, initHeadParams } from '../src/model/init';
import { buildSpecMoE } from '../src/model/load';
import type { ParamStore } from '../src/model/params';
import { findTask } from '../src/model/tasks';
import { repeatedEdf } from '../src/testing/bigEdf';
import { REPO_ROOT } from '../src/testing/shared';

const TARGET_SEC = 300;
const TARGET_SEGMENTS = 960; // 8 h of 30-s segments
const SEED = 20240;
/** Sleep-staging derivation → eegmmidb electrode it is pinned to. */
const OVERRIDES = { 'F4-M1': 'F4', 'C4-M1': 'C4', 'O2-M1': 'O2', 'C3-M2': 'C3' };

const rssMiB = () => process.memoryUsage.rss() / 2 ** 20;
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

function asNamed(store: ParamStore): Map<string, NamedTensor> {
  return new Map([...store.entries()].map(([k, t]) => [k, { dtype: 'F32' as const, shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) }]));
}

export async function run(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['hours', 'batch', 'workers']);
  const hours = numberOption(args, 'hours', 8);
  const batchSize = numberOption(args, 'batch', 1);
  const workers = numberOption(args, 'workers', defaultLaneCount());
  const { backend } = await initBackend(['wasm']);
  const task = findTask('sleep-staging')!;

  // The night.
  const base = new Uint8Array(gunzipSync(readFileSync(join(REPO_ROOT, 'public/demo/S001R04.edf.gz'))));
  const baseRecording = await openRecording(blobSource(new Blob([base]), 'S001R04.edf'));
  const recordSec = baseRecording.header.recordDurationSec;
  await baseRecording.close();
  const nRecords = Math.ceil((hours * 3600) / recordSec - 1e-9);
  const recording = await openRecording(await repeatedEdf(base, nRecords, `S001R04_x${nRecords}.edf`));

  // The model: three experts and a head, seeded.
  const config = specMoEConfig({ nClasses: task.classes.length, segmentSec: task.segmentSec, lPool: task.lPool, cPool: task.cPool });
  const buildStart = performance.now();
  const experts = [0, 1, 2].map((k) => {
    const store = initExpertParams(AUTHORS_EXPERT, SEED + 1000 * k);
    const named = asNamed(store);
    store.dispose();
    for (const [key] of expertStateDictShapes(AUTHORS_EXPERT)) if (key.endsWith('num_batches_tracked')) named.set(key, { dtype: 'I64', shape: [], data: new Float64Array([0]) });
    return named;
  });
  const head = initHeadParams(config, SEED + 3000);
  const model = buildSpecMoE(assembleSpecMoEStateDict(experts, asNamed(head)), config);
  head.dispose();
  const buildSec = (performance.now() - buildStart) / 1000;
  const rssBeforeMiB = rssMiB();

  console.log(
    `decode bench: ${hours} h night = S001R04 (eegmmidb, 160 Hz) records repeated ${nRecords}×; task ${task.id} ` +
      `(${task.classes.length} classes, ${task.segmentSec}-s segments, ${config.sampleRateHz} Hz, channels ${task.channels.join(', ')} ← ${Object.values(OVERRIDES).join(', ')}); ` +
      `full-size SpecMoE (random weights, seed ${SEED}), tfjs ${backend} in Node, batch ${batchSize}, ${workers} lane(s) (this thread + ${workers - 1} worker thread(s)); model built in ${buildSec.toFixed(1)} s`,
  );
  let firstSec = Number.NaN;
  let lastLogged = 0;
  const start = performance.now(); // the replicas' start-up (model copy, tfjs-wasm) is part of the time
  const lanes = nodeLanes(model, workers);
  const result = await decodeRecording(recording, model, {
    task,
    channelOverrides: OVERRIDES,
    filter: null,
    batchSize,
    lanes,
    onProgress: (done, total) => {
      const sec = (performance.now() - start) / 1000;
      if (Number.isNaN(firstSec)) firstSec = sec;
      if (sec - lastLogged >= 60 || done === total) {
        lastLogged = sec;
        console.log(`  ${done}/${total} segments after ${sec.toFixed(0)} s`);
      }
    },
  });
  const totalSec = (performance.now() - start) / 1000;
  closeLanes(lanes);
  await recording.close();
  const segments = result.rows.length;
  const firstBatch = Math.min(batchSize, segments);
  const steadyRate = segments > firstBatch ? (segments - firstBatch) / (totalSec - firstSec) : Number.NaN;
  const target = (TARGET_SEC * segments) / TARGET_SEGMENTS;
  const nightLabel = segments === TARGET_SEGMENTS ? `${TARGET_SEC} s (8-h night)` : `${target.toFixed(1)} s (${TARGET_SEC} s × ${segments}/${TARGET_SEGMENTS}, pro rata)`;

  console.log(`\nwarnings: ${result.warnings.join('; ') || 'none'}; tf tensors alive after decoding: ${tf.memory().numTensors}`);
  console.log('| night | segments | batch | lanes | back-end | total s (measured) | segments / s | s / segment | first batch s | peak RSS MiB | RSS before decode MiB | target | total / target |');
  console.log('|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|');
  console.log(
    `| ${hours} h × 4 ch | ${segments} | ${batchSize} | ${workers} | ${backend} (Node) | ${totalSec.toFixed(1)} | ${(segments / totalSec).toFixed(3)} | ${(totalSec / segments).toFixed(2)} | ${firstSec.toFixed(1)} | ` +
      `${peakRssMiB().toFixed(0)} | ${rssBeforeMiB.toFixed(0)} | ${nightLabel} | ${(totalSec / target).toFixed(2)} |`,
  );
  if (Number.isFinite(steadyRate)) console.log(`after the first batch: ${steadyRate.toFixed(3)} segments / s`);
  model.params.dispose();
}
