/**
 * The timeline's arithmetic, kept out of the canvas so it is tested and cheap: an index of the packed
 * spans (per lane, nested spans stacked in rows, each row sorted and non-overlapping), the camera
 * (µs at the left edge, µs per pixel), zoom and pan, culling to the viewport with sub-pixel spans merged
 * into one box per pixel (binary search skips what a pixel hides, so a frame costs O(pixels · log n),
 * not O(spans)), hit testing and the sum of a selected range. Pure.
 */
import type { Timeline } from '../../../src-main/common/onnx/profile-types';

export interface Row {
  /** Global span ids (index into the packed spans / 4), sorted by start. */
  readonly ids: Int32Array;
  readonly start: Float64Array;
  readonly end: Float64Array;
  /** Running maximum of `end`, so a binary search finds the first span that can reach a time. */
  readonly reach: Float64Array;
}

export interface Lane {
  readonly label: string;
  readonly rows: readonly Row[];
}

export interface TimelineIndex {
  readonly lanes: readonly Lane[];
  readonly names: readonly string[];
  readonly ops: readonly string[];
  /** Per span id: name index, start, duration (µs from the trace start), lane. */
  readonly name: Int32Array;
  readonly start: Float64Array;
  readonly dur: Float64Array;
  readonly lane: Int32Array;
  readonly count: number;
  /** The time the spans cover (µs, from the trace start): [0, endUs]. */
  readonly endUs: number;
  /** Some spans are ops (node spans): a range sums those only, not the run spans around them. */
  readonly hasOps: boolean;
}

export function buildIndex(tl: Timeline): TimelineIndex {
  const count = Math.floor(tl.spans.length / 4);
  const name = new Int32Array(count);
  const start = new Float64Array(count);
  const dur = new Float64Array(count);
  const lane = new Int32Array(count);
  let endUs = 0;
  let hasOps = false;
  const perLane: number[][] = tl.lanes.map(() => []);
  for (let i = 0; i < count; i++) {
    const l = tl.spans[4 * i]!;
    lane[i] = l;
    name[i] = tl.spans[4 * i + 1]!;
    start[i] = tl.spans[4 * i + 2]!;
    dur[i] = Math.max(0, tl.spans[4 * i + 3]!);
    endUs = Math.max(endUs, start[i]! + dur[i]!);
    if (!hasOps && (tl.ops[name[i]!] ?? '') !== '') hasOps = true;
    (perLane[l] ??= []).push(i);
  }
  const lanes: Lane[] = perLane.map((ids, l) => ({ label: tl.lanes[l] ?? `lane ${l}`, rows: stack(ids, start, dur) }));
  return { lanes, names: tl.names, ops: tl.ops, name, start, dur, lane, count, endUs: endUs || Math.max(0, tl.endUs - tl.startUs), hasOps };
}

/** Nested spans go one row down: a stack of open spans' ends gives each span its depth. */
function stack(ids: number[], start: Float64Array, dur: Float64Array): Row[] {
  ids.sort((a, b) => start[a]! - start[b]! || dur[b]! - dur[a]! || a - b);
  const open: number[] = [];
  const rows: number[][] = [];
  for (const id of ids) {
    const s = start[id]!;
    while (open.length > 0 && open[open.length - 1]! <= s) open.pop();
    // A span that starts inside an open one but outlives it overlaps it: it still goes below.
    const depth = open.length;
    open.push(s + dur[id]!);
    (rows[depth] ??= []).push(id);
  }
  return rows.map((list) => {
    const n = list.length;
    const r: Row = { ids: Int32Array.from(list), start: new Float64Array(n), end: new Float64Array(n), reach: new Float64Array(n) };
    let reach = -Infinity;
    for (let j = 0; j < n; j++) {
      const id = list[j]!;
      (r.start as Float64Array)[j] = start[id]!;
      (r.end as Float64Array)[j] = start[id]! + dur[id]!;
      reach = Math.max(reach, r.end[j]!);
      (r.reach as Float64Array)[j] = reach;
    }
    return r;
  });
}

/** The camera: µs at the left edge, µs per CSS pixel. */
export interface TimeView {
  readonly t0: number;
  readonly usPerPx: number;
}

/** The smallest zoom step: 1 ns a pixel. */
export const MIN_US_PER_PX = 0.001;

export function fitView(endUs: number, width: number): TimeView {
  const span = Math.max(endUs, 1);
  return { t0: 0, usPerPx: span / Math.max(1, width) };
}

