// The transformer's attention (ARCHITECTURE.md §4 steps 4–6) as one generated WebAssembly SIMD function per head
// width: scores, the softmax over the QUERY axis of every key column with the zeroed diagonal, and the product with
// V, for one (batch item, head) per call, in blocks of `blockKeys` keys; the L × L score matrix never exists.
//
// Per block of keys J the scores are kept transposed, Sᵀ[i, r] for query i and key J₀ + r ([L, blockKeys], ~250 KB
// at L = 3 800: it stays in the core's L2 cache), so that a vector holds four keys: the column maxima and the
// normalising sums of the softmax (over i) are then plain vector maxima and sums down the rows, with no
// horizontal reductions. Then, with V′[r] = V[J₀ + r] / Z_r, O[i] += Σ_r exp(Sᵀ[i, r] − m_r)·V′[r], accumulated in
// the output rows (already in the heads-merged layout of step 7). Each score is computed and exponentiated once.
//
// Inputs, prepared by the caller (wasmAttention.ts): Q after RoPE and scaled by QUERY_SCALE, row-major [L, hd]; K after
// RoPE, per block transposed [hd, blockKeys] (keys padded with zeros to whole blocks); V after RoPE, [blocks ·
// blockKeys, hd] (zero rows past L). Padded keys get scores 0 and V′ = 0: they add nothing.
import { FunctionBuilder, moduleBytes, type MemoryImport } from './emit';
import { exp2, Exp2Constants } from './exp2';

/** Keys per block: 4 vectors of keys (the score tile's accumulators and the column maxima fit in 16 registers). */
export const BLOCK_KEYS = 16;

/** Head widths with a kernel (multiples of 4); others run on tfjs. */
export const HEAD_DIMS = [4, 8, 16, 32] as const;

export const attendName = (headDim: number) => `attend${headDim}`;

/** Q is scaled by log2(e)/√hd: the scores come out in base-2 logits, and the softmax takes 2^x (exp2 below). */
export const queryScale = (headDim: number) => Math.LOG2E / Math.sqrt(headDim);

/** Floats of the per-thread scratch beside Sᵀ: V′ [blockKeys, hd], then 1/Z and the column maxima per key. */
export const scratchFloats = (headDim: number) => BLOCK_KEYS * (headDim + 2);

interface Tiles {
  /** Queries per register tile of the score pass. */
  readonly scoreRows: number;
  /** Queries per register tile of the V product. */
  readonly productRows: number;
}

/** Register tiles within the 15 vector registers V8 allocates on x64 (accumulators + operands). */
function tiles(headDim: number): Tiles {
  const vectors = headDim / 4;
  return { scoreRows: 2, productRows: Math.max(1, Math.min(4, Math.floor(8 / vectors))) };
}

/**
 * attend{hd}(q, kb, v, out, st, scratch, length, blocks, outRowBytes): out[i·outRowBytes + 4e] += O[i, e] for
 * i < length (the caller zeroes `out` first). Pointers in bytes; st holds length × BLOCK_KEYS floats, scratch
 * scratchFloats(hd).
 */
