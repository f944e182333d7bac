/**
 * Paints one frame of the graph on a 2-D canvas: only what the viewport shows (the spatial index finds
 * it), boxes batched by colour (one path per fill), all edges in one path, and text only when zoomed in
 * far enough to read it. Colours come from graph.css's variables, read once per theme.
 */
import { heatColour, heatTextColour } from '../profile/heat';
import { OP_CATEGORIES, epColour, type OpCategory } from './categories';
import { TOGGLE_WIDTH, type GraphLayout, type LaidOutNode } from './layout';
import { NAME_ZOOM, TEXT_ZOOM, query, visibleRect, type SpatialIndex, type View } from './viewport';

export interface Palette {
  readonly bg: string;
  readonly edge: string;
  readonly edgeActive: string;
  readonly nodeText: string;
  readonly nodeTextMuted: string;
  readonly pill: string;
  readonly pillBorder: string;
  readonly pillText: string;
  readonly selected: string;
  readonly hit: string;
  readonly currentHit: string;
  readonly font: string;
  readonly category: Readonly<Record<OpCategory, string>>;
}

/** The palette from the CSS variables in effect on `el` (graph.css defines them per theme). */
export function readPalette(el: Element): Palette {
  const css = getComputedStyle(el);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  return {
    bg: v('--graph-bg', '#ffffff'),
    edge: v('--graph-edge', '#8a8f98'),
    edgeActive: v('--graph-edge-active', '#2f6fde'),
    nodeText: v('--graph-node-fg', '#ffffff'),
    nodeTextMuted: v('--graph-node-fg-muted', 'rgba(255,255,255,0.8)'),
    pill: v('--graph-pill-bg', '#eceef2'),
    pillBorder: v('--graph-pill-border', '#8a8f98'),
    pillText: v('--graph-pill-fg', '#1f2328'),
    selected: v('--graph-selected', '#2f6fde'),
    hit: v('--graph-hit', '#e0a000'),
    currentHit: v('--graph-hit-current', '#ff6a00'),
    font: v('--font-ui', 'sans-serif'),
    category: Object.fromEntries(OP_CATEGORIES.map((c) => [c, v(`--graph-cat-${c}`, '#7a818d')])) as Record<OpCategory, string>,
  };
}

export interface DrawState {
  readonly selected: number;
  readonly hits: ReadonlySet<number>;
  readonly currentHit: number;
  /** Per box, the EP colour when colouring by EP (null: by op category). */
  readonly epOf: ((node: LaidOutNode) => string | null) | null;
  /** A profile's heat map: per op box its share of the run (null: not profiled), and the ramp's top. Wins over epOf. */
  readonly heat?: { readonly of: (node: LaidOutNode) => number | null; readonly scale: number } | null;
}

/** Per-layout text cut to fit its box, measured once (measureText is the costly part of text). */
const fitted = new WeakMap<GraphLayout, Map<number, string>>();

export function drawGraph(ctx: CanvasRenderingContext2D, layout: GraphLayout, index: SpatialIndex, view: View, width: number, height: number, dpr: number, palette: Palette, state: DrawState): void {
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = palette.bg;
  ctx.fillRect(0, 0, width, height);
  ctx.setTransform(dpr * view.k, 0, 0, dpr * view.k, dpr * view.x, dpr * view.y);
  const margin = 20 / view.k;
  const rect = visibleRect(view, width, height);
  const seen = query(index, layout, { x: rect.x - margin, y: rect.y - margin, w: rect.w + 2 * margin, h: rect.h + 2 * margin });
  const px = 1 / view.k;
  const detailed = view.k >= TEXT_ZOOM;

  drawEdges(ctx, layout, seen.edges, palette, state.selected, px, detailed);
  drawBoxes(ctx, layout, seen.nodes, palette, state, detailed);
  drawHighlights(ctx, layout, seen.nodes, palette, state, px);
  if (detailed) drawLabels(ctx, layout, seen.nodes, palette, view.k >= NAME_ZOOM, state.heat ?? null);
}

function drawEdges(ctx: CanvasRenderingContext2D, layout: GraphLayout, edges: readonly number[], palette: Palette, selected: number, px: number, arrows: boolean): void {
  const paths = (list: readonly number[], colour: string, lineWidth: number) => {
    if (list.length === 0) return;
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = lineWidth;
    ctx.beginPath();
    for (const i of list) {
      const p = layout.edges[i]!.points;
      ctx.moveTo(p[0]!, p[1]!);
      for (let j = 2; j + 1 < p.length; j += 2) ctx.lineTo(p[j]!, p[j + 1]!);
    }
    ctx.stroke();
    if (!arrows) return;
    ctx.beginPath();
    for (const i of list) arrowHead(ctx, layout.edges[i]!.points);
    ctx.fill();
  };
  const active = selected < 0 ? [] : edges.filter((i) => layout.edges[i]!.from === selected || layout.edges[i]!.to === selected);
  const rest = active.length === 0 ? edges : edges.filter((i) => layout.edges[i]!.from !== selected && layout.edges[i]!.to !== selected);
  paths(rest, palette.edge, Math.max(px, 1));
  paths(active, palette.edgeActive, Math.max(2 * px, 2));
}

function arrowHead(ctx: CanvasRenderingContext2D, p: readonly number[]): void {
  const n = p.length;
  if (n < 4) return;
  const x = p[n - 2]!;
  const y = p[n - 1]!;
  const dx = x - p[n - 4]!;
  const dy = y - p[n - 3]!;
  const len = Math.hypot(dx, dy) || 1;
  const ux = dx / len;
  const uy = dy / len;
  const size = 7;
  ctx.moveTo(x, y);
  ctx.lineTo(x - ux * size - uy * size * 0.5, y - uy * size + ux * size * 0.5);
  ctx.lineTo(x - ux * size + uy * size * 0.5, y - uy * size - ux * size * 0.5);
  ctx.closePath();
}

