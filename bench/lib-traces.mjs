/**
 * bench/lib-traces.mjs: the profiling benchmarks' shared input — a generated chain model (onnx.helper, via
 * /usr/bin/python3) and a real onnxruntime trace of it (bench/peers/ort-profile.mjs,
 * optimisation 'disabled', one thread). Used by profile-parse.mjs and profile-timeline.mjs.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO } from './lib.mjs';

const PYTHON = process.env.LATHE_BENCH_PYTHON ?? '/usr/bin/python3';
const PROFILER = join(REPO, 'bench', 'peers', 'ort-profile.mjs');

/** NODES nodes in one chain, 8 op types, small tensors (64×64 MatMuls). */
const MODEL_PY = `
import sys, numpy as np, onnx
from onnx import helper, TensorProto, numpy_helper
n = int(sys.argv[2])
rng = np.random.default_rng(0)
ops = ['MatMul', 'Add', 'Relu', 'Mul', 'Sigmoid', 'Tanh', 'Sub', 'Abs']
nodes, inits, x = [], [], 'x'
for i in range(n):
    op = ops[i % len(ops)]
    y = f'v{i}'
    if op == 'MatMul':
        inits.append(numpy_helper.from_array((rng.standard_normal((64, 64)) * 0.1).astype(np.float32), f'w{i}'))
        nodes.append(helper.make_node(op, [x, f'w{i}'], [y], name=f'block{i // 8}/{op}_{i}'))
    elif op in ('Add', 'Mul', 'Sub'):
        inits.append(numpy_helper.from_array(rng.standard_normal((64,)).astype(np.float32), f'c{i}'))
        nodes.append(helper.make_node(op, [x, f'c{i}'], [y], name=f'block{i // 8}/{op}_{i}'))
    else:
        nodes.append(helper.make_node(op, [x], [y], name=f'block{i // 8}/{op}_{i}'))
    x = y
graph = helper.make_graph(nodes, 'chain', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 64])],
                          [helper.make_tensor_value_info(x, TensorProto.FLOAT, [1, 64])], inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', 13)], producer_name='lathe-bench')
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
`;


function sh(command, argv) {
  const r = spawnSync(command, argv, { cwd: REPO, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${command} ${argv.slice(0, 2).join(' ')}… failed (exit ${r.status ?? r.signal}):\n${r.stderr}`);
  return r.stdout;
}

/** Writes the chain model with `nodes` nodes to `model`, then a trace of `runs` profiled runs to `trace`. */
export function makeChainTrace(model, trace, { nodes, runs }) {
  sh(PYTHON, ['-c', MODEL_PY, model, String(nodes)]);
  sh(process.execPath, [PROFILER, model, trace, '--runs', String(runs), '--opt', 'disabled', '--intra', '1']);
}
