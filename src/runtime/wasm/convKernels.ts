// The matrix product behind the model's 1-D convolutions, as WebAssembly SIMD with every size an argument (the
// convolutions of a model differ in channels, stride and dilation, and the module is made once, before any model
// is known). A 'valid' convolution of an NWC signal x [L, Cin] with a filter W [k, Cin, Cout], stride s and
// dilation d is, per tap t, a product of rows of x with W[t]:
//   y[l, o] = bias[o] + Σ_t Σ_c x[l·s + t·d, c] · W[t, c, o]
// Row l of tap t starts at x + (l·s + t·d)·Cin: a matrix with row stride s·Cin over a contiguous K = Cin. With
// d = 1 the k taps of a row are contiguous as well, and the whole convolution is one product with K = k·Cin.
//
// convGemm(a, b, c, init, initStride, m, k, n, rowStride): C[i, j] = init[i, j] + Σ_p A[i, p] · B[p, j] for i < m,
// j < n, p < k, with A[i, p] at a + i·rowStride + 4p, B row-major [k, n], C row-major [m, n], init row i at
// init + i·initStride (0: a bias row; 4n with init = c: accumulate). Pointers and strides in bytes; k ≥ 1.
// Register tiles of 4 rows × 8 columns (two f32x4 accumulators per row), then 4-column and single-column tails;
// with relaxed SIMD the multiply-add is one fused instruction.
//
// convGelu(p, count): the exact GELU of ARCHITECTURE.md §2, 0.5·x·(1 + erf(x/√2)), in place on `count` floats from
// byte p, four at a time (count is rounded up to a multiple of 4: the caller's region must allow it).
import { FunctionBuilder } from './emit';
import { exp2, Exp2Constants } from './exp2';

export const CONV_GEMM = 'convGemm';
export const CONV_GELU = 'convGelu';
const TILE_ROWS = 4;

