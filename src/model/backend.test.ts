import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultWasmThreads } from '../worker/modelService';
import { initBackend } from './backend';

describe('wasm threads', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('uses tfjs-wasm single-threaded where the page is not cross-origin isolated (Node here), and says so', async () => {
    const warn = vi.spyOn(console, 'warn');
    const choice = await initBackend(['wasm'], { wasmThreads: 2 });
    expect(choice.backend).toBe('wasm');
    expect(choice.threads).toBe(1);
    // Not by falling back from a failed threaded start: it was never tried.
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('threaded wasm'))).toEqual([]);
    warn.mockRestore();
  });

  it('defaults to half the logical CPUs (at most 4) only when that is 2 or more and the page is isolated', () => {
    const at = (hardwareConcurrency: number, isolated: boolean) => {
      vi.stubGlobal('navigator', { hardwareConcurrency });
      vi.stubGlobal('crossOriginIsolated', isolated);
      return defaultWasmThreads();
    };
    expect(at(2, true)).toBe(0);
    expect(at(4, true)).toBe(2);
    expect(at(8, true)).toBe(4);
    expect(at(32, true)).toBe(4);
    expect(at(8, false)).toBe(0);
  });
});
