// The pretraining loss (ARCHITECTURE.md §8): for a prediction/target pair, base = MSE + 0.02 · spectral, where
// spectral is the mean over channels of mean((|STFT(pred_c)| − |STFT(target_c)|)²) with torch.stft's settings
// (n_fft 512, hop 256, periodic Hann, centred with reflect padding, one-sided, not normalised). Total =
// base(U3_Dec1) + base(U3_Dec2) + 0.3·base(aux_U2, interp(target)) + 0.2·base(aux_U1_attn, interp(target)).
import * as tf from '@tensorflow/tfjs';
import type { ExpertOutputs } from '../model/expert';
import { matMulByConstant } from '../model/layers';

export const LOSS_WEIGHTS = { mse: 1, spectral: 0.02, auxU2: 0.3, auxU1: 0.2 } as const;

const N_FFT = 512;
const HOP = 256;

interface DftMatrices {
  readonly cos: tf.Tensor2D;
  readonly sin: tf.Tensor2D;
}

let dft: DftMatrices | null = null;

/** Window-folded real DFT matrices [N_FFT, N_FFT/2 + 1]: frame·cos and frame·sin give Re and −Im. */
function dftMatrices(): DftMatrices {
  if (dft) return dft;
  const bins = N_FFT / 2 + 1;
  const cos = new Float32Array(N_FFT * bins);
  const sin = new Float32Array(N_FFT * bins);
  for (let n = 0; n < N_FFT; n++) {
    const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / N_FFT); // periodic Hann
    for (let k = 0; k < bins; k++) {
      const a = (2 * Math.PI * ((n * k) % N_FFT)) / N_FFT;
      cos[n * bins + k] = w * Math.cos(a);
      sin[n * bins + k] = w * Math.sin(a);
    }
  }
  dft = { cos: tf.keep(tf.tensor2d(cos, [N_FFT, bins])), sin: tf.keep(tf.tensor2d(sin, [N_FFT, bins])) };
  return dft;
}

/** Reflect padding of the last axis by `pad` (torch's center=True), by slices so it has a gradient everywhere. */
function reflectPad(x: tf.Tensor2D, pad: number): tf.Tensor2D {
  const [rows, length] = x.shape;
  if (pad >= length) throw new RangeError(`spectral loss needs more than ${pad} samples per channel, got ${length}`);
  const left = tf.reverse(tf.slice(x, [0, 1], [rows, pad]), 1);
  const right = tf.reverse(tf.slice(x, [0, length - pad - 1], [rows, pad]), 1);
  return tf.concat([left, x, right], 1);
}

/** |STFT| of each row of x [R, T]: [R, frames, bins]. Differentiable (slices, matMuls). */
export function stftMagnitude(x: tf.Tensor2D): tf.Tensor3D {
  const { cos, sin } = dftMatrices();
  const padded = reflectPad(x, N_FFT / 2);
  const [rows, length] = padded.shape;
  const frames = 1 + Math.floor((length - N_FFT) / HOP);
  // hop = n_fft/2: frame f = blocks f and f+1 of 256 samples.
  const blocks = tf.reshape(tf.slice(padded, [0, 0], [rows, (frames + 1) * HOP]), [rows, frames + 1, HOP]);
  const framed = tf.concat([tf.slice(blocks, [0, 0, 0], [rows, frames, HOP]), tf.slice(blocks, [0, 1, 0], [rows, frames, HOP])], 2);
  const flat = tf.reshape(framed, [rows * frames, N_FFT]) as tf.Tensor2D;
  const re = matMulByConstant(flat, cos);
  const im = matMulByConstant(flat, sin);
  // + 1e-12 under the root keeps the gradient finite at |S| = 0 (torch.abs has none there; the value moves by < 1e-6).
  return tf.reshape(tf.sqrt(tf.add(tf.add(tf.square(re), tf.square(im)), 1e-12)), [rows, frames, N_FFT / 2 + 1]);
}

/** MSE + 0.02 · spectral term for pred/target [B, C, T]. */
export function baseLoss(pred: tf.Tensor3D, target: tf.Tensor3D): tf.Scalar {
  const [batch, channels, length] = pred.shape;
  const mse = tf.mean(tf.squaredDifference(pred, target));
  if (length <= N_FFT / 2) return mse as tf.Scalar;
  const p = stftMagnitude(tf.reshape(pred, [batch * channels, length]) as tf.Tensor2D);
  const t = stftMagnitude(tf.reshape(target, [batch * channels, length]) as tf.Tensor2D);
  // Mean over frames and bins per channel, then over channels (and the batch): one overall mean of equal-size terms.
  const spectral = tf.mean(tf.squaredDifference(p, t));
  return tf.add(tf.mul(mse, LOSS_WEIGHTS.mse), tf.mul(spectral, LOSS_WEIGHTS.spectral)) as tf.Scalar;
}

/**
 * F.interpolate(mode='linear', align_corners=False) of each row of x [R, T] to `outLength` samples, on typed
 * arrays (targets need no gradient): src = (i + 0.5)·T/out − 0.5, clamped at 0.
 */
export function interpolateLinear(x: Float32Array, rows: number, length: number, outLength: number): Float32Array {
  const out = new Float32Array(rows * outLength);
  const scale = length / outLength;
  for (let i = 0; i < outLength; i++) {
    const src = Math.max((i + 0.5) * scale - 0.5, 0);
    const i0 = Math.min(Math.floor(src), length - 1);
    const i1 = Math.min(i0 + 1, length - 1);
    const lambda = src - i0;
    for (let r = 0; r < rows; r++) out[r * outLength + i] = (1 - lambda) * x[r * length + i0]! + lambda * x[r * length + i1]!;
  }
  return out;
}

export interface LossTerms {
  readonly total: tf.Scalar;
  readonly dec1: tf.Scalar;
  readonly dec2: tf.Scalar;
  readonly auxU2: tf.Scalar;
  readonly auxU1: tf.Scalar;
}

/**
 * Total pretraining loss of an expert's outputs against target [B, C, T] (values given as a typed array too, to
 * build the interpolated aux targets). The aux heads' rows are compared with the C target channels, so the expert
 * must have auxChannels = C.
 */
export function reconstructionLoss(out: ExpertOutputs, target: tf.Tensor3D, targetValues: Float32Array): LossTerms {
  const [batch, channels, length] = target.shape;
  if (out.aux_U2.shape[1] !== channels) {
    throw new RangeError(`the aux heads have ${out.aux_U2.shape[1]} rows but the target has ${channels} channels`);
  }
  const auxTarget = (auxLength: number) =>
    tf.tensor3d(interpolateLinear(targetValues, batch * channels, length, auxLength), [batch, channels, auxLength]);
  const dec1 = baseLoss(out.U3_Dec1, target);
  const dec2 = baseLoss(out.U3_Dec2, target);
  const auxU2 = baseLoss(out.aux_U2, auxTarget(out.aux_U2.shape[2]));
  const auxU1 = baseLoss(out.aux_U1_attn, auxTarget(out.aux_U1_attn.shape[2]));
  const total = tf.addN([dec1, dec2, tf.mul(auxU2, LOSS_WEIGHTS.auxU2), tf.mul(auxU1, LOSS_WEIGHTS.auxU1)]) as tf.Scalar;
  return { total, dec1, dec2, auxU2, auxU1 };
}
