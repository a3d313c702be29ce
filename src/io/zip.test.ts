import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { crc32, openZip } from './zip';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

const text = (s: string): Uint8Array => new TextEncoder().encode(s);
const FINETUNE_FIXTURE = new URL('./testdata/finetune_wrapper.pth', import.meta.url);

describeShared('zip on the PyTorch checkpoint fixture', () => {
  it('lists every entry of a torch.save file (zip64 records) and reads them', () => {
    const zip = openZip(readFileSync(`${REFERENCE_DIR}/expert_small_ckpt.pth`));
    expect(zip.entries.size).toBe(337);
    const names = [...zip.entries.keys()];
    expect(names[0]).toBe('expert_small_ckpt/data.pkl');
    expect(names.at(-1)).toBe('expert_small_ckpt/version');
    expect(new TextDecoder().decode(zip.read('expert_small_ckpt/version'))).toBe('3\n');
    expect(zip.entries.get('expert_small_ckpt/data/0')).toMatchObject({ method: 0, compressedSize: 512, uncompressedSize: 512 });
    expect(zip.read('expert_small_ckpt/data.pkl').length).toBe(52900);
  });
});

describe('zip', () => {
  it('computes the standard CRC-32 check value', () => {
    expect(crc32(text('123456789'))).toBe(0xcbf43926);
  });

  it('reads stored and deflated entries written by another zip writer', () => {
    const big = new Uint8Array(100_000).map((_, i) => (i * 7) % 251);
    const bytes = zipSync({ 'a/stored.bin': [big, { level: 0 }], 'a/deflated.txt': [text('hello '.repeat(1000)), { level: 9 }] });
    const zip = openZip(bytes);
    expect(zip.entries.get('a/stored.bin')!.method).toBe(0);
    expect(zip.entries.get('a/deflated.txt')!.method).toBe(8);
    expect(zip.read('a/stored.bin')).toEqual(big);
    expect(new TextDecoder().decode(zip.read('a/deflated.txt'))).toBe('hello '.repeat(1000));
  });

  it('names the entry whose bytes fail the CRC check', () => {
    const bytes = new Uint8Array(zipSync({ 'ckpt/data/0': [text('weights!'), { level: 0 }] }));
    bytes[30 + 'ckpt/data/0'.length]! ^= 1; // first data byte after the local header
    expect(() => openZip(bytes).read('ckpt/data/0')).toThrow(/zip: entry "ckpt\/data\/0" fails its CRC-32 check/);
  });

  it('refuses a directory that claims more entries than it can hold', () => {
    const bytes = new Uint8Array(zipSync({ x: text('x') }));
    const eocd = bytes.length - 22;
    new DataView(bytes.buffer).setUint16(eocd + 10, 0xffff, true);
    expect(() => openZip(bytes)).toThrow(/zip: 65535 entries cannot fit in a 47-byte central directory/);
  });

  it('refuses a deflated entry that declares more than DEFLATE can produce', () => {
    const bytes = new Uint8Array(zipSync({ x: [text('abc'.repeat(100)), { level: 9 }] }));
    const central = bytes.length - 22 - 47;
    new DataView(bytes.buffer).setUint32(central + 24, 0x7fffffff, true);
    expect(() => openZip(bytes).read('x')).toThrow(/declares 2147483647 bytes from \d+, beyond what DEFLATE can produce/);
  });

  it('says what is wrong with a file that is not a zip', () => {
    expect(() => openZip(text('just some text, long enough to scan'))).toThrow(/no end-of-central-directory record/);
    expect(() => openZip(new Uint8Array(3))).toThrow(WeightsError);
  });

  it('gives a WeightsError for every truncation of a checkpoint', () => {
    const bytes = readFileSync(FINETUNE_FIXTURE);
    for (let n = 0; n < bytes.length; n += 7) {
      expect(() => {
        const zip = openZip(bytes.subarray(0, n));
        for (const name of zip.entries.keys()) zip.read(name);
      }, `cut at ${n}`).toThrow(WeightsError);
    }
  });
});
