import { afterAll, describe, expect, it } from 'vitest';
import { seededRandom } from '../../dsp/random';
import { hasRelaxedSimd, moduleBytes } from './emit';
import { CONV_GELU, CONV_GEMM, convGeluFunction, convGemmFunction } from './convKernels';
import { nodeKernelThread } from './nodeKernelThread';
import { type ConvShape, convOutputLength, WasmAttention } from './wasmAttention';

/** ARCHITECTURE.md §2's Conv1d on NWC data in float64: y[b, l, o] = bias[o] + Σ_t Σ_c xpad[b, l·s + t·d, c]·W[t, c, o]. */
function referenceConv(s: ConvShape, x: Float32Array, w: Float32Array, bias: Float32Array | null): Float64Array {
  const { batch, length, inChannels: cin, outChannels: cout, taps, stride, dilation, pad } = s;
  const outLength = convOutputLength(s);
  const y = new Float64Array(batch * outLength * cout);
  for (let b = 0; b < batch; b++) {
    for (let l = 0; l < outLength; l++) {
      for (let o = 0; o < cout; o++) {
        let sum = bias ? bias[o]! : 0;
        for (let t = 0; t < taps; t++) {
          const row = l * stride + t * dilation - pad[0];
          if (row < 0 || row >= length) continue;
          for (let c = 0; c < cin; c++) sum += x[(b * length + row) * cin + c]! * w[(t * cin + c) * cout + o]!;
        }
        y[(b * outLength + l) * cout + o] = sum;
      }
    }
  }
  return y;
}

const random = (n: number, seed: number) => {
  const r = seededRandom(seed);
  return Float32Array.from({ length: n }, () => 2 * r.next() - 1);
};

function maxError(got: Float32Array, want: Float64Array): number {
  expect(got.length).toBe(want.length);
  let scale = 1e-12;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    scale = Math.max(scale, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
  }
  return err / scale;
}

describe('the convolution product kernel', () => {
  for (const fma of hasRelaxedSimd() ? [false, true] : [false]) {
    // Every tail: rows not a multiple of 4, columns with an 8-, 4- and single-column remainder, k = 1.
    for (const [m, n, k] of [[9, 15, 7], [4, 8, 1], [13, 20, 33], [1, 3, 2], [6, 64, 12]] as const) {
      it(`C = init + A·B for ${m}×${k} · ${k}×${n} with a row stride, from a bias row and accumulating${fma ? ' (fused multiply-add)' : ''}`, () => {
        const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
        const kernel = (new WebAssembly.Instance(new WebAssembly.Module(moduleBytes({ initialPages: 1, maximumPages: 1, shared: false }, [convGemmFunction(fma)])), { env: { memory } }).exports as Record<string, (...args: number[]) => void>)[CONV_GEMM]!;
        const heap = new Float32Array(memory.buffer);
        const rowStride = k + 5; // rows of A overlap or leave gaps, as a convolution's do
        const [aAt, bAt, biasAt, cAt] = [0, 4096, 8192, 12288];
        heap.set(random(m * rowStride + k, m + n + k), aAt / 4);
        heap.set(random(k * n, 7 * k), bAt / 4);
        heap.set(random(n, 3), biasAt / 4);
        heap.fill(Number.NaN, cAt / 4, cAt / 4 + m * n + 8);
        const product = (init: (i: number, j: number) => number) => {
          const c = new Float64Array(m * n);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < n; j++) {
              let sum = init(i, j);
              for (let p = 0; p < k; p++) sum += heap[aAt / 4 + i * rowStride + p]! * heap[bAt / 4 + p * n + j]!;
              c[i * n + j] = sum;
            }
          }
          return c;
        };
        kernel(aAt, bAt, cAt, biasAt, 0, m, k, n, 4 * rowStride);
        const c = heap.subarray(cAt / 4, cAt / 4 + m * n);
        expect(maxError(c, product((_, j) => heap[biasAt / 4 + j]!))).toBeLessThan(1e-6);
        expect(heap[cAt / 4 + m * n]).toBeNaN(); // nothing written past C
        const before = Float32Array.from(c);
        kernel(aAt, bAt, cAt, cAt, 4 * n, m, k, n, 4 * rowStride);
        expect(maxError(c, product((i, j) => before[i * n + j]!))).toBeLessThan(1e-6);
      });
    }
  }
});

/** erf in float64: its Taylor series up to 2.5, the continued fraction of erfc beyond. */
function erf(x: number): number {
  const a = Math.abs(x);
  let value: number;
  if (a <= 2.5) {
    let term = a;
    let sum = a;
    for (let n = 1; n < 80; n++) {
      term *= (-a * a) / n;
      sum += term / (2 * n + 1);
    }
    value = (2 / Math.sqrt(Math.PI)) * sum;
  } else {
    let t = a;
    for (let n = 80; n >= 1; n--) t = a + n / 2 / t;
    value = 1 - Math.exp(-a * a) / (Math.sqrt(Math.PI) * t);
  }
  return x < 0 ? -value : value;
}

