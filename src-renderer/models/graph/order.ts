/**
 * The two dagre phases Lathe replaces with iterative versions, plugged in through dagre's own options
 * (`ranker` as a function, `customOrder`).
 *
 * Why: dagre 3.1.3's built-in rankers (network-simplex, tight-tree and longest-path alike) and its initial
 * ordering walk the graph with recursive depth-first searches, one stack frame group per node along the
 * longest path. A model of stacked blocks is one long path, and dagre throws "Maximum call stack size
 * exceeded" from about 2,000 nodes deep (measured: 2,000 and 5,000-node residual stacks both overflow in
 * Node 20; a Worker's stack is no bigger). Everything else (cycle breaking with `acyclicer: 'greedy'`,
 * long-edge dummies, Brandes–Köpf positioning, edge routing) is dagre's own and iterative.
 *
 * Pure: plain arrays, no DOM.
 */

/** A directed edge between node indices, with dagre's `minlen` (ranks apart at least) and `weight`. */
export interface IndexEdge {
  readonly from: number;
  readonly to: number;
  readonly minlen: number;
  readonly weight: number;
}

/**
 * Ranks for a DAG: each node one rank (minlen) below its lowest predecessor (a longest path from the
 * sources, in topological order), then each source pulled down to just above its first consumer, so a
 * graph input or constant used deep in the model sits next to its use rather than at the top.
 * Nodes on a cycle (the caller breaks cycles first, so none are expected) get rank 0.
 */
export function rankLongestPath(count: number, edges: readonly IndexEdge[]): Int32Array {
  const rank = new Int32Array(count);
  const indegree = new Int32Array(count);
  const out: IndexEdge[][] = Array.from({ length: count }, () => []);
  for (const e of edges) {
    out[e.from]!.push(e);
    indegree[e.to]! += 1;
  }
  const queue: number[] = [];
  for (let v = 0; v < count; v++) if (indegree[v] === 0) queue.push(v);
  const sources = [...queue];
  for (let head = 0; head < queue.length; head++) {
    const v = queue[head]!;
    for (const e of out[v]!) {
      rank[e.to] = Math.max(rank[e.to]!, rank[v]! + e.minlen);
      indegree[e.to]! -= 1;
      if (indegree[e.to] === 0) queue.push(e.to);
    }
  }
  for (const v of sources) {
    if (out[v]!.length === 0) continue;
    let lowest = Infinity;
    for (const e of out[v]!) lowest = Math.min(lowest, rank[e.to]! - e.minlen);
    rank[v] = lowest;
  }
  return rank;
}

/** Most sweeps tried, and how many in a row may fail to reduce crossings before stopping (dagre stops at 4). */
const MAX_SWEEPS = 24;
const PATIENCE = 4;

/**
 * Orders the nodes within each rank to reduce edge crossings: an initial depth-first order (iterative),
 * then barycentre sweeps down and up, keeping the order with the fewest crossings.
 * Edges must join adjacent ranks (dagre's normalise step has split longer ones). Returns the layers,
 * each a list of node indices left to right.
 */
export function orderLayers(rank: ArrayLike<number>, edges: readonly IndexEdge[]): number[][] {
  const count = rank.length;
  const succ: IndexEdge[][] = Array.from({ length: count }, () => []);
  const pred: IndexEdge[][] = Array.from({ length: count }, () => []);
  for (const e of edges) {
    succ[e.from]!.push(e);
    pred[e.to]!.push(e);
  }
  const layers = initialOrder(rank, succ);
  const pos = new Float64Array(count);
  const place = () => layers.forEach((layer) => layer.forEach((v, i) => (pos[v] = i)));
  place();
  let best = layers.map((l) => [...l]);
  let bestCrossings = countCrossings(layers, succ, pos);
  for (let i = 0, sinceBest = 0; i < MAX_SWEEPS && sinceBest < PATIENCE && bestCrossings > 0; i++, sinceBest++) {
    const down = i % 2 === 0;
    const biasRight = i % 4 >= 2;
    const ranks = down ? range(1, layers.length) : range(layers.length - 2, -1, -1);
    for (const r of ranks) {
      layers[r] = sortByBarycentre(layers[r]!, down ? pred : succ, down ? 'from' : 'to', pos, biasRight);
      layers[r]!.forEach((v, j) => (pos[v] = j));
    }
    const crossings = countCrossings(layers, succ, pos);
    if (crossings < bestCrossings) {
      bestCrossings = crossings;
      best = layers.map((l) => [...l]);
      sinceBest = -1;
    }
  }
  return best;
}

