// Embeddings of labelled segments, stacked: what head training (both steppers) and the band-power reference read.
import type { EmbeddedSegments } from './embeddings';

/** Embeddings of labelled segments, stacked: the input of head training and evaluation. */
export interface HeadDataset {
  readonly n: number;
  readonly nChannels: number;
  readonly embeddingSize: number;
  readonly nFreqs: number;
  readonly pooled: Float32Array;
  readonly psd: Float32Array;
  readonly labels: Int32Array;
}

/** Stacks recordings' embeddings, mapping each segment's label text to a class index (unmapped segments dropped). */
export function headDataset(recordings: readonly EmbeddedSegments[], classOf: (label: string) => number | undefined): HeadDataset {
  const first = recordings[0];
  if (!first) throw new RangeError('head training needs at least one recording');
  const picks: { r: EmbeddedSegments; i: number; cls: number }[] = [];
  for (const r of recordings) {
    if (r.nChannels !== first.nChannels || r.embeddingSize !== first.embeddingSize || r.nFreqs !== first.nFreqs) throw new RangeError(`${r.recordingId}: embeddings of another shape than ${first.recordingId}'s`);
    r.labels.forEach((label, i) => {
      const cls = classOf(label);
      if (cls !== undefined) picks.push({ r, i, cls });
    });
  }
  const { nChannels, embeddingSize, nFreqs } = first;
  const pSize = 3 * nChannels * embeddingSize;
  const fSize = nChannels * nFreqs;
  const pooled = new Float32Array(picks.length * pSize);
  const psd = new Float32Array(picks.length * fSize);
  const labels = new Int32Array(picks.length);
  picks.forEach(({ r, i, cls }, k) => {
    pooled.set(r.pooled.subarray(i * pSize, (i + 1) * pSize), k * pSize);
    psd.set(r.psd.subarray(i * fSize, (i + 1) * fSize), k * fSize);
    labels[k] = cls;
  });
  return { n: picks.length, nChannels, embeddingSize, nFreqs, pooled, psd, labels };
}
