import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { floatToHalf, halfToFloat, readSafetensors, writeSafetensors } from './safetensors';
import { describeShared, REFERENCE_DIR, REPO_ROOT } from '../testing/shared';

/** A file with the given header (no padding) and `data` as its data buffer. */
function rawSafetensors(header: Record<string, unknown>, data: Uint8Array): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(header));
  const bytes = new Uint8Array(8 + json.length + data.length);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  bytes.set(data, 8 + json.length);
  return bytes;
}

const f32 = (begin: number, end: number) => ({ dtype: 'F32', shape: [(end - begin) / 4], data_offsets: [begin, end] });

/** The error `readSafetensors` throws on `bytes` (fails the test when it reads). */
function weightsError(bytes: Uint8Array): WeightsError {
  try {
    readSafetensors(bytes);
  } catch (e) {
    if (e instanceof WeightsError) return e;
    throw e;
  }
  throw new Error('the file was read');
}

describeShared('safetensors on the parity fixtures', () => {
  it('reads the parity fixture with every dtype and the metadata', () => {
    const f = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`));
    expect(f.tensors.size).toBe(334);
    const w = f.tensors.get('Down1.features1.0.weight')!;
    expect(w.dtype).toBe('F32');
    expect(w.shape).toEqual([32, 1, 4]);
    const nbt = f.tensors.get('Down1.features1.1.num_batches_tracked')!;
    expect(nbt.dtype).toBe('I64');
    expect(nbt.shape).toEqual([]);
    expect(nbt.data[0]).toBe(1000);
    const dsp = readSafetensors(readFileSync(`${REFERENCE_DIR}/dsp_io.safetensors`));
    expect(dsp.tensors.get('stft_freqs')!.dtype).toBe('F64');
    expect(dsp.tensors.get('stft_freqs')!.data[2]).toBe(1);
    expect(JSON.parse(dsp.metadata.mask_components!)[0]).toEqual(['freq', 140, 2]);
  });

  it('every parity fixture and the bundled model tile their data buffers exactly (the strict layout rule)', () => {
    const dirs = [REFERENCE_DIR, join(REPO_ROOT, 'models/specmoe-demo-mi')];
    const files = dirs.flatMap((d) => readdirSync(d).filter((f) => f.endsWith('.safetensors')).map((f) => join(d, f)));
    expect(files.length).toBe(10);
    for (const file of files) expect(readSafetensors(readFileSync(file)).tensors.size, file).toBeGreaterThan(0);
  });
});

describe('safetensors', () => {
  it('round-trips F32, F64, F16 and I64 through the writer', () => {
    const bytes = writeSafetensors(
      {
        a: { dtype: 'F32', shape: [2, 2], data: [1.5, -2, 3.25, 0] },
        b: { dtype: 'F16', shape: [3], data: [0.5, -65504, 1e-7] },
        c: { dtype: 'F64', shape: [1], data: [Math.PI] },
        d: { dtype: 'I64', shape: [], data: [42] },
      },
      { note: 'hi' },
    );
    const f = readSafetensors(bytes);
    expect(Array.from(f.tensors.get('a')!.data)).toEqual([1.5, -2, 3.25, 0]);
    expect(Array.from(f.tensors.get('b')!.data)).toEqual([0.5, -65504, halfToFloat(floatToHalf(1e-7))]);
    expect(f.tensors.get('c')!.data[0]).toBe(Math.PI);
    expect(f.tensors.get('d')!.data[0]).toBe(42);
    expect(f.metadata.note).toBe('hi');
  });

  it('names the tensor whose offsets run past the end of the file', () => {
    const bytes = writeSafetensors({ w: { dtype: 'F32', shape: [4], data: [1, 2, 3, 4] } });
    const cut = bytes.subarray(0, bytes.length - 4);
    expect(() => readSafetensors(cut)).toThrow(WeightsError);
    expect(() => readSafetensors(cut)).toThrow(/tensor "w" data_offsets \[0, 16\] lie outside the 12 data bytes/);
  });

  it('rejects a header length larger than the file', () => {
    const bytes = new Uint8Array(16);
    new DataView(bytes.buffer).setBigUint64(0, 1000n, true);
    expect(() => readSafetensors(bytes)).toThrow(/header length 1000 at byte 0 exceeds the file size 16/);
  });

  it('refuses a 2^62 header length, a negative shape and a byte count that disagrees with the shape', () => {
    const huge = new Uint8Array(64);
    new DataView(huge.buffer).setBigUint64(0, 2n ** 62n, true);
    expect(weightsError(huge).message).toBe('safetensors: header length 4611686018427387904 at byte 0 exceeds the file size 64');
    expect(weightsError(rawSafetensors({ w: { dtype: 'F32', shape: [-1, 2], data_offsets: [0, 8] } }, new Uint8Array(8))).message).toBe(
      'safetensors: tensor "w" has an invalid shape [-1,2]',
    );
    expect(weightsError(rawSafetensors({ w: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } }, new Uint8Array(8))).message).toBe(
      'safetensors: tensor "w" has 8 bytes but shape [3] × F32 needs 12',
    );
  });

  it('decodes bf16', () => {
    // 1.0 = 0x3F80, -2.0 = 0xC000
    const bytes = rawSafetensors({ x: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } }, new Uint8Array([0x80, 0x3f, 0x00, 0xc0]));
    expect(Array.from(readSafetensors(bytes).tensors.get('x')!.data)).toEqual([1, -2]);
  });
});

describe('safetensors layout: the tensors tile the data buffer, as the reference reader requires', () => {
  const data = (n: number) => new Uint8Array(n).map((_, i) => i);

  it('refuses overlapping offsets, naming the tensor and both offsets, whatever the header order', () => {
    for (const header of [{ a: f32(0, 8), b: f32(4, 12) }, { b: f32(4, 12), a: f32(0, 8) }]) {
      const bytes = rawSafetensors(header, data(12));
      const e = weightsError(bytes);
      expect(e.message).toBe('safetensors: tensor "b" data_offsets [4, 12] overlap tensor "a" data_offsets [0, 8]');
      expect(e.tensorName).toBe('b');
      expect(e.byteOffset).toBe(bytes.length - 12 + 4);
    }
  });

  it('refuses two tensors on the same bytes, and an empty tensor inside another', () => {
    expect(weightsError(rawSafetensors({ a: f32(0, 8), b: f32(0, 8) }, data(8))).message).toMatch(/tensor "b" data_offsets \[0, 8\] overlap tensor "a" data_offsets \[0, 8\]/);
    const inside = { a: f32(0, 8), e: { dtype: 'F32', shape: [0], data_offsets: [4, 4] } };
    expect(weightsError(rawSafetensors(inside, data(8))).message).toMatch(/tensor "e" data_offsets \[4, 4\] overlap tensor "a" data_offsets \[0, 8\]/);
  });

  it('refuses a hole between tensors, saying which bytes and between which tensors', () => {
    const bytes = rawSafetensors({ a: f32(0, 8), b: f32(12, 20) }, data(20));
    const start = bytes.length - 20;
    const e = weightsError(bytes);
    expect(e.message).toBe(
      `safetensors: data bytes 8..12 (file bytes ${start + 8}..${start + 12}) belong to no tensor: a hole between tensor "a" data_offsets [0, 8] and tensor "b" data_offsets [12, 20]`,
    );
    expect(e.tensorName).toBe('b');
    expect(e.byteOffset).toBe(start + 8);
  });

  it('refuses a hole before the first tensor', () => {
    const bytes = rawSafetensors({ a: f32(4, 12) }, data(12));
    expect(weightsError(bytes).message).toBe(
      `safetensors: data bytes 0..4 (file bytes ${bytes.length - 12}..${bytes.length - 8}) belong to no tensor: a hole before tensor "a" data_offsets [4, 12], the first`,
    );
  });

  it('refuses data bytes after the last tensor (the offsets do not cover the buffer)', () => {
    const bytes = rawSafetensors({ a: f32(0, 8) }, data(12));
    const e = weightsError(bytes);
    expect(e.message).toBe(
      `safetensors: the tensors cover 8 of the 12 data bytes: data bytes 8..12 (file bytes ${bytes.length - 4}..${bytes.length}) belong to no tensor after tensor "a" data_offsets [0, 8], the last`,
    );
    expect(e.tensorName).toBe('a');
    expect(e.byteOffset).toBe(bytes.length - 4);
    expect(weightsError(rawSafetensors({ __metadata__: { k: 'v' } }, data(4))).message).toMatch(
      /the tensors cover 0 of the 4 data bytes: data bytes 0\.\.4 \(file bytes \d+\.\.\d+\) belong to no tensor and the header names no tensor/,
    );
  });

  it('reads tensors listed out of offset order, empty tensors at a boundary, and a file with no tensors', () => {
    const header = { c: f32(8, 16), a: f32(0, 8), empty: { dtype: 'I64', shape: [2, 0], data_offsets: [8, 8] } };
    const f = readSafetensors(rawSafetensors(header, new Uint8Array(new Float32Array([1, 2, 3, 4]).buffer)));
    expect([...f.tensors.keys()]).toEqual(['c', 'a', 'empty']);
    expect(Array.from(f.tensors.get('c')!.data)).toEqual([3, 4]);
    expect(f.tensors.get('empty')!.data.length).toBe(0);
    expect(readSafetensors(rawSafetensors({}, data(0))).tensors.size).toBe(0);
  });
});
