import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { floatToHalf, halfToFloat, readSafetensors, writeSafetensors } from './safetensors';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

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

  it('decodes bf16', () => {
    const header = JSON.stringify({ x: { dtype: 'BF16', shape: [2], data_offsets: [0, 4] } });
    const hb = new TextEncoder().encode(header);
    const bytes = new Uint8Array(8 + hb.length + 4);
    new DataView(bytes.buffer).setBigUint64(0, BigInt(hb.length), true);
    bytes.set(hb, 8);
    // 1.0 = 0x3F80, -2.0 = 0xC000
    bytes.set([0x80, 0x3f, 0x00, 0xc0], 8 + hb.length);
    expect(Array.from(readSafetensors(bytes).tensors.get('x')!.data)).toEqual([1, -2]);
  });
});
