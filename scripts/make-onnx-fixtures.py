#!/usr/bin/python3
"""Generate the ONNX models Lathe's tests and benchmarks use (issue 5), into OUTDIR.

    /usr/bin/python3 scripts/make-onnx-fixtures.py OUTDIR

Run with Debian's Python (torch 1.13, torchvision 0.14, onnx 1.12, numpy). The models are generated, not
committed (some are tens of MB). Writes, per model:

  NAME.onnx                 the model (external_data.onnx also has external_data.onnx.data beside it)
  NAME.expected.json        what Python's onnx reports about the file (the parser's tests compare to it)
  NAME.input.npy            a fixed, seeded reference input            (models with a torch reference)
  NAME.torch_out.npy        torch's output for that input              (models with a torch reference)

and manifest.json, which lists the files and this script's SHA-256. Idempotent: when manifest.json already
holds this script's hash, nothing is done (checked before torch is imported, so a no-op costs ~50 ms).
Concurrent runs (parallel test workers) serialise on OUTDIR/.lock and the later ones then find it done.

Every model is deterministic: fixed seeds for weights and inputs.
"""
import fcntl
import hashlib
import json
import math
import os
import shutil
import sys
import time

SCRIPT_PATH = os.path.abspath(__file__)
REPO = os.path.dirname(os.path.dirname(SCRIPT_PATH))
VAD_DIR = os.path.join(REPO, 'node_modules', '@ricky0123', 'vad-web', 'dist')
OPSET = 13


