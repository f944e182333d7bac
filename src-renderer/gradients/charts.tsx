/**
 * The Gradients panel's canvases and uPlot charts. Each draws from the typed arrays directly and redraws
 * at most once per animation frame when its session's data changes (subscribed to the store, not
 * through React renders), so batches streaming in never re-render the panel's DOM per step.
 */
import { memo, useEffect, useRef, useState } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { effectiveTheme, useApp } from '../state/store';
import { HIST_STRIDE, layerSeries, type WatchData } from './grad-data';
import { useGrads } from './grad-store';
import { cellAt, describeCell, downsample, formatNorm, paint, scaleRange, type Downsampled } from './heatmap';

export function cssColour(name: string, fallback: string): string {
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}

function rgbOf(colour: string): [number, number, number] {
  const m = /^#([0-9a-f]{6})$/i.exec(colour);
  if (!m) return [128, 128, 128];
  const v = parseInt(m[1]!, 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** Call `draw` now and then at most once per animation frame after each change to the session's data. */
function useFrameRedraw(sessionId: string, draw: () => void, deps: readonly unknown[]): void {
  const drawRef = useRef(draw);
  drawRef.current = draw;
  useEffect(() => {
    let frame = 0;
    const schedule = () => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        drawRef.current();
      });
    };
    schedule();
    let seen = useGrads.getState().versions.get(sessionId);
    const unsubscribe = useGrads.subscribe((s) => {
      const v = s.versions.get(sessionId);
      if (v !== seen) {
        seen = v;
        schedule();
      }
    });
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [sessionId, ...deps]);
}

/** Follow an element's width. */
function useWidth(): [React.RefObject<HTMLDivElement | null>, number] {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(600);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(Math.max(100, el.clientWidth));
    const o = new ResizeObserver(() => setWidth(Math.max(100, el.clientWidth)));
    o.observe(el);
    return () => o.disconnect();
  }, []);
  return [ref, width];
}

const HEATMAP_ROW_MIN = 2;
const HEATMAP_MAX_HEIGHT = 320;

export interface HeatMapProps {
  readonly sessionId: string;
  readonly watch: WatchData;
  readonly focus: { layer: number; column: number } | null;
  readonly onPick: (layer: number, column: number) => void;
}

export const HeatMap = memo(function HeatMap({ sessionId, watch, focus, onPick }: HeatMapProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wrap, width] = useWidth();
  const theme = useApp(effectiveTheme);
  const last = useRef<Downsampled | null>(null);
  const [hover, setHover] = useState<{ x: number; y: number; text: string } | null>(null);
  const rows = watch.layerCount;
  const height = Math.max(60, Math.min(HEATMAP_MAX_HEIGHT, rows * Math.max(HEATMAP_ROW_MIN, Math.floor(HEATMAP_MAX_HEIGHT / Math.max(1, rows)))));
  const [range, setRange] = useState<[number, number] | null>(null);

  useFrameRedraw(
    sessionId,
    () => {
      const c = canvas.current;
      if (!c) return;
      const d = downsample(watch, width, 'max');
      last.current = d;
      const r = scaleRange(d.min, d.max);
      setRange((old) => (old && old[0] === r[0] && old[1] === r[1] ? old : r));
      const ctx = c.getContext('2d');
      if (!ctx) return;
      ctx.clearRect(0, 0, c.width, c.height);
      if (d.cols === 0 || d.rows === 0) return;
      const img = new ImageData(paint(d, r, rgbOf(cssColour('--bg', '#ffffff'))), d.cols, d.rows);
      // Scale the one-pixel-per-bucket image to the canvas without smoothing.
      const off = new OffscreenCanvas(d.cols, d.rows);
      off.getContext('2d')!.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, 0, 0, c.width, c.height);
      if (focus) {
        const y = (focus.layer / d.rows) * c.height;
        ctx.strokeStyle = cssColour('--accent', '#2f6fde');
        ctx.lineWidth = 1;
        ctx.strokeRect(0.5, Math.floor(y) + 0.5, c.width - 1, Math.max(1, c.height / d.rows));
        const bucket = bucketOfColumn(d, focus.column);
        if (bucket >= 0) {
          const x = (bucket / d.cols) * c.width;
          ctx.beginPath();
          ctx.moveTo(Math.floor(x) + 0.5, 0);
          ctx.lineTo(Math.floor(x) + 0.5, c.height);
          ctx.stroke();
        }
      }
    },
    [watch, width, height, theme, focus],
  );

  const at = (e: React.MouseEvent) => {
    const d = last.current;
    const rect = (e.target as HTMLCanvasElement).getBoundingClientRect();
    if (!d) return null;
    const cell = cellAt(d, e.clientX - rect.left, e.clientY - rect.top, rect.width, rect.height);
    return cell ? { ...cell, x: e.clientX - rect.left, y: e.clientY - rect.top } : null;
  };

  const onKey = (e: React.KeyboardEvent) => {
    const f = focus ?? { layer: 0, column: Math.max(0, watch.length - 1) };
    const moves: Record<string, [number, number]> = { ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1] };
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    const stepBy = e.shiftKey ? Math.max(1, Math.floor(watch.length / 20)) : 1;
    onPick(Math.max(0, Math.min(rows - 1, f.layer + m[0])), Math.max(0, Math.min(watch.length - 1, f.column + m[1] * stepBy)));
  };

  return (
    <div className="grad-heatmap-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        className="grad-heatmap"
        data-testid="grad-heatmap"
        data-columns={watch.length}
        width={width}
        height={height}
        style={{ width, height }}
        tabIndex={0}
        role="img"
        aria-label={`Gradient norms of ${rows} layers over ${watch.length} logged steps (arrow keys move the selection)`}
        onMouseMove={(e) => {
          const c = at(e);
          setHover(c ? { x: c.x, y: c.y, text: `${watch.info.layers[c.row] ?? ''} · step ${watch.steps[c.column] ?? ''} · ${describeCell(watch, c.column, c.row)}` } : null);
        }}
        onMouseLeave={() => setHover(null)}
        onClick={(e) => {
          const c = at(e);
          if (c) onPick(c.row, c.column);
        }}
        onKeyDown={onKey}
      />
      {hover && (
        <div className="grad-tooltip" role="tooltip" style={{ left: Math.min(hover.x + 12, width - 260), top: hover.y + 12 }}>
          {hover.text}
        </div>
      )}
      <div className="grad-legend" aria-hidden="true">
        <span>log₁₀ ‖grad‖ {range ? `${range[0].toFixed(1)}` : ''}</span>
        <span className="grad-legend-ramp" />
        <span>{range ? range[1].toFixed(1) : ''}</span>
        <span className="grad-legend-bad" /> <span>NaN/Inf</span>
      </div>
    </div>
  );
});

