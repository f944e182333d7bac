/**
 * The timeline: canvas lanes per thread (nested spans one row down), a time axis, zoom (Ctrl+wheel, + / -,
 * the buttons), pan (drag, wheel; Shift+wheel scrolls the lanes), hover for a span's details, and a range
 * selected by dragging on the axis (or Shift+drag anywhere) to sum the spans in it. Only what the viewport
 * shows is drawn, sub-pixel spans merged (timeline.ts), one frame per animation frame at most.
 */
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import type { Timeline } from '../../../src-main/common/onnx/profile-types';
import { formatUs } from './table';
import {
  LANE_HEADER,
  ROW_H,
  buildIndex,
  clampView,
  fitRange,
  fitView,
  hitTest,
  hueOf,
  layoutLanes,
  panBy,
  rangeSum,
  rowTop,
  ticks,
  visibleBoxes,
  zoomAt,
  type RangeSum,
  type TimeView,
  type TimelineIndex,
} from './timeline';

const LABEL_W = 150;
const AXIS_H = 22;
const MAX_H = 460;
const ZOOM_STEP = 1.5;
const CLICK_SLOP = 4;

interface Hover {
  readonly id: number;
  readonly x: number;
  readonly y: number;
}

/**
 * `focus`: the range to show first, e.g. the profiled runs (the session's loading and initialisation,
 * often longer than all the runs, stay one "Fit" away).
 */
