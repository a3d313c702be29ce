// SpecHi-Net's convolution stacks as data (ARCHITECTURE.md §3 and its appendix). `idx` is the position in the
// authors' nn.Sequential, so a state_dict key such as `Up2.features3.13.weight` names exactly one entry here.
// Dropout layers (identity at inference) keep their index but have no entry.
import type { ExpertConfig, SpecMoEConfig } from './config';
import { welchSettings } from '../dsp/welch';
import { EXPERT_ENCODER_MODULES } from '../io/stateDict';

/** Conv1d: weight [out, in, k]; `pad` is [left, right] zero padding ('same' is resolved to the asymmetric pair). */
export interface ConvSpec {
  readonly kind: 'conv';
  readonly idx: number;
  readonly inCh: number;
  readonly outCh: number;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: readonly [number, number];
  readonly bias: boolean;
}

/** ConvTranspose1d: weight [in, out, k]; always with bias in this model. */
export interface ConvTSpec {
  readonly kind: 'convT';
  readonly idx: number;
  readonly inCh: number;
  readonly outCh: number;
  readonly k: number;
  readonly stride: number;
  readonly dilation: number;
  readonly pad: number;
  readonly outputPadding: number;
}

export interface BatchNormSpec {
  readonly kind: 'bn';
  readonly idx: number;
  readonly ch: number;
}

export interface PoolSpec {
  readonly kind: 'maxPool' | 'avgPool';
  readonly k: number;
  readonly stride: number;
  readonly pad: number;
}

export interface GeluSpec {
  readonly kind: 'gelu';
}

export type LayerSpec = ConvSpec | ConvTSpec | BatchNormSpec | PoolSpec | GeluSpec;

/** 'same' padding for stride 1: total d·(k−1), left = floor(total/2), right = the rest (§2). */
function same(k: number, dilation = 1): [number, number] {
  const total = dilation * (k - 1);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}

function conv(idx: number, inCh: number, outCh: number, k: number, pad: [number, number] | number, bias: boolean, stride = 1, dilation = 1): ConvSpec {
  return { kind: 'conv', idx, inCh, outCh, k, stride, dilation, pad: typeof pad === 'number' ? [pad, pad] : pad, bias };
}

function convT(idx: number, inCh: number, outCh: number, k: number, stride: number, pad: number, outputPadding = 0, dilation = 1): ConvTSpec {
  return { kind: 'convT', idx, inCh, outCh, k, stride, dilation, pad, outputPadding };
}

const bn = (idx: number, ch: number): BatchNormSpec => ({ kind: 'bn', idx, ch });
const gelu: GeluSpec = { kind: 'gelu' };
const maxPool = (k: number, stride: number, pad: number): PoolSpec => ({ kind: 'maxPool', k, stride, pad });

/** conv, BatchNorm, GELU at indices idx, idx+1, idx+2. */
function cbg(c: ConvSpec | ConvTSpec): LayerSpec[] {
  return [c, bn(c.idx + 1, c.outCh), gelu];
}

export interface ExpertArchitecture {
  readonly [module: string]: readonly LayerSpec[];
}

