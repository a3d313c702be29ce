// An expert's reconstruction of one segment of the open recording from its Gaussian-masked version (§8–§9): the
// pretraining task shown on the user's own data, with errors per EEG band.
import * as tf from '@tensorflow/tfjs';
import { reconstructionBandErrors } from '../dsp/bandErrors';
import { PAPER_MASK_PARAMS } from '../dsp/masks';
import { seededRandom } from '../dsp/random';
import { powerDb, stft } from '../dsp/stft';
import type { Recording } from '../io/recording';
import { segmentBatches } from '../pipeline/batches';
import { planChannels, plannedSegments } from '../pipeline/plan';
import { makeBatch } from '../train/pretrain';
import type { Reconstruction, ReconstructionRequest, Spectrogram } from './api';
import type { ActiveModel } from './modelService';

export async function reconstruct(recording: Recording, { loaded }: ActiveModel, request: ReconstructionRequest): Promise<Reconstruction> {
  if (!loaded.experts) throw new Error('this model has no expert decoders, so it cannot reconstruct (only bundles from our pretraining carry them)');
  const { map } = planChannels(recording, { task: loaded.task, maxMissingFraction: 1, filter: loaded.preprocessing });
  const fs = loaded.model.config.sampleRateHz;
  const segmentSec = loaded.task.segmentSec;
  let microvolts: Float32Array | null = null;
  let nChannels = 0;
  let length = 0;
  for await (const { x, times } of segmentBatches(recording, map, plannedSegments(recording, segmentSec, [{ dataSec: request.segmentDataSec }]), { segmentSec, sampleRateHz: fs, filter: loaded.preprocessing, batchSize: 1, chunkSegments: 1 })) {
    [, nChannels, length] = x.shape;
    microvolts = Float32Array.from(await x.data(), (v) => v * 100);
    tf.dispose([x, times]);
  }
  if (!microvolts) throw new Error(`no ${segmentSec}-s segment starts at ${request.segmentDataSec} s`);
  const expert = loaded.experts[request.expert]!;
  // The pretraining input: the Gaussian-masked segment; positions as in pretraining for window k = 0.
  const batch = makeBatch([{ recordingId: '', index: 0, microvolts }], nChannels, PAPER_MASK_PARAMS, fs, seededRandom(request.seed));
  const xs = tf.tensor3d(batch.x, [1, nChannels, length]);
  const ts = tf.tensor3d(batch.times, [1, 1, length]);
  const out = expert.forward(xs, ts);
  const dec1 = (await out.U3_Dec1.data()) as Float32Array;
  const dec2 = (await out.U3_Dec2.data()) as Float32Array;
  tf.dispose([xs, ts, ...Object.values(out)]);
  const row = (a: Float32Array, c: number) => a.subarray(c * length, (c + 1) * length).map((v) => v * 100);
  const c = Math.min(Math.max(0, request.channel), nChannels - 1);
  const signals = { original: row(batch.target, c), masked: row(batch.x, c), dec1: row(dec1, c), dec2: row(dec2, c) };
  const spectrogramOf = (s: Float32Array): Spectrogram => {
    const z = stft(s, { sampleRateHz: fs, nperseg: 2 * fs, noverlap: fs });
    return {
      freqs: Float32Array.from(z.freqs),
      times: Float32Array.from(z.times, (t) => t + request.segmentDataSec),
      db: powerDb(z),
      sampleRateHz: fs,
    };
  };
  const channels = Array.from({ length: nChannels }, (_, ch) => ({ original: row(batch.target, ch), masked: row(batch.x, ch), dec1: row(dec1, ch), dec2: row(dec2, ch), mask: batch.masks[0]!.map }));
  return {
    sampleRateHz: fs,
    ...signals,
    spectrograms: { original: spectrogramOf(signals.original), masked: spectrogramOf(signals.masked), dec1: spectrogramOf(signals.dec1), dec2: spectrogramOf(signals.dec2) },
    bandErrors: reconstructionBandErrors(channels, fs),
  };
}
