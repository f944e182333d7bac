#!/usr/bin/python3
"""Builds the tiny, committed golden models for parse-model.test.ts (a few KB each), and what Python's
onnx says about them (NAME.expected.json, from scripts/make-onnx-fixtures.py's expected_report).

    /usr/bin/python3 src-main/common/onnx/__fixtures__/make-fixtures.py

Deterministic: rerunning rewrites the same bytes (torch export included, fixed seed).

  tiny_cnn.onnx       torch-exported Conv/Relu/GlobalAveragePool/Flatten/Gemm, batch symbolic, with
                      doc string, metadata, model version and domain (also cut short by the truncation tests)
  tiny_control.onnx   If (with a nested If and a branch initialiser) and Loop: subgraph ids and counts
  tiny_attrs.onnx     a custom-domain node carrying every attribute type (formatting, qualified ops)
  tiny_types.onnx     initialisers of every dtype Python's onnx 1.12 writes, as typed *_data fields and as
                      raw_data, a sparse initialiser, and sequence/map/optional value types;
                      tiny_types.values.json holds numpy_helper.to_array of each (float16/bfloat16 as bits)
  tiny_external.onnx  weights in tiny_external.onnx.data, one of them without a `length` entry
  tiny_legacy.onnx    IR 3 style: every initialiser also listed as a graph input, attributes without `type`
  not_onnx_*          files people open by mistake: a torch.save checkpoint (zip), an old-style one
                      (pickle), a plain zip archive holding a model
"""
import importlib.util
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, '..', '..', '..', '..'))
spec = importlib.util.spec_from_file_location('fixtures', os.path.join(REPO, 'scripts', 'make-onnx-fixtures.py'))
fixtures = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fixtures)


def out(name):
    return os.path.join(HERE, name)


def save(model, name, check=True):
    onnx.save(model, out(name))
    if check:
        onnx.checker.check_model(out(name))  # by path, so external data is found beside it
    with open(out(name.replace('.onnx', '.expected.json')), 'w') as f:
        json.dump(fixtures.expected_report(out(name)), f, indent=1)
        f.write('\n')


def tiny_cnn():
    import torch
    from torch import nn
    torch.manual_seed(0)
    module = nn.Sequential(nn.Conv2d(3, 4, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 3)).eval()
    path = out('tiny_cnn.onnx')
    torch.onnx.export(module, torch.zeros(1, 3, 8, 8), path, opset_version=13, input_names=['image'],
                      output_names=['scores'], dynamic_axes={'image': {0: 'batch'}, 'scores': {0: 'batch'}})
    model = onnx.load(path)
    model.doc_string = 'Tiny CNN golden fixture.'
    model.domain = 'dev.lathe.test'
    model.model_version = 7
    helper.set_model_props(model, {'author': 'Lathe', 'classes': '3'})
    model.graph.input[0].doc_string = 'an RGB image'
    save(model, 'tiny_cnn.onnx')


def tiny_control():
    f = TensorProto.FLOAT
    info = lambda name, shape=(2,): helper.make_tensor_value_info(name, f, list(shape))  # noqa: E731
    inner = helper.make_node('If', ['flag'], ['inner_y'], name='inner_if',
                             then_branch=helper.make_graph([helper.make_node('Neg', ['x'], ['a'])], 'inner_then', [], [info('a')]),
                             else_branch=helper.make_graph([helper.make_node('Abs', ['x'], ['b'])], 'inner_else', [], [info('b')]))
    then_branch = helper.make_graph([helper.make_node('Mul', ['x', 'k'], ['then_y'], name='scale')], 'then_branch', [],
                                    [info('then_y')], [numpy_helper.from_array(np.array([2, 3], np.float32), 'k')])
    else_branch = helper.make_graph([inner], 'else_branch', [], [info('inner_y')])
    body = helper.make_graph(
        [helper.make_node('Identity', ['cond_in'], ['cond_out']), helper.make_node('Add', ['acc_in', 'x'], ['acc_out'])],
        'loop_body',
        [helper.make_tensor_value_info('i', TensorProto.INT64, []), helper.make_tensor_value_info('cond_in', TensorProto.BOOL, []), info('acc_in')],
        [helper.make_tensor_value_info('cond_out', TensorProto.BOOL, []), info('acc_out')])
    graph = helper.make_graph([
        helper.make_node('If', ['flag'], ['if_y'], name='outer_if', then_branch=then_branch, else_branch=else_branch),
        helper.make_node('Loop', ['trips', '', 'if_y'], ['loop_y'], name='loop', body=body),
        helper.make_node('Relu', ['loop_y'], ['y'], name='relu'),
    ], 'control', [info('x'), helper.make_tensor_value_info('flag', TensorProto.BOOL, [])], [info('y')],
        [numpy_helper.from_array(np.array(3, np.int64), 'trips')])
    save(helper.make_model(graph, producer_name='lathe-test', opset_imports=[helper.make_opsetid('', 13)]), 'tiny_control.onnx')


