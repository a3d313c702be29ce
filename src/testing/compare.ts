// Tensor comparison used by the parity tests and the `forward` CLI: the fixtures README's acceptance measure.

/** max|a − ref| / max|ref| (0 when both are all zero). */
export function relToAbsMax(a: ArrayLike<number>, ref: ArrayLike<number>): number {
  if (a.length !== ref.length) throw new RangeError(`compare: ${a.length} values vs ${ref.length} in the reference`);
  let diff = 0;
  let max = 0;
  for (let i = 0; i < ref.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - ref[i]!));
    max = Math.max(max, Math.abs(ref[i]!));
  }
  if (Number.isNaN(diff)) return NaN;
  return max === 0 ? diff : diff / max;
}
