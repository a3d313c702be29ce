// One SpecHi-Net expert (ARCHITECTURE.md §3): encoder (Down1 … Bottom2) and decoder (Up1 … Up3, aux heads).
// Convolutions run on NWC tensors; the spec's NCW reinterpretations and transposes are done at stage boundaries
// with the helpers below, named after the spec's own words.
import * as tf from '@tensorflow/tfjs';
import { expertArchitecture, type ExpertArchitecture } from './architecture';
import { timeSetPooling, TIMESET_POOL_1, TIMESET_POOL_2, transformerLayer } from './attention';
import { checkInputLength, type ExpertConfig } from './config';
import { concat, type LayerContext, linear, runStack } from './layers';
import type { ParamStore } from './params';

/** NWC [B, L, F] → NCW [B, F, L] (a real transpose). */
const toNCW = (x: tf.Tensor3D) => tf.transpose(x, [0, 2, 1]) as tf.Tensor3D;
const toNWC = toNCW;

/**
 * Joins two branch outputs (NWC [B, C·n, F]) along each channel's time axis: reinterpret each NCW buffer as
 * [B, F, C, n] and concatenate on the last axis → [B, F, C, 2n] (§3, "joined along the time axis").
 */
function joinBranches(a: tf.Tensor3D, b: tf.Tensor3D, nChannels: number): tf.Tensor4D {
  const [batch, length, features] = a.shape;
  const shape: [number, number, number, number] = [batch, features, nChannels, length / nChannels];
  return concat([tf.reshape(toNCW(a), shape), tf.reshape(toNCW(b), shape)], 3) as tf.Tensor4D;
}

/** Splits [B, F, C, n] into its first and second time halves, each reinterpreted [B, F, C·n/2] → NWC. */
function splitHalves(z: tf.Tensor4D): [tf.Tensor3D, tf.Tensor3D] {
  const [batch, features, nChannels, n] = z.shape;
  const half = n / 2;
  const part = (start: number) =>
    toNWC(tf.reshape(tf.slice(z, [0, 0, 0, start], [batch, features, nChannels, half]), [batch, features, nChannels * half]) as tf.Tensor3D);
  return [part(0), part(half)];
}

export interface ExpertOutputs {
  readonly U3_Dec1: tf.Tensor3D;
  readonly U3_Dec2: tf.Tensor3D;
  readonly aux_U2: tf.Tensor3D;
  readonly aux_U1_attn: tf.Tensor3D;
}

/** Named intermediates, as stored in expert_small_io.safetensors. */
export type ExpertIntermediates = Record<string, tf.Tensor>;

interface EncoderState {
  readonly nChannels: number;
  readonly a1: tf.Tensor3D;
  readonly a3: tf.Tensor3D;
  readonly tok1: tf.Tensor3D;
  readonly D3: tf.Tensor4D;
  readonly pos1: tf.Tensor2D;
  /** Bottom2 output, NWC [B, C·T3, d3]. */
  readonly xBot2: tf.Tensor3D;
}

export class Expert {
  private readonly arch: ExpertArchitecture;

  constructor(
    readonly config: ExpertConfig,
    readonly params: ParamStore,
  ) {
    this.arch = expertArchitecture(config);
  }

  private stack(x: tf.Tensor3D, path: string, ctx: LayerContext): tf.Tensor3D {
    return runStack(x, path, this.arch[path]!, ctx);
  }

  private context(training: boolean, batchStats?: LayerContext['batchStats']): LayerContext {
    return { params: this.params, training, batchStats };
  }

  /** §3.1–3.5. x [B, C, T] (µV/100, T a multiple of 120), times [B, 1, T]. */
  private runEncoder(x: tf.Tensor3D, times: tf.Tensor3D, ctx: LayerContext, keep?: ExpertIntermediates): EncoderState {
    const [batch, nChannels, length] = x.shape;
    checkInputLength(nChannels, length);
    const t = tf.reshape(times, [batch, length]) as tf.Tensor2D;
    const s0 = tf.reshape(x, [batch, nChannels * length, 1]) as tf.Tensor3D;
    const a1 = this.stack(s0, 'Down1.features1', ctx);
    const a3 = this.stack(s0, 'Down1.features3', ctx);
    const b1 = this.stack(a1, 'Down2.features1', ctx);
    const b3 = this.stack(a3, 'Down2.features3', ctx);
    const D2 = joinBranches(b1, b3, nChannels); // [B, d2, C, T2]
    const [, d2, , T2] = D2.shape;
    const tok1 = tf.reshape(D2, [batch, nChannels * T2, d2]) as tf.Tensor3D; // raw reinterpretation (§3.3)
    const pos1 = timeSetPooling(t, nChannels, TIMESET_POOL_1);
    const D2attn = transformerLayer(tok1, pos1, 'TransformerEnc1', this.config.heads, ctx, keep && ((a) => (keep.TE1_mha_out = a)));
    const D2a = tf.reshape(toNCW(D2attn), [batch, d2, nChannels, T2]) as tf.Tensor4D;
    const [h1, h3] = splitHalves(D2a);
    const D3 = joinBranches(this.stack(h1, 'Down3.features1', ctx), this.stack(h3, 'Down3.features3', ctx), nChannels);
    const [, d3, , T3] = D3.shape;
    const d3flat = toNWC(tf.reshape(D3, [batch, d3, nChannels * T3]) as tf.Tensor3D);
    const e = this.stack(d3flat, 'Bottom1.features', ctx); // NWC = tok2 (§3.5: transpose of NCW)
    const pos2 = timeSetPooling(t, nChannels, TIMESET_POOL_2);
    const xBot1Attn = transformerLayer(e, pos2, 'TransformerEnc2', this.config.heads, ctx);
    const xBot2 = this.stack(xBot1Attn, 'Bottom2.features', ctx);
    if (keep) {
      Object.assign(keep, {
        D1_branch1: toNCW(a1),
        D1_branch3: toNCW(a3),
        D2,
        pos_enc_1: tf.reshape(pos1, [batch, 1, -1]),
        D2_attn: D2attn,
        D3,
        x_bot1: toNCW(e),
        pos_enc_2: tf.reshape(pos2, [batch, 1, -1]),
        x_bot1_attn: xBot1Attn,
        enc_x_bot2: toNCW(xBot2),
      });
    }
    return { nChannels, a1, a3, tok1, D3, pos1, xBot2 };
  }