const gelu = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

describe('the GELU kernel', () => {
  it('matches the exact GELU to 3e-7 (absolute, or relative where |x| > 1), both tails included', () => {
    expect(erf(0.5)).toBeCloseTo(0.5204998778130465, 14);
    expect(erf(3)).toBeCloseTo(0.9999779095030014, 14);
    for (const fma of hasRelaxedSimd() ? [false, true] : [false]) {
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
      const kernel = (new WebAssembly.Instance(new WebAssembly.Module(moduleBytes({ initialPages: 1, maximumPages: 1, shared: false }, [convGeluFunction(fma)])), { env: { memory } }).exports as Record<string, (...args: number[]) => void>)[CONV_GELU]!;
      const heap = new Float32Array(memory.buffer);
      const xs = Float32Array.from({ length: 4001 }, (_, i) => (i - 2000) / 200); // −10 … 10
      heap.set(xs, 4);
      heap[4 + xs.length + 3] = 123; // past the rounded-up count: untouched
      kernel(16, xs.length);
      for (let i = 0; i < xs.length; i++) {
        const want = gelu(xs[i]!);
        expect(Math.abs(heap[4 + i]! - want)).toBeLessThanOrEqual(3e-7 * Math.max(1, Math.abs(xs[i]!)));
      }
      expect(heap[4 + xs.length + 3]).toBe(123);
      kernel(16, 0); // nothing to do
    }
  });
});

describe('convolutions on the generated kernels', () => {
  const cases: ConvShape[] = [
    { batch: 1, length: 50, inChannels: 1, outChannels: 32, taps: 4, stride: 1, dilation: 1, pad: [1, 2] },
    { batch: 2, length: 77, inChannels: 6, outChannels: 12, taps: 8, stride: 2, dilation: 1, pad: [3, 4] },
    { batch: 1, length: 120, inChannels: 5, outChannels: 9, taps: 16, stride: 1, dilation: 2, pad: [11, 11] },
    { batch: 2, length: 301, inChannels: 3, outChannels: 16, taps: 22, stride: 3, dilation: 4, pad: [0, 0] },
    { batch: 1, length: 40, inChannels: 16, outChannels: 3, taps: 9, stride: 5, dilation: 1, pad: [4, 4] },
  ];
  const single = new WasmAttention(false);
  const threaded = new WasmAttention(true);
  afterAll(() => {
    single.dispose();
    threaded.dispose();
  });

  const run = (engine: WasmAttention, s: ConvShape, seed: number, withBias = true, withGelu = false) => {
    const x = random(s.batch * s.length * s.inChannels, seed);
    const w = random(s.taps * s.inChannels * s.outChannels, seed + 1);
    const bias = withBias ? random(s.outChannels, seed + 2) : null;
    const want = referenceConv(s, x, w, bias);
    return { got: Float32Array.from(engine.conv(s, x, w, bias, withGelu)), want: withGelu ? want.map(gelu) : want };
  };

  for (const [index, s] of cases.entries()) {
    it(`match the float64 reference: B=${s.batch}, L=${s.length}, ${s.inChannels}→${s.outChannels}, k=${s.taps}, s=${s.stride}, d=${s.dilation}`, () => {
      const { got, want } = run(single, s, 10 * index);
      expect(maxError(got, want)).toBeLessThan(1e-6);
      const bare = run(single, s, 10 * index, false);
      expect(maxError(bare.got, bare.want)).toBeLessThan(1e-6);
      const activated = run(single, s, 10 * index, true, true);
      expect(maxError(activated.got, activated.want)).toBeLessThan(1e-6);
    });
  }

  it('give the same values with the rows split between two threads', async () => {
    expect(await threaded.attachThread(nodeKernelThread)).toBe(true);
    // Large enough to be split (small convolutions stay on one thread).
    const big: ConvShape = { batch: 2, length: 3000, inChannels: 32, outChannels: 64, taps: 4, stride: 1, dilation: 2, pad: [3, 3] };
    for (const s of [big, { ...big, dilation: 1, stride: 2 }]) {
      const a = run(threaded, s, 5, true, true);
      const b = run(single, s, 5, true, true);
      expect(Array.from(a.got)).toEqual(Array.from(b.got));
      expect(maxError(a.got, a.want)).toBeLessThan(1e-5);
    }
  });

  it('refuse inputs that do not match the shape, naming the sizes', () => {
    const s = cases[0]!;
    expect(() => single.conv(s, new Float32Array(3), random(128, 1), null)).toThrow(/input has 3 values, expected 1 × 50 × 1/);
    expect(() => single.conv({ ...s, length: 1, pad: [0, 0] }, new Float32Array(1), random(128, 1), null)).toThrow(/no output/);
  });
});
