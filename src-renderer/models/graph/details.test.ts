import { describe, expect, it } from 'vitest';
import { formatBytes, formatShape, nodeDetails, scopesOf } from './details';
import { ifGraph, residualGraph } from './test-graphs';

describe('nodeDetails', () => {
  it('gives inputs and outputs their dtype and shape, and lists the initialisers read', () => {
    const graph = residualGraph(2);
    const conv = graph.nodes[0]!;
    const d = nodeDetails(conv, [graph]);
    expect(d.inputs.map((v) => [v.name, v.dtype, v.shape && formatShape(v.shape)])).toEqual([
      ['input', 'float32', '[batch, 8, 16, 16]'],
      ['w0a', 'float32', '[8, 8, 3, 3]'],
    ]);
    expect(d.outputs[0]).toMatchObject({ name: 'b0_c1', dtype: 'float32', shape: ['batch', 8, 16, 16] });
    expect(d.initializers.map((i) => [i.name, i.count, i.bytes])).toEqual([['w0a', 576, 2304]]);
    // A value the file records nothing about.
    expect(nodeDetails(graph.nodes[1]!, [graph]).outputs[0]).toMatchObject({ name: 'b0_bn', dtype: null, shape: null });
  });

  it('looks a subgraph node’s values up in its own graph, then outwards', () => {
    const graph = ifGraph();
    const path = [{ nodeId: '1', attribute: 'else_branch' }];
    const scopes = scopesOf(graph, path);
    expect(scopes.map((g) => g.name)).toEqual(['else_branch', 'if-model']);
    const sub = scopes[0]!.nodes[0]!;
    const d = nodeDetails(sub, scopes);
    expect(sub.op).toBe('Sub');
    expect(d.inputs.map((v) => [v.name, v.shape])).toEqual([
      ['x', [4]], // from the main graph's inputs
      ['k', [1]], // the branch's own initialiser
    ]);
    expect(d.initializers.map((i) => i.name)).toEqual(['k']);
  });

  it('formats shapes and sizes for people', () => {
    expect(formatShape(null)).toBe('?');
    expect(formatShape([null, 'seq', 3])).toBe('[?, seq, 3]');
    expect(formatShape([])).toBe('[]');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(2304)).toBe('2.3 KiB');
    expect(formatBytes(5 * 1024 * 1024)).toBe('5.0 MiB');
  });
});
