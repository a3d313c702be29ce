// Decimation for drawing: the min and max of the samples that fall in each pixel column, so a page of any length is
// drawn with ~2 points per column and no spike is lost.

export interface MinMax {
  readonly min: Float32Array;
  readonly max: Float32Array;
}

export function minMaxColumns(signal: ArrayLike<number>, columns: number): MinMax {
  const n = signal.length;
  const cols = Math.max(1, Math.min(columns, n));
  const min = new Float32Array(cols);
  const max = new Float32Array(cols);
  for (let c = 0; c < cols; c++) {
    const from = Math.floor((c * n) / cols);
    const to = Math.max(from + 1, Math.floor(((c + 1) * n) / cols));
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = from; i < to; i++) {
      const v = signal[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    min[c] = lo;
    max[c] = hi;
  }
  return { min, max };
}
