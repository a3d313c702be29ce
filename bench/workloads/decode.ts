// The decode benchmark's workload, the same in Node (`npm run bench -- decode`) and in the browser's model worker
// (`npm run bench -- decode-browser`): an H-hour night made by repeating the demo recording's data records
// (eegmmidb S001R04, 64 channels at 160 Hz), decoded for sleep staging (4 derivations pinned to F4, C4, O2, C3:
// eegmmidb has no mastoids; 30-s segments resampled to 200 Hz) by a full-size SpecMoE with seeded random weights
// (timing does not depend on the values), on the given lanes. The night is made by src/testing/bigEdf.ts (a test-data
// generator).
import * as tf from '@tensorflow/tfjs';
import { openRecording } from '../../src/io/open';
import { blobSource } from '../../src/io/sources';
import { repeatedEdf } from '../../src/testing/bigEdf';
import { AUTHORS_EXPERT, specMoEConfig } from '../../src/model/config';
import { decodeRecording, type SegmentPrediction } from '../../src/pipeline/decode';
import { initExpertParams, initHeadParams } from '../../src/model/init';
import type { ForwardLane } from '../../src/pipeline/decodeLanes';
import { ParamStore } from '../../src/model/params';
import { SpecMoE } from '../../src/model/specMoE';
import { findTask } from '../../src/model/tasks';

export interface DecodeBenchRequest {
  readonly hours: number;
  readonly batch: number;
  /** Lanes (threads); default one per core, at most 4. */
  readonly workers?: number;
}

export interface DecodeBenchResult {
  readonly backend: string;
  readonly lanes: number;
  readonly segments: number;
  readonly totalSec: number;
  /** Seconds until the first batch was reported. */
  readonly firstSec: number;
  readonly warnings: readonly string[];
  readonly description: string;
  /** The predictions (Node only: the browser's result leaves them out). */
  readonly rows?: readonly SegmentPrediction[];
}

/** Sleep-staging derivation → eegmmidb electrode it is pinned to. */
const NIGHT_CHANNELS = { 'F4-M1': 'F4', 'C4-M1': 'C4', 'O2-M1': 'O2', 'C3-M2': 'C3' };
const SEED = 20240;

/**
 * Decodes the night. `base` is the uncompressed demo EDF+; `lanesFor` gives the lanes for the model (their start-up
 * is timed: it is part of what a user waits for); `release` closes them.
 */
export async function runDecodeBench(
  r: DecodeBenchRequest,
  base: Uint8Array,
  lanesFor: (model: SpecMoE) => ForwardLane[],
  release: (lanes: readonly ForwardLane[]) => void,
  onProgress?: (done: number, total: number, sec: number) => void,
): Promise<DecodeBenchResult> {
  const task = findTask('sleep-staging')!;
  const baseRecording = await openRecording(blobSource(new Blob([base as Uint8Array<ArrayBuffer>]), 'S001R04.edf'));
  const recordSec = baseRecording.header.recordDurationSec;
  await baseRecording.close();
  const nRecords = Math.ceil((r.hours * 3600) / recordSec - 1e-9);
  const recording = await openRecording(await repeatedEdf(base, nRecords, `S001R04_x${nRecords}.edf`));
  const config = specMoEConfig({ nClasses: task.classes.length, segmentSec: task.segmentSec, lPool: task.lPool, cPool: task.cPool });
  const params = new ParamStore();
  for (let k = 0; k < 3; k++) initExpertParams(AUTHORS_EXPERT, SEED + 1000 * k, params, `experts.${k}.`);
  const head = initHeadParams(config, SEED + 3000);
  for (const [key, t] of head.entries()) params.set(key, t);
  const model = new SpecMoE(config, params);
  const start = performance.now();
  let firstSec = Number.NaN;
  const lanes = lanesFor(model);
  try {
    const result = await decodeRecording(recording, model, {
      task,
      channelOverrides: NIGHT_CHANNELS,
      filter: null,
      batchSize: r.batch,
      lanes,
      onProgress: (done, total) => {
        const sec = (performance.now() - start) / 1000;
        if (Number.isNaN(firstSec)) firstSec = sec;
        onProgress?.(done, total, sec);
      },
    });
    return {
      backend: tf.getBackend(),
      lanes: lanes.length,
      segments: result.rows.length,
      totalSec: (performance.now() - start) / 1000,
      firstSec,
      warnings: result.warnings,
      rows: result.rows,
      description:
        `${r.hours} h night = S001R04 (eegmmidb, 160 Hz) records repeated ${nRecords}×; task ${task.id} (${task.classes.length} classes, ` +
        `${task.segmentSec}-s segments, ${config.sampleRateHz} Hz, channels ${task.channels.join(', ')} ← ${Object.values(NIGHT_CHANNELS).join(', ')}); ` +
        `full-size SpecMoE (random weights, seed ${SEED}), batch ${r.batch}, ${lanes.length} lane(s)`,
    };
  } finally {
    release(lanes);
    await recording.close();
    params.dispose();
  }
}
