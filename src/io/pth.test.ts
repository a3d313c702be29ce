import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { UnsafePickleGlobalError } from './pickle';
import { PyDict, PyObject, PyTuple } from './pickleValues';
import { readPth, readPthStateDict } from './pth';
import { readSafetensors, type NamedTensor } from './safetensors';
import { stateDictTable } from './testdata/stateDictTable';
import { describeShared, REFERENCE_DIR } from '../testing/shared';

const FINETUNE_FIXTURE = new URL('./testdata/finetune_wrapper.pth', import.meta.url);

/** Opcode bytes and pieces: numbers are bytes, `str(s)` a BINUNICODE, plain strings raw ASCII. */
const ops = (...parts: (number | string | number[])[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : Array.isArray(p) ? p : [...p].map((c) => c.charCodeAt(0)))));
const str = (s: string): number[] => {
  const b = [...new TextEncoder().encode(s)];
  return [0x58, b.length & 0xff, (b.length >> 8) & 0xff, 0, 0, ...b];
};
const tuple = (ns: number[]): number[] => [0x28, ...ns.flatMap((n) => [0x4b, n]), 0x74];

/** `_rebuild_tensor_v2(storage('key', numel), offset, size, stride, False, OrderedDict())` as torch.save writes it. */
function tensorOps(key: string, numel: number, size: number[], stride: number[], offset = 0, storageClass = 'FloatStorage'): number[] {
  return [
    ...ops('ctorch._utils\n_rebuild_tensor_v2\n', '('),
    ...ops('(', str('storage'), `ctorch\n${storageClass}\n`, str(key), str('cpu'), 0x4b, numel, 't', 'Q'),
    0x4b, offset, ...tuple(size), ...tuple(stride), 0x89,
    ...ops('ccollections\nOrderedDict\n', ')', 'R', 't', 'R'),
  ];
}

const float32Bytes = (values: number[]): Uint8Array => new Uint8Array(new Float32Array(values).buffer);

/** A .pth zip with `pickle` as data.pkl and the given storages, stored like torch.save does. */
function checkpoint(pickle: Uint8Array, storages: Record<string, Uint8Array> = {}, archive = 'ck'): Uint8Array {
  const files: Record<string, [Uint8Array, { level: 0 }]> = { [`${archive}/data.pkl`]: [pickle, { level: 0 }] };
  for (const [key, bytes] of Object.entries(storages)) files[`${archive}/data/${key}`] = [bytes, { level: 0 }];
  files[`${archive}/version`] = [new TextEncoder().encode('3\n'), { level: 0 }];
  return zipSync(files);
}

/** {'state_dict': {'w': <tensor>}, ...extra} */
const wrapped = (tensor: number[], extra: number[] = []): Uint8Array =>
  ops(0x80, 2, 0x7d, '(', str('state_dict'), 0x7d, str('w'), ...tensor, 's', ...extra, 'u', '.');

const bitsOf = (t: NamedTensor): Buffer => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength);
/** Index of the first differing byte of two tensors' values, -1 when bit-identical (and fast on 1 MB tensors). */
const firstBitDifference = (a: NamedTensor, b: NamedTensor): number => {
  const [x, y] = [bitsOf(a), bitsOf(b)];
  if (x.length !== y.length) return Math.min(x.length, y.length);
  return x.equals(y) ? -1 : x.findIndex((v, i) => v !== y[i]);
};

describeShared('readPthStateDict on the reference checkpoints', () => {
  it('reproduces expert_small.safetensors bit for bit from the pre-training checkpoint (334 entries)', () => {
    const pth = readPthStateDict(readFileSync(`${REFERENCE_DIR}/expert_small_ckpt.pth`));
    const reference = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
    expect(pth.source).toBe('model_state');
    expect(pth.info).toEqual({ epoch: 7, best_loss: 0.123456789, cuda_rng_state: null });
    // Keys with `module.` stripped, in the authors' state_dict order.
    expect([...pth.tensors.keys()]).toEqual(stateDictTable('Expert').map((r) => r.key));
    expect(pth.tensors.size).toBe(334);
    let int64 = 0;
    for (const [key, ref] of reference) {
      const t = pth.tensors.get(key)!;
      expect(t.dtype, key).toBe(ref.dtype);
      expect(t.shape, key).toEqual(ref.shape);
      expect(firstBitDifference(t, ref), key).toBe(-1);
      if (t.dtype === 'I64') int64++;
    }
    expect(int64).toBe(42);
    expect(pth.tensors.get('Down1.features1.1.num_batches_tracked')!.data[0]).toBe(1000);
  });

  it('reads a bare state dict (18 Down1.features1 entries, no wrapper)', () => {
    const pth = readPthStateDict(readFileSync(`${REFERENCE_DIR}/expert_small_bare_subset.pth`));
    const reference = readSafetensors(readFileSync(`${REFERENCE_DIR}/expert_small.safetensors`)).tensors;
    expect(pth.source).toBe('bare');
    expect([...pth.tensors.keys()]).toEqual(stateDictTable('Expert').slice(0, 18).map((r) => r.key));
    for (const [key, t] of pth.tensors) expect(firstBitDifference(t, reference.get(key)!), key).toBe(-1);
  });

  it('keeps the checkpoint wrapper readable: optimizer, scheduler and CLI params as plain data', () => {
    const { archiveName, root } = readPth(readFileSync(`${REFERENCE_DIR}/expert_small_ckpt.pth`));
    expect(archiveName).toBe('expert_small_ckpt');
    const d = root as PyDict;
    const group = ((d.get('optimizer_state') as PyDict).get('param_groups') as PyDict[])[0]!;
    expect(group.get('weight_decay')).toBe(0.05);
    expect((group.get('betas') as PyTuple).items).toEqual([0.9, 0.999]);
    expect((d.get('params') as PyDict).get('nb_heads')).toBe(8);
    expect(((d.get('model_state') as PyDict).attributes.get('_metadata') as PyDict).size).toBeGreaterThan(0);
  });
});

