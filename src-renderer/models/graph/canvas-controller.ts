/**
 * Owns the canvas: the camera (kept out of React state, so panning re-renders nothing), the spatial
 * index, and at most one draw per animation frame. The component tells it what changed.
 */
import { drawGraph, readPalette, type DrawState, type Palette } from './draw';
import type { GraphLayout } from './layout';
import { buildIndex, centreOn, fitView, initialView, panBy, toLayout, zoomAt, type SpatialIndex, type View } from './viewport';

const NO_STATE: DrawState = { selected: -1, hits: new Set(), currentHit: -1, epOf: null, heat: null };

export class CanvasController {
  private view: View = { x: 0, y: 0, k: 1 };
  private layout: GraphLayout | null = null;
  private index: SpatialIndex | null = null;
  private palette: Palette;
  private state: DrawState = NO_STATE;
  private width = 0;
  private height = 0;
  private frame = 0;
  private placed = false;
  /** Called after each frame with the zoom, for the toolbar's percentage. */
  onZoom: (k: number) => void = () => undefined;

  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly themeRoot: Element,
  ) {
    this.palette = readPalette(themeRoot);
  }

  setLayout(layout: GraphLayout | null): void {
    this.layout = layout;
    this.index = layout ? buildIndex(layout) : null;
    this.placed = false;
    this.placeIfReady();
    this.redraw();
  }

  setState(state: DrawState): void {
    this.state = state;
    this.redraw();
  }

  refreshPalette(): void {
    this.palette = readPalette(this.themeRoot);
    this.redraw();
  }

  resize(width: number, height: number): void {
    const dpr = window.devicePixelRatio || 1;
    this.width = width;
    this.height = height;
    this.canvas.width = Math.max(1, Math.round(width * dpr));
    this.canvas.height = Math.max(1, Math.round(height * dpr));
    this.placeIfReady();
    this.draw(); // synchronously: a resized canvas is blank until drawn
  }

  /** The first view of a layout, once both it and the canvas size are known. */
  private placeIfReady(): void {
    if (this.placed || !this.layout || this.width === 0) return;
    this.view = initialView(this.layout.width, this.layout.height, this.width, this.height);
    this.placed = true;
  }

  get camera(): View {
    return this.view;
  }

  panBy(dx: number, dy: number): void {
    this.setView(panBy(this.view, dx, dy));
  }

  /** Zoom about a canvas point (default: the centre). */
  zoomBy(factor: number, sx = this.width / 2, sy = this.height / 2): void {
    this.setView(zoomAt(this.view, factor, sx, sy));
  }

  fit(): void {
    if (this.layout) this.setView(fitView(this.layout.width, this.layout.height, this.width, this.height));
  }

  /** Centre a box; zoom in to a readable level if the view is zoomed far out. */
  reveal(nodeIndex: number): void {
    const n = this.layout?.nodes[nodeIndex];
    if (!n) return;
    const base = this.view.k < 0.6 ? { ...this.view, k: 1 } : this.view;
    this.setView(centreOn(base, n.x + n.w / 2, n.y + n.h / 2, this.width, this.height));
  }

  /** The layout point under a canvas point. */
  pointAt(sx: number, sy: number): { x: number; y: number } {
    return toLayout(this.view, sx, sy);
  }

  get spatial(): SpatialIndex | null {
    return this.index;
  }

  private setView(view: View): void {
    this.view = view;
    this.redraw();
  }

  redraw(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  private draw(): void {
    const ctx = this.canvas.getContext('2d');
    if (!ctx || this.width === 0) return;
    const dpr = window.devicePixelRatio || 1;
    if (!this.layout || !this.index) {
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.fillStyle = this.palette.bg;
      ctx.fillRect(0, 0, this.width, this.height);
      return;
    }
    drawGraph(ctx, this.layout, this.index, this.view, this.width, this.height, dpr, this.palette, this.state);
    this.onZoom(this.view.k);
  }

  dispose(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }
}
