// Frozen-expert embeddings of labelled segments: per segment, the three experts' L-pooled encoder outputs [3, C, d3]
// and the input's Welch PSD [C, F] — everything the head needs, so training never runs an expert again. Stored as
// safetensors bytes for the embedding cache (IndexedDB in the browser, a folder in Node).
import * as tf from '@tensorflow/tfjs';
import type { PrepareOptions } from '../dsp/segments';
import { readSafetensors, writeSafetensors } from '../io/safetensors';
import type { Recording } from '../io/recording';
import { segmentBatches } from '../pipeline/batches';
import { type PlannedSegment, planChannels, plannedSegments } from '../pipeline/plan';
import type { SpecMoE } from '../model/specMoE';
import type { TaskDefinition } from '../model/tasks';

export interface EmbeddedSegments {
  readonly recordingId: string;
  readonly subject: string;
  readonly nChannels: number;
  readonly embeddingSize: number;
  readonly nFreqs: number;
  /** Data seconds of each segment's start. */
  readonly onsetsSec: number[];
  /** Annotation text (or CSV label) of each segment. */
  readonly labels: string[];
  /** [N, 3, C, d3] row-major. */
  readonly pooled: Float32Array;
  /** [N, C, F] row-major. */
  readonly psd: Float32Array;
  readonly warnings: string[];
}

export async function embedSegments(
  recording: Recording,
  ids: { recordingId: string; subject: string },
  model: SpecMoE,
  task: Pick<TaskDefinition, 'channels' | 'montage' | 'segmentSec' | 'classes'>,
  segments: readonly { dataSec: number; label: string }[],
  options: { filter: PrepareOptions['filter']; batchSize?: number; channelOverrides?: Readonly<Record<string, string>>; signal?: AbortSignal; onProgress?: (done: number, total: number) => void },
): Promise<EmbeddedSegments> {
  const { map, warnings } = planChannels(recording, { task, channelOverrides: options.channelOverrides });
  const wanted = plannedSegments(recording, task.segmentSec, segments) as (PlannedSegment & { label: string })[];
  const nChannels = task.channels.length;
  const d = model.config.expert.d3;
  const pooledParts: Float32Array[] = [];
  const psdParts: Float32Array[] = [];
  let nFreqs = 0;
  let done = 0;
  for await (const { x, times, segments: batch } of segmentBatches(recording, map, wanted, {
    segmentSec: task.segmentSec,
    sampleRateHz: model.config.sampleRateHz,
    filter: options.filter,
    batchSize: options.batchSize ?? 8,
    chunkSegments: 32,
    signal: options.signal,
  })) {
    const { pooled, psd, expert1Encoded } = model.embed(x, times);
    // [3][B, C, d] → [B, 3, C, d]
    const stacked = tf.tidy(() => tf.stack(pooled, 1));
    pooledParts.push((await stacked.data()) as Float32Array);
    psdParts.push((await psd.data()) as Float32Array);
    nFreqs = psd.shape[2];
    tf.dispose([x, times, stacked, psd, expert1Encoded, ...pooled]);
    done += batch.length;
    options.onProgress?.(done, wanted.length);
  }
  const concat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let o = 0;
    for (const p of parts) {
      out.set(p, o);
      o += p.length;
    }
    return out;
  };
  return {
    ...ids,
    nChannels,
    embeddingSize: d,
    nFreqs,
    onsetsSec: wanted.slice(0, done).map((s) => s.dataSec),
    labels: wanted.slice(0, done).map((s) => s.label),
    pooled: concat(pooledParts),
    psd: concat(psdParts),
    warnings,
  };
}

export function embeddingsToBytes(e: EmbeddedSegments): Uint8Array {
  const n = e.onsetsSec.length;
  return writeSafetensors(
    {
      pooled: { dtype: 'F32', shape: [n, 3, e.nChannels, e.embeddingSize], data: e.pooled },
      psd: { dtype: 'F32', shape: [n, e.nChannels, e.nFreqs], data: e.psd },
      onsets: { dtype: 'F64', shape: [n], data: e.onsetsSec },
    },
    { recordingId: e.recordingId, subject: e.subject, labels: JSON.stringify(e.labels), warnings: JSON.stringify(e.warnings) },
  );
}

export function embeddingsFromBytes(bytes: Uint8Array): EmbeddedSegments {
  const { tensors, metadata } = readSafetensors(bytes);
  const pooled = tensors.get('pooled')!;
  const psd = tensors.get('psd')!;
  return {
    recordingId: metadata.recordingId!,
    subject: metadata.subject!,
    nChannels: pooled.shape[2]!,
    embeddingSize: pooled.shape[3]!,
    nFreqs: psd.shape[2]!,
    onsetsSec: Array.from(tensors.get('onsets')!.data),
    labels: JSON.parse(metadata.labels!) as string[],
    pooled: pooled.data as Float32Array,
    psd: psd.data as Float32Array,
    warnings: JSON.parse(metadata.warnings ?? '[]') as string[],
  };
}

/** Cache key of a recording's embeddings: experts' identity, recording identity, segments, preprocessing. */
export async function embeddingCacheKey(parts: { experts: string; recordingName: string; recordingSize: number; segments: readonly { dataSec: number; label: string }[]; task: Pick<TaskDefinition, 'channels' | 'segmentSec' | 'montage'>; filter: PrepareOptions['filter'] }): Promise<string> {
  const text = JSON.stringify(parts);
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return Array.from(digest.subarray(0, 16), (b) => b.toString(16).padStart(2, '0')).join('');
}