describe('readPthStateDict on a fine-tuning-style checkpoint', () => {
  const pth = readPthStateDict(readFileSync(FINETUNE_FIXTURE));
  const values = (key: string): number[] => Array.from(pth.tensors.get(key)!.data);

  it('takes `state_dict`, strips `module.` and reports the scalar wrapper entries', () => {
    expect(pth.source).toBe('state_dict');
    expect([...pth.tensors.keys()].slice(0, 3)).toEqual(['gate_LinearT_1.weight', 'gate_LinearT_1.bias', 'gate_LinearT_2.bias']);
    expect(pth.info).toEqual({ arch: 'SSL_3Expert_GatedFusion', epoch: 12, scheduler: null, monitor_best: 0.8125 });
  });

  it('honours storage offset and stride (a transpose and two views of one shared storage)', () => {
    // base = arange(15) * 0.5 - 3 as [5,3]; the tensor is its transpose [3,5] (stride (1,3)).
    const base = Array.from({ length: 15 }, (_, i) => i * 0.5 - 3);
    const transposed = [0, 1, 2].flatMap((r) => [0, 1, 2, 3, 4].map((c) => base[c * 3 + r]!));
    expect(pth.tensors.get('gate_LinearT_1.weight')!.shape).toEqual([3, 5]);
    expect(values('gate_LinearT_1.weight')).toEqual(transposed);
    expect(values('gate_LinearT_1.bias')).toEqual([7, 6, 5]); // offset 2 of [9..2]
    expect(values('gate_LinearT_2.bias')).toEqual([8, 6, 4, 2]); // offset 1, size (2,2), stride (4,2)
  });

  it('decodes every storage type: half, bfloat16, double, int64 beyond 2^32, int32, int16, int8, bool, uint8', () => {
    expect(values('classifier.net.0.weight')).toEqual([1, -2.5, 0.0999755859375, 65504]);
    expect(pth.tensors.get('classifier.net.0.weight')!.dtype).toBe('F16');
    expect(values('classifier.net.0.bias')).toEqual([1.5, -0.25, 3, Math.fround(0.0009994507)]);
    expect(values('classifier.net.4.weight')).toEqual([Math.PI, -1e-300]);
    expect(pth.tensors.get('bn.num_batches_tracked')).toMatchObject({ dtype: 'I64', shape: [] });
    expect(values('bn.num_batches_tracked')).toEqual([2 ** 40 + 3]);
    expect(values('counts')).toEqual([-7, 70000]);
    expect(values('small')).toEqual([-300, 300]);
    expect(values('tiny')).toEqual([-128, 127]);
    expect(values('mask')).toEqual([1, 0, 1]);
    expect(pth.tensors.get('mask')!.dtype).toBe('BOOL');
    expect(values('bytes')).toEqual([0, 255]);
  });

  it('keeps the trainer\'s ConfigParser as an inert record with its paths, never run', () => {
    const root = readPth(readFileSync(FINETUNE_FIXTURE)).root as PyDict;
    const config = root.get('config') as PyObject;
    expect(config).toBeInstanceOf(PyObject);
    expect(config.className).toBe('Utils.parse_config.ConfigParser');
    const state = config.state as PyDict;
    expect((state.get('_config') as PyDict).get('name')).toBe('SpecMoE_finetune');
    const saveDir = state.get('_save_dir') as PyObject;
    expect(saveDir.className).toBe('pathlib.PosixPath');
    expect(saveDir.args).toEqual(['saved', 'HMC', 'Exp_1']);
    expect(Array.from(root.get('note') as Uint8Array)).toEqual([...new TextEncoder().encode('raw bytes')]);
  });
});