export function TimelineView({
  timeline,
  selected,
  onSelect,
  focus = null,
}: {
  timeline: Timeline;
  selected: string | null;
  onSelect: (name: string | null) => void;
  focus?: { readonly startUs: number; readonly endUs: number } | null;
}) {
  const index = useMemo(() => buildIndex(timeline), [timeline]);
  const lanes = useMemo(() => layoutLanes(index), [index]);
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: Math.min(MAX_H, AXIS_H + lanes.total + 4) });
  const timeWidth = Math.max(1, size.w - LABEL_W);
  const first = (width: number): TimeView => (focus && focus.endUs > focus.startUs ? fitRange(focus.startUs, focus.endUs, width) : fitView(index.endUs, width));
  const [view, setView] = useState<TimeView>(() => first(800));
  const [scrollY, setScrollY] = useState(0);
  const [hover, setHover] = useState<Hover | null>(null);
  const [range, setRange] = useState<{ a: number; b: number } | null>(null);
  const sum = useMemo<RangeSum | null>(() => (range && Math.abs(range.b - range.a) > 0 ? rangeSum(index, range.a, range.b) : null), [index, range]);
  const maxScrollY = Math.max(0, AXIS_H + lanes.total + 4 - size.h);

  // Follow the container's width; fit a new timeline.
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = () => setSize({ w: el.clientWidth, h: Math.min(MAX_H, AXIS_H + lanes.total + 4) });
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, [lanes.total]);
  useEffect(() => {
    setView(first(Math.max(1, (host.current?.clientWidth ?? 800) - LABEL_W)));
    setRange(null);
    setScrollY(0);
  }, [index]);

  // Draw, at most once a frame.
  const frame = useRef(0);
  const theme = useThemeKey();
  useEffect(() => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => {
      const c = canvas.current;
      if (!c || size.w === 0) return;
      draw(c, index, lanes, view, size.w, size.h, scrollY, hover?.id ?? -1, range, selected);
    });
    return () => cancelAnimationFrame(frame.current);
  }, [index, lanes, view, size, scrollY, hover, range, selected, theme]);

  const viewRef = useRef(view);
  viewRef.current = view;
  const zoom = (factor: number, x = timeWidth / 2) => setView((v) => zoomAt(v, factor, x, index.endUs, timeWidth));
  const pan = (dx: number) => setView((v) => panBy(v, dx, index.endUs, timeWidth));
  const scroll = (dy: number) => setScrollY((y) => Math.max(0, Math.min(maxScrollY, y + dy)));

  // Wheel: passive listeners can't prevent the page from scrolling, so it is attached by hand.
  const wheelRef = useRef<(e: WheelEvent) => void>(() => undefined);
  wheelRef.current = (e: WheelEvent) => {
    e.preventDefault();
    const unit = e.deltaMode === 1 ? 16 : e.deltaMode === 2 ? size.h : 1;
    const local = localPoint(e);
    if (e.ctrlKey || e.metaKey) zoom(Math.exp(-e.deltaY * unit * 0.003), Math.max(0, local.x - LABEL_W));
    else if (e.shiftKey) scroll(e.deltaY * unit);
    else pan(-(e.deltaX !== 0 ? e.deltaX : e.deltaY) * unit);
  };
  useEffect(() => {
    const c = canvas.current;
    if (!c) return;
    const listener = (e: WheelEvent) => wheelRef.current(e);
    c.addEventListener('wheel', listener, { passive: false });
    return () => c.removeEventListener('wheel', listener);
  }, []);

  const localPoint = (e: { clientX: number; clientY: number }) => {
    const r = canvas.current!.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  };
  const timeAt = (x: number) => viewRef.current.t0 + (x - LABEL_W) * viewRef.current.usPerPx;
  const spanAt = (x: number, y: number) => (x < LABEL_W || y < AXIS_H ? -1 : hitTest(index, lanes, viewRef.current, x - LABEL_W, y - AXIS_H + scrollY));

  const drag = useRef<{ x: number; y: number; moved: number; selecting: boolean; start: number } | null>(null);
  const onPointerDown = (e: PointerEvent<HTMLCanvasElement>) => {
    if (e.button !== 0) return;
    const p = localPoint(e);
    e.currentTarget.setPointerCapture(e.pointerId);
    const selecting = e.shiftKey || p.y < AXIS_H;
    drag.current = { x: p.x, y: p.y, moved: 0, selecting, start: timeAt(Math.max(LABEL_W, p.x)) };
    if (selecting) setRange({ a: drag.current.start, b: drag.current.start });
  };
  const onPointerMove = (e: PointerEvent<HTMLCanvasElement>) => {
    const p = localPoint(e);
    const d = drag.current;
    if (!d) {
      const id = spanAt(p.x, p.y);
      setHover((h) => (id < 0 ? null : h?.id === id && Math.abs(h.x - p.x) < 1 && Math.abs(h.y - p.y) < 1 ? h : { id, x: p.x, y: p.y }));
      return;
    }
    d.moved += Math.abs(p.x - d.x) + Math.abs(p.y - d.y);
    if (d.selecting) setRange({ a: d.start, b: timeAt(Math.max(LABEL_W, p.x)) });
    else {
      pan(p.x - d.x);
      scroll(d.y - p.y);
    }
    d.x = p.x;
    d.y = p.y;
  };
  const onPointerUp = (e: PointerEvent<HTMLCanvasElement>) => {
    const d = drag.current;
    drag.current = null;
    if (!d) return;
    if (d.moved > CLICK_SLOP) return;
    if (d.selecting) {
      setRange(null);
      return;
    }
    const p = localPoint(e);
    const id = spanAt(p.x, p.y);
    const op = id >= 0 ? (index.ops[index.name[id]!] ?? '') : '';
    if (id >= 0 && op !== '') onSelect(index.names[index.name[id]!] ?? null);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const step = e.shiftKey ? 400 : 80;
    const actions: Record<string, () => void> = {
      '+': () => zoom(ZOOM_STEP),
      '=': () => zoom(ZOOM_STEP),
      '-': () => zoom(1 / ZOOM_STEP),
      _: () => zoom(1 / ZOOM_STEP),
      '0': () => setView(fitView(index.endUs, timeWidth)),
      ArrowLeft: () => pan(step),
      ArrowRight: () => pan(-step),
      ArrowUp: () => scroll(-ROW_H * 2),
      ArrowDown: () => scroll(ROW_H * 2),
      Escape: () => setRange(null),
    };
    const action = actions[e.key];
    if (!action) return;
    e.preventDefault();
    action();
  };

  if (index.count === 0) return <div className="pf-empty muted" data-testid="profile-timeline" data-spans={0}>The trace has no spans to draw.</div>;

  const visibleUs = view.usPerPx * timeWidth;
  return (
    <div className="pf-timeline" data-testid="profile-timeline" data-spans={index.count} data-lanes={index.lanes.length}>
      <div className="pf-timeline-tools" role="toolbar" aria-label="Timeline">
        <button className="graph-tool" aria-label="Zoom out" title="Zoom out (-)" onClick={() => zoom(1 / ZOOM_STEP)}>
          −
        </button>
        <button className="graph-tool" aria-label="Zoom in" title="Zoom in (+)" onClick={() => zoom(ZOOM_STEP)}>
          +
        </button>
        <button className="graph-tool" title="Fit the whole trace (0)" onClick={() => setView(fitView(index.endUs, timeWidth))}>
          Fit
        </button>
        <span className="muted mv-mono" data-testid="profile-timeline-window">
          {formatUs(view.t0)} – {formatUs(view.t0 + visibleUs)} ({formatUs(visibleUs)} shown)
        </span>
        <span className="spacer" />
        <span className="muted pf-hint">Drag or wheel to pan · Ctrl+wheel or +/− to zoom · drag on the time axis (or Shift+drag) to sum a range</span>
      </div>
      <div
        className="pf-timeline-stage"
        ref={host}
        tabIndex={0}
        role="application"
        aria-label={`Timeline: ${index.count.toLocaleString()} spans in ${index.lanes.length} lanes. Arrows pan, + and - zoom, 0 fits, Escape clears the range.`}
        onKeyDown={onKeyDown}
      >
        <canvas
          ref={canvas}
          className="pf-timeline-canvas"
          style={{ height: size.h }}
          onPointerDown={onPointerDown}
          onPointerMove={onPointerMove}
          onPointerUp={onPointerUp}
          onPointerCancel={() => (drag.current = null)}
          onPointerLeave={() => setHover(null)}
        />
        {hover && !drag.current && <Tooltip index={index} hover={hover} width={size.w} />}
      </div>
      {sum && (
        <div className="pf-range" role="status" data-testid="profile-range">
          <strong>
            {formatUs(sum.toUs - sum.fromUs)} selected ({formatUs(sum.fromUs)} – {formatUs(sum.toUs)}):
          </strong>{' '}
          <span data-testid="profile-range-sum" data-us={Math.round(sum.sumUs)}>
            {sum.spans.toLocaleString()} {index.hasOps ? 'op ' : ''}span{sum.spans === 1 ? '' : 's'}, {formatUs(sum.sumUs)}
          </span>
          {sum.byOp.length > 0 && (
            <span className="muted">
              {' · '}
              {sum.byOp
                .slice(0, 5)
                .map((o) => `${o.op} ${formatUs(o.us)}`)
                .join(' · ')}
            </span>
          )}
          <button className="link-button" onClick={() => setRange(null)}>
            Clear
          </button>
          <button className="link-button" onClick={() => setView(clampView(rangeView(sum, timeWidth), index.endUs, timeWidth))}>
            Zoom to it
          </button>
        </div>
      )}
    </div>
  );
}