/** A view showing [startUs, endUs] (e.g. the profiled runs, without the session's loading), with a 2% margin. */
export function fitRange(startUs: number, endUs: number, width: number): TimeView {
  const span = Math.max(endUs - startUs, 1);
  const margin = span * 0.02;
  return { t0: Math.max(0, startUs - margin), usPerPx: (span + 2 * margin) / Math.max(1, width) };
}

/** Keep the view within the trace (a little margin), and the zoom between 1 ns/px and the whole trace. */
export function clampView(v: TimeView, endUs: number, width: number): TimeView {
  const w = Math.max(1, width);
  const maxUsPerPx = Math.max(endUs, 1) / w;
  const usPerPx = Math.min(maxUsPerPx, Math.max(MIN_US_PER_PX, v.usPerPx));
  const visible = usPerPx * w;
  const t0 = Math.min(Math.max(0, endUs - visible), Math.max(0, v.t0));
  return { t0, usPerPx };
}

/** Zoom by `factor` (>1 zooms in) about the pixel x, which keeps its time. */
export function zoomAt(v: TimeView, factor: number, x: number, endUs: number, width: number): TimeView {
  const t = v.t0 + x * v.usPerPx;
  const usPerPx = v.usPerPx / factor;
  return clampView({ t0: t - x * usPerPx, usPerPx }, endUs, width);
}

export function panBy(v: TimeView, dxPx: number, endUs: number, width: number): TimeView {
  return clampView({ t0: v.t0 - dxPx * v.usPerPx, usPerPx: v.usPerPx }, endUs, width);
}

/** Centre a time range, zooming so it fills most of the width. */
export function revealRange(a: number, b: number, endUs: number, width: number): TimeView {
  const w = Math.max(1, width);
  const span = Math.max(b - a, MIN_US_PER_PX * 10);
  const usPerPx = (span * 1.25) / w;
  return clampView({ t0: (a + b) / 2 - (usPerPx * w) / 2, usPerPx }, endUs, width);
}

