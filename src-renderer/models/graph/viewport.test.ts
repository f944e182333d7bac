import { describe, expect, it } from 'vitest';
import { layoutGraph, type GraphLayout } from './layout';
import { searchNodes, stepHit } from './search';
import { residualGraph } from './test-graphs';
import { buildIndex, centreOn, fitView, hitTest, initialView, onToggle, query, toLayout, toScreen, visibleRect, zoomAt, MAX_ZOOM } from './viewport';

const layout: GraphLayout = layoutGraph(residualGraph(50));

describe('camera math', () => {
  it('zooms about a point, keeping the layout point under it', () => {
    const view = { x: 30, y: -200, k: 0.5 };
    const before = toLayout(view, 400, 300);
    const zoomed = zoomAt(view, 1.7, 400, 300);
    expect(zoomed.k).toBeCloseTo(0.85);
    const after = toLayout(zoomed, 400, 300);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
    expect(zoomAt(view, 1e6, 0, 0).k).toBe(MAX_ZOOM);
  });

  it('round-trips screen and layout coordinates', () => {
    const view = { x: 12, y: 34, k: 2 };
    const s = toScreen(view, 100, 50);
    expect(toLayout(view, s.x, s.y)).toEqual({ x: 100, y: 50 });
  });

  it('fits the whole layout inside the canvas, centred', () => {
    const v = fitView(1000, 500, 800, 600);
    const r = visibleRect(v, 800, 600);
    expect(r.x).toBeLessThanOrEqual(0);
    expect(r.y).toBeLessThanOrEqual(0);
    expect(r.x + r.w).toBeGreaterThanOrEqual(1000);
    expect(r.y + r.h).toBeGreaterThanOrEqual(500);
    expect(fitView(100, 100, 800, 600).k).toBe(1); // never magnified
  });

  it('opens a tall graph at its top at a readable zoom, and centres a point', () => {
    const v = initialView(layout.width, layout.height, 1200, 800);
    expect(v.k).toBe(0.8);
    expect(toLayout(v, 600, 0).y).toBeLessThan(0);
    const c = centreOn(v, 500, 9000, 1200, 800);
    expect(toLayout(c, 600, 400)).toEqual({ x: 500, y: 9000 });
  });
});

describe('culling and hit testing', () => {
  const index = buildIndex(layout, 300);

  it('returns exactly the boxes and edges that meet the viewport', () => {
    const rect = { x: 0, y: 2000, w: 400, h: 700 };
    const seen = query(index, layout, rect);
    const meets = (b: { x: number; y: number; w: number; h: number }) => b.x <= rect.x + rect.w && rect.x <= b.x + b.w && b.y <= rect.y + rect.h && rect.y <= b.y + b.h;
    const expected = layout.nodes.flatMap((n, i) => (meets(n) ? [i] : []));
    expect(seen.nodes.sort((a, b) => a - b)).toEqual(expected);
    expect(seen.nodes.length).toBeGreaterThan(0);
    expect(seen.nodes.length).toBeLessThan(layout.nodes.length / 5);
    expect(new Set(seen.edges).size).toBe(seen.edges.length);
    for (const i of seen.edges) expect(meets(index.edgeBounds[i]!)).toBe(true);
  });

  it('finds the box under a point, and nothing between boxes or outside', () => {
    layout.nodes.forEach((n, i) => {
      if (i % 7 === 0) expect(hitTest(index, layout, n.x + n.w / 2, n.y + n.h / 2)).toBe(i);
    });
    const first = layout.nodes[0]!;
    expect(hitTest(index, layout, first.x + first.w / 2, first.y - 10)).toBe(-1);
    expect(hitTest(index, layout, -50, -50)).toBe(-1);
    expect(hitTest(index, layout, layout.width + 500, 10)).toBe(-1);
  });

  it('knows the ▸ toggle is the right end of a node with subgraphs', () => {
    const node = { x: 0, y: 0, w: 100, h: 40, subgraphs: 2 };
    expect(onToggle(node, 95, 20, 18)).toBe(true);
    expect(onToggle(node, 50, 20, 18)).toBe(false);
    expect(onToggle({ ...node, subgraphs: 0 }, 95, 20, 18)).toBe(false);
  });
});

describe('search', () => {
  it('matches op or name, case-insensitively, in reading order', () => {
    const hits = searchNodes(layout.nodes, 'bATCHnorm');
    expect(hits).toHaveLength(50);
    for (let i = 1; i < hits.length; i++) expect(layout.nodes[hits[i]!]!.y).toBeGreaterThanOrEqual(layout.nodes[hits[i - 1]!]!.y);
    expect(searchNodes(layout.nodes, 'relu_5').map((i) => layout.nodes[i]!.name)).toEqual(['relu_5', 'relu_50', 'relu_53', 'relu_56', 'relu_59']);
    expect(searchNodes(layout.nodes, 'b49_out').map((i) => layout.nodes[i]!.kind)).toEqual(['output']);
    expect(searchNodes(layout.nodes, '   ')).toEqual([]);
    expect(searchNodes(layout.nodes, 'nothing-like-this')).toEqual([]);
  });

  it('steps through hits, wrapping both ways', () => {
    expect(stepHit(-1, 3, 1)).toBe(0);
    expect(stepHit(-1, 3, -1)).toBe(2);
    expect(stepHit(2, 3, 1)).toBe(0);
    expect(stepHit(0, 3, -1)).toBe(2);
    expect(stepHit(0, 0, 1)).toBe(-1);
  });
});