function bucketOfColumn(d: Downsampled, column: number): number {
  for (let b = 0; b < d.cols; b++) if (column >= d.starts[b]! && column < d.starts[b + 1]!) return b;
  return -1;
}

const CHART_HEIGHT = 180;
const PALETTE = ['#2f6fde', '#e6194b', '#3cb44b', '#f58231', '#911eb4', '#42d4f4', '#f032e6', '#9a6324', '#469990', '#808000'];

function axesOf(yLabel: string, log: boolean): uPlot.Axis[] {
  const muted = cssColour('--fg-muted', '#656d76');
  const grid = cssColour('--border', '#d9dde3');
  const common = { stroke: muted, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1 }, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' };
  return [
    { ...common, label: 'step' },
    { ...common, label: yLabel, size: 64, ...(log ? { values: (_u: uPlot, splits: number[]) => splits.map((v) => formatNorm(v)) } : {}) },
  ];
}

export interface Series {
  readonly label: string;
  /** Values parallel to the x values; NaN (or ≤ 0 on a log scale) is a gap. */
  readonly values: ArrayLike<number>;
  readonly dash?: number[];
}

/** A uPlot chart whose data is rebuilt (not the chart) at most once a frame while the session streams. */
export function LiveChart({
  sessionId,
  testId,
  label,
  yLabel,
  log,
  seriesKey,
  build,
  markStep,
}: {
  sessionId: string;
  testId: string;
  label: string;
  yLabel: string;
  log: boolean;
  /** Changes when the set of series changes (the chart is rebuilt). */
  seriesKey: string;
  build: () => { x: ArrayLike<number>; series: readonly Series[] };
  markStep: number | null;
}) {
  const host = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const theme = useApp(effectiveTheme);
  const buildRef = useRef(build);
  buildRef.current = build;
  const markRef = useRef(markStep);
  markRef.current = markStep;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const first = buildRef.current();
    const clean = (v: ArrayLike<number>): (number | null)[] => Array.from(v, (y) => (Number.isFinite(y) && (!log || y > 0) ? y : null));
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: CHART_HEIGHT,
      legend: { show: true, live: true },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
      axes: axesOf(yLabel, log),
      series: [{ label: 'step' }, ...first.series.map((s, i) => ({ label: s.label, stroke: PALETTE[i % PALETTE.length], width: 1, spanGaps: false, points: { show: false }, ...(s.dash ? { dash: s.dash } : {}) }))],
      hooks: {
        draw: [
          (u: uPlot) => {
            const m = markRef.current;
            if (m === null) return;
            const x = u.valToPos(m, 'x', true);
            const ctx = u.ctx;
            ctx.save();
            ctx.strokeStyle = cssColour('--accent', '#2f6fde');
            ctx.setLineDash([4, 3]);
            ctx.beginPath();
            ctx.moveTo(x, u.bbox.top);
            ctx.lineTo(x, u.bbox.top + u.bbox.height);
            ctx.stroke();
            ctx.restore();
          },
        ],
      },
    };
    const toData = (b: ReturnType<typeof build>): uPlot.AlignedData => [Array.from(b.x), ...b.series.map((s) => clean(s.values))] as uPlot.AlignedData;
    const p = new uPlot(opts, toData(first), el);
    plot.current = p;
    const observer = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== p.width) p.setSize({ width: w, height: CHART_HEIGHT });
    });
    observer.observe(el);
    let frame = 0;
    let seen = useGrads.getState().versions.get(sessionId);
    const unsubscribe = useGrads.subscribe((s) => {
      const v = s.versions.get(sessionId);
      if (v === seen || frame) return;
      seen = v;
      frame = requestAnimationFrame(() => {
        frame = 0;
        p.setData(toData(buildRef.current()));
      });
    });
    return () => {
      unsubscribe();
      if (frame) cancelAnimationFrame(frame);
      observer.disconnect();
      p.destroy();
      plot.current = null;
    };
  }, [sessionId, seriesKey, theme, log, yLabel]);

  useEffect(() => {
    plot.current?.redraw(false, false);
  }, [markStep]);

  return <div className="grad-chart" ref={host} data-testid={testId} role="img" aria-label={label} />;
}