def script_hash():
    with open(SCRIPT_PATH, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


def manifest_is_current(outdir, digest):
    try:
        with open(os.path.join(outdir, 'manifest.json')) as f:
            manifest = json.load(f)
    except (OSError, ValueError):
        return False
    if manifest.get('scriptHash') != digest:
        return False
    return all(os.path.exists(os.path.join(outdir, name)) for name in manifest.get('files', []))


# ---------------------------------------------------------------------------------------------------------
# What Python's onnx says about a model (NAME.expected.json). Field names match Lathe's ModelSummary
# (src-main/common/onnx/model-types.ts) so the tests compare them directly. The definitions below are the
# contract the TypeScript parser follows:
#   - parameterCount: elements in every initialiser of every graph (subgraphs included); a sparse
#     initialiser counts its stored values;
#   - constantCount/constantBytes: the same for the `value` tensors of Constant nodes, in every graph;
#   - bytes of an initialiser: len(raw_data); or the external `length` entry; or else count × element size
#     (4-bit types packed two per byte, strings their UTF-8 lengths);
#   - node ids are index paths: '12', '7/then_branch/3' ('7/body[0]/3' for a GRAPHS attribute);
#   - ops in a domain other than '' / 'ai.onnx' are qualified: 'com.microsoft.QuickGelu'.
# ---------------------------------------------------------------------------------------------------------

# TensorProto.DataType number -> (Lathe DType name, bits per element). 17..22 are newer than onnx 1.12.
DTYPES = {
    0: ('undefined', 0), 1: ('float32', 32), 2: ('uint8', 8), 3: ('int8', 8), 4: ('uint16', 16),
    5: ('int16', 16), 6: ('int32', 32), 7: ('int64', 64), 8: ('string', 0), 9: ('bool', 8),
    10: ('float16', 16), 11: ('float64', 64), 12: ('uint32', 32), 13: ('uint64', 64),
    14: ('complex64', 64), 15: ('complex128', 128), 16: ('bfloat16', 16), 17: ('float8e4m3fn', 8),
    18: ('float8e4m3fnuz', 8), 19: ('float8e5m2', 8), 20: ('float8e5m2fnuz', 8), 21: ('uint4', 4),
    22: ('int4', 4),
}
VALUE_KINDS = {'tensor_type': 'tensor', 'sequence_type': 'sequence', 'map_type': 'map',
               'optional_type': 'optional', 'sparse_tensor_type': 'sparse'}


def dtype_name(elem_type):
    return DTYPES.get(elem_type, ('undefined', 0))[0]


def type_facts(type_proto):
    """(kind, dtype, shape) of a TypeProto; for sequence/map/optional, dtype and shape are the element's."""
    which = type_proto.WhichOneof('value')
    if which is None:
        return 'unknown', 'undefined', None
    kind = VALUE_KINDS[which]
    inner = type_proto
    while inner.WhichOneof('value') in ('sequence_type', 'optional_type', 'map_type'):
        which_inner = inner.WhichOneof('value')
        inner = inner.map_type.value_type if which_inner == 'map_type' else getattr(inner, which_inner).elem_type
    which_inner = inner.WhichOneof('value')
    if which_inner not in ('tensor_type', 'sparse_tensor_type'):
        return kind, 'undefined', None
    tensor = getattr(inner, which_inner)
    shape = None
    if tensor.HasField('shape'):
        shape = []
        for dim in tensor.shape.dim:
            if dim.HasField('dim_value'):
                shape.append(dim.dim_value)
            elif dim.HasField('dim_param'):
                shape.append(dim.dim_param)
            else:
                shape.append(None)
    return kind, dtype_name(tensor.elem_type), shape


def value_info(vi):
    kind, dtype, shape = type_facts(vi.type)
    return {'name': vi.name, 'kind': kind, 'dtype': dtype, 'shape': shape, 'doc': vi.doc_string}


def tensor_bytes(tensor, count):
    from onnx import TensorProto
    if tensor.data_location == TensorProto.EXTERNAL:
        entries = {e.key: e.value for e in tensor.external_data}
        if 'length' in entries:
            return int(entries['length'])
    elif tensor.HasField('raw_data'):
        return len(tensor.raw_data)
    if tensor.data_type == TensorProto.STRING:
        return sum(len(s) for s in tensor.string_data)
    return math.ceil(count * DTYPES.get(tensor.data_type, ('', 0))[1] / 8)


def initializer_facts(tensor):
    from onnx import TensorProto
    count = math.prod(tensor.dims)
    external = None
    if tensor.data_location == TensorProto.EXTERNAL:
        external = {e.key: e.value for e in tensor.external_data}.get('location')
    return {'name': tensor.name, 'dtype': dtype_name(tensor.data_type), 'shape': list(tensor.dims),
            'count': count, 'bytes': tensor_bytes(tensor, count), 'externalFile': external}


def sparse_initializer_facts(sparse):
    values = initializer_facts(sparse.values)
    indices = initializer_facts(sparse.indices)
    return {'name': sparse.values.name, 'dtype': values['dtype'], 'shape': list(sparse.dims),
            'count': values['count'], 'bytes': values['bytes'] + indices['bytes'],
            'externalFile': values['externalFile']}


def qualified_op(node):
    return node.op_type if node.domain in ('', 'ai.onnx') else f'{node.domain}.{node.op_type}'


def walk_graph(graph, prefix, nodes, initializers):
    """Depth first, in file order: a graph's initialisers, then each node followed by its subgraphs."""
    initializers.extend(initializer_facts(t) for t in graph.initializer)
    initializers.extend(sparse_initializer_facts(s) for s in graph.sparse_initializer)
    for index, node in enumerate(graph.node):
        node_id = f'{prefix}{index}'
        nodes.append([node_id, qualified_op(node), node.name])
        for attr in node.attribute:
            if attr.HasField('g'):
                walk_graph(attr.g, f'{node_id}/{attr.name}/', nodes, initializers)
            for j, sub in enumerate(attr.graphs):
                walk_graph(sub, f'{node_id}/{attr.name}[{j}]/', nodes, initializers)


def constant_facts(graph):
    """Facts of the tensors Constant nodes hold (their `value`), in every graph."""
    out = []
    for node in graph.node:
        if node.op_type == 'Constant' and node.domain in ('', 'ai.onnx'):
            out.extend(initializer_facts(a.t) for a in node.attribute if a.name == 'value' and a.HasField('t'))
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField('g') else []) + list(attr.graphs):
                out.extend(constant_facts(sub))
    return out


