import { describe, expect, it, vi } from 'vitest';
import { initBackend } from './backend';

describe('wasm threads', () => {
  it('uses tfjs-wasm single-threaded where the page is not cross-origin isolated (Node here), and says so', async () => {
    const warn = vi.spyOn(console, 'warn');
    const choice = await initBackend(['wasm'], { wasmThreads: 2 });
    expect(choice.backend).toBe('wasm');
    expect(choice.threads).toBe(1);
    // Not by falling back from a failed threaded start: it was never tried.
    expect(warn.mock.calls.filter((c) => String(c[0]).includes('threaded wasm'))).toEqual([]);
    warn.mockRestore();
  });
});
