import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { WeightsError } from './errors';
import { unpickle, UnsafePickleGlobalError } from './pickle';
import { PyDict, PyObject, PySet, PyTuple, type PyValue } from './pickleValues';
import { openZip } from './zip';

const hex = (s: string): Uint8Array => Uint8Array.from(s.match(/../g)!.map((b) => parseInt(b, 16)));
/** A pickle from opcode bytes and ASCII text pieces. */
const ops = (...parts: (number | string)[]): Uint8Array =>
  Uint8Array.from(parts.flatMap((p) => (typeof p === 'number' ? [p] : [...p].map((c) => c.charCodeAt(0)))));

// The same value pickled by CPython 3.11 `pickle.dumps(obj, protocol=p)`:
// obj = {'ints': [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31, 2**63, -2**70], 'float': -1.25e-3, 'text': 'µV ε',
//        'bytes': b'\x00\xffab', 'ba': bytearray(b'xy'), 'tuple': (1, (2, 3), ()), 'set': {3}, 'frozen': frozenset([4]),
//        'none': None, 't': True, 'f': False, 5: 'int key', 'shared': (shared, shared) with shared = [1, 2],
//        'od': OrderedDict([('b', 2), ('a', 1)])}
const PYTHON_PICKLES: Record<number, string> = {
  2: '80027d7100285804000000696e747371015d7102284b004b014affffffff4bff4d00014dffff4a000001004a000000808a0500000080008a090000000000000080008a090000000000000000c0655805000000666c6f6174710347bf547ae147ae147b58040000007465787471045806000000c2b55620ceb57105580500000062797465737106635f636f646563730a656e636f64650a7107580500000000c3bf6162710858060000006c6174696e31710986710a52710b58020000006261710c635f5f6275696c74696e5f5f0a6279746561727261790a710d680758020000007879710e680986710f52711085711152711258050000007475706c6571134b014b024b038671142987711558030000007365747116635f5f6275696c74696e5f5f0a7365740a71175d71184b036185711952711a580600000066726f7a656e711b635f5f6275696c74696e5f5f0a66726f7a656e7365740a711c5d711d4b046185711e52711f58040000006e6f6e6571204e5801000000747121885801000000667122894b055807000000696e74206b65797123580600000073686172656471245d7125284b014b0265682586712658020000006f64712763636f6c6c656374696f6e730a4f726465726564446963740a71282952712928580100000062712a4b02580100000061712b4b0175752e',
  4: '80049533010000000000007d94288c04696e7473945d94284b004b014affffffff4bff4d00014dffff4a000001004a000000808a0500000080008a090000000000000080008a090000000000000000c0658c05666c6f61749447bf547ae147ae147b8c0474657874948c06c2b55620ceb5948c05627974657394430400ff6162948c026261948c086275696c74696e73948c096279746561727261799493944302787994859452948c057475706c65944b014b024b0386942987948c03736574948f94284b03908c0666726f7a656e94284b0491948c046e6f6e65944e8c017494888c016694894b058c07696e74206b6579948c06736861726564945d94284b014b0265681b86948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0162944b028c0161944b0175752e',
  5: '8005951d010000000000007d94288c04696e7473945d94284b004b014affffffff4bff4d00014dffff4a000001004a000000808a0500000080008a090000000000000080008a090000000000000000c0658c05666c6f61749447bf547ae147ae147b8c0474657874948c06c2b55620ceb5948c05627974657394430400ff6162948c026261949602000000000000007879948c057475706c65944b014b024b0386942987948c03736574948f94284b03908c0666726f7a656e94284b0491948c046e6f6e65944e8c017494888c016694894b058c07696e74206b6579948c06736861726564945d94284b014b0265681686948c026f64948c0b636f6c6c656374696f6e73948c0b4f72646572656444696374949394295294288c0162944b028c0161944b0175752e',
};

const bytesOf = (v: PyValue): number[] => Array.from(v as Uint8Array);

