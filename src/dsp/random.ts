// A small seeded PRNG (mulberry32) for reproducible masks, shuffles and splits. Not numpy's generator: runs
// are reproducible within this app, and the parity test uses an explicit component list instead of a seed.

export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** Index drawn with the given (unnormalised, non-negative) weights. */
  choice(weights: readonly number[]): number;
}

export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.min(n - 1, Math.floor(next() * n)),
    choice(weights) {
      const total = weights.reduce((a, b) => a + b, 0);
      if (!(total > 0)) throw new RangeError('choice needs at least one positive weight');
      let u = next() * total;
      for (let i = 0; i < weights.length; i++) {
        u -= weights[i]!;
        if (u < 0) return i;
      }
      return weights.length - 1;
    },
  };
}

/**
 * The stream numbered `index` of a run seeded `seed` (e.g. the draws of one training step): a function of the three
 * numbers alone, so a run resumed at any index draws what an uninterrupted one would. `stream` tells apart the kinds
 * of draws (window order, masks, …) made for the same index.
 */
export function keyedRandom(seed: number, stream: number, index: number): Random {
  return seededRandom((Math.imul(seed, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca6b) ^ Math.imul(stream, 0xc2b2ae35)) >>> 0);
}

/**
 * A draw from Beta(α, α) (Jöhnk's method: u^(1/α) and v^(1/α) until their sum is at most 1; the mean acceptance is
 * above 1/2 for α ≤ 1 and falls for larger α, so it suits the small α of mixup).
 */
export function betaSample(random: Random, alpha: number): number {
  if (!(alpha > 0)) throw new RangeError(`a Beta distribution needs α > 0, got ${alpha}`);
  for (;;) {
    const x = random.next() ** (1 / alpha);
    const y = random.next() ** (1 / alpha);
    if (x + y <= 1 && x + y > 0) return x / (x + y);
  }
}

/** Fisher–Yates shuffle of a copy. */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
