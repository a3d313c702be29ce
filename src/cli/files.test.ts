import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, expect, it } from 'vitest';
import { fileSource, openRecordingFile } from './files';
import { DATA_DIR, describeShared } from '../testing/shared';

const dir = mkdtempSync(join(tmpdir(), 'specmoe-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeShared('openRecordingFile', () => {
  it('reads a plain .edf and its .edf.gz alike', async () => {
    const gz = `${DATA_DIR}/edge-cases/mne-testing-data/test_reduced.edf.gz`;
    const plain = join(dir, 'test_reduced.edf');
    writeFileSync(plain, gunzipSync(readFileSync(gz)));
    const [a, b] = await Promise.all([openRecordingFile(plain), openRecordingFile(gz)]);
    expect(a.source.name).toBe('test_reduced.edf');
    expect(b.source.name).toBe('test_reduced.edf');
    expect(a.header).toEqual(b.header);
    expect(a.annotations).toEqual(b.annotations);
    const channels = a.header.channels.map((c) => c.index);
    expect(await a.readChannels(channels, 1.5, 3)).toEqual(await b.readChannels(channels, 1.5, 3));
    await Promise.all([a.close(), b.close()]);
  });

  it('a file source returns short reads only at the end of the file', async () => {
    const path = join(dir, 'bytes.bin');
    writeFileSync(path, Uint8Array.from({ length: 1000 }, (_, i) => i % 251));
    const source = await fileSource(path);
    expect(source.size).toBe(1000);
    expect(Array.from(await source.read(995, 10))).toEqual([995, 996, 997, 998, 999].map((i) => i % 251));
    expect(await source.read(2000, 10)).toHaveLength(0);
    await source.close!();
  });
});
