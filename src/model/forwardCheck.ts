// One forward pass of an expert or a SpecMoE on given inputs (x, times), with every output under the names of the
// reference pack, and the comparison with reference tensors: the parity check behind `specmoe forward` and the
// app's researcher view (src/worker). No Node APIs here.
import * as tf from '@tensorflow/tfjs';
import type { NamedTensor } from '../io/safetensors';
import type { LoadedWeights } from '../io/weights';
import { AUTHORS_EXPERT, checkInputLength, type ExpertConfig, ModelShapeError, type SpecMoEConfig } from './config';
import type { ExpertIntermediates } from './expert';
import { buildExpert, buildSpecMoE, inferExpertConfig, inferSpecMoEConfig, specMoEConfigOfBundle, splitDecoders } from './load';
import { compareWithReferences, type ComparedTensor } from './parityReport';
import { specMoETensors } from './specMoE';
import type { PoolMode } from './tasks';

export const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

/** `x` [B, C, T] and `times` [B, 1, T] of the input file, checked. */
export function forwardInputs(tensors: ReadonlyMap<string, NamedTensor>, path: string): { x: NamedTensor; times: NamedTensor } {
  const need = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new ModelShapeError(`${path} has no tensor "${name}" (it has: ${[...tensors.keys()].join(', ') || 'none'})`);
    return t;
  };
  const x = need('x');
  const times = need('times');
  if (x.shape.length !== 3) throw new ModelShapeError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}; expected [B, C, T]`, 'x');
  const [batch, nChannels, length] = x.shape as [number, number, number];
  const expected = [batch, 1, length];
  if (times.shape.length !== 3 || times.shape.some((n, i) => n !== expected[i])) {
    throw new ModelShapeError(`tensor "times" in ${path} has shape ${shapeText(times.shape)}; expected ${shapeText(expected)} for "x" of shape ${shapeText(x.shape)}`, 'times');
  }
  try {
    checkInputLength(nChannels, length);
  } catch (e) {
    if (e instanceof ModelShapeError) throw new ModelShapeError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}: ${e.message}`, 'x');
    throw e;
  }
  if (batch < 1) throw new ModelShapeError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}: empty batch`, 'x');
  return { x, times };
}

/** An expert's widths: from the shapes, with the head count from a bundle's architecture when it has one. */
function expertConfigOf(weights: LoadedWeights): ExpertConfig {
  const inferred = inferExpertConfig(weights.tensors);
  const a = weights.bundle?.architecture as { expert?: Partial<ExpertConfig> } & Partial<ExpertConfig> | undefined;
  const heads = a?.expert?.heads ?? a?.heads ?? AUTHORS_EXPERT.heads;
  return { ...inferred, heads };
}

export interface ForwardResult {
  readonly model: 'expert' | 'specmoe';
  /** Output name → values, in the order written. */
  readonly outputs: Map<string, { shape: number[]; data: Float32Array }>;
  /** A one-line account of the model that ran. */
  readonly description: string;
}

/** Reads outputs back asynchronously (WebGPU's synchronous read-back hands out zeros here). */
async function collect(tensors: Record<string, tf.Tensor>): Promise<Map<string, { shape: number[]; data: Float32Array }>> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of Object.entries(tensors)) out.set(name, { shape: [...t.shape], data: Float32Array.from(await t.data()) });
  return out;
}

/** Runs the model the weights hold on x / times. */
export async function runForward(weights: LoadedWeights, x: NamedTensor, times: NamedTensor, pools: { lPool?: PoolMode; cPool?: PoolMode }): Promise<ForwardResult> {
  const xt = tf.tensor3d(Float32Array.from(x.data), x.shape as [number, number, number]);
  const tt = tf.tensor3d(Float32Array.from(times.data), times.shape as [number, number, number]);
  try {
    if (weights.model === 'expert') {
      const config = expertConfigOf(weights);
      const expert = buildExpert(weights.tensors, config);
      try {
        const encoderOnly = !weights.tensors.has('Up1.features1.0.weight');
        const produced: Record<string, tf.Tensor> = {};
        if (encoderOnly) produced.enc_x_bot2 = expert.encode(xt, tt);
        else {
          const intermediates: ExpertIntermediates = {};
          Object.assign(produced, expert.forward(xt, tt, { intermediates }), intermediates);
        }
        const outputs = await collect(produced);
        tf.dispose(Object.values(produced));
        const what = `expert (d1 ${config.d1}, d2 ${config.d2}, d3 ${config.d3}, ${config.heads} heads${encoderOnly ? ', encoder only' : ''})`;
        return { model: 'expert', outputs, description: what };
      } finally {
        expert.params.dispose();
      }
    }
    const { core } = splitDecoders(weights.tensors);
    const base: SpecMoEConfig = weights.bundle ? specMoEConfigOfBundle(weights.bundle) : inferSpecMoEConfig(core);
    const length = x.shape[2]!;
    // segmentSec only selects the gate's Welch settings (1 s vs >= 2 s, fixed by the weights); record the input's.
    const segmentSec = base.segmentSec >= 2 && length / base.sampleRateHz >= 2 ? length / base.sampleRateHz : base.segmentSec;
    const config: SpecMoEConfig = { ...base, segmentSec, lPool: pools.lPool ?? base.lPool, cPool: pools.cPool ?? base.cPool };
    const model = buildSpecMoE(core, config);
    try {
      const out = model.forward(xt, tt);
      const produced: Record<string, tf.Tensor> = {
        psd_x: out.psd,
        ...Object.fromEntries(out.gatePre.map((t, i) => [`gate_pre${i + 1}`, t])),
        ...Object.fromEntries(out.gates.map((t, i) => [`gate${i + 1}`, t])),
        expert1_x_bot2: out.expert1Encoded,
        ...Object.fromEntries(out.pooled.map((t, i) => [`pooled${i + 1}`, t])),
        h_cat: out.hCat,
        h_fused: out.hFused,
        logits: out.logits,
        moe_logits: out.logits,
        probabilities: out.probabilities,
      };
      const outputs = await collect(produced);
      tf.dispose(specMoETensors(out));
      const what = `SpecMoE (${config.nClasses} classes, d3 ${config.expert.d3}, L-pool ${config.lPool}, C-pool ${config.cPool}, ${config.segmentSec >= 2 ? '>= 2-s' : '1-s'} Welch gate)`;
      return { model: 'specmoe', outputs, description: what };
    } finally {
      model.params.dispose();
    }
  } finally {
    tf.dispose([xt, tt]);
  }
}

/**
 * Compares outputs with references of the same name. A reference whose name is produced but whose element count
 * differs is a failure too (compareWithReferences leaves it out).
 */
export function compareOutputs(outputs: ForwardResult['outputs'], references: ReadonlyMap<string, NamedTensor>): { rows: ComparedTensor[]; sizeMismatches: string[]; unmatched: string[] } {
  const rows = compareWithReferences(outputs, references);
  const sizeMismatches: string[] = [];
  const unmatched: string[] = [];
  for (const [name, ref] of references) {
    if (name === 'x' || name === 'times') continue;
    const ours = outputs.get(name);
    if (!ours) unmatched.push(name);
    else if (ours.data.length !== ref.data.length) sizeMismatches.push(`${name}: ours ${shapeText(ours.shape)}, reference ${shapeText(ref.shape)}`);
  }
  return { rows, sizeMismatches, unmatched };
}

