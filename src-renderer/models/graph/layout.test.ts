import { Graph, layout as dagreLayout } from '@dagrejs/dagre';
import { describe, expect, it } from 'vitest';
import { LayoutCache, layoutKey } from './layout-cache';
import { graphToBoxes, implicitInputs, layoutGraph, subgraphAt, type GraphLayout, type LaidOutNode } from './layout';
import { countCrossings, orderLayers, rankLongestPath, type IndexEdge } from './order';
import { ifGraph, residualGraph } from './test-graphs';

/** Boxes whose centres share a y are in one rank; none of them may overlap across. */
function overlapsInRanks(layout: GraphLayout): string[] {
  const ranks = new Map<number, LaidOutNode[]>();
  for (const n of layout.nodes) {
    const key = Math.round(n.y + n.h / 2);
    ranks.set(key, [...(ranks.get(key) ?? []), n]);
  }
  const bad: string[] = [];
  for (const row of ranks.values()) {
    row.sort((a, b) => a.x - b.x);
    for (let i = 1; i < row.length; i++) if (row[i]!.x < row[i - 1]!.x + row[i - 1]!.w) bad.push(`${row[i - 1]!.id} / ${row[i]!.id}`);
  }
  return bad;
}

/** Distance from (x, y) to the box's outline (0 on it). */
function offBorder(n: LaidOutNode, x: number, y: number): number {
  const dx = Math.max(n.x - x, 0, x - (n.x + n.w));
  const dy = Math.max(n.y - y, 0, y - (n.y + n.h));
  const outside = Math.hypot(dx, dy);
  if (outside > 0) return outside;
  return Math.min(x - n.x, n.x + n.w - x, y - n.y, n.y + n.h - y);
}

function expectEdgesOnTheirNodes(layout: GraphLayout) {
  for (const e of layout.edges) {
    const p = e.points;
    expect(p.length).toBeGreaterThanOrEqual(4);
    expect(offBorder(layout.nodes[e.from]!, p[0]!, p[1]!)).toBeLessThan(1);
    expect(offBorder(layout.nodes[e.to]!, p.at(-2)!, p.at(-1)!)).toBeLessThan(1);
    // Top to bottom: an edge ends below where it starts.
    expect(p.at(-1)!).toBeGreaterThan(p[1]!);
  }
}

describe('layoutGraph', () => {
  it('places every node, input and output, without overlaps in a rank, edges ending on their nodes', () => {
    const graph = residualGraph(20);
    const layout = layoutGraph(graph);
    // 120 ops + 1 input pill (the 40 weight inputs are initialisers: not drawn) + 1 output pill.
    expect(layout.nodes).toHaveLength(122);
    expect(new Set(layout.nodes.map((n) => n.id)).size).toBe(122);
    for (const n of layout.nodes) {
      expect(Number.isFinite(n.x) && Number.isFinite(n.y)).toBe(true);
      expect(n.x).toBeGreaterThanOrEqual(0);
      expect(n.x + n.w).toBeLessThanOrEqual(layout.width + 0.5);
      expect(n.y + n.h).toBeLessThanOrEqual(layout.height + 0.5);
    }
    expect(layout.nodes.filter((n) => n.kind === 'input').map((n) => n.label)).toEqual(['input']);
    expect(layout.nodes.filter((n) => n.kind === 'output').map((n) => n.label)).toEqual(['b19_out']);
    // 6 edges a block (5 in the chain + the skip), into the first block from the input pill, and the output's.
    expect(layout.edges).toHaveLength(20 * 7 + 1);
    expect(overlapsInRanks(layout)).toEqual([]);
    expectEdgesOnTheirNodes(layout);
    const conv = layout.nodes.find((n) => n.id === '0')!;
    expect(conv).toMatchObject({ kind: 'op', label: 'Conv', name: 'conv_0', category: 'conv', nodeIndex: 0 });
  });

  it('draws an edge from producer to consumer for each value, merging values between the same pair', () => {
    const { boxes, links } = graphToBoxes(residualGraph(1));
    const id = (i: number) => boxes[i]!.id;
    const pairs = links.map((l) => `${id(l.from)}>${id(l.to)}`).sort();
    expect(pairs).toEqual(['0>1', '1>2', '2>3', '3>4', '4>5', '5>out:b0_out', 'in:input>0', 'in:input>4'].sort());
  });

  it('lays out 5,000 nodes deep without overflowing the stack, in seconds', () => {
    const graph = residualGraph(834); // 5,004 nodes in one long path
    const layout = layoutGraph(graph);
    expect(layout.nodes).toHaveLength(5004 + 2);
    expect(overlapsInRanks(layout)).toEqual([]);
    expectEdgesOnTheirNodes(layout);
    console.log(`5,004-node residual stack: laid out in ${Math.round(layout.ms)} ms (${Math.round(layout.width)}×${Math.round(layout.height)})`);
    expect(layout.ms).toBeLessThan(15_000);
  }, 60_000);

  it("needs its own ranker and ordering: dagre's built-in phases overflow the stack on a 2,000-node path", () => {
    const g = new Graph();
    g.setGraph({});
    g.setDefaultEdgeLabel(() => ({}));
    for (let i = 0; i < 2000; i++) g.setNode(String(i), { width: 10, height: 10 });
    for (let i = 1; i < 2000; i++) g.setEdge(String(i - 1), String(i));
    // If this stops throwing, a dagre upgrade fixed it and order.ts could go.
    expect(() => dagreLayout(g)).toThrow(RangeError);
  });

  it('gives an empty graph an empty layout', () => {
    const layout = layoutGraph({ name: 'e', inputs: [], outputs: [], nodes: [], initializers: [], valueInfo: [] });
    expect(layout).toMatchObject({ nodes: [], edges: [], width: 0, height: 0 });
  });
});

