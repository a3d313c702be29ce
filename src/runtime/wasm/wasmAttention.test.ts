import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../dsp/random';
import { nodeKernelThread } from './nodeKernelThread';
import { BLOCK_KEYS, queryScale } from './attentionKernels';
import { type AttentionShape, WasmAttention } from './wasmAttention';

/**
 * ARCHITECTURE.md §4 steps 4–7 in float64 on already rotated q, k, v [pairs, L, hd]: S = q·kᵀ/√hd with S[i, i] = 0,
 * softmax over the query index i of every key column j, O = A·v, heads merged → [B, L, H·hd].
 */
function reference(shape: AttentionShape, q: Float32Array, k: Float32Array, v: Float32Array): Float64Array {
  const { batch, heads, length: L, headDim: hd } = shape;
  const out = new Float64Array(batch * L * heads * hd);
  const s = new Float64Array(L * L);
  for (let p = 0; p < batch * heads; p++) {
    const base = p * L * hd;
    for (let i = 0; i < L; i++) {
      for (let j = 0; j < L; j++) {
        let dot = 0;
        for (let d = 0; d < hd; d++) dot += q[base + i * hd + d]! * k[base + j * hd + d]!;
        s[i * L + j] = i === j ? 0 : dot / Math.sqrt(hd);
      }
    }
    for (let j = 0; j < L; j++) {
      let max = -Infinity;
      for (let i = 0; i < L; i++) max = Math.max(max, s[i * L + j]!);
      let z = 0;
      for (let i = 0; i < L; i++) z += Math.exp(s[i * L + j]! - max);
      for (let i = 0; i < L; i++) s[i * L + j] = Math.exp(s[i * L + j]! - max) / z;
    }
    const b = Math.floor(p / heads);
    const h = p % heads;
    for (let i = 0; i < L; i++) {
      for (let d = 0; d < hd; d++) {
        let sum = 0;
        for (let j = 0; j < L; j++) sum += s[i * L + j]! * v[base + j * hd + d]!;
        out[(b * L + i) * heads * hd + h * hd + d] = sum;
      }
    }
  }
  return out;
}

function randomInputs(shape: AttentionShape, seed: number, scale: number) {
  const random = seededRandom(seed);
  const n = shape.batch * shape.heads * shape.length * shape.headDim;
  const make = () => Float32Array.from({ length: n }, () => (random.next() * 2 - 1) * scale);
  return { q: make(), k: make(), v: make() };
}

function runKernel(attention: WasmAttention, shape: AttentionShape, q: Float32Array, k: Float32Array, v: Float32Array): Float32Array {
  const { length: L, headDim: hd } = shape;
  return attention
    .run(shape, (inputs) => {
      for (let p = 0; p < shape.batch * shape.heads; p++) {
        for (let i = 0; i < L * hd; i++) {
          inputs.q[p * L * hd + i] = q[p * L * hd + i]! * queryScale(hd);
          inputs.k[p * inputs.keyRows * hd + i] = k[p * L * hd + i]!;
          inputs.v[p * inputs.keyRows * hd + i] = v[p * L * hd + i]!;
        }
      }
    })
    .slice();
}

function maxRelError(got: Float32Array, want: Float64Array): number {
  let maxRef = 0;
  let maxDiff = 0;
  for (let i = 0; i < want.length; i++) {
    maxRef = Math.max(maxRef, Math.abs(want[i]!));
    maxDiff = Math.max(maxDiff, Math.abs(got[i]! - want[i]!));
  }
  return maxDiff / maxRef;
}

// Lengths below, at and across the key block, not multiples of 4 or of the product tile; every head width.
const CASES: AttentionShape[] = [
  { batch: 1, heads: 2, length: 3, headDim: 4 },
  { batch: 2, heads: 3, length: BLOCK_KEYS, headDim: 8 },
  { batch: 1, heads: 8, length: 2 * BLOCK_KEYS + 5, headDim: 8 },
  { batch: 2, heads: 2, length: 61, headDim: 16 },
  { batch: 1, heads: 2, length: 23, headDim: 32 },
];

describe('the fused attention kernel', () => {
  const single = new WasmAttention(false);
  const threaded = new WasmAttention(true);
  let attached = false;
  afterAll(() => {
    single.dispose();
    threaded.dispose();
  });

  for (const shape of CASES) {
    it(`matches the float64 reference: B=${shape.batch}, H=${shape.heads}, L=${shape.length}, hd=${shape.headDim}`, () => {
      const { q, k, v } = randomInputs(shape, shape.length * 31 + shape.headDim, 2);
      const err = maxRelError(runKernel(single, shape, q, k, v), reference(shape, q, k, v));
      expect(err).toBeLessThan(2e-6);
    });
  }

  it('gives the same values with half of the heads on a kernel thread', async () => {
    attached = await threaded.attachThread(nodeKernelThread);
    expect(attached).toBe(true);
    expect(threaded.threads).toBe(2);
    for (const shape of CASES) {
      const { q, k, v } = randomInputs(shape, 7, 2);
      expect(Array.from(runKernel(threaded, shape, q, k, v))).toEqual(Array.from(runKernel(single, shape, q, k, v)));
    }
  });

  it('stays finite and exact where scores are large (the softmax subtracts each column\'s maximum)', () => {
    const shape: AttentionShape = { batch: 1, heads: 1, length: 40, headDim: 8 };
    const { q, k, v } = randomInputs(shape, 3, 40); // scores up to ~±4 500
    const got = runKernel(single, shape, q, k, v);
    expect(got.every(Number.isFinite)).toBe(true);
    expect(maxRelError(got, reference(shape, q, k, v))).toBeLessThan(1e-5);
  });
});
