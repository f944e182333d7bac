/**
 * The graph view's layout: GraphData → positioned boxes and edge polylines, with dagre (top to bottom).
 * Pure (no DOM): the layout worker runs it, and tests call it directly.
 *
 * What becomes a box: every node, plus a pill for each graph input (initialisers excluded: they are
 * listed in a node's details, not drawn), each graph output, and, inside a subgraph, each value taken
 * from the enclosing graph. Edges join a value's producer to its consumers; two values between the same
 * pair of boxes share one edge.
 */
import { Graph, layout as dagreLayout, type EdgeLabel, type GraphLabel, type NodeLabel } from '@dagrejs/dagre';
import type { GraphData, GraphNode } from '../../../src-main/common/onnx/model-types';
import { categoryOf, type OpCategory } from './categories';
import { orderLayers, rankLongestPath, type IndexEdge } from './order';

export type BoxKind = 'op' | 'input' | 'output' | 'outer';

export interface LaidOutNode {
  /** GraphNode.id for ops; 'in:<value>', 'out:<value>', 'outer:<value>' for pills. */
  readonly id: string;
  readonly kind: BoxKind;
  /** Ops: the op type; pills: the value's name. */
  readonly label: string;
  /** Ops: the node's name ('' when it has none); pills: ''. */
  readonly name: string;
  readonly category: OpCategory | 'io';
  /** Index into the (sub)graph's nodes for ops, -1 for pills. */
  readonly nodeIndex: number;
  /** How many graphs the node holds (If: 2, Loop/Scan: 1). */
  readonly subgraphs: number;
  /** Top-left corner and size, in layout units (CSS pixels at zoom 1). */
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export interface LaidOutEdge {
  /** Indices into GraphLayout.nodes. */
  readonly from: number;
  readonly to: number;
  readonly values: readonly string[];
  /** Flat x0, y0, x1, y1, …: starts on the producer's border, ends on the consumer's. */
  readonly points: readonly number[];
}

export interface GraphLayout {
  readonly nodes: readonly LaidOutNode[];
  readonly edges: readonly LaidOutEdge[];
  readonly width: number;
  readonly height: number;
  /** Time spent laying out, for the progress line and the benchmark. */
  readonly ms: number;
}

/** One step into a subgraph: the node holding it and the graph attribute (then_branch, else_branch, body). */
export interface SubgraphStep {
  readonly nodeId: string;
  readonly attribute: string;
}

export const OP_HEIGHT = 40;
export const PILL_HEIGHT = 26;
/** The ▸ toggle's room on nodes with subgraphs. */
export const TOGGLE_WIDTH = 18;

/** Bold 12px text is about this wide per character; boxes are sized without a DOM to measure with. */
const OP_CHAR = 7.4;
const NAME_CHAR = 6.4;

/**
 * The graph a breadcrumb path leads to; null when the path no longer matches the graph (a stale step).
 */
export function subgraphAt(graph: GraphData, path: readonly SubgraphStep[]): GraphData | null {
  let current: GraphData = graph;
  for (const step of path) {
    const node = current.nodes.find((n) => n.id === step.nodeId);
    const sub = node?.subgraphs.find((s) => s.attribute === step.attribute);
    if (!sub) return null;
    current = sub.graph;
  }
  return current;
}

interface Box {
  readonly id: string;
  readonly kind: BoxKind;
  readonly label: string;
  readonly name: string;
  readonly nodeIndex: number;
  readonly subgraphs: number;
  readonly w: number;
  readonly h: number;
}

interface Link {
  readonly from: number;
  readonly to: number;
  readonly values: string[];
}

function opBox(node: GraphNode, index: number): Box {
  const toggle = node.subgraphs.length > 0 ? TOGGLE_WIDTH : 0;
  const w = Math.min(200, Math.max(72, node.op.length * OP_CHAR + 24 + toggle, Math.min(node.name.length, 18) * NAME_CHAR + 20));
  return { id: node.id, kind: 'op', label: node.op, name: node.name, nodeIndex: index, subgraphs: node.subgraphs.length, w: Math.round(w), h: OP_HEIGHT };
}

function pillBox(kind: BoxKind, value: string): Box {
  const w = Math.min(220, Math.max(56, value.length * NAME_CHAR + 28));
  return { id: `${kind === 'input' ? 'in' : kind === 'output' ? 'out' : 'outer'}:${value}`, kind, label: value, name: '', nodeIndex: -1, subgraphs: 0, w: Math.round(w), h: PILL_HEIGHT };
}

/** The boxes and edges to lay out: ops, input/output pills, and one link per (producer, consumer) pair. */
export function graphToBoxes(graph: GraphData): { boxes: Box[]; links: Link[] } {
  const boxes: Box[] = [];
  const producer = new Map<string, number>();
  const initializers = new Set(graph.initializers.map((i) => i.name));
  for (const input of graph.inputs) {
    if (initializers.has(input.name) || producer.has(input.name)) continue;
    producer.set(input.name, boxes.length);
    boxes.push(pillBox('input', input.name));
  }
  const firstOp = boxes.length;
  graph.nodes.forEach((node, i) => boxes.push(opBox(node, i)));
  graph.nodes.forEach((node, i) => {
    for (const out of node.outputs) if (out !== '' && !producer.has(out)) producer.set(out, firstOp + i);
  });
  const links = new Map<string, Link>();
  const link = (from: number, to: number, value: string) => {
    if (from === to) return;
    const key = `${from}>${to}`;
    const existing = links.get(key);
    if (existing) {
      if (!existing.values.includes(value)) existing.values.push(value);
    } else links.set(key, { from, to, values: [value] });
  };
  /** A value no node here produces and no initialiser holds: it comes from the enclosing graph. */
  const source = (value: string): number | undefined => {
    if (initializers.has(value)) return undefined;
    let from = producer.get(value);
    if (from === undefined) {
      from = boxes.length;
      boxes.push(pillBox('outer', value));
      producer.set(value, from);
    }
    return from;
  };
  graph.nodes.forEach((node, i) => {
    for (const value of node.inputs) {
      if (value === '') continue;
      const from = source(value);
      if (from !== undefined) link(from, firstOp + i, value);
    }
    // A subgraph may read values of this graph without naming them as inputs: draw those too.
    for (const value of implicitInputs(node)) {
      const from = producer.get(value);
      if (from !== undefined) link(from, firstOp + i, value);
    }
  });
  for (const output of graph.outputs) {
    const to = boxes.length;
    boxes.push(pillBox('output', output.name));
    const from = producer.get(output.name);
    if (from !== undefined) link(from, to, output.name);
  }
  return { boxes, links: [...links.values()] };
}

/** Values a node's subgraphs (at any depth) read from outside themselves. */
export function implicitInputs(node: GraphNode): string[] {
  if (node.subgraphs.length === 0) return [];
  const found = new Set<string>();
  const visit = (graph: GraphData, outer: ReadonlySet<string>) => {
    const local = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.map((v) => v.name)]);
    for (const n of graph.nodes) for (const o of n.outputs) local.add(o);
    for (const n of graph.nodes) {
      for (const value of n.inputs) if (value !== '' && !local.has(value) && !outer.has(value)) found.add(value);
      for (const sub of n.subgraphs) visit(sub.graph, new Set([...outer, ...local]));
    }
  };
  for (const sub of node.subgraphs) visit(sub.graph, new Set());
  return [...found];
}