  /**
   * Encoder output x_bot2 [B, d3, C·T3] (what SpecMoE pools). In training mode BatchNorm uses batch statistics, which
   * are collected into `batchStats` when given (for the caller's running-statistics update).
   */
  encode(x: tf.Tensor3D, times: tf.Tensor3D, training = false, batchStats?: LayerContext['batchStats']): tf.Tensor3D {
    return tf.tidy(() => toNCW(this.runEncoder(x, times, this.context(training, batchStats)).xBot2));
  }

  /**
   * Full forward (§3.1–3.9). With `intermediates`, the named intermediate tensors of expert_small_io are added
   * to it (the caller disposes them). `batchStats` collects BatchNorm batch statistics in training mode.
   */
  forward(
    x: tf.Tensor3D,
    times: tf.Tensor3D,
    options: { intermediates?: ExpertIntermediates; training?: boolean; batchStats?: LayerContext['batchStats'] } = {},
  ): ExpertOutputs {
    const ctx = this.context(options.training ?? false, options.batchStats);
    const run = () => {
      const keep: ExpertIntermediates | undefined = options.intermediates ? {} : undefined;
      const enc = this.runEncoder(x, times, ctx, keep);
      const outputs = this.decode(enc, ctx, keep);
      return { outputs, keep };
    };
    if (ctx.training) return run().outputs;
    const { outputs, keep } = tf.tidy(() => {
      const r = run();
      return { outputs: r.outputs, keep: r.keep ?? {} } as unknown as tf.TensorContainerObject;
    }) as unknown as { outputs: ExpertOutputs; keep: ExpertIntermediates };
    if (options.intermediates) Object.assign(options.intermediates, keep);
    return outputs;
  }

  /** §3.6–3.9. */
  private decode(enc: EncoderState, ctx: LayerContext, keep?: ExpertIntermediates): ExpertOutputs {
    const { nChannels: C, a1, a3, tok1, D3, pos1, xBot2 } = enc;
    const [batch, d3, , T3] = D3.shape;
    // Up1: u = reinterpret(x_bot2 NCW, [B, d3, C, T3]), skip D3, features concatenated (§3.6).
    const u1 = tf.reshape(toNCW(xBot2), [batch, d3, C, T3]) as tf.Tensor4D;
    const [z1a, z1b] = splitHalves(concat([u1, D3], 1) as tf.Tensor4D);
    const U1 = joinBranches(this.stack(z1a, 'Up1.features1', ctx), this.stack(z1b, 'Up1.features3', ctx), C); // [B, d2, C, T4]
    const [, d2, , T4] = U1.shape;
    // TransformerEnc3 on tokens (c·T4 + t) = the features at (c, t) (§3.7).
    const tok3 = tf.reshape(tf.transpose(U1, [0, 2, 3, 1]), [batch, C * T4, d2]) as tf.Tensor3D;
    const U1attn = transformerLayer(tok3, pos1, 'TransformerEnc3', this.config.heads, ctx);
    const auxU1attn = toNCW(linear(U1attn, 'aux_head_up1.0', ctx) as tf.Tensor3D);
    // Up2: skip is transpose(tok1) reinterpreted, not D2 (§3.8, quirk 3).
    const u2 = tf.reshape(toNCW(U1attn), [batch, d2, C, T4]) as tf.Tensor4D;
    const skip2 = tf.reshape(toNCW(tok1), [batch, d2, C, T4]) as tf.Tensor4D;
    const [z2a, z2b] = splitHalves(concat([u2, skip2], 1) as tf.Tensor4D);
    const U2 = joinBranches(this.stack(z2a, 'Up2.features1', ctx), this.stack(z2b, 'Up2.features3', ctx), C); // [B, d2, C, T5]
    const T5 = U2.shape[3];
    const tokU2 = tf.reshape(tf.transpose(U2, [0, 2, 3, 1]), [batch, C * T5, d2]);
    const auxU2 = toNCW(linear(tokU2, 'aux_head_up2.0', ctx) as tf.Tensor3D);
    // Up3: skip = concat(a1, a3) along length, reinterpreted [B, d2, C, T5] (§3.9, quirk 4).
    const skip3 = tf.reshape(concat([toNCW(a1), toNCW(a3)], 2), [batch, d2, C, T5]) as tf.Tensor4D;
    const [z3a, z3b] = splitHalves(concat([U2, skip3], 1) as tf.Tensor4D);
    const length = (C * T5 * 15) / (2 * C);
    const o1 = this.stack(z3a, 'Up3.features1', ctx);
    const o3 = this.stack(z3b, 'Up3.features3', ctx);
    if (keep) Object.assign(keep, { U1, U1_attn: U1attn, U2 });
    return {
      U3_Dec1: tf.reshape(o1, [batch, C, length]) as tf.Tensor3D,
      U3_Dec2: tf.reshape(o3, [batch, C, length]) as tf.Tensor3D,
      aux_U2: auxU2,
      aux_U1_attn: auxU1attn,
    };
  }
}