/** Per-layer lines: gradient norm (and, toggled, weight norm and update ratio) over steps. */
export function LayerLines({ sessionId, watch, layers, extra, markStep }: { sessionId: string; watch: WatchData; layers: readonly number[]; extra: boolean; markStep: number | null }) {
  const names = layers.map((l) => watch.info.layers[l] ?? `#${l}`);
  return (
    <LiveChart
      sessionId={sessionId}
      testId="grad-lines"
      label={`Gradient norm over steps of ${names.join(', ')}`}
      yLabel={extra ? 'norm / ratio' : '‖grad‖'}
      log
      seriesKey={`${watch.info.watch}|${layers.join(',')}|${extra}`}
      markStep={markStep}
      build={() => {
        const series: Series[] = [];
        layers.forEach((l, i) => {
          series.push({ label: `‖g‖ ${names[i]}`, values: layerSeries(watch, l, 'grad') });
          if (extra) {
            series.push({ label: `‖w‖ ${names[i]}`, values: layerSeries(watch, l, 'weight'), dash: [6, 3] });
            series.push({ label: `Δw/w ${names[i]}`, values: layerSeries(watch, l, 'update'), dash: [2, 2] });
          }
        });
        return { x: watch.steps.subarray(0, watch.length), series };
      }}
    />
  );
}

/** Histograms of the selected layer's gradient values over time: one column per logged step, bins as rows. */
export function HistStrip({ sessionId, watch, layer }: { sessionId: string; watch: WatchData; layer: number }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [wrap, width] = useWidth();
  const theme = useApp(effectiveTheme);
  const height = 96;
  const bins = HIST_STRIDE - 2;
  useFrameRedraw(
    sessionId,
    () => {
      const c = canvas.current;
      const ctx = c?.getContext('2d');
      if (!c || !ctx) return;
      ctx.clearRect(0, 0, c.width, c.height);
      const cols = Math.min(watch.length, width);
      if (cols === 0) return;
      // Each column: the last histogram of its bucket, bins by value (log counts as alpha).
      const img = ctx.createImageData(cols, bins);
      const accent = rgbOf(cssColour('--accent', '#2f6fde'));
      for (let x = 0; x < cols; x++) {
        const col = Math.min(watch.length - 1, Math.floor(((x + 1) * watch.length) / cols) - 1);
        const h = watch.hist[col];
        if (!h) continue;
        const base = layer * HIST_STRIDE + 2;
        let peak = 0;
        for (let b = 0; b < bins; b++) peak = Math.max(peak, h[base + b] || 0);
        if (peak <= 0) continue;
        for (let b = 0; b < bins; b++) {
          const v = h[base + b] || 0;
          const o = ((bins - 1 - b) * cols + x) * 4;
          img.data[o] = accent[0];
          img.data[o + 1] = accent[1];
          img.data[o + 2] = accent[2];
          img.data[o + 3] = v > 0 ? Math.round(40 + 215 * (Math.log1p(v) / Math.log1p(peak))) : 0;
        }
      }
      const off = new OffscreenCanvas(cols, bins);
      off.getContext('2d')!.putImageData(img, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.drawImage(off, 0, 0, c.width, c.height);
    },
    [watch, layer, width, theme],
  );
  return (
    <div className="grad-hist-wrap" ref={wrap}>
      <canvas
        ref={canvas}
        className="grad-hist"
        data-testid="grad-hist"
        width={width}
        height={height}
        style={{ width, height }}
        role="img"
        aria-label={`Gradient value histograms of ${watch.info.layers[layer] ?? ''} over steps (each column one step, low values at the bottom)`}
      />
    </div>
  );
}