function attendFunction(headDim: number, fma: boolean): FunctionBuilder {
  const f = new FunctionBuilder(attendName(headDim), ['i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32']);
  const [Q, KB, V, OUT, ST, SCRATCH, LENGTH, BLOCKS, OUT_ROW] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const n = BLOCK_KEYS;
  const kv = n / 4; // key vectors per row of Sᵀ
  const hv = headDim / 4; // vectors per row of V
  const { scoreRows, productRows } = tiles(headDim);
  const rowBytes = 4 * n;
  const vPrime = 0;
  const invAt = 4 * n * headDim;
  const maxAt = invAt + 4 * n;

  const [blk, j0, jEnd, i, to, pq, pst, pk, pv, po, ptr] = f.newLocals('i32', 11);
  const rowPtr = Array.from({ length: productRows }, () => f.local('i32'));
  const acc = Array.from({ length: Math.max(scoreRows * kv, productRows * hv) }, () => f.local('v128'));
  const a = Array.from({ length: scoreRows }, () => f.local('v128'));
  const b = Array.from({ length: hv }, () => f.local('v128'));
  const [m, z, t, y] = f.newLocals('v128', 4);
  const k = new Exp2Constants(f);

  const madd = (sum: number, x: number, w: number) => {
    if (fma) f.get(x).get(w).get(sum).op('f32x4.relaxed_madd');
    else f.get(sum).get(x).get(w).op('f32x4.mul', 'f32x4.add');
    f.set(sum);
  };

  /** Tiles of `rows` queries from i while i + rows ≤ to, then single queries; `step(rows)` emits one tile. */
  const tiledRows = (rows: number, step: (r: number) => void, advance: (r: number) => void) => {
    f.block(() =>
      f.loop(() => {
        f.get(i).i32(rows).op('i32.add').get(to).op('i32.gt_s').brIf(1);
        step(rows);
        advance(rows);
        f.br(0);
      }),
    );
    f.block(() =>
      f.loop(() => {
        f.get(i).get(to).op('i32.ge_s').brIf(1);
        step(1);
        advance(1);
        f.br(0);
      }),
    );
  };

  /**
   * Column maxima of Sᵀ rows [0, length) into scratch, starting from 0: every real key's column holds its zeroed
   * diagonal, and a padded key's column only zeros, so 0 is in every column anyway.
   */
  const maxima = () => {
    for (let v = 0; v < kv; v++) f.f32x4(0).set(acc[v]!);
    f.get(ST).set(pst);
    f.forRange(i, 0, { local: LENGTH }, 1, () => {
      for (let v = 0; v < kv; v++) f.get(pst).v128Load(16 * v).get(acc[v]!).op('f32x4.pmax').set(acc[v]!);
      f.add(pst, rowBytes);
    });
    for (let v = 0; v < kv; v++) f.get(SCRATCH).get(acc[v]!).v128Store(maxAt + 16 * v);
  };

  /** Sᵀ rows [i, to) of the block. */
  const scores = () => {
    f.get(Q).get(i).i32(4 * headDim).op('i32.mul', 'i32.add').set(pq);
    f.get(ST).get(i).i32(rowBytes).op('i32.mul', 'i32.add').set(pst);
    tiledRows(
      scoreRows,
      (rows) => {
        for (let q = 0; q < rows; q++) for (let v = 0; v < kv; v++) f.f32x4(0).set(acc[q * kv + v]!);
        for (let d = 0; d < headDim; d++) {
          for (let q = 0; q < rows; q++) f.get(pq).splatLoad(4 * (q * headDim + d)).set(a[q]!);
          for (let v = 0; v < kv; v++) {
            f.get(pk).v128Load(4 * d * n + 16 * v).set(b[0]!);
            for (let q = 0; q < rows; q++) madd(acc[q * kv + v]!, a[q]!, b[0]!);
          }
        }
        for (let q = 0; q < rows; q++) for (let v = 0; v < kv; v++) f.get(pst).get(acc[q * kv + v]!).v128Store(q * rowBytes + 16 * v);
      },
      (rows) => f.add(i, rows).add(pq, 4 * rows * headDim).add(pst, rows * rowBytes),
    );
  };

  f.forRange(blk, 0, { local: BLOCKS }, 1, () => {
    f.get(blk).i32(n).op('i32.mul').set(j0);
    f.get(j0).i32(n).op('i32.add').tee(jEnd).get(LENGTH).op('i32.gt_s');
    f.ifThen(() => f.get(LENGTH).set(jEnd));
    f.get(KB).get(blk).i32(4 * headDim * n).op('i32.mul', 'i32.add').set(pk);
    // Scores of all queries; the diagonal logit is 0, not −∞ (§4 step 4): Sᵀ[J₀ + r, r] = 0.
    f.i32(0).set(i).get(LENGTH).set(to);
    scores();
    f.get(ST).get(j0).i32(rowBytes).op('i32.mul', 'i32.add').set(ptr);
    f.get(j0).set(i);
    f.block(() =>
      f.loop(() => {
        f.get(i).get(jEnd).op('i32.ge_s').brIf(1);
        f.get(ptr).f32(0).f32Store();
        f.add(i, 1).add(ptr, rowBytes + 4).br(0);
      }),
    );
    maxima();
    // 2^(Sᵀ − m) in place and the column sums Z, one vector of keys at a time (registers: m, Z and exp2's).
    k.set();
    for (let v = 0; v < kv; v++) {
      f.get(SCRATCH).v128Load(maxAt + 16 * v).set(m);
      f.f32x4(0).set(z);
      f.get(ST).set(pst);
      f.forRange(i, 0, { local: LENGTH }, 1, () => {
        f.get(pst).v128Load(16 * v).get(m).op('f32x4.sub').set(t);
        exp2(f, k, t, y, fma);
        f.tee(t).get(z).op('f32x4.add').set(z);
        f.get(pst).get(t).v128Store(16 * v);
        f.add(pst, rowBytes);
      });
      // 1/Z per key.
      f.get(SCRATCH).f32x4(1).get(z).op('f32x4.div').v128Store(invAt + 16 * v);
    }
    // V′[r] = V[J₀ + r] / Z_r.
    f.get(V).get(j0).i32(4 * headDim).op('i32.mul', 'i32.add').set(pv);
    for (let r = 0; r < n; r++) {
      f.get(SCRATCH).splatLoad(invAt + 4 * r).set(t);
      for (let h = 0; h < hv; h++) f.get(SCRATCH).get(pv).v128Load(4 * (r * headDim) + 16 * h).get(t).op('f32x4.mul').v128Store(vPrime + 4 * r * headDim + 16 * h);
    }
    // O[i] += Σ_r Eᵀ[i, r]·V′[r], into the output rows.
    f.i32(0).set(i).get(LENGTH).set(to);
    f.get(ST).set(pst);
    f.get(OUT).set(po);
    tiledRows(
      productRows,
      (rows) => {
        f.get(po).set(rowPtr[0]!);
        for (let q = 1; q < rows; q++) f.get(rowPtr[q - 1]!).get(OUT_ROW).op('i32.add').set(rowPtr[q]!);
        for (let q = 0; q < rows; q++) for (let h = 0; h < hv; h++) f.get(rowPtr[q]!).v128Load(16 * h).set(acc[q * hv + h]!);
        for (let r = 0; r < n; r++) {
          for (let h = 0; h < hv; h++) f.get(SCRATCH).v128Load(vPrime + 4 * r * headDim + 16 * h).set(b[h]!);
          for (let q = 0; q < rows; q++) {
            f.get(pst).splatLoad(q * rowBytes + 4 * r).set(a[0]!);
            for (let h = 0; h < hv; h++) madd(acc[q * hv + h]!, a[0]!, b[h]!);
          }
        }
        for (let q = 0; q < rows; q++) for (let h = 0; h < hv; h++) f.get(rowPtr[q]!).get(acc[q * hv + h]!).v128Store(16 * h);
      },
      (rows) => {
        f.add(i, rows).add(pst, rows * rowBytes);
        f.get(po).get(OUT_ROW).i32(rows).op('i32.mul', 'i32.add').set(po);
      },
    );
  });
  return f;
}

/** The module: one attend function per head width of HEAD_DIMS (and `more` functions), on an imported memory. */
export function attentionKernelBytes(memory: MemoryImport, fusedMultiplyAdd: boolean, more: readonly FunctionBuilder[] = []): Uint8Array<ArrayBuffer> {
  return moduleBytes(memory, [...HEAD_DIMS.map((hd) => attendFunction(hd, fusedMultiplyAdd)), ...more]);
}

export const ATTENTION_KERNELS = HEAD_DIMS.map(attendName);