function range(start: number, end: number, step = 1): number[] {
  const out: number[] = [];
  for (let i = start; step > 0 ? i < end : i > end; i += step) out.push(i);
  return out;
}

/** Depth-first from the nodes in rank order: a node's successors land next to each other. Iterative. */
function initialOrder(rank: ArrayLike<number>, succ: readonly IndexEdge[][]): number[][] {
  const count = rank.length;
  let maxRank = 0;
  for (let v = 0; v < count; v++) maxRank = Math.max(maxRank, rank[v]!);
  const layers: number[][] = Array.from({ length: count === 0 ? 0 : maxRank + 1 }, () => []);
  const visited = new Uint8Array(count);
  const starts = range(0, count).sort((a, b) => rank[a]! - rank[b]! || a - b);
  const stack: number[] = [];
  for (const start of starts) {
    stack.push(start);
    while (stack.length > 0) {
      const v = stack.pop()!;
      if (visited[v]) continue;
      visited[v] = 1;
      layers[rank[v]!]!.push(v);
      const next = succ[v]!;
      for (let j = next.length - 1; j >= 0; j--) if (!visited[next[j]!.to]) stack.push(next[j]!.to);
    }
  }
  return layers;
}

/**
 * One layer sorted by the weighted mean position of each node's neighbours in the layer just swept.
 * Nodes with no such neighbours keep their slot; ties break left or right by `biasRight` (alternating
 * it lets equal nodes settle, as dagre does).
 */
function sortByBarycentre(layer: readonly number[], adjacent: readonly IndexEdge[][], end: 'from' | 'to', pos: Float64Array, biasRight: boolean): number[] {
  const movable: { v: number; bc: number; i: number }[] = [];
  const result: (number | undefined)[] = new Array(layer.length);
  layer.forEach((v, i) => {
    let sum = 0;
    let weight = 0;
    for (const e of adjacent[v]!) {
      sum += e.weight * pos[e[end]]!;
      weight += e.weight;
    }
    if (weight > 0) movable.push({ v, bc: sum / weight, i });
    else result[i] = v;
  });
  movable.sort((a, b) => a.bc - b.bc || (biasRight ? b.i - a.i : a.i - b.i));
  let next = 0;
  for (let i = 0; i < result.length; i++) if (result[i] === undefined) result[i] = movable[next++]!.v;
  return result as number[];
}

/** Weighted crossings between every pair of adjacent layers (Barth, Jünger and Mutzel's accumulator tree). */
export function countCrossings(layers: readonly (readonly number[])[], succ: readonly IndexEdge[][], pos: ArrayLike<number>): number {
  let total = 0;
  for (let r = 0; r + 1 < layers.length; r++) {
    const south = layers[r + 1]!;
    let first = 1;
    while (first < south.length) first <<= 1;
    const tree = new Float64Array(2 * first - 1);
    first -= 1;
    for (const v of layers[r]!) {
      const ends = succ[v]!.map((e) => ({ p: pos[e.to]!, w: e.weight })).sort((a, b) => a.p - b.p);
      for (const { p, w } of ends) {
        let index = p + first;
        tree[index]! += w;
        let above = 0;
        while (index > 0) {
          if (index % 2) above += tree[index + 1]!;
          index = (index - 1) >> 1;
          tree[index]! += w;
        }
        total += w * above;
      }
    }
  }
  return total;
}
