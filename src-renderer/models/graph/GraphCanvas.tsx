/**
 * The canvas and its input: drag or wheel to pan (shift+wheel pans across), ctrl/cmd+wheel or a pinch
 * to zoom, click to select, click a ▸ (or double-click a node) to open its subgraph; keys when focused:
 * + / - zoom, arrows pan (shift: further), 0 fits, Escape clears the selection.
 */
import { useEffect, useRef, type RefObject } from 'react';
import { CanvasController } from './canvas-controller';
import type { DrawState } from './draw';
import { TOGGLE_WIDTH, type GraphLayout } from './layout';
import { hitTest, onToggle } from './viewport';

export interface CanvasHandle {
  controller: CanvasController | null;
}

const ZOOM_STEP = 1.25;
const PAN_STEP = 60;
/** Pointer travel (px) under which a press is a click, not a drag. */
const CLICK_SLOP = 4;

export function GraphCanvas(props: {
  layout: GraphLayout | null;
  drawState: DrawState;
  handle: RefObject<CanvasHandle>;
  label: string;
  onZoom: (k: number) => void;
  onPick: (index: number, how: 'select' | 'open') => void;
  onEscape: () => void;
}) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const callbacks = useRef(props);
  callbacks.current = props;

  useEffect(() => {
    const canvas = canvasRef.current!;
    const stage = canvas.parentElement!;
    const controller = new CanvasController(canvas, stage);
    controller.onZoom = (k) => callbacks.current.onZoom(k);
    props.handle.current.controller = controller;
    const resize = new ResizeObserver(() => controller.resize(stage.clientWidth, stage.clientHeight));
    resize.observe(stage);
    // Theme switches change the CSS variables the palette is read from.
    const theme = new MutationObserver(() => controller.refreshPalette());
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    const stop = attachInput(canvas, controller, callbacks);
    return () => {
      stop();
      resize.disconnect();
      theme.disconnect();
      controller.dispose();
      props.handle.current.controller = null;
    };
    // Once per mount: the handle is a stable ref object and the callbacks are read through a ref.
  }, []);

  useEffect(() => {
    props.handle.current.controller?.setLayout(props.layout);
  }, [props.layout, props.handle]);

  useEffect(() => {
    props.handle.current.controller?.setState(props.drawState);
  }, [props.drawState, props.handle]);

  return <canvas ref={canvasRef} className="graph-canvas" tabIndex={0} aria-label={props.label} data-testid="graph-canvas" />;
}

type Callbacks = RefObject<Parameters<typeof GraphCanvas>[0]>;

/** Wires pointer, wheel and key input to the controller; returns the clean-up. */
function attachInput(canvas: HTMLCanvasElement, controller: CanvasController, callbacks: Callbacks): () => void {
  const pointers = new Map<number, { x: number; y: number }>();
  let press: { x: number; y: number; moved: number } | null = null;
  let pinch: number | null = null;
  const local = (e: { clientX: number; clientY: number }) => {
    const r = canvas.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const boxAt = (sx: number, sy: number) => {
    const index = controller.spatial;
    const layout = callbacks.current.layout;
    if (!index || !layout) return -1;
    const p = controller.pointAt(sx, sy);
    return hitTest(index, layout, p.x, p.y);
  };

  const down = (e: PointerEvent) => {
    if (e.button !== 0 && e.pointerType === 'mouse') return;
    canvas.setPointerCapture(e.pointerId);
    pointers.set(e.pointerId, local(e));
    press = pointers.size === 1 ? { ...local(e), moved: 0 } : null;
    pinch = pointers.size === 2 ? spread(pointers) : null;
  };
  const move = (e: PointerEvent) => {
    const p = local(e);
    const last = pointers.get(e.pointerId);
    if (!last) {
      canvas.classList.toggle('over-node', boxAt(p.x, p.y) >= 0);
      return;
    }
    pointers.set(e.pointerId, p);
    if (pointers.size === 2 && pinch !== null) {
      const now = spread(pointers);
      const mid = middle(pointers);
      controller.zoomBy(now / pinch, mid.x, mid.y);
      pinch = now;
      return;
    }
    if (press) press.moved += Math.abs(p.x - last.x) + Math.abs(p.y - last.y);
    if (press && press.moved > CLICK_SLOP) canvas.classList.add('dragging');
    controller.panBy(p.x - last.x, p.y - last.y);
  };
  const up = (e: PointerEvent) => {
    if (!pointers.delete(e.pointerId)) return;
    canvas.classList.remove('dragging');
    if (press && press.moved <= CLICK_SLOP && pointers.size === 0) click(local(e));
    press = null;
    pinch = pointers.size === 2 ? spread(pointers) : null;
  };
  const click = (p: { x: number; y: number }) => {
    const i = boxAt(p.x, p.y);
    const layout = callbacks.current.layout;
    if (i < 0 || !layout) return callbacks.current.onPick(-1, 'select');
    const q = controller.pointAt(p.x, p.y);
    callbacks.current.onPick(i, onToggle(layout.nodes[i]!, q.x, q.y, TOGGLE_WIDTH) ? 'open' : 'select');
  };
  const dblclick = (e: MouseEvent) => {
    const p = local(e);
    const i = boxAt(p.x, p.y);
    if (i >= 0 && (callbacks.current.layout?.nodes[i]?.subgraphs ?? 0) > 0) callbacks.current.onPick(i, 'open');
  };
  const wheel = (e: WheelEvent) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? canvas.clientHeight : 1;
    const dx = e.deltaX * unit;
    const dy = e.deltaY * unit;
    if (e.ctrlKey || e.metaKey) {
      const p = local(e);
      controller.zoomBy(Math.exp(-dy * 0.0025), p.x, p.y);
    } else if (e.shiftKey && dx === 0) controller.panBy(-dy, 0);
    else controller.panBy(-dx, -dy);
  };
  const key = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? PAN_STEP * 5 : PAN_STEP;
    const actions: Record<string, () => void> = {
      '+': () => controller.zoomBy(ZOOM_STEP),
      '=': () => controller.zoomBy(ZOOM_STEP),
      '-': () => controller.zoomBy(1 / ZOOM_STEP),
      _: () => controller.zoomBy(1 / ZOOM_STEP),
      '0': () => controller.fit(),
      ArrowLeft: () => controller.panBy(step, 0),
      ArrowRight: () => controller.panBy(-step, 0),
      ArrowUp: () => controller.panBy(0, step),
      ArrowDown: () => controller.panBy(0, -step),
      Escape: () => callbacks.current.onEscape(),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', up);
  canvas.addEventListener('dblclick', dblclick);
  canvas.addEventListener('wheel', wheel, { passive: false });
  canvas.addEventListener('keydown', key);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', up);
    canvas.removeEventListener('dblclick', dblclick);
    canvas.removeEventListener('wheel', wheel);
    canvas.removeEventListener('keydown', key);
  };
}

function spread(pointers: Map<number, { x: number; y: number }>): number {
  const [a, b] = [...pointers.values()];
  return Math.max(1, Math.hypot(a!.x - b!.x, a!.y - b!.y));
}

function middle(pointers: Map<number, { x: number; y: number }>): { x: number; y: number } {
  const [a, b] = [...pointers.values()];
  return { x: (a!.x + b!.x) / 2, y: (a!.y + b!.y) / 2 };
}
