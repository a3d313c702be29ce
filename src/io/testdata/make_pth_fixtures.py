"""Writes finetune_wrapper.pth: a checkpoint laid out like the SpecMoE fine-tuning trainer's (ARCHITECTURE.md §11)
for pth.test.ts. Provenance only: the tests read the written file and never run Python.

torch is not installed here, so the torch globals are stand-ins registered under torch's module names; Python's own
pickler (protocol 2, as torch.save uses) then writes exactly the opcodes torch.save writes for them: persistent ids
('storage', torch.<Type>Storage, key, 'cpu', numel) and torch._utils._rebuild_tensor_v2 / _rebuild_parameter calls.
The config is a real instance of a class named Utils.parse_config.ConfigParser holding pathlib paths.
Run: python3 src/io/testdata/make_pth_fixtures.py
"""
import collections, io, pathlib, pickle, struct, sys, types, zipfile

import numpy as np

torch = types.ModuleType('torch'); torch_utils = types.ModuleType('torch._utils')
utils_pkg = types.ModuleType('Utils'); parse_config = types.ModuleType('Utils.parse_config')
sys.modules.update({'torch': torch, 'torch._utils': torch_utils, 'Utils': utils_pkg, 'Utils.parse_config': parse_config})

STORAGE_TYPES = {}
for name in ['Float', 'Double', 'Half', 'BFloat16', 'Long', 'Int', 'Short', 'Char', 'Byte', 'Bool']:
    cls = type(f'{name}Storage', (), {'__module__': 'torch'})
    setattr(torch, cls.__name__, cls); STORAGE_TYPES[name] = cls

def _rebuild_tensor_v2(*args): raise RuntimeError('stand-in')
def _rebuild_parameter(*args): raise RuntimeError('stand-in')
for f in (_rebuild_tensor_v2, _rebuild_parameter):
    f.__module__ = 'torch._utils'; setattr(torch_utils, f.__name__, f)

class ConfigParser:
    pass
ConfigParser.__module__ = 'Utils.parse_config'; parse_config.ConfigParser = ConfigParser

class Storage:
    def __init__(self, kind, key, raw, numel):
        self.kind, self.key, self.raw, self.numel = kind, key, raw, numel

class Tensor:
    def __init__(self, storage, offset, size, stride, parameter=False):
        self.args = (storage, offset, tuple(size), tuple(stride), parameter, collections.OrderedDict())
        self.parameter = parameter
    def __reduce_ex__(self, protocol):
        plain = (_rebuild_tensor_v2, self.args)
        if self.parameter:
            return (_rebuild_parameter, (TensorView(plain), True, collections.OrderedDict()))
        return plain

class TensorView:
    def __init__(self, reduced): self.reduced = reduced
    def __reduce_ex__(self, protocol): return self.reduced

storages = []
def storage(kind, array):
    raw = np.ascontiguousarray(array).astype(array.dtype.newbyteorder('<')).tobytes()
    s = Storage(kind, str(len(storages)), raw, array.size); storages.append(s); return s

def bf16(values):
    bits = np.asarray(values, dtype='<f4').view('<u4') >> 16
    return bits.astype('<u2')

base = storage('Float', np.arange(15, dtype='<f4') * 0.5 - 3)           # [5,3] row-major
shared = storage('Float', np.array([9, 8, 7, 6, 5, 4, 3, 2], dtype='<f4'))
state = collections.OrderedDict()
state['module.gate_LinearT_1.weight'] = Tensor(base, 0, (3, 5), (1, 3))  # transpose of [5,3]: non-contiguous
state['module.gate_LinearT_1.bias'] = Tensor(shared, 2, (3,), (1,))      # offset view
state['module.gate_LinearT_2.bias'] = Tensor(shared, 1, (2, 2), (4, 2))  # strided view of the same storage
state['module.classifier.net.0.weight'] = Tensor(storage('Half', np.array([1, -2.5, 0.099975586, 65504], dtype='<f2')), 0, (4,), (1,), parameter=True)
state['module.classifier.net.0.bias'] = Tensor(storage('BFloat16', bf16([1.5, -0.25, 3.0, 1e-3])), 0, (2, 2), (2, 1))
state['module.classifier.net.4.weight'] = Tensor(storage('Double', np.array([np.pi, -1e-300], dtype='<f8')), 0, (2,), (1,))
state['module.bn.num_batches_tracked'] = Tensor(storage('Long', np.array([2**40 + 3], dtype='<i8')), 0, (), ())
state['module.counts'] = Tensor(storage('Int', np.array([-7, 70000], dtype='<i4')), 0, (2,), (1,))
state['module.small'] = Tensor(storage('Short', np.array([-300, 300], dtype='<i2')), 0, (2,), (1,))
state['module.tiny'] = Tensor(storage('Char', np.array([-128, 127], dtype='<i1')), 0, (2,), (1,))
state['module.mask'] = Tensor(storage('Bool', np.array([True, False, True], dtype='?')), 0, (3,), (1,))
state['module.bytes'] = Tensor(storage('Byte', np.array([0, 255], dtype='<u1')), 0, (2,), (1,))
state._metadata = collections.OrderedDict([('', {'version': 1})])

config = ConfigParser()
config._config = collections.OrderedDict([('name', 'SpecMoE_finetune'), ('n_gpu', 2), ('optimizer', {'type': 'AdamW', 'args': {'lr': 1e-3}})])
config.resume = None
config._save_dir = pathlib.PosixPath('saved', 'HMC', 'Exp_1')
config._log_dir = pathlib.PosixPath('saved', 'HMC', 'Exp_1')

checkpoint = {'arch': 'SSL_3Expert_GatedFusion', 'epoch': 12, 'state_dict': state,
              'optimizer': {'state': {}, 'param_groups': [{'lr': 1e-3, 'betas': (0.9, 0.999), 'params': [0, 1, 2]}]},
              'scheduler': None, 'monitor_best': 0.8125, 'config': config, 'note': b'raw bytes'}

class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ('storage', STORAGE_TYPES[obj.kind], obj.key, 'cpu', obj.numel)
        return None

buf = io.BytesIO(); Pickler(buf, protocol=2).dump(checkpoint)
with zipfile.ZipFile(sys.argv[1] if len(sys.argv) > 1 else 'src/io/testdata/finetune_wrapper.pth', 'w', zipfile.ZIP_STORED) as z:
    z.writestr('finetune_ckpt/data.pkl', buf.getvalue())
    z.writestr('finetune_ckpt/byteorder', 'little')
    for s in storages:
        z.writestr(f'finetune_ckpt/data/{s.key}', s.raw)
    z.writestr('finetune_ckpt/version', '3\n')