function fillOf(node: LaidOutNode, palette: Palette, state: DrawState): string {
  if (node.kind !== 'op') return palette.pill;
  if (state.heat) {
    const share = state.heat.of(node);
    return share === null ? palette.category.other : heatColour(share, state.heat.scale);
  }
  const ep = state.epOf?.(node);
  if (ep !== undefined && state.epOf) return ep === null ? palette.category.other : epColour(ep);
  return palette.category[node.category as OpCategory];
}

function drawBoxes(ctx: CanvasRenderingContext2D, layout: GraphLayout, nodes: readonly number[], palette: Palette, state: DrawState, detailed: boolean): void {
  const byFill = new Map<string, number[]>();
  for (const i of nodes) {
    const fill = fillOf(layout.nodes[i]!, palette, state);
    const list = byFill.get(fill);
    if (list) list.push(i);
    else byFill.set(fill, [i]);
  }
  for (const [fill, list] of byFill) {
    ctx.fillStyle = fill;
    ctx.beginPath();
    for (const i of list) {
      const n = layout.nodes[i]!;
      if (!detailed) ctx.rect(n.x, n.y, n.w, n.h);
      else ctx.roundRect(n.x, n.y, n.w, n.h, n.kind === 'op' ? 5 : n.h / 2);
    }
    ctx.fill();
  }
  if (!detailed) return;
  // Pills get an outline (their fill is close to the background); inner-scope values a dashed one.
  ctx.strokeStyle = palette.pillBorder;
  ctx.lineWidth = 1;
  for (const dashed of [false, true]) {
    ctx.setLineDash(dashed ? [4, 3] : []);
    ctx.beginPath();
    for (const i of nodes) {
      const n = layout.nodes[i]!;
      if (n.kind !== 'op' && (n.kind === 'outer') === dashed) ctx.roundRect(n.x, n.y, n.w, n.h, n.h / 2);
    }
    ctx.stroke();
  }
  ctx.setLineDash([]);
}

function drawHighlights(ctx: CanvasRenderingContext2D, layout: GraphLayout, visible: readonly number[], palette: Palette, state: DrawState, px: number): void {
  const ring = (i: number, colour: string, width: number) => {
    const n = layout.nodes[i]!;
    const pad = width / 2 + px;
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    ctx.roundRect(n.x - pad, n.y - pad, n.w + 2 * pad, n.h + 2 * pad, n.kind === 'op' ? 6 : n.h / 2 + pad);
    ctx.stroke();
  };
  if (state.hits.size > 0) for (const i of visible) if (state.hits.has(i) && i !== state.currentHit) ring(i, palette.hit, Math.max(2 * px, 2));
  if (state.currentHit >= 0) ring(state.currentHit, palette.currentHit, Math.max(3 * px, 3));
  if (state.selected >= 0) ring(state.selected, palette.selected, Math.max(3 * px, 3));
}

function drawLabels(ctx: CanvasRenderingContext2D, layout: GraphLayout, nodes: readonly number[], palette: Palette, withNames: boolean, heat: DrawState['heat']): void {
  let cache = fitted.get(layout);
  if (!cache) fitted.set(layout, (cache = new Map()));
  ctx.textBaseline = 'middle';
  ctx.textAlign = 'left';
  for (const i of nodes) {
    const n = layout.nodes[i]!;
    const toggle = n.subgraphs > 0 ? TOGGLE_WIDTH : 0;
    const room = n.w - 16 - toggle;
    if (n.kind === 'op') {
      // On a heat fill the pale end needs dark text.
      const share = heat ? heat.of(n) : null;
      const text = share === null || !heat ? palette.nodeText : heatTextColour(share, heat.scale);
      ctx.font = `600 12px ${palette.font}`;
      ctx.fillStyle = text;
      const showName = withNames && n.name !== '';
      ctx.fillText(fit(ctx, cache, i * 2, n.label, room), n.x + 8, n.y + (showName ? 14 : n.h / 2));
      if (showName) {
        ctx.font = `11px ${palette.font}`;
        ctx.fillStyle = text === palette.nodeText ? palette.nodeTextMuted : text;
        ctx.fillText(fit(ctx, cache, i * 2 + 1, n.name, room), n.x + 8, n.y + 29);
      }
      if (toggle) {
        ctx.font = `12px ${palette.font}`;
        ctx.fillStyle = text;
        ctx.fillText('▸', n.x + n.w - toggle + 2, n.y + n.h / 2);
      }
    } else {
      ctx.font = `11px ${palette.font}`;
      ctx.fillStyle = palette.pillText;
      ctx.fillText(fit(ctx, cache, i * 2, n.label, n.w - 20), n.x + 10, n.y + n.h / 2);
    }
  }
}

/** `text` cut with an ellipsis to `room` px in the current font; remembered per (layout, slot). */
function fit(ctx: CanvasRenderingContext2D, cache: Map<number, string>, slot: number, text: string, room: number): string {
  const known = cache.get(slot);
  if (known !== undefined) return known;
  let out = text;
  if (ctx.measureText(text).width > room) {
    let lo = 0;
    let hi = text.length;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ctx.measureText(text.slice(0, mid) + '…').width <= room) lo = mid;
      else hi = mid - 1;
    }
    out = text.slice(0, lo) + '…';
  }
  cache.set(slot, out);
  return out;
}