def expected_report(path):
    """The NAME.expected.json document for the model at `path` (weights in side files are not read)."""
    import onnx
    model = onnx.load(path, load_external_data=False)
    graph = model.graph
    nodes, initializers = [], []
    walk_graph(graph, '', nodes, initializers)
    constants = constant_facts(graph)
    histogram = {}
    for _, op, _ in nodes:
        histogram[op] = histogram.get(op, 0) + 1
    init_names = {t.name for t in graph.initializer} | {s.values.name for s in graph.sparse_initializer}
    external_files = []
    for facts in initializers:
        if facts['externalFile'] is not None and facts['externalFile'] not in external_files:
            external_files.append(facts['externalFile'])
    summary = {
        'irVersion': model.ir_version,
        'opsets': [{'domain': o.domain, 'version': o.version} for o in model.opset_import],
        'producerName': model.producer_name,
        'producerVersion': model.producer_version,
        'domain': model.domain,
        'modelVersion': model.model_version,
        'docString': model.doc_string,
        'metadata': {p.key: p.value for p in model.metadata_props},
        'inputs': [value_info(v) for v in graph.input if v.name not in init_names],
        'outputs': [value_info(v) for v in graph.output],
        'parameterCount': sum(i['count'] for i in initializers),
        'constantCount': sum(c['count'] for c in constants),
        'constantBytes': sum(c['bytes'] for c in constants),
        'initializerBytes': sum(i['bytes'] for i in initializers),
        'externalBytes': sum(i['bytes'] for i in initializers if i['externalFile'] is not None),
        'externalFiles': external_files,
        'nodeCount': len(nodes),
        'opHistogram': [{'op': op, 'count': n} for op, n in sorted(histogram.items(), key=lambda kv: (-kv[1], kv[0]))],
    }
    return {
        'summary': summary,
        'graphName': graph.name,
        'mainGraphNodeCount': len(graph.node),
        'valueInfoCount': len(graph.value_info),
        'nodes': nodes,
        'initializers': initializers,
    }


# ---------------------------------------------------------------------------------------------------------
# The models
# ---------------------------------------------------------------------------------------------------------

def seeded_input(shape, seed):
    import numpy as np
    return np.random.default_rng(seed).standard_normal(shape, dtype=np.float32)


def torch_reference(module, x):
    import torch
    with torch.no_grad():
        return module(torch.from_numpy(x)).numpy()


def export(module, x, path, input_name, output_name, dynamic_axes):
    import torch
    torch.onnx.export(module, torch.from_numpy(x), path, opset_version=OPSET, do_constant_folding=True,
                      input_names=[input_name], output_names=[output_name], dynamic_axes=dynamic_axes)


def make_resnet18(path):
    """torchvision's resnet18, random weights (seed 0), batch symbolic."""
    import torch
    import torchvision
    torch.manual_seed(0)
    module = torchvision.models.resnet18(weights=None).eval()
    x = seeded_input((1, 3, 224, 224), 1)
    export(module, x, path, 'input', 'logits', {'input': {0: 'batch'}, 'logits': {0: 'batch'}})
    return x, torch_reference(module, x), ('input', 'logits')


def make_small_cnn(path):
    """Two conv/relu/pool stages and a linear layer: 3×32×32 → 10 classes (~46 kB). Carries metadata."""
    import onnx
    import torch
    from torch import nn
    torch.manual_seed(0)
    module = nn.Sequential(
        nn.Conv2d(3, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(16 * 8 * 8, 10),
    ).eval()
    x = seeded_input((1, 3, 32, 32), 2)
    export(module, x, path, 'image', 'logits', None)
    # The metadata a real model may carry, so the summary's fields are all exercised.
    model = onnx.load(path)
    model.doc_string = 'A small CNN for Lathe tests: 3x32x32 image to 10 class logits.'
    model.domain = 'dev.lathe.fixtures'
    model.model_version = 3
    onnx.helper.set_model_props(model, {'author': 'Lathe fixtures', 'classes': '10', 'license': 'MIT'})
    model.graph.input[0].doc_string = 'RGB image, ImageNet-normalised'
    onnx.save(model, path)
    return x, torch_reference(module, x), ('image', 'logits')


def make_symbolic_batch(path):
    """A token-wise MLP with LayerNorm over [batch, seq, 16] → [batch, seq, 8]; both dims symbolic."""
    import torch
    from torch import nn
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(16, 32), nn.LayerNorm(32), nn.Tanh(), nn.Linear(32, 8)).eval()
    x = seeded_input((2, 5, 16), 3)
    export(module, x, path, 'x', 'y', {'x': {0: 'batch', 1: 'seq'}, 'y': {0: 'batch', 1: 'seq'}})
    return x, torch_reference(module, x), ('x', 'y')


