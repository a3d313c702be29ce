// Matrix products for head training as WebAssembly SIMD, generated for fixed shapes: register tiles of a few
// rows × a few f32x4 columns, the reduction innermost, A's values broadcast from memory
// (v128.load32_splat), B's read as vectors. With relaxed SIMD the multiply-add is one fused instruction.
//
// One generator covers both products the head needs, by strides: C[i, j] = init[i, j] + Σ_p A(i, p)·B[p, j] with
// A(i, p) at a + i·rowStride + p·kStride (bytes). "NN" (A row-major [M, K]): rowStride = 4·K, kStride = 4; "TN"
// (Aᵀ of a row-major [K, M]): rowStride = 4, kStride = 4·M. B is row-major with `n` columns, C too. `init` gives
// each output row's start values: a bias row (initStride 0), C itself (accumulate) or zeros.
import { FunctionBuilder } from './emit';

export interface GemmShape {
  /** Export name. */
  readonly name: string;
  /** Columns of C computed per call (constant). */
  readonly n: number;
  /** Row length of B in floats, if more than n (a call then computes a block of columns). */
  readonly ldb?: number;
  /** Row length of C in floats, if more than n. */
  readonly ldc?: number;
  readonly rowStride: number;
  readonly kStride: number;
  /** Rows per register tile (the last rows of an M that is not a multiple go one at a time). */
  readonly tileRows: number;
  /** f32x4 vectors per tile row (tile columns = 4 × this). */
  readonly tileVectors: number;
  readonly fusedMultiplyAdd: boolean;
}

/**
 * gemm(a, b, c, init, initStride, m, k): the function described above. Pointers and strides in bytes; m and k are
 * counts (k ≥ 1).
 */
export function gemmFunction(s: GemmShape): FunctionBuilder {
  const f = new FunctionBuilder(s.name, ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [A, B, C, INIT, INIT_STRIDE, M, K] = [0, 1, 2, 3, 4, 5, 6];
  const i = f.local('i32');
  const aRow = f.local('i32');
  const cRow = f.local('i32');
  const initRow = f.local('i32');
  const j = f.local('i32');
  const pa = f.local('i32');
  const pb = f.local('i32');
  const end = f.local('i32');
  const ptr = f.local('i32');
  const ldb = 4 * (s.ldb ?? s.n);
  const ldc = 4 * (s.ldc ?? s.n);
  const tileCols = 4 * s.tileVectors;
  const mainCols = s.n - (s.n % tileCols);
  const maxRows = s.tileRows;
  const accV = Array.from({ length: maxRows }, () => Array.from({ length: s.tileVectors }, () => f.local('v128')));
  const accS = Array.from({ length: maxRows }, () => f.local('f32'));
  const bV = Array.from({ length: s.tileVectors }, () => f.local('v128'));
  const aV = f.local('v128');
  const bS = f.local('f32');

  /** One register tile: `rows` rows from i, `width` columns from byte j + col (width a multiple of 4, or 1). */
  const tile = (rows: number, col: number, width: number) => {
    const vectors = width === 1 ? 0 : width / 4;
    // Start values.
    f.get(initRow).get(j).op('i32.add').set(ptr);
    for (let r = 0; r < rows; r++) {
      if (r > 0) f.add(ptr, { local: INIT_STRIDE });
      if (width === 1) f.get(ptr).f32Load(col).set(accS[r]!);
      else for (let v = 0; v < vectors; v++) f.get(ptr).v128Load(col + 16 * v).set(accV[r]![v]!);
    }
    // The reduction.
    f.get(aRow).set(pa);
    f.get(B).get(j).op('i32.add').set(pb);
    f.get(K).i32(s.kStride).op('i32.mul').get(pa).op('i32.add').set(end);
    f.loop(() => {
      if (width === 1) f.get(pb).f32Load(col).set(bS);
      else for (let v = 0; v < vectors; v++) f.get(pb).v128Load(col + 16 * v).set(bV[v]!);
      for (let r = 0; r < rows; r++) {
        if (width === 1) {
          f.get(accS[r]!).get(pa).f32Load(r * s.rowStride).get(bS).op('f32.mul', 'f32.add').set(accS[r]!);
          continue;
        }
        f.get(pa).splatLoad(r * s.rowStride).set(aV);
        for (let v = 0; v < vectors; v++) {
          if (s.fusedMultiplyAdd) f.get(aV).get(bV[v]!).get(accV[r]![v]!).op('f32x4.relaxed_madd');
          else f.get(accV[r]![v]!).get(aV).get(bV[v]!).op('f32x4.mul', 'f32x4.add');
          f.set(accV[r]![v]!);
        }
      }
      f.add(pa, s.kStride).add(pb, ldb);
      f.get(pa).get(end).op('i32.ne').brIf(0);
    });
    // Stores.
    f.get(cRow).get(j).op('i32.add').set(ptr);
    for (let r = 0; r < rows; r++) {
      if (width === 1) f.get(ptr).get(accS[r]!).f32Store(col + r * ldc);
      else for (let v = 0; v < vectors; v++) f.get(ptr).get(accV[r]![v]!).v128Store(col + 16 * v + r * ldc);
    }
  };

  /** All columns of `rows` rows starting at row i. */
  const rowBlock = (rows: number) => {
    f.forRange(j, 0, mainCols * 4, tileCols * 4, () => tile(rows, 0, tileCols));
    // Column tail at fixed offsets (j = mainCols·4 after the loop).
    let col = 0;
    for (let t = 0; t < Math.floor((s.n % tileCols) / 4); t++, col += 16) tile(rows, col, 4);
    for (let t = 0; t < s.n % 4; t++, col += 4) tile(rows, col, 1);
  };

  const advance = (rows: number) => {
    f.add(i, rows);
    f.add(aRow, rows * s.rowStride);
    f.add(cRow, rows * ldc);
    f.get(initRow).get(INIT_STRIDE).i32(rows).op('i32.mul', 'i32.add').set(initRow);
  };

  f.i32(0).set(i);
  f.get(A).set(aRow);
  f.get(C).set(cRow);
  f.get(INIT).set(initRow);
  // Full tiles, then the remaining rows one by one.
  f.block(() =>
    f.loop(() => {
      f.get(i).i32(maxRows).op('i32.add').get(M).op('i32.gt_s').brIf(1);
      rowBlock(maxRows);
      advance(maxRows);
      f.br(0);
    }),
  );
  f.block(() =>
    f.loop(() => {
      f.get(i).get(M).op('i32.ge_s').brIf(1);
      rowBlock(1);
      advance(1);
      f.br(0);
    }),
  );
  return f;
}
