/**
 * Graphs for the graph view's tests, shaped like the parser's output (GraphData): a stack of residual
 * blocks (Conv → BatchNorm → Relu → Conv → Add(skip) → Relu), and an If with two branches.
 * Test-only: nothing in the app imports it.
 */
import type { GraphData, GraphNode, ValueInfo } from '../../../src-main/common/onnx/model-types';

const value = (name: string, shape: ValueInfo['shape'] = null): ValueInfo => ({ name, kind: 'tensor', dtype: 'float32', shape, doc: '' });

function node(id: string, op: string, inputs: string[], outputs: string[], extra: Partial<GraphNode> = {}): GraphNode {
  return { id, name: `${op.toLowerCase()}_${id}`, op, domain: '', inputs, outputs, attributes: [], doc: '', subgraphs: [], ...extra };
}

/** `blocks` residual blocks of six nodes each, with one weight initialiser per Conv. */
export function residualGraph(blocks: number): GraphData {
  const nodes: GraphNode[] = [];
  const initializers: GraphData['initializers'][number][] = [];
  let x = 'input';
  for (let b = 0; b < blocks; b++) {
    const id = (k: number) => String(b * 6 + k);
    const w1 = `w${b}a`;
    const w2 = `w${b}b`;
    initializers.push({ name: w1, dtype: 'float32', shape: [8, 8, 3, 3], count: 576, bytes: 2304, externalFile: null });
    initializers.push({ name: w2, dtype: 'float32', shape: [8, 8, 3, 3], count: 576, bytes: 2304, externalFile: null });
    nodes.push(node(id(0), 'Conv', [x, w1], [`b${b}_c1`], { attributes: [{ name: 'kernel_shape', type: 'INTS', value: '[3, 3]' }] }));
    nodes.push(node(id(1), 'BatchNormalization', [`b${b}_c1`], [`b${b}_bn`]));
    nodes.push(node(id(2), 'Relu', [`b${b}_bn`], [`b${b}_r1`]));
    nodes.push(node(id(3), 'Conv', [`b${b}_r1`, w2], [`b${b}_c2`]));
    nodes.push(node(id(4), 'Add', [`b${b}_c2`, x], [`b${b}_sum`]));
    nodes.push(node(id(5), 'Relu', [`b${b}_sum`], [`b${b}_out`]));
    x = `b${b}_out`;
  }
  return {
    name: 'residual',
    inputs: [value('input', ['batch', 8, 16, 16]), ...initializers.map((i) => value(i.name, i.shape))],
    outputs: [value(x, ['batch', 8, 16, 16])],
    nodes,
    initializers,
    valueInfo: [value('b0_c1', ['batch', 8, 16, 16])],
  };
}

const branch = (name: string, op: string, scope: string): GraphData => ({
  name,
  inputs: [],
  outputs: [value(`${name}_out`)],
  nodes: [node(`1/${name}/0`, op, ['x', 'k'], [`${name}_mid`]), node(`1/${name}/1`, 'Relu', [`${name}_mid`], [`${name}_out`])].map((n) => ({ ...n, name: `${scope}_${n.name}` })),
  initializers: [{ name: 'k', dtype: 'float32', shape: [1], count: 1, bytes: 4, externalFile: null }],
  valueInfo: [],
});

/** x → Greater(x, 0) → If(then: Mul(x, k) → Relu; else: Sub(x, k) → Relu) → y. Branches read x from outside. */
export function ifGraph(): GraphData {
  return {
    name: 'if-model',
    inputs: [value('x', [4])],
    outputs: [value('y', [4])],
    nodes: [
      node('0', 'ReduceSum', ['x'], ['cond']),
      node('1', 'If', ['cond'], ['y'], {
        subgraphs: [
          { attribute: 'then_branch', graph: branch('then_branch', 'Mul', 'then') },
          { attribute: 'else_branch', graph: branch('else_branch', 'Sub', 'else') },
        ],
      }),
    ],
    initializers: [],
    valueInfo: [value('cond', [])],
  };
}
