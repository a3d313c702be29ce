// AdamW (decoupled weight decay, as torch.optim.AdamW) with global-norm gradient clipping and a cosine learning-rate
// schedule — the pretraining recipe of ARCHITECTURE.md §8. Written out (not tf.train.adam) so its moments are plain
// named tensors that a checkpoint can save and a resumed run can load.
import * as tf from '@tensorflow/tfjs';

export interface AdamWOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly weightDecay: number;
}

export const PAPER_ADAMW: AdamWOptions = { learningRate: 1e-3, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05 };

/** Cosine annealing from lr0 to lrMin over `total` steps (CosineAnnealingLR). */
export function cosineLearningRate(step: number, total: number, lr0: number, lrMin: number): number {
  const t = Math.min(step, total);
  return lrMin + 0.5 * (lr0 - lrMin) * (1 + Math.cos((Math.PI * t) / total));
}

/** Scales gradients so their global L2 norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(grads: Record<string, tf.Tensor>, maxNorm: number): number {
  const norm = Math.sqrt(tf.tidy(() => tf.addN(Object.values(grads).map((g) => tf.sum(tf.square(g)))).dataSync()[0]!));
  if (norm > maxNorm) {
    const factor = maxNorm / (norm + 1e-6);
    for (const key of Object.keys(grads)) {
      const scaled = tf.mul(grads[key]!, factor);
      grads[key]!.dispose();
      grads[key] = scaled;
    }
  }
  return norm;
}

export class AdamW {
  /** Number of updates applied so far. */
  step = 0;
  readonly moments = new Map<string, { m: tf.Tensor; v: tf.Tensor }>();

  constructor(readonly options: AdamWOptions) {}

  /**
   * Applies one update to `variables` (keyed by a stable name) with `grads` (same keys) at learning rate lr.
   * `stepScale(name)` multiplies that variable's Adam step but not its decay: for Adam this is training W/s in place
   * of W on an input s times larger (a reparametrisation; the gradient's scale cancels in m/√v), see
   * FullFinetuneSettings.gateWeightScale.
   */
  apply(variables: ReadonlyMap<string, tf.Variable>, grads: Record<string, tf.Tensor>, lr: number, stepScale: (name: string) => number = () => 1): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    for (const [name, variable] of variables) {
      const g = grads[name];
      if (!g) continue;
      const old = this.moments.get(name) ?? { m: tf.zerosLike(variable), v: tf.zerosLike(variable) };
      const m = tf.tidy(() => tf.add(tf.mul(old.m, beta1), tf.mul(g, 1 - beta1)));
      const v = tf.tidy(() => tf.add(tf.mul(old.v, beta2), tf.mul(tf.square(g), 1 - beta2)));
      tf.tidy(() => {
        const decayed = tf.mul(variable, 1 - lr * weightDecay);
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), epsilon));
        variable.assign(tf.sub(decayed, tf.mul(update, lr * stepScale(name))));
      });
      old.m.dispose();
      old.v.dispose();
      this.moments.set(name, { m, v });
    }
  }

  dispose(): void {
    for (const { m, v } of this.moments.values()) tf.dispose([m, v]);
    this.moments.clear();
  }
}

/**
 * The same AdamW update on parameters held as Float32Arrays, one loop per parameter: head training's ~226 k values
 * take well under a millisecond this way, where the tensor version dispatches ~25 kernels per variable (~300 per
 * step, each with tfjs's fixed cost of tens of µs). The moments are created at the first update of each name.
 */
export class ArrayAdamW {
  step = 0;
  readonly moments = new Map<string, { m: Float32Array; v: Float32Array }>();

  constructor(readonly options: AdamWOptions) {}

  /** Updates each of `params` in place with the gradient of the same name (names without a gradient are left as they are). */
  apply(params: ReadonlyMap<string, Float32Array>, grads: ReadonlyMap<string, ArrayLike<number>>, lr: number): void {
    this.step++;
    const { beta1, beta2, epsilon, weightDecay } = this.options;
    const c1 = 1 - beta1 ** this.step;
    const c2 = 1 - beta2 ** this.step;
    const decay = 1 - lr * weightDecay;
    // torch's grouping: p·(1 − lr·λ) − (lr/c1)·m / (√v/√c2 + ε).
    const stepSize = lr / c1;
    const rootC2 = Math.sqrt(c2);
    for (const [name, p] of params) {
      const g = grads.get(name);
      if (!g) continue;
      if (g.length !== p.length) throw new RangeError(`AdamW: gradient of ${name} has ${g.length} values, the parameter ${p.length}`);
      let state = this.moments.get(name);
      if (!state) this.moments.set(name, (state = { m: new Float32Array(p.length), v: new Float32Array(p.length) }));
      const { m, v } = state;
      for (let i = 0; i < p.length; i++) {
        const gi = g[i]!;
        const mi = beta1 * m[i]! + (1 - beta1) * gi;
        const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = p[i]! * decay - (stepSize * mi) / (Math.sqrt(vi) / rootC2 + epsilon);
      }
    }
  }
}
