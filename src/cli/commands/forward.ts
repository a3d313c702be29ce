// `specmoe forward --weights FILE --input IO.safetensors --out OUT.safetensors [--compare REF.safetensors]`: one
// forward pass of an expert or a SpecMoE on the `x` / `times` tensors of a safetensors file, every output written
// under the tensor names of the reference pack (../shared/reference/specmoe/README.md "Tensor inventory").
import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type NamedTensor, readSafetensors, type TensorToWrite, writeSafetensors } from '../../io/safetensors';
import { type LoadedWeights, readWeights } from '../../io/weights';
import { initBackend } from '../../model/backend';
import { AUTHORS_EXPERT, checkInputLength, type ExpertConfig, ModelShapeError, type SpecMoEConfig } from '../../model/config';
import type { ExpertIntermediates } from '../../model/expert';
import { buildExpert, buildSpecMoE, inferExpertConfig, inferSpecMoEConfig, specMoEConfigOfBundle, splitDecoders } from '../../model/load';
import { specMoETensors } from '../../model/specMoE';
import type { PoolMode } from '../../model/tasks';
import { CliError, type Command, option, parseArgs } from '../command';
import { readModelFiles } from '../modelFiles';
import { compareWithReferences, type ComparedTensor, formatComparison, PARITY_TOLERANCE } from '../parityReport';

const BACKENDS = ['wasm', 'cpu'] as const;
type ForwardBackend = (typeof BACKENDS)[number];
const POOL_MODES: readonly PoolMode[] = ['mean', 'max'];

const help = `usage: specmoe forward --weights FILE --input IO.safetensors --out OUT.safetensors [--backend wasm|cpu]
                       [--lpool mean|max] [--cpool max|mean] [--compare REF.safetensors]
  Runs one forward pass of an expert or a SpecMoE (told from the weights' keys) on the tensors "x" [B, C, T]
  (µV/100, T a multiple of 120) and "times" [B, 1, T] of IO.safetensors, and writes every output as float32
  under the names of the reference pack (shared/reference/specmoe/README.md):
    expert   U3_Dec1, U3_Dec2, aux_U2, aux_U1_attn and the 14 intermediates (D1_branch1, D1_branch3, D2,
             pos_enc_1, TE1_mha_out, D2_attn, D3, x_bot1, pos_enc_2, x_bot1_attn, enc_x_bot2, U1, U1_attn, U2);
             only enc_x_bot2 for encoder-only weights
    SpecMoE  psd_x, gate_pre1..3, gate1..3, expert1_x_bot2, pooled1..3, h_cat, h_fused, logits [B, classes],
             moe_logits (the same logits, full_size_io's name) and probabilities (softmax, no reference)
  --weights FILE   .safetensors or .pth state dict (official key names), or a bundle folder / bundle.json
  --backend B      tfjs back-end, wasm (default) or cpu
  --lpool M        SpecMoE pooling over time, mean (default) or max; a bundle's own setting otherwise
  --cpool M        SpecMoE pooling over channels, max (default) or mean; a bundle's own setting otherwise
  --compare REF    compare every output with the tensor of the same name in REF (e.g. the fixture's *_io file):
                   prints max|diff| and max|diff|/max|ref| per tensor, ok when <= ${PARITY_TOLERANCE}
Exit code 2 when the weights or the input cannot be read or do not fit, 3 when --compare finds a tensor out of
tolerance (or nothing to compare).`;

function poolOption(value: string | undefined, name: string): PoolMode | undefined {
  if (value === undefined) return undefined;
  if (!POOL_MODES.includes(value as PoolMode)) throw new CliError(`option --${name} must be mean or max, got "${value}"`);
  return value as PoolMode;
}

const shapeText = (shape: readonly number[]) => `[${shape.join(', ')}]`;

function readTensorFile(path: string, what: string): Map<string, NamedTensor> {
  if (!existsSync(path)) throw new CliError(`no ${what} file at ${path}`, 2);
  try {
    return readSafetensors(new Uint8Array(readFileSync(path))).tensors;
  } catch (e) {
    throw new CliError(`${path} is not a readable safetensors file: ${(e as Error).message}`, 2);
  }
}

