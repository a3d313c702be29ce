import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../dsp/random';
import { hasRelaxedSimd, moduleBytes, sleb, uleb } from './emit';
import { gemmFunction } from './gemm';

describe('the WebAssembly emitter', () => {
  it('encodes LEB128 as the binary format wants', () => {
    expect(uleb(0)).toEqual([0]);
    expect(uleb(127)).toEqual([0x7f]);
    expect(uleb(128)).toEqual([0x80, 0x01]);
    expect(uleb(624485)).toEqual([0xe5, 0x8e, 0x26]);
    expect(sleb(-1)).toEqual([0x7f]);
    expect(sleb(63)).toEqual([0x3f]);
    expect(sleb(64)).toEqual([0xc0, 0x00]);
    expect(sleb(-123456)).toEqual([0xc0, 0xbb, 0x78]);
  });
});

/** C = init + A·B by the strides of gemm.ts, in float64. */
function reference(a: Float32Array, rowStride: number, kStride: number, b: Float32Array, ldb: number, init: Float32Array, initStride: number, m: number, n: number, k: number): Float64Array {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = init[i * initStride + j]!;
      for (let p = 0; p < k; p++) sum += a[i * rowStride + p * kStride]! * b[p * ldb + j]!;
      c[i * n + j] = sum;
    }
  }
  return c;
}

describe('generated matrix products', () => {
  // Shapes with every kind of tail: rows not a multiple of the tile, columns with a 4-wide and scalar remainder.
  const cases = [
    { m: 9, n: 15, k: 7 },
    { m: 4, n: 8, k: 1 },
    { m: 13, n: 20, k: 33 },
  ];
  for (const fma of hasRelaxedSimd() ? [false, true] : [false]) {
    for (const { m, n, k } of cases) {
      for (const layout of ['NN', 'TN'] as const) {
        it(`${layout} ${m}×${k} · ${k}×${n}${fma ? ' (fused multiply-add)' : ''}, with a bias row and accumulating`, () => {
          const r = seededRandom(m * 100 + n * 10 + k);
          const ldb = n + 3; // B and C wider than the columns computed: a call computes a block of columns
          const ldc = n + 1;
          // NN: A row-major [m, k]; TN: A is Aᵀ of a row-major [k, m].
          const rowStride = layout === 'NN' ? k : 1;
          const kStride = layout === 'NN' ? 1 : m;
          const fn = gemmFunction({ name: 'gemm', n, ldb, ldc, rowStride: 4 * rowStride, kStride: 4 * kStride, tileRows: 4, tileVectors: 2, fusedMultiplyAdd: fma });
          const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
          const { gemm } = new WebAssembly.Instance(new WebAssembly.Module(moduleBytes({ initialPages: 1, maximumPages: 1, shared: false }, [fn])), { env: { memory } }).exports as { gemm: (...args: number[]) => void };
          const heap = new Float32Array(memory.buffer);
          const [aAt, bAt, biasAt, cAt] = [0, 4096, 8192, 12288];
          // Random values written into the module's memory (views, not copies).
          const random = (at: number, count: number, draw: () => number) => {
            const view = heap.subarray(at / 4, at / 4 + count);
            for (let i = 0; i < count; i++) view[i] = draw();
            return view;
          };
          const a = random(aAt, m * k, () => 2 * r.next() - 1);
          const b = random(bAt, k * ldb, () => 2 * r.next() - 1);
          const bias = random(biasAt, n, () => r.next());
          const c = heap.subarray(cAt / 4, cAt / 4 + m * ldc).fill(Number.NaN);
          gemm(aAt, bAt, cAt, biasAt, 0, m, k);
          const first = reference(a, rowStride, kStride, b, ldb, bias, 0, m, n, k);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) expect(c[i * ldc + j]).toBeCloseTo(first[i * n + j]!, 5);
            // Columns past n are left alone.
            for (let j = n; j < ldc; j++) expect(c[i * ldc + j]).toBeNaN();
          }
          // Accumulate: init = C itself.
          const before = Float32Array.from(c);
          gemm(aAt, bAt, cAt, cAt, 4 * ldc, m, k);
          const second = reference(a, rowStride, kStride, b, ldb, before, ldc, m, n, k);
          for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) expect(c[i * ldc + j]).toBeCloseTo(second[i * n + j]!, 5);
        });
      }
    }
  }
});
