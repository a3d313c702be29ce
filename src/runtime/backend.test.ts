import * as tf from '@tensorflow/tfjs';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from './backend';

describe('tfjs in Node', () => {
  // First in this file: the cpu back-end greets only on its first tensor in a process.
  it("starts the cpu back-end without tfjs's advice to install tfjs-node (we run wasm and cpu on purpose)", async () => {
    const warn = vi.spyOn(console, 'warn');
    expect((await initBackend(['cpu'])).backend).toBe('cpu');
    tf.dispose(tf.add(tf.tensor1d([1, 2]), 1));
    expect(warn.mock.calls.map((c) => String(c[0])).filter((m) => m.includes('tfjs-node'))).toEqual([]);
    warn.mockRestore();
  });
});

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
