import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultWasmThreads } from './environment';

describe('the worker\'s default wasm thread count', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
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
