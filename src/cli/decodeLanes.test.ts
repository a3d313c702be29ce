// Decoding on several lanes (worker threads with their own tfjs-wasm) gives the rows of one lane, in order, and a
// lane that dies mid-run hands its batch to the others.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelFiles } from './modelFiles';
import { fileSource } from './files';
import { openRecording } from '../io/open';
import type { Recording } from '../io/recording';
import { readWeights } from '../io/weights';
import { REPO_ROOT } from '../testing/shared';
import { initBackend } from '../runtime/backend';
import { decodeRecording, type DecodeOptions } from '../pipeline/decode';
import type { ForwardLane } from '../pipeline/decodeLanes';
import { LaneError } from '../runtime/lanes';
import { type LoadedModel, specMoEFromWeights } from '../model/load';
import { closeLanes, nodeLanes } from './decodeLanes';

describe('decoding on several lanes (bundled demo model, demo recording)', () => {
  let loaded: LoadedModel;
  let recording: Recording;
  let options: DecodeOptions;
  beforeAll(async () => {
    await initBackend(['wasm']);
    loaded = specMoEFromWeights(await readWeights(defaultModelFiles()));
    recording = await openRecording(await fileSource(`${REPO_ROOT}/public/demo/S001R04.edf.gz`));
    options = { task: loaded.task, filter: loaded.preprocessing, batchSize: 2, chunkSegments: 6 };
  });
  afterAll(async () => {
    await recording.close();
    loaded.model.params.dispose();
    loaded.experts?.forEach((e) => e.params.dispose());
  });

  it('three lanes give exactly the rows of one, reported in order', async () => {
    const one = await decodeRecording(recording, loaded.model, options);
    const lanes = nodeLanes(loaded.model, 3);
    try {
      const progress: number[] = [];
      const used = new Set<string>();
      const counting = lanes.map((lane): ForwardLane => ({ ...lane, forward: (b) => (used.add(lane.name), lane.forward(b)) }));
      const three = await decodeRecording(recording, loaded.model, { ...options, lanes: counting, onProgress: (done) => progress.push(done) });
      expect(three.rows.length).toBe(31);
      expect(three.rows).toEqual(one.rows);
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      expect(progress.at(-1)).toBe(31);
      expect(used.size).toBe(3);
      expect(three.warnings, three.warnings.join(" | ")).toEqual(one.warnings);
    } finally {
      closeLanes(lanes);
    }
  }, 120_000);

  it('goes on without a lane that dies, with a warning, and fails clearly when none is left', async () => {
    const one = await decodeRecording(recording, loaded.model, options);
    const lanes = nodeLanes(loaded.model, 2);
    try {
      let calls = 0;
      const dying: ForwardLane = {
        ...lanes[1]!,
        forward: (b) => {
          if (++calls === 1) lanes[1]!.close(); // the worker thread is terminated as it gets its first batch
          return lanes[1]!.forward(b);
        },
      };
      const result = await decodeRecording(recording, loaded.model, { ...options, lanes: [lanes[0]!, dying] });
      expect(result.rows).toEqual(one.rows);
      expect(result.warnings.some((w) => /worker thread 1: closed; decoding went on with 1 lane/.test(w)), result.warnings.join(" | ")).toBe(true);
      const dead: ForwardLane = { name: 'dead', forward: () => Promise.reject(new LaneError('dead: crashed')), close: () => undefined };
      await expect(decodeRecording(recording, loaded.model, { ...options, lanes: [dead] })).rejects.toThrow('dead: crashed');
    } finally {
      closeLanes(lanes);
    }
  }, 120_000);
});
