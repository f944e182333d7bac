/**
 * The graph view's camera and what it sees, as pure functions: screen ↔ layout coordinates, zooming
 * about a point, fitting, and a grid index that answers "which boxes and edges are in this rectangle"
 * (culling) and "which box is under this point" (hit testing) without looking at all 5,000.
 */
import type { GraphLayout } from './layout';

/** screen = layout * k + (x, y), in CSS pixels of the canvas. */
export interface View {
  readonly x: number;
  readonly y: number;
  readonly k: number;
}

export interface Rect {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

export const MIN_ZOOM = 0.002;
export const MAX_ZOOM = 4;
/** Below this zoom, boxes are drawn plain: no text, no arrowheads. */
export const TEXT_ZOOM = 0.45;
/** Below this zoom, the node name (second line) is hidden too. */
export const NAME_ZOOM = 0.75;

export const clampZoom = (k: number): number => Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, k));

export function toLayout(view: View, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - view.x) / view.k, y: (sy - view.y) / view.k };
}

export function toScreen(view: View, lx: number, ly: number): { x: number; y: number } {
  return { x: lx * view.k + view.x, y: ly * view.k + view.y };
}

/** The layout rectangle a canvas of `width`×`height` CSS pixels shows. */
export function visibleRect(view: View, width: number, height: number): Rect {
  return { x: -view.x / view.k, y: -view.y / view.k, w: width / view.k, h: height / view.k };
}

/** Zoom by `factor` keeping the layout point under (sx, sy) where it is. */
export function zoomAt(view: View, factor: number, sx: number, sy: number): View {
  const k = clampZoom(view.k * factor);
  const f = k / view.k;
  return { k, x: sx - (sx - view.x) * f, y: sy - (sy - view.y) * f };
}

export function panBy(view: View, dx: number, dy: number): View {
  return { ...view, x: view.x + dx, y: view.y + dy };
}

/** The whole layout in view, centred, never magnified past 1. */
export function fitView(layoutWidth: number, layoutHeight: number, width: number, height: number, padding = 24): View {
  if (layoutWidth <= 0 || layoutHeight <= 0 || width <= 0 || height <= 0) return { x: 0, y: 0, k: 1 };
  const k = clampZoom(Math.min(1, (width - 2 * padding) / layoutWidth, (height - 2 * padding) / layoutHeight));
  return { k, x: (width - layoutWidth * k) / 2, y: (height - layoutHeight * k) / 2 };
}

/**
 * Where a model opens: the whole graph when it fits legibly; otherwise its top (the inputs) at a
 * readable zoom, centred across when it is narrower than the canvas.
 */
export function initialView(layoutWidth: number, layoutHeight: number, width: number, height: number): View {
  const fit = fitView(layoutWidth, layoutHeight, width, height);
  if (fit.k >= TEXT_ZOOM) return fit;
  const k = 0.8;
  const x = layoutWidth * k < width ? (width - layoutWidth * k) / 2 : 24;
  return { k, x, y: 24 - 24 * k };
}

/** The view moved (zoom kept) so the layout point (lx, ly) sits at the canvas centre. */
export function centreOn(view: View, lx: number, ly: number, width: number, height: number): View {
  return { k: view.k, x: width / 2 - lx * view.k, y: height / 2 - ly * view.k };
}

export const intersects = (a: Rect, b: Rect): boolean => a.x <= b.x + b.w && b.x <= a.x + a.w && a.y <= b.y + b.h && b.y <= a.y + a.h;

/**
 * A uniform grid over the layout: each cell lists the boxes and edges whose bounds touch it. Querying a
 * rectangle visits only its cells, so a frame's cost follows what is on screen, not the model's size.
 */
export interface SpatialIndex {
  readonly cell: number;
  readonly cols: number;
  readonly rows: number;
  readonly nodeCells: readonly (readonly number[])[];
  readonly edgeCells: readonly (readonly number[])[];
  readonly edgeBounds: readonly Rect[];
}