function rangeView(sum: RangeSum, width: number): TimeView {
  const span = Math.max(sum.toUs - sum.fromUs, 0.01);
  return { t0: sum.fromUs - span * 0.05, usPerPx: (span * 1.1) / Math.max(1, width) };
}

function Tooltip({ index, hover, width }: { index: TimelineIndex; hover: Hover; width: number }) {
  const id = hover.id;
  const name = index.names[index.name[id]!] ?? '';
  const op = index.ops[index.name[id]!] ?? '';
  const left = Math.min(hover.x + 14, Math.max(0, width - 280));
  return (
    <div className="pf-tooltip" role="tooltip" data-testid="profile-timeline-tooltip" style={{ left, top: hover.y + 16 }}>
      <div className="pf-tooltip-name">{name || '(unnamed)'}</div>
      {op && <div>op: {op}</div>}
      <div>duration: {formatUs(index.dur[id]!)}</div>
      <div className="muted">
        start {formatUs(index.start[id]!)} · {index.lanes[index.lane[id]!]?.label}
      </div>
    </div>
  );
}

/** Changes when the theme does, so the canvas redraws with the new colours. */
function useThemeKey(): string {
  const [key, setKey] = useState(() => document.documentElement.getAttribute('data-theme') ?? '');
  useEffect(() => {
    const mo = new MutationObserver(() => setKey(`${document.documentElement.getAttribute('data-theme') ?? ''}|${document.documentElement.className}`));
    mo.observe(document.documentElement, { attributes: true, attributeFilter: ['data-theme', 'class', 'style'] });
    return () => mo.disconnect();
  }, []);
  return key;
}

