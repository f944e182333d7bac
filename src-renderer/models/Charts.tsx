/**
 * The benchmark's charts, drawn with uPlot: a latency histogram and latency by run index. They fill
 * their container (ResizeObserver) and take their colours from the theme's CSS variables.
 */
import { useEffect, useMemo, useRef, type RefObject } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { effectiveTheme, useApp } from '../state/store';
import { formatMs } from './format';
import type { Histogram } from './stats';

const HEIGHT = 200;

function themeColours(): { fg: string; muted: string; grid: string; accent: string; fill: string } {
  const css = getComputedStyle(document.documentElement);
  const v = (name: string, fallback: string) => css.getPropertyValue(name).trim() || fallback;
  const accent = v('--accent', '#2f6fde');
  return { fg: v('--fg', '#1f2328'), muted: v('--fg-muted', '#656d76'), grid: v('--border', '#d9dde3'), accent, fill: `color-mix(in srgb, ${accent} 55%, transparent)` };
}

/** A uPlot chart in a div that follows its size and the theme. `make` builds the options for a width. */
function useUPlot(data: uPlot.AlignedData, make: (width: number) => uPlot.Options): RefObject<HTMLDivElement | null> {
  const host = useRef<HTMLDivElement>(null);
  const theme = useApp(effectiveTheme);
  const makeRef = useRef(make);
  makeRef.current = make;
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const width = Math.max(200, el.clientWidth);
    const plot = new uPlot(makeRef.current(width), data, el);
    const observer = new ResizeObserver(() => {
      const w = Math.max(200, el.clientWidth);
      if (w !== plot.width) plot.setSize({ width: w, height: HEIGHT });
    });
    observer.observe(el);
    return () => {
      observer.disconnect();
      plot.destroy();
    };
  }, [data, theme]);
  return host;
}

function axes(c: ReturnType<typeof themeColours>, xLabel: string, yLabel: string, xValues?: uPlot.Axis['values']): uPlot.Axis[] {
  const common = { stroke: c.muted, grid: { stroke: c.grid, width: 1 }, ticks: { stroke: c.grid, width: 1 }, font: '11px system-ui, sans-serif', labelFont: '11px system-ui, sans-serif' };
  return [
    { ...common, label: xLabel, ...(xValues ? { values: xValues } : {}) },
    { ...common, label: yLabel, size: 56 },
  ];
}

export function LatencyHistogram({ histogram }: { histogram: Histogram }) {
  const data = useMemo<uPlot.AlignedData>(() => [histogram.starts.map((s) => s + histogram.width / 2), histogram.counts], [histogram]);
  const host = useUPlot(data, (width) => {
    const c = themeColours();
    return {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { show: false } },
      scales: { x: { time: false, range: (_u, min, max) => [min - histogram.width, max + histogram.width] }, y: { range: (_u, _min, max) => [0, Math.max(1, max * 1.08)] } },
      axes: axes(c, 'latency (ms)', 'runs', (_u, splits) => splits.map((v) => formatMs(v).replace(' ms', ''))),
      series: [{}, { label: 'runs', stroke: c.accent, fill: c.fill, width: 1, paths: uPlot.paths.bars!({ size: [0.92, Infinity], align: 0 }), points: { show: false } }],
    };
  });
  return <div className="mv-chart" ref={host} data-testid="model-histogram" role="img" aria-label={`Latency histogram: ${histogram.counts.length} bins`} />;
}

export function RunIndexChart({ latencies }: { latencies: readonly number[] }) {
  const data = useMemo<uPlot.AlignedData>(() => [latencies.map((_, i) => i + 1), [...latencies]], [latencies]);
  const host = useUPlot(data, (width) => {
    const c = themeColours();
    return {
      width,
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: true, y: false } },
      scales: { x: { time: false }, y: { range: (_u, min, max) => [Math.max(0, min - (max - min) * 0.1), max + (max - min) * 0.1 || max + 1] } },
      axes: axes(c, 'run', 'latency (ms)'),
      series: [{}, { label: 'latency', stroke: c.accent, width: 1, points: { show: latencies.length <= 300, size: 3, fill: c.accent } }],
    };
  });
  return <div className="mv-chart" ref={host} data-testid="model-runchart" role="img" aria-label={`Latency of each of ${latencies.length} runs`} />;
}