export function edgeBounds(points: readonly number[]): Rect {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (let i = 0; i + 1 < points.length; i += 2) {
    x0 = Math.min(x0, points[i]!);
    x1 = Math.max(x1, points[i]!);
    y0 = Math.min(y0, points[i + 1]!);
    y1 = Math.max(y1, points[i + 1]!);
  }
  return points.length < 2 ? { x: 0, y: 0, w: -1, h: -1 } : { x: x0, y: y0, w: x1 - x0, h: y1 - y0 };
}

export function buildIndex(layout: GraphLayout, cell = 400): SpatialIndex {
  const cols = Math.max(1, Math.ceil(layout.width / cell) + 1);
  const rows = Math.max(1, Math.ceil(layout.height / cell) + 1);
  const nodeCells: number[][] = Array.from({ length: cols * rows }, () => []);
  const edgeCells: number[][] = Array.from({ length: cols * rows }, () => []);
  const add = (cells: number[][], r: Rect, i: number) => {
    if (r.w < 0) return;
    const c0 = clampCell(Math.floor(r.x / cell), cols);
    const c1 = clampCell(Math.floor((r.x + r.w) / cell), cols);
    const r0 = clampCell(Math.floor(r.y / cell), rows);
    const r1 = clampCell(Math.floor((r.y + r.h) / cell), rows);
    for (let row = r0; row <= r1; row++) for (let col = c0; col <= c1; col++) cells[row * cols + col]!.push(i);
  };
  layout.nodes.forEach((n, i) => add(nodeCells, n, i));
  const bounds = layout.edges.map((e) => edgeBounds(e.points));
  bounds.forEach((b, i) => add(edgeCells, b, i));
  return { cell, cols, rows, nodeCells, edgeCells, edgeBounds: bounds };
}

const clampCell = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));

/** Indices of the boxes and edges whose bounds meet `rect` (each once, in no particular order). */
export function query(index: SpatialIndex, layout: GraphLayout, rect: Rect): { nodes: number[]; edges: number[] } {
  const c0 = clampCell(Math.floor(rect.x / index.cell), index.cols);
  const c1 = clampCell(Math.floor((rect.x + rect.w) / index.cell), index.cols);
  const r0 = clampCell(Math.floor(rect.y / index.cell), index.rows);
  const r1 = clampCell(Math.floor((rect.y + rect.h) / index.cell), index.rows);
  const nodes = new Set<number>();
  const edges = new Set<number>();
  for (let row = r0; row <= r1; row++) {
    for (let col = c0; col <= c1; col++) {
      for (const i of index.nodeCells[row * index.cols + col]!) if (!nodes.has(i) && intersects(layout.nodes[i]!, rect)) nodes.add(i);
      for (const i of index.edgeCells[row * index.cols + col]!) if (!edges.has(i) && intersects(index.edgeBounds[i]!, rect)) edges.add(i);
    }
  }
  return { nodes: [...nodes], edges: [...edges] };
}

/** The box under the layout point (x, y), or -1. The last drawn (topmost) wins when boxes touch. */
export function hitTest(index: SpatialIndex, layout: GraphLayout, x: number, y: number): number {
  const col = Math.floor(x / index.cell);
  const row = Math.floor(y / index.cell);
  if (col < 0 || row < 0 || col >= index.cols || row >= index.rows) return -1;
  let hit = -1;
  for (const i of index.nodeCells[row * index.cols + col]!) {
    const n = layout.nodes[i]!;
    if (x >= n.x && x <= n.x + n.w && y >= n.y && y <= n.y + n.h && i > hit) hit = i;
  }
  return hit;
}

/** Whether (x, y) falls on a node's ▸ subgraph toggle (its right end). */
export function onToggle(node: { x: number; y: number; w: number; h: number; subgraphs: number }, x: number, y: number, toggleWidth: number): boolean {
  return node.subgraphs > 0 && x >= node.x + node.w - toggleWidth && x <= node.x + node.w && y >= node.y && y <= node.y + node.h;
}