function isDark(colour: string): boolean {
  const m = /(\d+(?:\.\d+)?)[,\s]+(\d+(?:\.\d+)?)[,\s]+(\d+(?:\.\d+)?)/.exec(colour);
  if (m) return 0.299 * Number(m[1]) + 0.587 * Number(m[2]) + 0.114 * Number(m[3]) < 128;
  const hex = /^#([0-9a-f]{6})$/i.exec(colour.trim());
  if (!hex) return false;
  const n = parseInt(hex[1]!, 16);
  return 0.299 * (n >> 16) + 0.587 * ((n >> 8) & 255) + 0.114 * (n & 255) < 128;
}

function draw(
  c: HTMLCanvasElement,
  index: TimelineIndex,
  lanes: ReturnType<typeof layoutLanes>,
  view: TimeView,
  w: number,
  h: number,
  scrollY: number,
  hoverId: number,
  range: { a: number; b: number } | null,
  selected: string | null,
): void {
  const dpr = window.devicePixelRatio || 1;
  if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
    c.width = Math.round(w * dpr);
    c.height = Math.round(h * dpr);
    c.style.width = `${w}px`;
  }
  const ctx = c.getContext('2d');
  if (!ctx) return;
  const css = getComputedStyle(c);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const bg = v('--bg', '#ffffff');
  const fg = v('--fg', '#1f2328');
  const muted = v('--fg-muted', '#656d76');
  const border = v('--border', '#d9dde3');
  const accent = v('--accent', '#2f6fde');
  const side = v('--bg-side', '#f6f8fa');
  const font = v('--font-ui', 'sans-serif');
  const dark = isDark(css.backgroundColor && css.backgroundColor !== 'rgba(0, 0, 0, 0)' ? css.backgroundColor : bg);
  const light = dark ? 42 : 68;
  const timeW = w - LABEL_W;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.fillStyle = bg;
  ctx.fillRect(0, 0, w, h);

  // Lanes: boxes batched by colour.
  const top = AXIS_H - scrollY;
  const boxes = visibleBoxes(index, view, timeW, (l) => lanes.top[l]! + lanes.height[l]! + top >= AXIS_H && lanes.top[l]! + top <= h);
  ctx.save();
  ctx.beginPath();
  ctx.rect(LABEL_W, AXIS_H, timeW, h - AXIS_H);
  ctx.clip();
  const byFill = new Map<string, number[]>();
  boxes.forEach((b, i) => {
    // Merged sub-pixel boxes are grey; a span is coloured by its op type (or its name, for non-op spans).
    const fill = b.id < 0 ? `hsl(220 8% ${light}%)` : `hsl(${hueOf(index.ops[index.name[b.id]!] || index.names[index.name[b.id]!] || '')} ${dark ? 45 : 60}% ${light}%)`;
    const list = byFill.get(fill);
    if (list) list.push(i);
    else byFill.set(fill, [i]);
  });
  for (const [fill, list] of byFill) {
    ctx.fillStyle = fill;
    ctx.beginPath();
    for (const i of list) {
      const b = boxes[i]!;
      ctx.rect(LABEL_W + b.x, top + rowTop(lanes, b.lane, b.row) + 1, b.w, ROW_H - 2);
    }
    ctx.fill();
  }
  // Names inside boxes wide enough to read them.
  ctx.font = `11px ${font}`;
  ctx.textBaseline = 'middle';
  ctx.fillStyle = dark ? '#f0f0f0' : '#111418';
  for (const b of boxes) {
    if (b.id < 0 || b.w < 36) continue;
    const text = index.names[index.name[b.id]!] ?? '';
    const x = LABEL_W + Math.max(0, b.x) + 3;
    const room = Math.min(b.w, timeW - Math.max(0, b.x)) - 6;
    if (room < 20) continue;
    ctx.fillText(clip(ctx, text, room), x, top + rowTop(lanes, b.lane, b.row) + ROW_H / 2);
  }
  // The selected node's spans and the hovered span get an outline.
  ctx.lineWidth = 1.5;
  ctx.strokeStyle = accent;
  for (const b of boxes) {
    if (b.id < 0) continue;
    const isSelected = selected !== null && index.names[index.name[b.id]!] === selected;
    if (b.id === hoverId || isSelected) ctx.strokeRect(LABEL_W + b.x + 0.5, top + rowTop(lanes, b.lane, b.row) + 1.5, Math.max(1, b.w - 1), ROW_H - 3);
  }
  if (range) {
    const x0 = LABEL_W + (Math.min(range.a, range.b) - view.t0) / view.usPerPx;
    const x1 = LABEL_W + (Math.max(range.a, range.b) - view.t0) / view.usPerPx;
    ctx.fillStyle = dark ? 'rgba(120, 160, 255, 0.18)' : 'rgba(47, 111, 222, 0.14)';
    ctx.fillRect(x0, AXIS_H, Math.max(1, x1 - x0), h - AXIS_H);
  }
  ctx.restore();

  // Lane labels (a gutter on the left) and separators.
  ctx.fillStyle = side;
  ctx.fillRect(0, AXIS_H, LABEL_W, h - AXIS_H);
  ctx.font = `600 11px ${font}`;
  ctx.textBaseline = 'middle';
  index.lanes.forEach((lane, l) => {
    const y = top + lanes.top[l]!;
    if (y + lanes.height[l]! < AXIS_H || y > h) return;
    ctx.fillStyle = fg;
    if (y + LANE_HEADER / 2 >= AXIS_H) ctx.fillText(clip(ctx, lane.label, LABEL_W - 12), 6, y + LANE_HEADER / 2);
    ctx.strokeStyle = border;
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(0, Math.round(y + lanes.height[l]! + 3) + 0.5);
    ctx.lineTo(w, Math.round(y + lanes.height[l]! + 3) + 0.5);
    ctx.stroke();
  });

  // The time axis.
  ctx.fillStyle = side;
  ctx.fillRect(0, 0, w, AXIS_H);
  ctx.strokeStyle = border;
  ctx.beginPath();
  ctx.moveTo(0, AXIS_H - 0.5);
  ctx.lineTo(w, AXIS_H - 0.5);
  ctx.moveTo(LABEL_W - 0.5, 0);
  ctx.lineTo(LABEL_W - 0.5, h);
  ctx.stroke();
  ctx.font = `10px ${font}`;
  ctx.fillStyle = muted;
  const { times } = ticks(view, timeW);
  ctx.beginPath();
  for (const t of times) {
    const x = Math.round(LABEL_W + (t - view.t0) / view.usPerPx) + 0.5;
    ctx.moveTo(x, AXIS_H - 5);
    ctx.lineTo(x, AXIS_H);
    ctx.fillText(formatUs(t), x + 3, AXIS_H / 2);
  }
  ctx.stroke();
  ctx.fillText(`${index.count.toLocaleString()} spans`, 6, AXIS_H / 2);
}

function clip(ctx: CanvasRenderingContext2D, text: string, room: number): string {
  if (ctx.measureText(text).width <= room) return text;
  // Rough cut by average glyph width, then refine a little.
  let n = Math.max(1, Math.floor((text.length * room) / ctx.measureText(text).width) - 1);
  while (n > 1 && ctx.measureText(text.slice(0, n) + '…').width > room) n--;
  return text.slice(0, n) + '…';
}
