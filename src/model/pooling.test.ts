import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../runtime/backend';
import { channelsPerPooledFeature, pooledSource, poolingNote } from './pooling';
import { poolOverTime } from './specMoE';

/** Encoded features whose value names their source: 1000·feature + channel, the same at every time step. */
function labelled(width: number, nChannels: number, t3: number): tf.Tensor3D {
  const v = new Float32Array(width * nChannels * t3);
  for (let f = 0; f < width; f++) for (let c = 0; c < nChannels; c++) v.fill(1000 * f + c, (f * nChannels + c) * t3, (f * nChannels + c + 1) * t3);
  return tf.tensor3d(v, [1, width, nChannels * t3]);
}

describe('pooledSource', () => {
  beforeAll(() => initBackend(['cpu']));

  it.each([[16, 32], [8, 32], [7, 32], [19, 128]])('names the feature and channel of every pooled entry (C %i, d3 %i)', (nChannels, width) => {
    const pooled = tf.tidy(() => poolOverTime(labelled(width, nChannels, 3), nChannels, 'mean').arraySync()[0]!);
    for (let row = 0; row < nChannels; row++) {
      for (let column = 0; column < width; column++) {
        const { channel, feature } = pooledSource(row, column, nChannels, width);
        expect(pooled[row]![column]).toBe(1000 * feature + channel);
      }
    }
  });

  it('keeps one channel per column when C divides d3, and mixes all channels in a column when it does not', () => {
    const channelsOfColumn = (nChannels: number, width: number, column: number) => new Set(Array.from({ length: nChannels }, (_, row) => pooledSource(row, column, nChannels, width).channel));
    expect([...channelsOfColumn(16, 32, 5)]).toEqual([5]);
    expect(channelsOfColumn(7, 32, 5).size).toBe(7);
    // With 16 channels and 32 features, row 3 (gated by channel 3's spectrum) holds features 6 and 7 of every channel.
    const row3 = Array.from({ length: 32 }, (_, d) => pooledSource(3, d, 16, 32));
    expect(new Set(row3.map((s) => s.feature))).toEqual(new Set([6, 7]));
    expect(new Set(row3.map((s) => s.channel)).size).toBe(16);
    expect([channelsPerPooledFeature(16, 32), channelsPerPooledFeature(8, 32), channelsPerPooledFeature(7, 32), channelsPerPooledFeature(19, 128)]).toEqual([1, 1, 7, 19]);
  });

  it('poolingNote speaks only when channels are mixed', () => {
    expect(poolingNote(16, 32)).toBeNull();
    expect(poolingNote(7, 32)).toBe("note: 7 channels do not divide the experts' 32 features, so the head's pooling over channels mixes 7 channels in every feature and cannot tell them apart there (a count that divides 32 keeps them apart)");
    expect(poolingNote(12, 32)).toMatch(/mixes 3 channels in every feature/);
  });
});