def make_external_data(path):
    """A small MLP saved with its weights in one side file (external_data.onnx.data); biases stay inline."""
    import onnx
    import torch
    from torch import nn
    torch.manual_seed(0)
    module = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10)).eval()
    x = seeded_input((1, 64), 4)
    export(module, x, path, 'features', 'logits', {'features': {0: 'batch'}, 'logits': {0: 'batch'}})
    model = onnx.load(path)
    side = os.path.basename(path) + '.data'
    if os.path.exists(os.path.join(os.path.dirname(path), side)):
        os.remove(os.path.join(os.path.dirname(path), side))  # onnx appends to an existing side file
    onnx.save_model(model, path, save_as_external_data=True, all_tensors_to_one_file=True, location=side,
                    size_threshold=256)
    return x, torch_reference(module, x), ('features', 'logits')


def _quantize(v, scale, zero_point, low, high):
    """ONNX QuantizeLinear (round half to even, saturate) written with torch ops."""
    import torch
    return torch.clamp(torch.round(v / scale) + zero_point, low, high)


def _near_rounding_tie(v, scale):
    """The smallest distance of v/scale from a .5 tie, in quanta: rounding there could go either way."""
    import torch
    scaled = (v / scale).double()
    return float(torch.min(torch.abs(scaled - torch.floor(scaled) - 0.5)))