/** Every convolution stack of one expert, keyed by the authors' module path. */
export function expertArchitecture(cfg: ExpertConfig): ExpertArchitecture {
  const { d1, d2, d3, up3Mid: m } = cfg;
  return {
    'Down1.features1': [
      ...cbg(conv(0, 1, d1, 4, same(4), false)), maxPool(8, 5, 2),
      ...cbg(conv(5, d1, d2, 4, same(4), false)),
      ...cbg(conv(8, d2, d2, 4, same(4), false)), maxPool(16, 3, 7),
    ],
    'Down1.features3': [
      ...cbg(conv(0, 1, d1, 65, 97, false, 3, 4)), maxPool(18, 5, 9),
      ...cbg(conv(5, d1, d2, 16, 8, false)),
      ...cbg(conv(8, d2, d2, 16, 8, false)), maxPool(16, 1, 8),
    ],
    'Down2.features1': [
      ...cbg(conv(0, d2, d2, 4, same(4), false)), maxPool(4, 2, 2),
      ...cbg(conv(5, d2, d2, 4, same(4), false)),
      ...cbg(conv(8, d2, d2, 4, same(4), false)), maxPool(8, 2, 3),
    ],
    'Down2.features3': [
      ...cbg(conv(0, d2, d2, 16, 11, false, 1, 2)), maxPool(8, 2, 4),
      ...cbg(conv(5, d2, d2, 16, 8, false)),
      ...cbg(conv(8, d2, d2, 16, 8, false)), maxPool(8, 2, 4),
    ],
    'Down3.features1': [
      ...cbg(conv(0, d2, d3, 4, same(4), false)), maxPool(4, 2, 1),
      ...cbg(conv(5, d3, d3, 4, same(4), false)),
    ],
    'Down3.features3': [
      ...cbg(conv(0, d2, d3, 8, 5, false, 1, 2)), maxPool(8, 2, 4),
      ...cbg(conv(5, d3, d3, 8, 4, false)),
    ],
    'Bottom1.features': [...cbg(conv(0, d3, d3, 8, same(8), false)), ...cbg(conv(4, d3, d3, 8, same(8), false))],
    'Bottom2.features': [...cbg(conv(0, d3, d3, 8, same(8), false)), ...cbg(conv(4, d3, d3, 8, same(8), false))],
    'Up1.features1': [
      ...cbg(conv(0, 2 * d3, d3, 4, same(4), true)),
      ...cbg(convT(3, d3, d3, 4, 2, 1)),
      ...cbg(conv(6, d3, d2, 4, same(4), true)),
    ],
    'Up1.features3': [
      ...cbg(conv(0, 2 * d3, d3, 8, 4, true)),
      ...cbg(convT(3, d3, d3, 8, 2, 4)),
      ...cbg(conv(7, d3, d2, 8, 7, true, 1, 2)),
    ],
    'Up2.features1': [
      ...cbg(convT(0, 2 * d2, d2, 8, 2, 3)),
      ...cbg(conv(3, d2, d2, 4, same(4), true)),
      ...cbg(conv(6, d2, d2, 4, same(4), true)),
      ...cbg(convT(10, d2, d2, 4, 2, 1)),
      conv(13, d2, d2, 4, same(4), true),
    ],
    'Up2.features3': [
      ...cbg(convT(0, 2 * d2, d2, 8, 1, 4)),
      ...cbg(conv(3, d2, d2, 16, 8, true)),
      ...cbg(conv(6, d2, d2, 16, 8, true)),
      ...cbg(convT(10, d2, d2, 8, 2, 4, 1)),
      convT(13, d2, d2, 16, 2, 16, 1, 2),
    ],
    'Up3.features1': [
      ...cbg(convT(0, 2 * d2, d2, 16, 5, 7)),
      ...cbg(conv(3, d2, d2, 4, 2, true)),
      ...cbg(conv(6, d2, m, 4, 2, true)),
      ...cbg(convT(10, m, m, 8, 3, 1, 1)),
      conv(13, m, 1, 4, 1, true),
    ],
    'Up3.features3': [
      ...cbg(convT(0, 2 * d2, d2, 16, 1, 8)),
      ...cbg(conv(3, d2, d2, 16, 8, true)),
      ...cbg(conv(6, d2, m, 16, 8, true)),
      ...cbg(convT(10, m, m, 18, 5, 9)),
      convT(13, m, 1, 65, 3, 127, 0, 4),
    ],
  };
}

function layerShapes(prefix: string, layers: readonly LayerSpec[], out: Map<string, number[]>): void {
  for (const l of layers) {
    if (l.kind === 'conv') {
      out.set(`${prefix}.${l.idx}.weight`, [l.outCh, l.inCh, l.k]);
      if (l.bias) out.set(`${prefix}.${l.idx}.bias`, [l.outCh]);
    } else if (l.kind === 'convT') {
      out.set(`${prefix}.${l.idx}.weight`, [l.inCh, l.outCh, l.k]);
      out.set(`${prefix}.${l.idx}.bias`, [l.outCh]);
    } else if (l.kind === 'bn') {
      for (const p of ['weight', 'bias', 'running_mean', 'running_var']) out.set(`${prefix}.${l.idx}.${p}`, [l.ch]);
      out.set(`${prefix}.${l.idx}.num_batches_tracked`, []);
    }
  }
}

