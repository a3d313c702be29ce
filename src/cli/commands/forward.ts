// `specmoe forward --weights FILE --input IO.safetensors --out OUT.safetensors [--compare REF.safetensors]`: one
// forward pass of an expert or a SpecMoE on the `x` / `times` tensors of a safetensors file, every output written
// under the tensor names of the reference pack (../shared/reference/specmoe/README.md "Tensor inventory").
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type NamedTensor, readSafetensors, type TensorToWrite, writeSafetensors } from '../../io/safetensors';
import { readWeights } from '../../io/weights';
import { initBackend } from '../../runtime/backend';
import { compareOutputs, formatComparison, forwardInputs, ModelShapeError, PARITY_TOLERANCE, type PoolMode, runForward, shapeText } from '../../model';
import { CliError, type Command, option, parseArgs } from '../command';
import { readModelFiles } from '../modelFiles';
import { checkReadable, reading } from '../files';

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

function readTensorFile(path: string): Promise<Map<string, NamedTensor>> {
  checkReadable(path);
  return reading(path, async () => readSafetensors(new Uint8Array(readFileSync(path))).tensors);
}

function cliInputs(tensors: ReadonlyMap<string, NamedTensor>, path: string): ReturnType<typeof forwardInputs> {
  try {
    return forwardInputs(tensors, path);
  } catch (e) {
    if (e instanceof ModelShapeError) throw new CliError(e.message, 2);
    throw e;
  }
}

export const forwardCommand: Command = {
  help,
  async run(argv) {
    const args = parseArgs(argv, ['weights', 'input', 'out', 'backend', 'lpool', 'cpool', 'compare'], [], []);
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

    const { x, times } = cliInputs(await readTensorFile(inputPath), inputPath);
    const references = comparePath ? await readTensorFile(comparePath) : null;
    const weights = await reading(weightsPath, () => readWeights(readModelFiles(weightsPath)));
    if (weights.model === 'expert' && (pools.lPool || pools.cPool)) throw new CliError('--lpool / --cpool apply to a SpecMoE; these weights are one expert');
    const choice = await initBackend([backend as ForwardBackend]);
    const started = performance.now();
    const result = await runForward(weights, x, times, pools);
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