def make_int8_qdq(path):
    """A QDQ model built with onnx.helper: uint8 activations, int8 per-channel conv weights, int8 matmul
    weights. torch computes the reference with the same quantise/dequantise arithmetic. Scales are powers
    of two and the input seed is chosen so no value sits within 1e-3 quanta of a rounding tie, so ORT's
    fused integer kernels and torch's float arithmetic round every value the same way."""
    import numpy as np
    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(5)
    conv_w = rng.normal(0, 0.2, (8, 3, 3, 3)).astype(np.float32)
    conv_scale = (np.abs(conv_w).reshape(8, -1).max(axis=1) / 127).astype(np.float32)
    conv_wq = np.round(conv_w / conv_scale[:, None, None, None]).astype(np.int8)
    conv_b = rng.normal(0, 0.1, 8).astype(np.float32)
    fc_w = rng.normal(0, 0.05, (512, 10)).astype(np.float32)
    fc_scale = np.float32(np.abs(fc_w).max() / 127)
    fc_wq = np.round(fc_w / fc_scale).astype(np.int8)
    fc_b = rng.normal(0, 0.1, 10).astype(np.float32)
    x_scale, act_scale = np.float32(2 ** -5), np.float32(2 ** -6)

    def reference(x):
        t = torch.from_numpy
        xd = (_quantize(t(x), float(x_scale), 128, 0, 255) - 128) * float(x_scale)
        wd = t(conv_wq).float() * t(conv_scale)[:, None, None, None]
        conv = torch.relu(torch.nn.functional.conv2d(xd, wd, t(conv_b), padding=1))
        rd = _quantize(conv, float(act_scale), 0, 0, 255) * float(act_scale)
        flat = torch.flatten(torch.nn.functional.max_pool2d(rd, 2), 1)
        fd = _quantize(flat, float(act_scale), 0, 0, 255) * float(act_scale)
        out = fd @ (t(fc_wq).float() * float(fc_scale)) + t(fc_b)
        ties = min(_near_rounding_tie(t(x), float(x_scale)), _near_rounding_tie(conv, float(act_scale)))
        return out.numpy(), ties

    for seed in range(6, 100):
        x = seeded_input((1, 3, 16, 16), seed)
        out, ties = reference(x)
        if ties > 1e-3:
            break
    else:
        raise RuntimeError('int8_qdq: no seed keeps the reference input away from rounding ties')

    inits = [
        numpy_helper.from_array(np.array(x_scale), 'x_scale'),
        numpy_helper.from_array(np.array(128, np.uint8), 'x_zero_point'),
        numpy_helper.from_array(conv_wq, 'conv_w_quantized'),
        numpy_helper.from_array(conv_scale, 'conv_w_scale'),
        numpy_helper.from_array(np.zeros(8, np.int8), 'conv_w_zero_point'),
        numpy_helper.from_array(conv_b, 'conv_b'),
        numpy_helper.from_array(np.array(act_scale), 'act_scale'),
        numpy_helper.from_array(np.array(0, np.uint8), 'act_zero_point'),
        numpy_helper.from_array(fc_wq, 'fc_w_quantized'),
        numpy_helper.from_array(np.array(fc_scale), 'fc_w_scale'),
        numpy_helper.from_array(np.array(0, np.int8), 'fc_w_zero_point'),
        numpy_helper.from_array(fc_b, 'fc_b'),
    ]
    node = helper.make_node
    nodes = [
        node('QuantizeLinear', ['input', 'x_scale', 'x_zero_point'], ['input_q'], name='input_quant'),
        node('DequantizeLinear', ['input_q', 'x_scale', 'x_zero_point'], ['input_dq'], name='input_dequant'),
        node('DequantizeLinear', ['conv_w_quantized', 'conv_w_scale', 'conv_w_zero_point'], ['conv_w'],
             name='conv_w_dequant', axis=0),
        node('Conv', ['input_dq', 'conv_w', 'conv_b'], ['conv'], name='conv', pads=[1, 1, 1, 1],
             kernel_shape=[3, 3]),
        node('Relu', ['conv'], ['relu'], name='relu'),
        node('QuantizeLinear', ['relu', 'act_scale', 'act_zero_point'], ['relu_q'], name='relu_quant'),
        node('DequantizeLinear', ['relu_q', 'act_scale', 'act_zero_point'], ['relu_dq'], name='relu_dequant'),
        node('MaxPool', ['relu_dq'], ['pool'], name='pool', kernel_shape=[2, 2], strides=[2, 2]),
        node('Flatten', ['pool'], ['flat'], name='flatten', axis=1),
        node('QuantizeLinear', ['flat', 'act_scale', 'act_zero_point'], ['flat_q'], name='flat_quant'),
        node('DequantizeLinear', ['flat_q', 'act_scale', 'act_zero_point'], ['flat_dq'], name='flat_dequant'),
        node('DequantizeLinear', ['fc_w_quantized', 'fc_w_scale', 'fc_w_zero_point'], ['fc_w'],
             name='fc_w_dequant'),
        node('MatMul', ['flat_dq', 'fc_w'], ['matmul'], name='fc_matmul'),
        node('Add', ['matmul', 'fc_b'], ['logits'], name='fc_bias'),
    ]
    graph = helper.make_graph(
        nodes, 'int8_qdq',
        [helper.make_tensor_value_info('input', TensorProto.FLOAT, ['batch', 3, 16, 16])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, ['batch', 10])], inits)
    model = helper.make_model(graph, producer_name='lathe-fixtures', producer_version='1',
                              opset_imports=[helper.make_opsetid('', OPSET)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return x, out, ('input', 'logits')


def make_if_subgraph(path):
    """y = x * then_scale if sum(x) > 0, else (-x if sum(x) < -1 else x - 1): an If whose else branch
    holds a second If, and whose then branch holds its own initialiser."""
    import numpy as np
    import onnx
    import torch
    from onnx import TensorProto, helper, numpy_helper
    then_scale = np.array([2.0, 3.0, 4.0], np.float32)
    out_info = lambda name: helper.make_tensor_value_info(name, TensorProto.FLOAT, [2, 3])  # noqa: E731

    then_branch = helper.make_graph(
        [helper.make_node('Mul', ['x', 'then_scale'], ['then_y'], name='scale')], 'then_branch', [],
        [out_info('then_y')], [numpy_helper.from_array(then_scale, 'then_scale')])
    inner_then = helper.make_graph([helper.make_node('Neg', ['x'], ['neg_y'], name='negate')], 'inner_then',
                                   [], [out_info('neg_y')])
    inner_else = helper.make_graph([helper.make_node('Sub', ['x', 'one'], ['sub_y'], name='minus_one')],
                                   'inner_else', [], [out_info('sub_y')])
    else_branch = helper.make_graph([
        helper.make_node('Less', ['total', 'minus_one'], ['very_negative'], name='is_very_negative'),
        helper.make_node('If', ['very_negative'], ['else_y'], name='inner_if', then_branch=inner_then,
                         else_branch=inner_else),
    ], 'else_branch', [], [out_info('else_y')])
    graph = helper.make_graph([
        helper.make_node('ReduceSum', ['x'], ['total'], name='sum', keepdims=0),
        helper.make_node('Greater', ['total', 'zero'], ['positive'], name='is_positive'),
        helper.make_node('If', ['positive'], ['y'], name='outer_if', then_branch=then_branch,
                         else_branch=else_branch),
    ], 'if_subgraph', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [2, 3])], [out_info('y')], [
        numpy_helper.from_array(np.array(0, np.float32), 'zero'),
        numpy_helper.from_array(np.array(-1, np.float32), 'minus_one'),
        numpy_helper.from_array(np.array(1, np.float32), 'one'),
    ])
    model = helper.make_model(graph, producer_name='lathe-fixtures', producer_version='1',
                              opset_imports=[helper.make_opsetid('', OPSET)])
    onnx.checker.check_model(model)
    onnx.save(model, path)

    x = seeded_input((2, 3), 7)
    t = torch.from_numpy(x)
    total = t.sum()
    y = t * torch.from_numpy(then_scale) if total > 0 else (-t if total < -1 else t - 1)
    return x, y.numpy(), ('x', 'y')