/** `x` [B, C, T] and `times` [B, 1, T] of the input file, checked. */
export function forwardInputs(tensors: ReadonlyMap<string, NamedTensor>, path: string): { x: NamedTensor; times: NamedTensor } {
  const need = (name: string) => {
    const t = tensors.get(name);
    if (!t) throw new CliError(`${path} has no tensor "${name}" (it has: ${[...tensors.keys()].join(', ') || 'none'})`, 2);
    return t;
  };
  const x = need('x');
  const times = need('times');
  if (x.shape.length !== 3) throw new CliError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}; expected [B, C, T]`, 2);
  const [batch, nChannels, length] = x.shape as [number, number, number];
  const expected = [batch, 1, length];
  if (times.shape.length !== 3 || times.shape.some((n, i) => n !== expected[i])) {
    throw new CliError(`tensor "times" in ${path} has shape ${shapeText(times.shape)}; expected ${shapeText(expected)} for "x" of shape ${shapeText(x.shape)}`, 2);
  }
  try {
    checkInputLength(nChannels, length);
  } catch (e) {
    if (e instanceof ModelShapeError) throw new CliError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}: ${e.message}`, 2);
    throw e;
  }
  if (batch < 1) throw new CliError(`tensor "x" in ${path} has shape ${shapeText(x.shape)}: empty batch`, 2);
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

function collect(tensors: Record<string, tf.Tensor>): Map<string, { shape: number[]; data: Float32Array }> {
  const out = new Map<string, { shape: number[]; data: Float32Array }>();
  for (const [name, t] of Object.entries(tensors)) out.set(name, { shape: [...t.shape], data: Float32Array.from(t.dataSync()) });
  return out;
}

/** Runs the model the weights hold on x / times. */
export function runForward(weights: LoadedWeights, x: NamedTensor, times: NamedTensor, pools: { lPool?: PoolMode; cPool?: PoolMode }): ForwardResult {
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
        const outputs = collect(produced);
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
      const outputs = collect(produced);
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

export const forwardCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['weights', 'input', 'out', 'backend', 'lpool', 'cpool', 'compare']);
    if (args.positional.length > 0) throw new CliError(`unexpected argument "${args.positional[0]}" (forward takes only options)`);
    const weightsPath = option(args, 'weights');
    const inputPath = option(args, 'input');
    const outPath = option(args, 'out');
    if (!weightsPath) throw new CliError('forward needs --weights FILE');
    if (!inputPath) throw new CliError('forward needs --input IO.safetensors');
    if (!outPath) throw new CliError('forward needs --out OUT.safetensors');
    const backend = option(args, 'backend', 'wasm')!;
    if (!BACKENDS.includes(backend as ForwardBackend)) throw new CliError(`option --backend must be ${BACKENDS.join(' or ')}, got "${backend}"`);
    const pools = { lPool: poolOption(option(args, 'lpool'), 'lpool'), cPool: poolOption(option(args, 'cpool'), 'cpool') };
    const comparePath = option(args, 'compare');

    const { x, times } = forwardInputs(readTensorFile(inputPath, 'input'), inputPath);
    const references = comparePath ? readTensorFile(comparePath, 'reference') : null;
    const weights = await readWeights(readModelFiles(weightsPath));
    if (weights.model === 'expert' && (pools.lPool || pools.cPool)) throw new CliError('--lpool / --cpool apply to a SpecMoE; these weights are one expert');
    const choice = await initBackend([backend as ForwardBackend]);
    const started = performance.now();
    const result = runForward(weights, x, times, pools);
    const seconds = (performance.now() - started) / 1000;

    const tensors: Record<string, TensorToWrite> = {};
    for (const [name, t] of result.outputs) tensors[name] = { dtype: 'F32', shape: t.shape, data: t.data };
    const metadata = { model: result.model, description: result.description, weights: weightsPath, input: inputPath, backend: choice.backend };
    mkdirSync(dirname(outPath), { recursive: true });
    writeFileSync(outPath, writeSafetensors(tensors, metadata));
    console.log(`${result.description} on ${choice.backend}, x ${shapeText(x.shape)}: ${result.outputs.size} tensors in ${seconds.toFixed(2)} s → ${outPath}`);

    if (!references) return 0;
    const { rows, sizeMismatches, unmatched } = compareOutputs(result.outputs, references);
    if (rows.length > 0) console.log(formatComparison(rows));
    if (unmatched.length > 0) console.log(`not in the outputs (not compared): ${unmatched.join(', ')}`);
    for (const m of sizeMismatches) console.log(`FAIL size differs: ${m}`);
    const failed = rows.filter((r) => !r.ok).length + sizeMismatches.length;
    if (rows.length === 0) {
      console.log(`FAIL: no output has a reference of the same name in ${comparePath}`);
      return 3;
    }
    console.log(failed === 0 ? `all ${rows.length} compared tensors within ${PARITY_TOLERANCE} of max|ref|` : `${failed} of ${rows.length + sizeMismatches.length} tensors FAIL`);
    return failed === 0 ? 0 : 3;
  },
};
