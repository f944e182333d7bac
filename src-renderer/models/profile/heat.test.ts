import { describe, expect, it } from 'vitest';
import type { GraphData, GraphNode } from '../../../src-main/common/onnx/model-types';
import { nodeRow } from './fixtures';
import { graphNodeNames, heatColour, heatMap, heatScale, heatTextColour, matchNames } from './heat';

function node(name: string, op = 'Conv', subgraphs: GraphNode['subgraphs'] = []): GraphNode {
  return { id: name, name, op, domain: '', inputs: [], outputs: [], attributes: [], doc: '', subgraphs };
}
function graph(nodes: GraphNode[]): GraphData {
  return { name: 'g', inputs: [], outputs: [], nodes, initializers: [], valueInfo: [] };
}

const g = graph([node('/conv1/Conv'), node('/relu/Relu', 'Relu'), node('', 'Add'), node('/if/If', 'If', [{ attribute: 'then_branch', graph: graph([node('/then/Identity', 'Identity')]) }])]);

describe('matching profiled names to the graph', () => {
  it('collects names from the graph and its subgraphs, skipping unnamed nodes', () => {
    expect([...graphNodeNames(g)].sort()).toEqual(['/conv1/Conv', '/if/If', '/relu/Relu', '/then/Identity']);
  });

  it('is usable when every profiled node is in the graph (ORT-inserted copies aside)', () => {
    const m = matchNames([nodeRow({ name: '/conv1/Conv' }), nodeRow({ name: '/relu/Relu' }), nodeRow({ name: 'Memcpy_token_1', op: 'MemcpyToHost' })], graphNodeNames(g), 'ort', 'disabled');
    expect(m).toMatchObject({ profiled: 2, matched: 2, missingCount: 0, usable: true, reason: null });
  });

  it('says how many nodes are missing and why, per source and optimisation level', () => {
    const rows = [nodeRow({ name: '/conv1/Conv' }), nodeRow({ name: 'fused_conv_relu' }), nodeRow({ name: 'fused_2' })];
    const names = graphNodeNames(g);
    const all = matchNames(rows, names, 'ort', 'all');
    expect(all.usable).toBe(false);
    expect(all.missing).toEqual(['fused_conv_relu', 'fused_2']);
    expect(all.reason).toBe("2 of 3 profiled nodes are not in this graph: it was profiled with optimisation 'all', which fuses and renames nodes. Profile with optimisation 'disabled'.");
    expect(matchNames(rows, names, 'ort', null).reason).toBe("2 of 3 profiled nodes are not in this graph: profile with optimisation 'disabled', or open the model it was captured from.");
    expect(matchNames(rows, names, 'torch', null).reason).toContain('torch.profiler trace names operators and kernels');
    expect(matchNames([], names, 'ort', 'disabled')).toMatchObject({ usable: false, reason: 'The profile has no graph nodes to colour the graph with.' });
  });
});

describe('heat', () => {
  it('maps names to shares and scales to the hottest node', () => {
    const heat = heatMap([nodeRow({ name: 'a', share: 0.5 }), nodeRow({ name: 'b', share: 0.1 })]);
    expect(heat).toEqual({ a: 0.5, b: 0.1 });
    expect(heatScale(heat)).toBe(0.5);
    expect(heatScale({})).toBe(0.01);
  });

  it('ramps from pale yellow to deep red, clamped, in few enough steps to batch fills', () => {
    expect(heatColour(0, 0.5)).toBe('rgb(255, 237, 160)');
    expect(heatColour(0.5, 0.5)).toBe('rgb(165, 15, 21)');
    expect(heatColour(2, 0.5)).toBe('rgb(165, 15, 21)');
    expect(heatColour(-1, 0.5)).toBe('rgb(255, 237, 160)');
    const colours = new Set(Array.from({ length: 1000 }, (_, i) => heatColour(i / 1000, 1)));
    expect(colours.size).toBeLessThanOrEqual(25);
    // Hotter is darker: the green channel falls along the ramp.
    const green = (c: string) => Number(/rgb\(\d+, (\d+)/.exec(c)![1]);
    expect(green(heatColour(0.1, 1))).toBeGreaterThan(green(heatColour(0.6, 1)));
    expect(heatTextColour(0, 1)).toBe('#1f2328');
    expect(heatTextColour(1, 1)).toBe('#ffffff');
  });
});