def make_big_5000(path):
    """≥ 5,000 nodes for the graph-view benchmark: 460 residual blocks of small ops on a [batch, 8] state,
    each with two branches merged back (MatMul/Add/Relu, Sigmoid gate, Tanh skip, residual Add, mean
    centring). Tiny weights (8×8 per block), valid for onnxruntime."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(8)
    width, blocks = 8, 460
    nodes, inits = [], [numpy_helper.from_array(np.array(0.1, np.float32), 'residual_scale')]
    h = 'x'
    for b in range(blocks):
        p = f'block{b}'
        inits += [numpy_helper.from_array(rng.normal(0, 0.3, (width, width)).astype(np.float32), f'{p}.weight'),
                  numpy_helper.from_array(rng.normal(0, 0.1, width).astype(np.float32), f'{p}.bias')]
        op = lambda kind, ins, out, **attrs: nodes.append(  # noqa: E731
            helper.make_node(kind, ins, [f'{p}/{out}'], name=f'{p}/{out}', **attrs))
        op('MatMul', [h, f'{p}.weight'], 'matmul')
        op('Add', [f'{p}/matmul', f'{p}.bias'], 'linear')
        op('Relu', [f'{p}/linear'], 'relu')
        op('Sigmoid', [f'{p}/linear'], 'gate')
        op('Mul', [f'{p}/relu', f'{p}/gate'], 'gated')
        op('Tanh', [h], 'skip')
        op('Add', [f'{p}/gated', f'{p}/skip'], 'merge')
        op('Mul', [f'{p}/merge', 'residual_scale'], 'scaled')
        op('Add', [h, f'{p}/scaled'], 'residual')
        op('ReduceMean', [f'{p}/residual'], 'mean', axes=[-1], keepdims=1)
        op('Sub', [f'{p}/residual', f'{p}/mean'], 'centred')
        h = f'{p}/centred'
    nodes.append(helper.make_node('Identity', [h], ['y'], name='output'))
    assert len(nodes) >= 5000, len(nodes)
    graph = helper.make_graph(nodes, 'big_5000',
                              [helper.make_tensor_value_info('x', TensorProto.FLOAT, ['batch', width])],
                              [helper.make_tensor_value_info('y', TensorProto.FLOAT, ['batch', width])], inits)
    model = helper.make_model(graph, producer_name='lathe-fixtures', producer_version='1',
                              opset_imports=[helper.make_opsetid('', OPSET)])
    onnx.checker.check_model(model)
    onnx.save(model, path)
    return None


def copy_vad(name):
    def make(path):
        shutil.copyfile(os.path.join(VAD_DIR, f'{name}.onnx'), path)
        return None
    make.__doc__ = f'The real pretrained Silero VAD ({name}) shipped in @ricky0123/vad-web.'
    return make


MODELS = [
    ('resnet18', make_resnet18),
    ('small_cnn', make_small_cnn),
    ('int8_qdq', make_int8_qdq),
    ('symbolic_batch', make_symbolic_batch),
    ('if_subgraph', make_if_subgraph),
    ('external_data', make_external_data),
    ('big_5000', make_big_5000),
    ('silero_vad_v5', copy_vad('silero_vad_v5')),
    ('silero_vad_legacy', copy_vad('silero_vad_legacy')),
]


def write_json(path, value):
    tmp = path + '.tmp'
    with open(tmp, 'w') as f:
        json.dump(value, f, indent=1)
        f.write('\n')
    os.replace(tmp, path)


def generate(outdir, digest):
    import numpy as np
    import onnx
    import torch
    manifest = {'scriptHash': digest, 'torch': torch.__version__, 'onnx': onnx.__version__, 'models': {},
                'files': []}
    for name, make in MODELS:
        started = time.monotonic()
        path = os.path.join(outdir, f'{name}.onnx')
        made = make(path)
        entry = {'file': f'{name}.onnx', 'description': ' '.join(make.__doc__.split()),
                 'expected': f'{name}.expected.json', 'sideFiles': [], 'reference': None}
        report = expected_report(path)
        write_json(os.path.join(outdir, entry['expected']), report)
        entry['sideFiles'] = report['summary']['externalFiles']
        if made is not None:
            x, y, (input_name, output_name) = made
            np.save(os.path.join(outdir, f'{name}.input.npy'), x)
            np.save(os.path.join(outdir, f'{name}.torch_out.npy'), y)
            entry['reference'] = {'input': {'name': input_name, 'file': f'{name}.input.npy', 'shape': list(x.shape)},
                                  'output': {'name': output_name, 'file': f'{name}.torch_out.npy',
                                             'shape': list(y.shape)}}
        entry['seconds'] = round(time.monotonic() - started, 2)
        manifest['models'][name] = entry
        manifest['files'] += [entry['file'], entry['expected'], *entry['sideFiles']]
        if entry['reference']:
            manifest['files'] += [entry['reference']['input']['file'], entry['reference']['output']['file']]
        print(f'{name}: {entry["seconds"]} s', flush=True)
    write_json(os.path.join(outdir, 'manifest.json'), manifest)


def main():
    if len(sys.argv) != 2:
        sys.exit('usage: make-onnx-fixtures.py OUTDIR')
    outdir = os.path.abspath(sys.argv[1])
    os.makedirs(outdir, exist_ok=True)
    digest = script_hash()
    with open(os.path.join(outdir, '.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run may be generating: wait, then it is probably done
        if manifest_is_current(outdir, digest):
            print(f'{outdir}: up to date')
            return
        try:
            os.remove(os.path.join(outdir, 'manifest.json'))  # a half-written set never looks current
        except FileNotFoundError:
            pass
        started = time.monotonic()
        generate(outdir, digest)
        print(f'{outdir}: generated in {time.monotonic() - started:.1f} s')


if __name__ == '__main__':
    main()
