// The classic reference beside the foundation model's head: log band power per channel (delta … gamma) from each
// segment's Welch PSD, standardised on the training split, and an L2-regularised multinomial logistic regression
// trained full-batch (deterministic). Users see whether the head beats it on the same split.
import { REPORT_BANDS } from '../dsp/bandErrors';
import { welchPsd } from '../dsp/welch';
import type { HeadDataset } from './headDataset';
import { balancedClassWeights, classificationMetrics, type Metrics } from './metrics';

/** [n, C · bands] log band powers from the dataset's PSDs (F bins spanning 0 … fs/2). */
export function logBandPowers(data: HeadDataset, sampleRateHz: number): Float64Array {
  const { n, nChannels: c, nFreqs: f } = data;
  const nb = REPORT_BANDS.length;
  const out = new Float64Array(n * c * nb);
  const binHz = sampleRateHz / 2 / (f - 1);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < c; ch++) {
      const base = (i * c + ch) * f;
      REPORT_BANDS.forEach((band, b) => {
        let sum = 0;
        for (let k = 0; k < f; k++) {
          const hz = k * binHz;
          if (hz >= band.loHz && hz < band.hiHz) sum += data.psd[base + k]!;
        }
        out[(i * c + ch) * nb + b] = Math.log(sum + 1e-12);
      });
    }
  }
  return out;
}

export interface LogisticModel {
  readonly mean: Float64Array;
  readonly std: Float64Array;
  /** [K, D] weights and [K] biases. */
  readonly weights: Float64Array;
  readonly biases: Float64Array;
  readonly nClasses: number;
  readonly nFeatures: number;
}

function softmaxRow(z: Float64Array): void {
  let m = -Infinity;
  for (const v of z) m = Math.max(m, v);
  let s = 0;
  for (let k = 0; k < z.length; k++) s += z[k] = Math.exp(z[k]! - m);
  for (let k = 0; k < z.length; k++) z[k]! /= s;
}

/**
 * Fits class-weighted multinomial logistic regression with L2 penalty `l2` by full-batch gradient descent with Adam
 * steps until the loss changes by less than `tolerance` (or maxIterations).
 */
export function fitLogistic(features: Float64Array, labels: Int32Array, nClasses: number, options: { l2?: number; maxIterations?: number; tolerance?: number } = {}): LogisticModel {
  const n = labels.length;
  const d = features.length / n;
  const l2 = options.l2 ?? 1e-2;
  const mean = new Float64Array(d);
  const std = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j]! += features[i * d + j]! / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) std[j]! += (features[i * d + j]! - mean[j]!) ** 2 / n;
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]!) || 1;
  const x = Float64Array.from(features, (v, idx) => (v - mean[idx % d]!) / std[idx % d]!);
  const cw = balancedClassWeights(Array.from(labels), nClasses);
  const wSum = Array.from(labels).reduce((a, l) => a + cw[l]!, 0);
  const W = new Float64Array(nClasses * d);
  const b = new Float64Array(nClasses);
  const params = [W, b];
  const m1 = params.map((p) => new Float64Array(p.length));
  const m2 = params.map((p) => new Float64Array(p.length));
  const z = new Float64Array(nClasses);
  let previous = Infinity;
  const maxIterations = options.maxIterations ?? 2000;
  for (let it = 1; it <= maxIterations; it++) {
    const gW = new Float64Array(W.length);
    const gb = new Float64Array(nClasses);
    let loss = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < nClasses; k++) {
        let s = b[k]!;
        for (let j = 0; j < d; j++) s += W[k * d + j]! * x[i * d + j]!;
        z[k] = s;
      }
      softmaxRow(z);
      const w = cw[labels[i]!]! / wSum;
      loss -= w * Math.log(z[labels[i]!]! + 1e-300);
      for (let k = 0; k < nClasses; k++) {
        const g = w * (z[k]! - (k === labels[i] ? 1 : 0));
        gb[k]! += g;
        for (let j = 0; j < d; j++) gW[k * d + j]! += g * x[i * d + j]!;
      }
    }
    for (let q = 0; q < W.length; q++) {
      loss += 0.5 * l2 * W[q]! ** 2;
      gW[q]! += l2 * W[q]!;
    }
    [gW, gb].forEach((g, p) => {
      const param = params[p]!;
      for (let q = 0; q < g.length; q++) {
        m1[p]![q] = 0.9 * m1[p]![q]! + 0.1 * g[q]!;
        m2[p]![q] = 0.999 * m2[p]![q]! + 0.001 * g[q]! ** 2;
        param[q]! -= (0.05 * (m1[p]![q]! / (1 - 0.9 ** it))) / (Math.sqrt(m2[p]![q]! / (1 - 0.999 ** it)) + 1e-8);
      }
    });
    if (Math.abs(previous - loss) < (options.tolerance ?? 1e-7)) break;
    previous = loss;
  }
  return { mean, std, weights: W, biases: b, nClasses, nFeatures: d };
}