const LAYOUT_OPTIONS: GraphLabel = {
  rankdir: 'TB',
  nodesep: 24,
  edgesep: 12,
  ranksep: 30,
  marginx: 24,
  marginy: 24,
  acyclicer: 'greedy',
};

/** Lays a (sub)graph out. Throws only on a bug; an empty graph gives an empty layout. */
export function layoutGraph(graph: GraphData): GraphLayout {
  const t0 = performance.now();
  const { boxes, links } = graphToBoxes(graph);
  if (boxes.length === 0) return { nodes: [], edges: [], width: 0, height: 0, ms: performance.now() - t0 };
  const g = new Graph<GraphLabel, NodeLabel, EdgeLabel>({ multigraph: false, compound: false });
  g.setGraph({ ...LAYOUT_OPTIONS, ranker: rankWithoutRecursion as unknown as GraphLabel['ranker'] });
  boxes.forEach((b, i) => g.setNode(String(i), { width: b.w, height: b.h }));
  for (const l of links) g.setEdge(String(l.from), String(l.to), { minlen: 1, weight: 1 });
  dagreLayout(g, { customOrder: orderWithoutRecursion });
  const nodes: LaidOutNode[] = boxes.map((b, i) => {
    const n = g.node(String(i));
    return {
      id: b.id,
      kind: b.kind,
      label: b.label,
      name: b.name,
      category: b.kind === 'op' ? categoryOf(b.label) : 'io',
      nodeIndex: b.nodeIndex,
      subgraphs: b.subgraphs,
      x: n.x! - b.w / 2,
      y: n.y! - b.h / 2,
      w: b.w,
      h: b.h,
    };
  });
  const edges: LaidOutEdge[] = links.map((l) => {
    const points = g.edge(String(l.from), String(l.to))?.points ?? [];
    return { from: l.from, to: l.to, values: l.values, points: points.flatMap((p) => [p.x, p.y]) };
  });
  const label = g.graph();
  return { nodes, edges, width: label.width ?? 0, height: label.height ?? 0, ms: performance.now() - t0 };
}

type DagreGraph = Graph<GraphLabel, NodeLabel, EdgeLabel>;

/** dagre's `ranker` option as a function: iterative longest path (see order.ts for why). */
function rankWithoutRecursion(g: DagreGraph): void {
  const { ids, edges } = indexed(g);
  const rank = rankLongestPath(ids.length, edges);
  ids.forEach((id, i) => (g.node(id).rank = rank[i]));
}

/** dagre's `customOrder` option: iterative ordering (see order.ts for why). */
function orderWithoutRecursion(g: DagreGraph): void {
  const { ids, edges } = indexed(g);
  const rank = ids.map((id) => g.node(id).rank ?? 0);
  const minRank = rank.reduce((a, b) => Math.min(a, b), 0);
  const layers = orderLayers(
    rank.map((r) => r - minRank),
    edges,
  );
  for (const layer of layers) layer.forEach((v, i) => (g.node(ids[v]!).order = i));
}

function indexed(g: DagreGraph): { ids: string[]; edges: IndexEdge[] } {
  const ids = g.nodes();
  const at = new Map(ids.map((id, i) => [id, i]));
  const edges = g.edges().map((e) => {
    const label = g.edge(e);
    return { from: at.get(e.v)!, to: at.get(e.w)!, minlen: label?.minlen ?? 1, weight: label?.weight ?? 1 };
  });
  return { ids, edges };
}