describe('subgraphs', () => {
  it('opens either branch of an If: its nodes, and pills for values from the enclosing graph', () => {
    const graph = ifGraph();
    const main = layoutGraph(graph);
    expect(main.nodes.find((n) => n.label === 'If')).toMatchObject({ subgraphs: 2 });
    expect(main.nodes.some((n) => n.label === 'Mul')).toBe(false);
    // The branches read x: the main graph draws that edge into the If.
    const ifIndex = main.nodes.findIndex((n) => n.label === 'If');
    const inX = main.nodes.findIndex((n) => n.id === 'in:x');
    expect(main.edges.some((e) => e.from === inX && e.to === ifIndex)).toBe(true);
    expect(implicitInputs(graph.nodes[1]!)).toEqual(['x']);

    for (const [attribute, op] of [
      ['then_branch', 'Mul'],
      ['else_branch', 'Sub'],
    ] as const) {
      const sub = subgraphAt(graph, [{ nodeId: '1', attribute }])!;
      const layout = layoutGraph(sub);
      const labels = layout.nodes.map((n) => `${n.kind}:${n.label}`);
      expect(labels).toEqual(expect.arrayContaining([`op:${op}`, 'op:Relu', 'outer:x', `output:${attribute}_out`]));
      // k is the branch's initialiser: listed in details, not drawn.
      expect(labels.some((l) => l.endsWith(':k'))).toBe(false);
      expectEdgesOnTheirNodes(layout);
    }
    expect(subgraphAt(graph, [{ nodeId: '1', attribute: 'body' }])).toBeNull();
  });
});

describe('layout cache', () => {
  it('returns the very object stored, keyed by model and subgraph path, least recently used out first', () => {
    const cache = new LayoutCache(2);
    const a = layoutGraph(ifGraph());
    const b = layoutGraph(subgraphAt(ifGraph(), [{ nodeId: '1', attribute: 'then_branch' }])!);
    const keyA = layoutKey('sha-1', []);
    const keyB = layoutKey('sha-1', [{ nodeId: '1', attribute: 'then_branch' }]);
    expect(keyA).not.toBe(keyB);
    expect(layoutKey('sha-2', [])).not.toBe(keyA);
    cache.set(keyA, a);
    cache.set(keyB, b);
    expect(cache.get(keyA)).toBe(a);
    cache.set('other', a); // evicts keyB: keyA was used more recently
    expect(cache.get(keyB)).toBeUndefined();
    expect(cache.get(keyA)).toBe(a);
    expect(cache.size).toBe(2);
  });
});

describe('order.ts', () => {
  const e = (from: number, to: number, minlen = 1): IndexEdge => ({ from, to, minlen, weight: 1 });

  it('ranks by longest path, respecting minlen, and pulls sources down to their first use', () => {
    // 0 → 1 → 2 → 3, and 4 → 3 (a late input): 4 sits just above 3, not at the top.
    const rank = rankLongestPath(5, [e(0, 1), e(1, 2, 2), e(2, 3), e(4, 3)]);
    expect([...rank]).toEqual([0, 1, 3, 4, 3]);
  });

  it('orders a crossing away', () => {
    // Two parallel chains whose second layer starts crossed: a→d, b→c with c before d.
    const rank = [0, 0, 1, 1];
    const edges = [e(0, 3), e(1, 2)];
    const succ = [[edges[0]!], [edges[1]!], [], []];
    expect(countCrossings([[0, 1], [2, 3]], succ, [0, 1, 0, 1])).toBe(1);
    const layers = orderLayers(rank, edges);
    const pos = new Array<number>(4);
    layers.forEach((l) => l.forEach((v, i) => (pos[v] = i)));
    expect(countCrossings(layers, succ, pos)).toBe(0);
    expect(layers.flat().sort()).toEqual([0, 1, 2, 3]);
  });
});