export function predictLogistic(model: LogisticModel, features: Float64Array): number[] {
  const d = model.nFeatures;
  const n = features.length / d;
  const z = new Float64Array(model.nClasses);
  return Array.from({ length: n }, (_, i) => {
    for (let k = 0; k < model.nClasses; k++) {
      let s = model.biases[k]!;
      for (let j = 0; j < d; j++) s += model.weights[k * d + j]! * ((features[i * d + j]! - model.mean[j]!) / model.std[j]!);
      z[k] = s;
    }
    return z.indexOf(Math.max(...z));
  });
}

/** Band-power + logistic regression trained on `train`, evaluated on `test`. */
export function bandPowerReference(train: HeadDataset, test: HeadDataset, nClasses: number, sampleRateHz: number): Metrics {
  const model = fitLogistic(logBandPowers(train, sampleRateHz), train.labels, nClasses);
  return classificationMetrics(Array.from(test.labels), predictLogistic(model, logBandPowers(test, sampleRateHz)), nClasses);
}

/** The classic motor-imagery reference of issue 15: mu and beta log power over the sensorimotor strip. */
export const MOTOR_REFERENCE = {
  channels: ['C3', 'Cz', 'C4', 'CP3', 'CP4', 'FC3', 'FC4'],
  bands: [
    { name: 'mu', loHz: 8, hiHz: 13 },
    { name: 'beta', loHz: 13, hiHz: 30 },
  ],
} as const;

/**
 * [n, channels · bands] log band powers of each trial's segment (at its onset) from a Welch PSD with 1-s Hann
 * segments and half overlap; `channelIndices` pick the trial set's rows.
 */
export function trialLogBandPowers(
  set: { readonly n: number; readonly nChannels: number; readonly length: number; readonly margin: number; readonly x: Float32Array },
  channelIndices: readonly number[],
  bands: readonly { readonly loHz: number; readonly hiHz: number }[],
  sampleRateHz: number,
): Float64Array {
  const span = set.length + 2 * set.margin;
  const nperseg = sampleRateHz;
  const out = new Float64Array(set.n * channelIndices.length * bands.length);
  let o = 0;
  for (let i = 0; i < set.n; i++) {
    for (const ch of channelIndices) {
      const from = (i * set.nChannels + ch) * span + set.margin;
      const psd = welchPsd(set.x.subarray(from, from + set.length), sampleRateHz, nperseg, nperseg / 2);
      const binHz = sampleRateHz / nperseg;
      for (const band of bands) {
        let sum = 0;
        for (let k = 0; k < psd.length; k++) if (k * binHz >= band.loHz && k * binHz < band.hiHz) sum += psd[k]!;
        out[o++] = Math.log(sum + 1e-12);
      }
    }
  }
  return out;
}

/** Log band power + logistic regression fitted on `train`, evaluated on `test` (trial sets with the same channels). */
export function trialBandPowerReference(
  train: Parameters<typeof trialLogBandPowers>[0] & { readonly labels: Int32Array },
  test: Parameters<typeof trialLogBandPowers>[0] & { readonly labels: Int32Array },
  channelIndices: readonly number[],
  nClasses: number,
  sampleRateHz: number,
  bands: readonly { readonly loHz: number; readonly hiHz: number }[] = MOTOR_REFERENCE.bands,
): { metrics: Metrics; predicted: number[] } {
  const model = fitLogistic(trialLogBandPowers(train, channelIndices, bands, sampleRateHz), train.labels, nClasses);
  const predicted = predictLogistic(model, trialLogBandPowers(test, channelIndices, bands, sampleRateHz));
  return { metrics: classificationMetrics(Array.from(test.labels), predicted, nClasses), predicted };
}
