// Compares computed tensors with reference tensors of the same name, by the reference pack's acceptance test
// (`max|ours − ref| ≤ tolerance · max|ref|`, ../shared/reference/specmoe/README.md "Tolerances").

export interface ComparedTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly maxAbsDiff: number;
  /** max|ours − ref| / max|ref|. */
  readonly relToAbsmax: number;
  readonly ok: boolean;
}

interface Values {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** The pack's recommended tolerance for float32 implementations. */
export const PARITY_TOLERANCE = 1e-4;

/**
 * Every output that has a reference of the same name and element count (a batch axis squeezed away by the
 * reference, as PyTorch's B = 1 SpecMoE does, is compared after flattening: ARCHITECTURE.md §12).
 */
export function compareWithReferences(outputs: ReadonlyMap<string, Values>, references: ReadonlyMap<string, Values>, tolerance = PARITY_TOLERANCE): ComparedTensor[] {
  const rows: ComparedTensor[] = [];
  for (const [name, ours] of outputs) {
    const ref = references.get(name);
    if (!ref || ref.data.length !== ours.data.length) continue;
    let maxAbsDiff = 0;
    let maxRef = 0;
    for (let i = 0; i < ref.data.length; i++) {
      const diff = Math.abs(ours.data[i]! - ref.data[i]!);
      if (!(diff <= maxAbsDiff)) maxAbsDiff = Number.isNaN(diff) ? Infinity : diff; // a NaN is a failure, not a skip
      maxRef = Math.max(maxRef, Math.abs(ref.data[i]!));
    }
    const relToAbsmax = maxRef > 0 ? maxAbsDiff / maxRef : maxAbsDiff;
    rows.push({ name, shape: ours.shape, maxAbsDiff, relToAbsmax, ok: relToAbsmax <= tolerance });
  }
  return rows;
}

export function formatComparison(rows: readonly ComparedTensor[], tolerance = PARITY_TOLERANCE): string {
  const width = Math.max(6, ...rows.map((r) => r.name.length));
  const lines = rows.map(
    (r) => `${r.name.padEnd(width)}  ${`[${r.shape.join(', ')}]`.padEnd(16)}  ${r.maxAbsDiff.toExponential(2).padStart(9)}  ${r.relToAbsmax.toExponential(2).padStart(9)}  ${r.ok ? 'ok' : 'FAIL'}`,
  );
  return [`${'tensor'.padEnd(width)}  ${'shape'.padEnd(16)}  ${'max|Δ|'.padStart(9)}  ${'rel'.padStart(9)}  (tolerance ${tolerance})`, ...lines].join('\n');
}