def tiny_attrs():
    sub = helper.make_graph([helper.make_node('Identity', ['x'], ['z'])], 'attr_graph', [], [])
    node = helper.make_node(
        'Everything', ['x'], ['y'], name='custom', domain='com.example', doc_string='carries every attribute type',
        alpha=0.1, count=-3, big=9223372036854775807, mode='NOTSET', shape_tensor=numpy_helper.from_array(np.array([1, -1], np.int64)),
        weights=numpy_helper.from_array(np.zeros((8, 3, 7, 7), np.float32)), scalar=numpy_helper.from_array(np.array(0.5, np.float32)),
        body=sub, scales=[0.5, 1.5], sizes=list(range(512)), names=['a', 'b'], pair=[sub, sub],
        tensor_list=[numpy_helper.from_array(np.zeros(3, np.float32))])
    graph = helper.make_graph([node, helper.make_node('Relu', ['y'], ['r'], name='relu')], 'attrs',
                              [helper.make_tensor_value_info('x', TensorProto.FLOAT, [3])],
                              [helper.make_tensor_value_info('r', TensorProto.FLOAT, [3])])
    model = helper.make_model(graph, producer_name='lathe-test',
                              opset_imports=[helper.make_opsetid('', 13), helper.make_opsetid('com.example', 1)])
    save(model, 'tiny_attrs.onnx', check=False)  # the custom op has no schema


def tiny_types():
    values = {
        'f32': np.array([[1.5, -2.25], [3.0, 1e-7]], np.float32), 'f64': np.array([0.1, -1e300], np.float64),
        'i8': np.array([-128, 127], np.int8), 'u8': np.array([0, 255], np.uint8), 'i16': np.array([-32768, 7], np.int16),
        'u16': np.array([65535, 1], np.uint16), 'i32': np.array([-2147483648, 2147483647], np.int32),
        'i64': np.array([-9223372036854775808, 9007199254740993], np.int64), 'u32': np.array([4294967295, 0], np.uint32),
        'u64': np.array([18446744073709551615, 1], np.uint64), 'b': np.array([True, False, True]),
        'f16': np.array([1.0, -0.5, 65504], np.float16), 'c64': np.array([1 + 2j, -3.5j], np.complex64),
        's': np.array(['héllo', ''], object),
    }
    inits, dumped = [], {}
    for key, array in values.items():
        data_type = TensorProto.STRING if key == 's' else onnx.mapping.NP_TYPE_TO_TENSOR_TYPE[array.dtype]
        flat = [v.encode() for v in array.flatten()] if key == 's' else array.flatten().tolist()
        typed = helper.make_tensor(f'{key}_typed', data_type, array.shape, flat)
        inits.append(typed)
        if key != 's':
            inits.append(numpy_helper.from_array(array, f'{key}_raw'))
    inits.append(helper.make_tensor('bf16_typed', TensorProto.BFLOAT16, [2], [1.0, -2.0]))
    inits.append(helper.make_tensor('empty_f32', TensorProto.FLOAT, [0, 3], []))
    for t in inits:
        if t.data_type == TensorProto.COMPLEX64 and not t.HasField('raw_data'):
            a = np.asarray(t.float_data, np.float32)  # onnx 1.12's to_array fails on typed complex data
        else:
            a = numpy_helper.to_array(t)
        if t.data_type == TensorProto.FLOAT16:
            a = a.view(np.uint16)
        if t.data_type == TensorProto.BFLOAT16:
            a = np.asarray(t.int32_data, np.uint16)  # onnx 1.12 widens bfloat16 to float32; the bits are what Lathe keeps
        if np.iscomplexobj(a):
            a = np.stack([a.real, a.imag], axis=-1)
        flat = a.flatten().tolist()
        dumped[t.name] = {'dtype': fixtures.dtype_name(t.data_type), 'shape': list(t.dims),
                          'values': [str(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) and abs(int(v)) > 2 ** 53 else
                                     (v.decode() if isinstance(v, bytes) else v) for v in flat]}
    sparse = helper.make_sparse_tensor(numpy_helper.from_array(np.array([5.0, 6.0], np.float32), 'sparse_w'),
                                       numpy_helper.from_array(np.array([1, 7], np.int64), 'sparse_w_indices'), [3, 4])
    seq = helper.make_tensor_sequence_value_info('seq', TensorProto.INT64, ['n'])
    opt = helper.make_value_info('opt', helper.make_optional_type_proto(helper.make_tensor_type_proto(TensorProto.FLOAT, None)))
    mapping = onnx.TypeProto()
    mapping.map_type.key_type = TensorProto.STRING
    mapping.map_type.value_type.CopyFrom(helper.make_tensor_type_proto(TensorProto.FLOAT, [None, 'k', 4]))
    graph = helper.make_graph([helper.make_node('Identity', ['seq'], ['seq_out'], name='pass')], 'types', [seq, opt],
                              [helper.make_tensor_sequence_value_info('seq_out', TensorProto.INT64, None), helper.make_value_info('m', mapping)],
                              inits, sparse_initializer=[sparse])
    save(helper.make_model(graph, producer_name='lathe-test', opset_imports=[helper.make_opsetid('', 15)]), 'tiny_types.onnx', check=False)
    with open(out('tiny_types.values.json'), 'w') as f:
        json.dump(dumped, f, indent=1)
        f.write('\n')