describe('unpickle: plain data as CPython writes it', () => {
  for (const protocol of [2, 4, 5]) {
    it(`reads protocol ${protocol}`, () => {
      const d = unpickle(hex(PYTHON_PICKLES[protocol]!)) as PyDict;
      expect(d).toBeInstanceOf(PyDict);
      expect(d.get('ints')).toEqual([0, 1, -1, 255, 256, 65535, 65536, -(2 ** 31), 2 ** 31, 2n ** 63n, -(2n ** 70n)]);
      expect(d.get('float')).toBe(-1.25e-3);
      expect(d.get('text')).toBe('µV ε');
      expect(bytesOf(d.get('bytes')!)).toEqual([0, 255, 97, 98]);
      expect(bytesOf(d.get('ba')!)).toEqual([120, 121]);
      const tuple = d.get('tuple') as PyTuple;
      expect(tuple.items[0]).toBe(1);
      expect((tuple.items[1] as PyTuple).items).toEqual([2, 3]);
      expect((tuple.items[2] as PyTuple).items).toEqual([]);
      expect(d.get('set')).toEqual(new PySet([3], false));
      expect(d.get('frozen')).toEqual(new PySet([4], true));
      expect([d.get('none'), d.get('t'), d.get('f'), d.get(5)]).toEqual([null, true, false, 'int key']);
      const shared = (d.get('shared') as PyTuple).items;
      expect(shared[0]).toBe(shared[1]); // the memo gives both places the same list
      const od = d.get('od') as PyDict;
      expect(od.className).toBe('collections.OrderedDict');
      expect([...od]).toEqual([['b', 2], ['a', 1]]);
    });
  }

  it('keeps the BUILD state of an OrderedDict (a state dict\'s _metadata) as attributes', () => {
    // OrderedDict() ; BUILD {'_metadata': 7} ; SETITEM 'k' 1
    const d = unpickle(ops(0x80, 2, 'ccollections\nOrderedDict\n', 0x29, 0x52, 0x7d, 'X', 9, 0, 0, 0, '_metadata', 'K', 7, 's', 'b', 'X', 1, 0, 0, 0, 'k', 'K', 1, 's', '.')) as PyDict;
    expect(d.attributes.get('_metadata')).toBe(7);
    expect([...d]).toEqual([['k', 1]]);
  });
});

describe('unpickle: refuses what it does not know, by name', () => {
  it('refuses os.system named by GLOBAL before anything is called', () => {
    // The classic payload: os.system('echo pwned') via GLOBAL + REDUCE.
    const payload = ops(0x80, 2, 'cos\nsystem\n', 'X', 10, 0, 0, 0, 'echo pwned', 0x85, 'R', '.');
    expect(() => unpickle(payload)).toThrow(UnsafePickleGlobalError);
    expect(() => unpickle(payload)).toThrow('pickle: refusing global "os.system" at byte 2');
    try {
      unpickle(payload);
    } catch (e) {
      expect((e as UnsafePickleGlobalError).globalName).toBe('os.system');
      expect((e as WeightsError).byteOffset).toBe(2);
    }
  });

  it('refuses builtins.eval named by STACK_GLOBAL (protocol 4)', () => {
    const payload = ops(0x80, 4, 0x8c, 8, 'builtins', 0x8c, 4, 'eval', 0x93, 0x8c, 1, '1', 0x85, 'R', '.');
    expect(() => unpickle(payload)).toThrow(/refusing global "builtins\.eval" at byte 18/);
  });

  it('refuses the globals of known exploits by name and byte: builtins.getattr, posix.system, torch.storage._load_from_bytes', () => {
    expect(() => unpickle(ops(0x80, 2, 'cbuiltins\ngetattr\n', 'N', 'X', 1, 0, 0, 0, 'a', 0x86, 'R', '.'))).toThrow('pickle: refusing global "builtins.getattr" at byte 2');
    expect(() => unpickle(ops(0x80, 2, 'cposix\nsystem\n', 'X', 2, 0, 0, 0, 'id', 0x85, 'R', '.'))).toThrow('pickle: refusing global "posix.system" at byte 2');
    expect(() => unpickle(ops(0x80, 4, 0x8c, 5, 'posix', 0x8c, 6, 'system', 0x93, 0x8c, 2, 'id', 0x85, 'R', '.'))).toThrow('pickle: refusing global "posix.system" at byte 17');
    expect(() => unpickle(ops(0x80, 2, 'ctorch.storage\n_load_from_bytes\n', 'C', 1, 'x', 0x85, 'R', '.'))).toThrow('pickle: refusing global "torch.storage._load_from_bytes" at byte 2');
  });

  it('refuses subprocess.Popen named by INST (protocol 0 instance)', () => {
    expect(() => unpickle(ops('(', 'X', 2, 0, 0, 0, 'ls', 'isubprocess\nPopen\n', '.'))).toThrow(/refusing global "subprocess\.Popen"/);
  });

  it('refuses an unknown project class unless the caller tolerates it, then keeps it as an inert record', () => {
    const payload = ops(0x80, 2, 'cmyproj.cfg\nConfig\n', 0x29, 0x81, 0x7d, 'X', 1, 0, 0, 0, 'a', 'K', 3, 's', 'b', '.');
    expect(() => unpickle(payload)).toThrow(/refusing global "myproj\.cfg\.Config"/);
    const record = unpickle(payload, { opaqueClasses: new Set(['myproj.cfg.Config']) }) as PyObject;
    expect(record).toBeInstanceOf(PyObject);
    expect(record.className).toBe('myproj.cfg.Config');
    expect([...(record.state as PyDict)]).toEqual([['a', 3]]);
  });

  it('never tolerates system modules as opaque classes, even when asked', () => {
    expect(() => unpickle(ops('N.'), { opaqueClasses: new Set(['os.system']) })).toThrow(/"os\.system" can never be tolerated/);
    expect(() => unpickle(ops('N.'), { opaqueClasses: new Set(['builtins.eval']) })).toThrow(WeightsError);
  });

  it('refuses an opaque record used as a function', () => {
    const payload = ops(0x80, 2, 'cmyproj\nC\n', 0x29, 'R', 0x29, 'R', '.');
    expect(() => unpickle(payload, { opaqueClasses: new Set(['myproj.C']) })).toThrow(/cannot call a myproj\.C/);
  });

  it('names the protocol-0 text opcodes and out-of-band buffers it does not read', () => {
    expect(() => unpickle(ops('(dp0\nVa\np1\nI1\ns.'))).toThrow(/unsupported opcode 0x56 \(UNICODE, protocol-0 text string\) \(byte 5\)/);
    expect(() => unpickle(ops(0x80, 5, 0x97, '.'))).toThrow(/NEXT_BUFFER/);
    expect(() => unpickle(ops(0x80, 2, 0x82, 1, '.'))).toThrow(/EXT1/);
  });
});