function transformerShapes(prefix: string, dim: number, out: Map<string, number[]>): void {
  const linear = (name: string, inDim: number, outDim: number) => {
    out.set(`${prefix}.${name}.weight`, [outDim, inDim]);
    out.set(`${prefix}.${name}.bias`, [outDim]);
  };
  linear('MultiH_Attn.k_proj', dim, dim);
  linear('MultiH_Attn.v_proj', dim, dim);
  linear('MultiH_Attn.out_proj', dim, dim);
  linear('feed_forward.w_1', dim, 2 * dim);
  linear('feed_forward.w_2', 2 * dim, dim);
  for (const i of [0, 1]) {
    out.set(`${prefix}.sublayer_output.${i}.norm.a_2`, [dim]);
    out.set(`${prefix}.sublayer_output.${i}.norm.b_2`, [dim]);
  }
  linear('lin_1', dim, dim);
}

/** The transformer layers: module name → model width. */
export function transformerWidths(cfg: ExpertConfig): Record<'TransformerEnc1' | 'TransformerEnc2' | 'TransformerEnc3', number> {
  return { TransformerEnc1: cfg.d2, TransformerEnc2: cfg.d3, TransformerEnc3: cfg.d2 };
}

/** Every state_dict entry of one expert (authors' key names and shapes; STATE_DICT.md), in module order. */
export function expertStateDictShapes(cfg: ExpertConfig, encoderOnly = false): Map<string, number[]> {
  const arch = expertArchitecture(cfg);
  const widths = transformerWidths(cfg);
  const out = new Map<string, number[]>();
  // The encoder (§3.1–3.5: what a SpecMoE keeps of each expert), then the decoder and the auxiliary heads.
  const modules = encoderOnly ? EXPERT_ENCODER_MODULES : [...EXPERT_ENCODER_MODULES, 'Up1', 'TransformerEnc3', 'Up2', 'Up3', 'aux_head_up2', 'aux_head_up1'];
  for (const module of modules) {
    if (module in widths) transformerShapes(module, widths[module as keyof typeof widths], out);
    else if (module.startsWith('aux_head')) {
      out.set(`${module}.0.weight`, [cfg.auxChannels, cfg.d2]);
      out.set(`${module}.0.bias`, [cfg.auxChannels]);
    } else {
      for (const [path, layers] of Object.entries(arch)) if (path.split('.')[0] === module) layerShapes(path, layers, out);
    }
  }
  return out;
}

/** Every state_dict entry of a SpecMoE in gate mode 1 (§7): three encoders, three gate linears, the classifier. */
export function specMoEStateDictShapes(cfg: SpecMoEConfig): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const encoder = expertStateDictShapes(cfg.expert, true);
  for (const k of [0, 1, 2]) for (const [key, shape] of encoder) out.set(`experts.${k}.${key}`, shape);
  const { nFreqs } = welchSettings(cfg.segmentSec, cfg.sampleRateHz);
  const d = cfg.expert.d3;
  for (const k of [1, 2, 3]) {
    out.set(`gate_LinearT_${k}.weight`, [d, nFreqs]);
    out.set(`gate_LinearT_${k}.bias`, [d]);
  }
  out.set('classifier.net.0.weight', [3 * d]);
  out.set('classifier.net.0.bias', [3 * d]);
  out.set('classifier.net.1.weight', [3 * cfg.clfHidden, 3 * d]);
  out.set('classifier.net.1.bias', [3 * cfg.clfHidden]);
  out.set('classifier.net.4.weight', [cfg.nClasses, 3 * cfg.clfHidden]);
  out.set('classifier.net.4.bias', [cfg.nClasses]);
  return out;
}
