/**
 * The graph heat map: which profiled node names are in the model's graph (the overlay needs them all;
 * optimisation levels above 'disabled' fuse and rename nodes, and torch traces name kernels, not nodes),
 * the node → share map, and the colour ramp. Pure.
 */
import type { GraphData } from '../../../src-main/common/onnx/model-types';
import type { ProfileNodeRow, TraceSource } from '../../../src-main/common/onnx/profile-types';

/** Nodes ORT inserts itself (copies between devices): not in the model's graph, and no reason to disable the overlay. */
const INSERTED_OPS: ReadonlySet<string> = new Set(['MemcpyToHost', 'MemcpyFromHost']);

/** Every node name in the graph and its subgraphs ('' skipped). */
export function graphNodeNames(graph: GraphData): Set<string> {
  const names = new Set<string>();
  const walk = (g: GraphData) => {
    for (const n of g.nodes) {
      if (n.name !== '') names.add(n.name);
      for (const s of n.subgraphs) walk(s.graph);
    }
  };
  walk(graph);
  return names;
}

export interface NameMatch {
  /** Profiled nodes that count (ORT's own inserted copies left out). */
  readonly profiled: number;
  readonly matched: number;
  /** Profiled names not in the graph (at most 20, for the message). */
  readonly missing: readonly string[];
  readonly missingCount: number;
  /** The overlay can be drawn. */
  readonly usable: boolean;
  /** Why not, in plain words (null when usable). */
  readonly reason: string | null;
}

export function matchNames(rows: readonly ProfileNodeRow[], names: ReadonlySet<string>, source: TraceSource, optimization: string | null): NameMatch {
  const counted = rows.filter((r) => !INSERTED_OPS.has(r.op));
  const missing: string[] = [];
  let missingCount = 0;
  for (const r of counted) {
    if (names.has(r.name)) continue;
    missingCount++;
    if (missing.length < 20) missing.push(r.name);
  }
  const profiled = counted.length;
  const matched = profiled - missingCount;
  let reason: string | null = null;
  if (profiled === 0) reason = 'The profile has no graph nodes to colour the graph with.';
  else if (missingCount > 0) {
    const head = `${missingCount} of ${profiled} profiled nodes are not in this graph`;
    if (source === 'torch') reason = `${head}: a torch.profiler trace names operators and kernels, not ONNX nodes.`;
    else if (source === 'chrome') reason = `${head}: the trace does not come from onnxruntime.`;
    else if (optimization !== null && optimization !== 'disabled') reason = `${head}: it was profiled with optimisation '${optimization}', which fuses and renames nodes. Profile with optimisation 'disabled'.`;
    else reason = `${head}: profile with optimisation 'disabled', or open the model it was captured from.`;
  }
  return { profiled, matched, missing, missingCount, usable: reason === null, reason };
}

/** Node name → share of the run (0..1), for GraphView's `heat`. */
export function heatMap(rows: readonly ProfileNodeRow[]): Record<string, number> {
  const heat: Record<string, number> = {};
  for (const r of rows) heat[r.name] = (heat[r.name] ?? 0) + r.share;
  return heat;
}

/** The largest share in a heat map (the ramp's top), at least a small floor so a flat profile is not all red. */
export function heatScale(heat: Readonly<Record<string, number>>): number {
  let max = 0;
  for (const k in heat) max = Math.max(max, heat[k]!);
  return Math.max(max, 0.01);
}

/** The ramp's stops: pale yellow → orange → deep red, readable on light and dark backgrounds. */
const STOPS: readonly (readonly [number, number, number])[] = [
  [255, 237, 160],
  [254, 178, 76],
  [240, 59, 32],
  [165, 15, 21],
];
/** Colours are quantised so the graph's draw batches boxes by fill. */
const STEPS = 24;

/**
 * The heat colour of a share, relative to the hottest node (`scale`); square-root scaled so the many small
 * nodes still read apart.
 */
export function heatColour(share: number, scale: number): string {
  const t0 = scale > 0 ? Math.min(1, Math.max(0, share / scale)) : 0;
  const t = Math.round(Math.sqrt(t0) * STEPS) / STEPS;
  const pos = t * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(pos));
  const f = pos - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  const c = (k: 0 | 1 | 2) => Math.round(a[k] + (b[k] - a[k]) * f);
  return `rgb(${c(0)}, ${c(1)}, ${c(2)})`;
}

/** Text colour on a heat fill: dark on the pale end, white on the red end. */
export function heatTextColour(share: number, scale: number): string {
  const t = scale > 0 ? Math.sqrt(Math.min(1, Math.max(0, share / scale))) : 0;
  return t < 0.55 ? '#1f2328' : '#ffffff';
}