describe('unpickle: hostile and broken streams end in a WeightsError', () => {
  const expectTyped = (bytes: Uint8Array, pattern: RegExp): void => {
    expect(() => unpickle(bytes)).toThrow(WeightsError);
    expect(() => unpickle(bytes)).toThrow(pattern);
  };

  it('checks every length against the stream', () => {
    expectTyped(ops(0x80, 2, 'X', 0xff, 0xff, 0xff, 0x7f, 'ab'), /needs 2147483647 bytes at byte 7 but the stream ends at 9/);
    expectTyped(ops(0x80, 4, 0x8d, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), /exceeds the 11-byte stream/);
    expectTyped(ops(0x80, 2, 0x8b, 0x00, 0x00, 0x00, 0x40), /integer of 1073741824 bytes is too large/);
    expectTyped(ops(0x80, 2, 'T', 0xff, 0xff, 0xff, 0xff), /negative length -1/);
    expectTyped(ops('cos\nsys'), /no end of line \(truncated\)/);
  });

  it('bounds the memo, the stack and the nesting', () => {
    expectTyped(ops(0x80, 2, 'h', 3, '.'), /memo entry 3 was never stored/);
    expectTyped(ops(0x80, 2, 'R', '.'), /stack underflow: needs 2 values, has 0/);
    expectTyped(ops(0x80, 2, 'e'), /no MARK to pop to|stack underflow/);
    expectTyped(ops(0x80, 2, ...new Array(1001).fill(0x28)), /more than 1000 nested marks/);
    const deepList = Uint8Array.from([0x80, 2, ...Array.from({ length: 200_000 }, () => [0x28, 0x5d]).flat()]); // 200 000 × (MARK, EMPTY_LIST)
    expectTyped(deepList, /more than 1000 nested marks/);
    expectTyped(ops(0x80, 2, 0x5d, 'K', 1, 'K', 2, 's', '.'), /SETITEM on a list/);
    expectTyped(ops(0x80, 2, 0x7d, 'K', 1, 'a', '.'), /APPEND to a dict/);
    expectTyped(ops(0x80, 6, '.'), /unsupported pickle protocol 6/);
  });

  it('gives a WeightsError for every truncation of a real checkpoint pickle', () => {
    const pickle = openZip(readFileSync(new URL('./testdata/finetune_wrapper.pth', import.meta.url))).read('finetune_ckpt/data.pkl');
    let failures = 0;
    for (let n = 0; n < pickle.length; n++) {
      try {
        unpickle(pickle.subarray(0, n), { opaqueClasses: new Set(['Utils.parse_config.ConfigParser', 'pathlib.PosixPath']), persistentLoad: () => null });
      } catch (e) {
        if (!(e instanceof WeightsError)) throw e;
        failures++;
      }
    }
    expect(failures).toBe(pickle.length);
  });

  it('ends seeded random corruptions of a real pickle in a value or a WeightsError, never another error', () => {
    const pickle = hex(PYTHON_PICKLES[2]!);
    let seed = 12345;
    const random = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    let typed = 0;
    for (let trial = 0; trial < 3000; trial++) {
      const bytes = pickle.slice();
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      try {
        unpickle(bytes);
      } catch (e) {
        if (!(e instanceof WeightsError)) throw new Error(`trial ${trial}: ${(e as Error).name}: ${(e as Error).message}`);
        typed++;
      }
    }
    expect(typed).toBeGreaterThan(1000);
  });
});