def tiny_external():
    w = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 8
    v = np.arange(6, dtype=np.int64) - 3
    graph = helper.make_graph([helper.make_node('Add', ['x', 'w'], ['y'], name='add')], 'external',
                              [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 3, 4])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [2, 3, 4])],
                              [numpy_helper.from_array(w, 'w'), numpy_helper.from_array(v, 'v'),
                               numpy_helper.from_array(np.array([1.0], np.float32), 'inline_one')])
    model = helper.make_model(graph, producer_name='lathe-test', opset_imports=[helper.make_opsetid('', 13)])
    data = out('tiny_external.onnx.data')
    with open(data, 'wb') as f:
        f.write(b'\0' * 16 + w.tobytes() + v.tobytes())  # 16 bytes of padding so offsets matter
    for tensor, offset, with_length in ((model.graph.initializer[0], 16, True), (model.graph.initializer[1], 16 + w.nbytes, False)):
        tensor.ClearField('raw_data')
        tensor.data_location = TensorProto.EXTERNAL
        entries = {'location': 'tiny_external.onnx.data', 'offset': str(offset)}
        if with_length:
            entries['length'] = str(w.nbytes)
        for key, value in entries.items():
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
    save(model, 'tiny_external.onnx')


def tiny_legacy():
    w = numpy_helper.from_array(np.ones((2, 2), np.float32), 'w')
    graph = helper.make_graph([helper.make_node('Gemm', ['x', 'w'], ['y'], name='gemm', alpha=2.0, transB=1)], 'legacy',
                              [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 2]),
                               helper.make_tensor_value_info('w', TensorProto.FLOAT, [2, 2])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, [1, 2])], [w])
    model = helper.make_model(graph, producer_name='old-exporter', opset_imports=[helper.make_opsetid('', 7)])
    model.ir_version = 3
    for attr in model.graph.node[0].attribute:
        attr.ClearField('type')
    save(model, 'tiny_legacy.onnx', check=False)


def not_onnx():
    import zipfile
    import torch
    torch.save({'w': torch.zeros(2)}, out('not_onnx_checkpoint.pt'))
    torch.save({'w': torch.zeros(2)}, out('not_onnx_legacy_checkpoint.pt'), _use_new_zipfile_serialization=False)
    with zipfile.ZipFile(out('not_onnx_archive.zip'), 'w') as archive:
        archive.writestr(zipfile.ZipInfo('model/tiny_legacy.onnx', date_time=(2024, 1, 1, 0, 0, 0)),
                         open(out('tiny_legacy.onnx'), 'rb').read())


if __name__ == '__main__':
    tiny_cnn()
    tiny_control()
    tiny_attrs()
    tiny_types()
    tiny_external()
    tiny_legacy()
    not_onnx()
    for name in sorted(n for n in os.listdir(HERE) if n.startswith(('tiny_', 'not_onnx_'))):
        print(f'{name}: {os.path.getsize(out(name))} bytes')