export function convGemmFunction(fusedMultiplyAdd: boolean): FunctionBuilder {
  const f = new FunctionBuilder(CONV_GEMM, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [A, B, C, INIT, INIT_STRIDE, M, K, N, ROW_STRIDE] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const i = f.local('i32');
  const rowsEnd = f.local('i32');
  const aRow = f.local('i32');
  const cRow = f.local('i32');
  const initRow = f.local('i32');
  const jb = f.local('i32');
  const rowBytes = f.local('i32');
  const end8 = f.local('i32');
  const pb = f.local('i32');
  const end = f.local('i32');
  const ptr = f.local('i32');
  const pa = Array.from({ length: TILE_ROWS }, () => f.local('i32'));
  const accV = Array.from({ length: TILE_ROWS }, () => [f.local('v128'), f.local('v128')]);
  const accS = Array.from({ length: TILE_ROWS }, () => f.local('f32'));
  const bV = [f.local('v128'), f.local('v128')];
  const aV = f.local('v128');
  const bS = f.local('f32');

  /** One register tile: `rows` rows from aRow, `width` (8, 4 or 1) columns from byte jb. */
  const tile = (rows: number, width: 8 | 4 | 1) => {
    const vectors = width === 1 ? 0 : width / 4;
    // Start values from init.
    f.get(initRow).get(jb).op('i32.add').set(ptr);
    for (let r = 0; r < rows; r++) {
      if (r > 0) f.add(ptr, { local: INIT_STRIDE });
      if (width === 1) f.get(ptr).f32Load().set(accS[r]!);
      else for (let v = 0; v < vectors; v++) f.get(ptr).v128Load(16 * v).set(accV[r]![v]!);
    }
    // Row pointers into A, B's column block, and where row 0's reduction ends.
    f.get(aRow).set(pa[0]!);
    for (let r = 1; r < rows; r++) f.get(pa[r - 1]!).get(ROW_STRIDE).op('i32.add').set(pa[r]!);
    f.get(B).get(jb).op('i32.add').set(pb);
    f.get(K).i32(4).op('i32.mul').get(aRow).op('i32.add').set(end);
    f.loop(() => {
      if (width === 1) f.get(pb).f32Load().set(bS);
      else for (let v = 0; v < vectors; v++) f.get(pb).v128Load(16 * v).set(bV[v]!);
      for (let r = 0; r < rows; r++) {
        if (width === 1) {
          f.get(accS[r]!).get(pa[r]!).f32Load().get(bS).op('f32.mul', 'f32.add').set(accS[r]!);
        } else {
          f.get(pa[r]!).splatLoad().set(aV);
          for (let v = 0; v < vectors; v++) {
            if (fusedMultiplyAdd) f.get(aV).get(bV[v]!).get(accV[r]![v]!).op('f32x4.relaxed_madd');
            else f.get(accV[r]![v]!).get(aV).get(bV[v]!).op('f32x4.mul', 'f32x4.add');
            f.set(accV[r]![v]!);
          }
        }
        f.add(pa[r]!, 4);
      }
      f.add(pb, { local: rowBytes });
      f.get(pa[0]!).get(end).op('i32.ne').brIf(0);
    });
    // Stores.
    f.get(cRow).get(jb).op('i32.add').set(ptr);
    for (let r = 0; r < rows; r++) {
      if (r > 0) f.add(ptr, { local: rowBytes });
      if (width === 1) f.get(ptr).get(accS[r]!).f32Store();
      else for (let v = 0; v < vectors; v++) f.get(ptr).get(accV[r]![v]!).v128Store(16 * v);
    }
  };

  /** Every column of `rows` rows from aRow: 8-wide tiles, then a 4-wide one, then single columns. */
  const rowBlock = (rows: number) => {
    f.forRange(jb, 0, { local: end8 }, 32, () => tile(rows, 8));
    f.get(jb).i32(16).op('i32.add').get(rowBytes).op('i32.gt_s');
    f.ifThen(
      () => undefined,
      () => {
        tile(rows, 4);
        f.add(jb, 16);
      },
    );
    f.forRange(jb, { local: jb }, { local: rowBytes }, 4, () => tile(rows, 1));
  };

  const advance = (rows: number) => {
    for (let r = 0; r < rows; r++) {
      f.add(aRow, { local: ROW_STRIDE });
      f.add(cRow, { local: rowBytes });
      f.add(initRow, { local: INIT_STRIDE });
    }
  };

  f.get(N).i32(4).op('i32.mul').set(rowBytes);
  f.get(rowBytes).i32(28).op('i32.sub').set(end8); // jb < 4n − 28 ⇔ jb + 32 ≤ 4n
  f.get(A).set(aRow);
  f.get(C).set(cRow);
  f.get(INIT).set(initRow);
  f.get(M).i32(TILE_ROWS - 1).op('i32.sub').set(rowsEnd); // i < m − 3 ⇔ i + 4 ≤ m
  f.forRange(i, 0, { local: rowsEnd }, TILE_ROWS, () => {
    rowBlock(TILE_ROWS);
    advance(TILE_ROWS);
  });
  f.forRange(i, { local: i }, { local: M }, 1, () => {
    rowBlock(1);
    advance(1);
  });
  return f;
}

/**
 * erfc(a) = 1 − erf(a) for a ≥ 0 as t·P(t)·e^(−a²) with t = 1/(1 + p·a): Abramowitz & Stegun 7.1.26 (|error| of erf
 * ≤ 1.5e-7). GELU takes 1 + erf(z) as erfc(|z|) for z < 0 and 2 − erfc(z) otherwise, so that the negative side,
 * where 1 + erf(z) is tiny, is computed without cancellation.
 */
const ERFC_P = 0.3275911;
const ERFC_POLY = [0.254829592, -0.284496736, 1.421413741, -1.453152027, 1.061405429];

export function convGeluFunction(fusedMultiplyAdd: boolean): FunctionBuilder {
  const f = new FunctionBuilder(CONV_GELU, ['i32', 'i32']);
  const [P, COUNT] = [0, 1];
  const end = f.local('i32');
  const [x, z, a, t, poly, e, y] = f.newLocals('v128', 7);
  const k = new Exp2Constants(f);
  const [zero, half, one, two, invSqrt2, p, minusLog2e] = f.newLocals('v128', 7);
  const c = ERFC_POLY.map(() => f.local('v128'));
  k.set();
  f.f32x4(0).set(zero).f32x4(0.5).set(half).f32x4(1).set(one).f32x4(2).set(two).f32x4(Math.SQRT1_2).set(invSqrt2).f32x4(ERFC_P).set(p).f32x4(-Math.LOG2E).set(minusLog2e);
  ERFC_POLY.forEach((v, i) => f.f32x4(v).set(c[i]!));
  const madd = (acc: number, mul: number, add: number) => {
    // acc·mul + add
    if (fusedMultiplyAdd) f.get(acc).get(mul).get(add).op('f32x4.relaxed_madd');
    else f.get(acc).get(mul).op('f32x4.mul').get(add).op('f32x4.add');
  };
  f.get(COUNT).i32(4).op('i32.mul').get(P).op('i32.add').set(end);
  f.get(P).get(end).op('i32.lt_s');
  f.ifThen(() =>
    f.loop(() => {
      f.get(P).v128Load().tee(x).get(invSqrt2).op('f32x4.mul').tee(z).op('f32x4.abs').set(a);
      // t = 1 / (1 + p·a)
      f.get(one);
      madd(a, p, one);
      f.op('f32x4.div').set(t);
      // P(t) by Horner, times t
      f.get(c[4]!).set(poly);
      for (let i = 3; i >= 0; i--) {
        madd(poly, t, c[i]!);
        f.set(poly);
      }
      f.get(poly).get(t).op('f32x4.mul').set(poly);
      // e^(−a²) = 2^(−a²·log2 e)
      f.get(a).get(a).op('f32x4.mul').get(minusLog2e).op('f32x4.mul').set(e);
      exp2(f, k, e, y, fusedMultiplyAdd);
      f.get(poly).op('f32x4.mul').set(e); // erfc(|z|)
      // 1 + erf(z): erfc(|z|) where z < 0, else 2 − erfc(|z|)
      f.get(e).get(two).get(e).op('f32x4.sub').get(z).get(zero).op('f32x4.lt', 'v128.bitselect').set(y);
      f.get(P).get(x).get(half).op('f32x4.mul').get(y).op('f32x4.mul').v128Store();
      f.add(P, 16);
      f.get(P).get(end).op('i32.lt_s').brIf(0);
    }),
  );
  return f;
}