/** First index whose reach (running max of ends) is past t: nothing before it can be visible at t. */
function firstReaching(row: Row, t: number): number {
  let lo = 0;
  let hi = row.reach.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (row.reach[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose start is ≥ t. */
function firstStartingAt(row: Row, t: number, from: number): number {
  let lo = from;
  let hi = row.start.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (row.start[mid]! < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export interface Box {
  readonly lane: number;
  readonly row: number;
  /** CSS px from the canvas's time origin (the left of the time area). */
  readonly x: number;
  readonly w: number;
  /** The span id, or -1 for a box that merges several sub-pixel spans. */
  readonly id: number;
  /** Spans the box stands for. */
  readonly spans: number;
}

/**
 * The boxes to draw for a view `width` px wide: spans cut to the viewport; spans under a pixel wide merged
 * with their neighbours into one box per pixel column (and what that column hides is skipped by binary search).
 */
export function visibleBoxes(index: TimelineIndex, v: TimeView, width: number, onlyLanes?: (lane: number) => boolean): Box[] {
  const out: Box[] = [];
  const t1 = v.t0 + width * v.usPerPx;
  const px = (t: number) => (t - v.t0) / v.usPerPx;
  index.lanes.forEach((lane, l) => {
    if (onlyLanes && !onlyLanes(l)) return;
    lane.rows.forEach((row, r) => {
      const n = row.ids.length;
      let j = firstReaching(row, v.t0);
      while (j < n) {
        const s = row.start[j]!;
        if (s > t1) break;
        const x0 = Math.max(-1, px(s));
        const x1 = Math.min(width + 1, px(row.end[j]!));
        if (x1 - x0 >= 1) {
          out.push({ lane: l, row: r, x: x0, w: x1 - x0, id: row.ids[j]!, spans: 1 });
          j++;
          continue;
        }
        // Sub-pixel: one box for this pixel column and the spans that start in it. A row's spans do not
        // overlap, so only the last of them can reach past the column: if it is wide, it draws on its own.
        const col = Math.floor(x0);
        let next = firstStartingAt(row, v.t0 + (col + 1) * v.usPerPx, j + 1);
        const last = next - 1;
        if (last > j && px(row.end[last]!) - px(row.start[last]!) >= 1) next = last;
        const right = Math.min(width + 1, px(row.end[next - 1]!));
        const spans = next - j;
        out.push({ lane: l, row: r, x: col, w: Math.min(2, Math.max(1, right - col)), id: spans === 1 ? row.ids[j]! : -1, spans });
        j = next;
      }
    });
  });
  return out;
}

/** Vertical layout: lanes stacked, each `rows` rows of ROW_H, a header line, and a gap. */
export const ROW_H = 18;
export const LANE_HEADER = 18;
export const LANE_GAP = 6;

export interface LaneLayout {
  readonly top: readonly number[];
  readonly height: readonly number[];
  readonly total: number;
}

export function layoutLanes(index: TimelineIndex): LaneLayout {
  const top: number[] = [];
  const height: number[] = [];
  let y = 0;
  for (const lane of index.lanes) {
    top.push(y);
    const h = LANE_HEADER + Math.max(1, lane.rows.length) * ROW_H;
    height.push(h);
    y += h + LANE_GAP;
  }
  return { top, height, total: Math.max(0, y - LANE_GAP) };
}

/** The y (CSS px from the content top) of a row's box. */
export function rowTop(layout: LaneLayout, lane: number, row: number): number {
  return layout.top[lane]! + LANE_HEADER + row * ROW_H;
}

/** The span under a point (x in px from the time origin, y in px from the content top), or -1. A pixel of slack helps with thin spans. */
export function hitTest(index: TimelineIndex, layout: LaneLayout, v: TimeView, x: number, y: number): number {
  const l = layout.top.findIndex((top, i) => y >= top && y < top + layout.height[i]!);
  if (l < 0) return -1;
  const r = Math.floor((y - layout.top[l]! - LANE_HEADER) / ROW_H);
  const row = index.lanes[l]?.rows[r];
  if (!row) return -1;
  const t = v.t0 + x * v.usPerPx;
  const slack = 2 * v.usPerPx;
  let best = -1;
  let bestGap = Infinity;
  for (let j = firstReaching(row, t - slack); j < row.ids.length && row.start[j]! <= t + slack; j++) {
    const gap = t < row.start[j]! ? row.start[j]! - t : t > row.end[j]! ? t - row.end[j]! : 0;
    if (gap <= slack && gap < bestGap) {
      best = row.ids[j]!;
      bestGap = gap;
    }
  }
  return best;
}

export interface RangeSum {
  readonly fromUs: number;
  readonly toUs: number;
  /** Spans that overlap the range (op spans when the trace has them). */
  readonly spans: number;
  /** Their time inside the range, summed over lanes (can exceed the range's length with several threads). */
  readonly sumUs: number;
  /** The same per op type (or per name when spans have no op), largest first. */
  readonly byOp: readonly { readonly op: string; readonly us: number; readonly spans: number }[];
}

/** Sum the spans inside [a, b]: op spans when the trace has some (so runs and their nodes are not counted twice), else the top-level spans. */
export function rangeSum(index: TimelineIndex, a: number, b: number): RangeSum {
  const from = Math.min(a, b);
  const to = Math.max(a, b);
  let spans = 0;
  let sumUs = 0;
  const byOp = new Map<string, { us: number; spans: number }>();
  index.lanes.forEach((lane) => {
    lane.rows.forEach((row, r) => {
      if (!index.hasOps && r > 0) return;
      for (let j = firstReaching(row, from); j < row.ids.length && row.start[j]! < to; j++) {
        const id = row.ids[j]!;
        const op = index.ops[index.name[id]!] ?? '';
        if (index.hasOps && op === '') continue;
        const overlap = Math.min(to, row.end[j]!) - Math.max(from, row.start[j]!);
        if (overlap <= 0 && !(row.start[j]! >= from && row.end[j]! <= to)) continue;
        spans++;
        const us = Math.max(0, overlap);
        sumUs += us;
        const key = op || index.names[index.name[id]!] || '?';
        const acc = byOp.get(key);
        if (acc) {
          acc.us += us;
          acc.spans++;
        } else byOp.set(key, { us, spans: 1 });
      }
    });
  });
  return {
    fromUs: from,
    toUs: to,
    spans,
    sumUs,
    byOp: [...byOp].map(([op, v]) => ({ op, us: v.us, spans: v.spans })).sort((x, y) => y.us - x.us),
  };
}

/** Tick marks for the time axis: a 1-2-5 step giving about one label per `minPx` pixels. */
export function ticks(v: TimeView, width: number, minPx = 90): { step: number; times: number[] } {
  const raw = v.usPerPx * minPx;
  const pow = 10 ** Math.floor(Math.log10(Math.max(raw, 1e-6)));
  const step = [1, 2, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  const times: number[] = [];
  const first = Math.ceil(v.t0 / step) * step;
  for (let t = first; t <= v.t0 + width * v.usPerPx && times.length < 1000; t += step) times.push(t);
  return { step, times };
}

/** A stable hue (0..359) for an op type or span name, so Conv is the same colour in every view. */
export function hueOf(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  // 24 well-separated hues (golden-angle steps), not a continuum of near neighbours.
  return Math.round((((h >>> 0) % 24) * 137.508) % 360);
}