describe('readPth refuses what a state dict never needs, by name', () => {
  it('refuses a checkpoint whose pickle calls os.system', () => {
    const payload = ops(0x80, 2, 0x7d, str('state_dict'), 'cos\nsystem\n', str('rm -rf ~'), 0x85, 'R', 's', '.');
    const bytes = checkpoint(payload);
    expect(() => readPthStateDict(bytes)).toThrow(UnsafePickleGlobalError);
    expect(() => readPthStateDict(bytes)).toThrow(/refusing global "os\.system" at byte 18/);
  });

  it('refuses an unknown project class in the wrapper unless the caller names it', () => {
    const tensor = tensorOps('0', 2, [2], [1]);
    const bytes = checkpoint(wrapped(tensor, [...str('config'), ...ops('cmylab.settings\nRunConfig\n', ')', 0x81)]), { 0: float32Bytes([1, 2]) });
    expect(() => readPthStateDict(bytes)).toThrow(/refusing global "mylab\.settings\.RunConfig"/);
    const sd = readPthStateDict(bytes, { opaqueClasses: ['mylab.settings.RunConfig'] });
    expect(Array.from(sd.tensors.get('w')!.data)).toEqual([1, 2]);
  });

  it('refuses storage classes it cannot decode, by name', () => {
    const bytes = checkpoint(wrapped(tensorOps('0', 1, [1], [1], 0, 'ComplexFloatStorage')), { 0: new Uint8Array(8) });
    expect(() => readPthStateDict(bytes)).toThrow(/refusing global "torch\.ComplexFloatStorage"/);
  });
});

describe('readPth: broken checkpoints end in a WeightsError naming the part', () => {
  it('names a missing storage entry', () => {
    const bytes = checkpoint(wrapped(tensorOps('7', 2, [2], [1])));
    expect(() => readPthStateDict(bytes)).toThrow(/storage entry "ck\/data\/7" named by the pickle is missing/);
  });

  it('names a storage whose size disagrees with its persistent id', () => {
    const bytes = checkpoint(wrapped(tensorOps('0', 3, [3], [1])), { 0: float32Bytes([1, 2]) });
    expect(() => readPthStateDict(bytes)).toThrow(/storage "0" holds 8 bytes but its persistent id says 3 × F32/);
  });

  it('refuses a view that reaches past its storage', () => {
    const bytes = checkpoint(wrapped(tensorOps('0', 4, [2, 2], [2, 2], 1)), { 0: float32Bytes([1, 2, 3, 4]) });
    expect(() => readPthStateDict(bytes)).toThrow(/tensor view \(offset 1, size \[2, 2\], stride \[2, 2\]\) reaches element 5 of storage "0" which has 4/);
  });

  it('says where the state dict should have been', () => {
    const bytes = checkpoint(ops(0x80, 2, 0x7d, str('epoch'), 0x4b, 3, 's', '.'));
    expect(() => readPthStateDict(bytes)).toThrow(/no state dict found: top-level keys are epoch; expected model_state, state_dict, model, or a dict of tensors/);
    const notTensor = checkpoint(ops(0x80, 2, 0x7d, str('state_dict'), 0x7d, str('w'), 0x4b, 1, 's', 's', '.'));
    expect(() => readPthStateDict(notTensor)).toThrow(/state dict entry "w" is a int, not a tensor/);
  });

  it('recognises the legacy torch.save format and TorchScript archives', () => {
    expect(() => readPth(ops(0x80, 2, 0x8a, 10, 0x6c, 0xfc, 0x9c, 0x46, 0xf9, 0x20, 0x6a, 0xa8, 0x50, 0x19, '.'))).toThrow(/legacy torch\.save format/);
    const script = zipSync({ 'm/data.pkl': ops(0x80, 2, 'N.'), 'm/constants.pkl': ops(0x80, 2, 'N.') });
    expect(() => readPth(script)).toThrow(/TorchScript archive/);
    expect(() => readPth(new TextEncoder().encode('hello'))).toThrow(/not a PyTorch zip checkpoint/);
  });

  it('ends seeded random corruptions of a checkpoint in a state dict or a WeightsError, never another error', () => {
    const original = readFileSync(FINETUNE_FIXTURE);
    let seed = 2024;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let typed = 0;
    for (let trial = 0; trial < 400; trial++) {
      const bytes = new Uint8Array(original);
      for (let k = 0; k < 1 + Math.floor(random() * 3); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        readPthStateDict(bytes);
      } catch (e) {
        if (!(e instanceof WeightsError)) throw new Error(`trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(200);
  });
});
