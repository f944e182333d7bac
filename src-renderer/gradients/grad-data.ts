/**
 * The Gradients panel's data, as typed arrays: per watch, layers × logged steps of gradient norms, weight
 * norms and update ratios, stored step-major (a new step is one contiguous write) in buffers that double
 * when full, so a batch appends without copying what came before and without new objects per value.
 * Pure (no React, no bridge): `grad-store.ts` wires it to the core's events.
 */
import type { GradBatch, GradHistory, GradNan, GradScalar, GradStep, GradWatch } from '../../src-main/common/protocols/grads';

/** A cell's state beside its value: a finite norm, no gradient that step, or a non-finite gradient. */
export const CELL_OK = 0;
export const CELL_MISSING = 1;
export const CELL_NAN = 2;
export const CELL_INF = 3;
export type CellFlag = typeof CELL_OK | typeof CELL_MISSING | typeof CELL_NAN | typeof CELL_INF;

/** log10 shown for an exactly-zero norm (below anything float32 gives). */
export const LOG_ZERO = -46;

/** 32 bins plus lo and hi. */
export const HIST_STRIDE = 34;

export interface WatchData {
  readonly info: GradWatch;
  active: boolean;
  readonly layerCount: number;
  /** Logged steps held. */
  length: number;
  capacity: number;
  /** The step number of each column. */
  steps: Float64Array;
  /** [column * layerCount + layer]; NaN where the flag is not CELL_OK. */
  grad: Float32Array;
  /** log10 of `grad` (taken once, at append: the heat map reads only this); LOG_ZERO for an exact 0. */
  lgrad: Float32Array;
  weight: Float32Array;
  update: Float32Array;
  flags: Uint8Array;
  /** Per column (only when the watch has histograms): HIST_STRIDE values per layer, or null for none that step. */
  readonly hist: (Float32Array | null)[];
  overheadSum: number;
  stepMsSum: number;
  stepMsCount: number;
  /** Grows with every append (components subscribe to it instead of to the arrays). */
  version: number;
}

export interface ScalarSeries {
  readonly name: string;
  length: number;
  steps: Float64Array;
  values: Float64Array;
}

export interface SessionGrads {
  readonly sessionId: string;
  /** In the order they started. */
  readonly watches: Map<string, WatchData>;
  readonly nans: GradNan[];
  readonly scalars: Map<string, ScalarSeries>;
  /** Steps the core dropped from the front (its cap). */
  dropped: number;
  version: number;
}

export function emptySession(sessionId: string): SessionGrads {
  return { sessionId, watches: new Map(), nans: [], scalars: new Map(), dropped: 0, version: 0 };
}

const INITIAL_CAPACITY = 64;

export function newWatch(info: GradWatch, active = true): WatchData {
  const n = Math.max(1, info.layers.length);
  return {
    info,
    active,
    layerCount: info.layers.length,
    length: 0,
    capacity: INITIAL_CAPACITY,
    steps: new Float64Array(INITIAL_CAPACITY),
    grad: new Float32Array(INITIAL_CAPACITY * n),
    lgrad: new Float32Array(INITIAL_CAPACITY * n),
    weight: new Float32Array(INITIAL_CAPACITY * n),
    update: new Float32Array(INITIAL_CAPACITY * n),
    flags: new Uint8Array(INITIAL_CAPACITY * n),
    hist: [],
    overheadSum: 0,
    stepMsSum: 0,
    stepMsCount: 0,
    version: 0,
  };
}

function grow<T extends Float32Array | Float64Array | Uint8Array>(a: T, size: number): T {
  const b = new (a.constructor as new (n: number) => T)(size);
  b.set(a);
  return b;
}

function ensure(w: WatchData, columns: number): void {
  if (columns <= w.capacity) return;
  let cap = w.capacity;
  while (cap < columns) cap *= 2;
  const n = Math.max(1, w.layerCount);
  w.steps = grow(w.steps, cap);
  w.grad = grow(w.grad, cap * n);
  w.lgrad = grow(w.lgrad, cap * n);
  w.weight = grow(w.weight, cap * n);
  w.update = grow(w.update, cap * n);
  w.flags = grow(w.flags, cap * n);
  w.capacity = cap;
}

const num = (v: number | null | undefined): number => (v === null || v === undefined || !Number.isFinite(v) ? NaN : v);

/**
 * Append steps of one watch (in step order). A step not after the last one held is skipped: history and
 * live batches may overlap after a reload. Returns how many were appended.
 */
export function appendSteps(w: WatchData, steps: readonly GradStep[]): number {
  const last = w.length > 0 ? w.steps[w.length - 1]! : -Infinity;
  const fresh = steps.filter((s, i) => s.step > last && (i === 0 || s.step > steps[i - 1]!.step));
  if (fresh.length === 0) return 0;
  ensure(w, w.length + fresh.length);
  const n = w.layerCount;
  for (const s of fresh) {
    const col = w.length;
    const base = col * n;
    w.steps[col] = s.step;
    for (let l = 0; l < n; l++) {
      const g = s.gradNorm[l];
      let flag: CellFlag = CELL_OK;
      if ((s.nan[l] ?? 0) > 0) flag = CELL_NAN;
      else if ((s.inf[l] ?? 0) > 0) flag = CELL_INF;
      else if (g === null || g === undefined || !Number.isFinite(g)) flag = g === undefined || g === null ? CELL_MISSING : Number.isNaN(g) ? CELL_NAN : CELL_INF;
      w.flags[base + l] = flag;
      w.grad[base + l] = flag === CELL_OK ? (g as number) : NaN;
      w.lgrad[base + l] = flag === CELL_OK ? ((g as number) > 0 ? Math.log10(g as number) : LOG_ZERO) : NaN;
      w.weight[base + l] = num(s.weightNorm[l]);
      w.update[base + l] = num(s.updateRatio[l]);
    }
    if (w.info.histograms) {
      let h: Float32Array | null = null;
      if (s.hist) {
        h = new Float32Array(n * HIST_STRIDE).fill(NaN);
        for (let l = 0; l < n; l++) {
          const row = s.hist[l];
          if (row) h.set(row.slice(0, HIST_STRIDE), l * HIST_STRIDE);
        }
      }
      w.hist[col] = h;
    }
    w.overheadSum += Number.isFinite(s.overheadMs) ? s.overheadMs : 0;
    if (s.stepMs !== null && Number.isFinite(s.stepMs)) {
      w.stepMsSum += s.stepMs;
      w.stepMsCount++;
    }
    w.length++;
  }
  w.version++;
  return fresh.length;
}

export function appendScalars(series: Map<string, ScalarSeries>, scalars: readonly GradScalar[]): number {
  let added = 0;
  for (const s of scalars) {
    let x = series.get(s.name);
    if (!x) {
      x = { name: s.name, length: 0, steps: new Float64Array(64), values: new Float64Array(64) };
      series.set(s.name, x);
    }
    if (x.length > 0 && s.step <= x.steps[x.length - 1]!) continue;
    if (x.length === x.steps.length) {
      x.steps = grow(x.steps, x.length * 2);
      x.values = grow(x.values, x.length * 2);
    }
    x.steps[x.length] = s.step;
    x.values[x.length] = s.value === null ? NaN : s.value;
    x.length++;
    added++;
  }
  return added;
}

function nanKey(n: GradNan): string {
  return `${n.watch}\u0000${n.step}\u0000${n.kind}\u0000${n.module}`;
}

function addNans(g: SessionGrads, nans: readonly GradNan[]): void {
  if (nans.length === 0) return;
  const seen = new Set(g.nans.map(nanKey));
  for (const n of nans) if (!seen.has(nanKey(n))) g.nans.push(n);
}

function groupByWatch(steps: readonly GradStep[]): Map<string, GradStep[]> {
  const by = new Map<string, GradStep[]>();
  for (const s of steps) {
    const list = by.get(s.watch);
    if (list) list.push(s);
    else by.set(s.watch, [s]);
  }
  return by;
}

/** Take a live batch into a session's data (mutates it; bumps versions of what changed). */
export function applyBatch(g: SessionGrads, batch: GradBatch): void {
  for (const w of batch.watches) if (!g.watches.has(w.watch)) g.watches.set(w.watch, newWatch(w));
  for (const [watch, steps] of groupByWatch(batch.steps)) {
    const w = g.watches.get(watch);
    if (w) appendSteps(w, steps);
  }
  for (const u of batch.unwatched) {
    const w = g.watches.get(u);
    if (w) {
      w.active = false;
      w.version++;
    }
  }
  addNans(g, batch.nans);
  appendScalars(g.scalars, batch.scalars);
  g.version++;
}

/** Take what the core kept (after a reload or on first showing a session): merges with what is held. */
export function applyHistory(g: SessionGrads, h: GradHistory): void {
  for (const w of h.watches) {
    const { active, ...info } = w;
    const held = g.watches.get(w.watch);
    if (!held) g.watches.set(w.watch, newWatch(info, active));
    else held.active = held.active && active;
  }
  const byWatch = groupByWatch(h.steps);
  for (const [watch, steps] of byWatch) {
    const w = g.watches.get(watch);
    if (!w) continue;
    if (w.length > 0 && steps.length > 0 && steps[0]!.step < w.steps[0]!) {
      // Live batches came first: the history has older steps. Rebuild from the history, then what was after.
      const rebuilt = newWatch(w.info, w.active);
      appendSteps(rebuilt, steps);
      appendSteps(rebuilt, liveStepsOf(w, rebuilt.length > 0 ? rebuilt.steps[rebuilt.length - 1]! : -Infinity));
      rebuilt.version = w.version + 1;
      g.watches.set(watch, rebuilt);
    } else appendSteps(w, steps);
  }
  addNans(g, h.nans);
  // Scalars are few per step: merge by rebuilding in step order per name.
  const merged = new Map<string, GradScalar[]>();
  for (const s of h.scalars) (merged.get(s.name) ?? merged.set(s.name, []).get(s.name)!).push(s);
  for (const [name, x] of g.scalars) for (let i = 0; i < x.length; i++) (merged.get(name) ?? merged.set(name, []).get(name)!).push({ name, step: x.steps[i]!, value: Number.isNaN(x.values[i]) ? null : x.values[i]! });
  g.scalars.clear();
  for (const list of merged.values()) appendScalars(g.scalars, [...list].sort((a, b) => a.step - b.step));
  g.dropped = Math.max(g.dropped, h.dropped);
  g.version++;
}

/** Steps held after `after`, back as GradSteps (only for merging a history in; rare). */
function liveStepsOf(w: WatchData, after: number): GradStep[] {
  const out: GradStep[] = [];
  const n = w.layerCount;
  for (let c = 0; c < w.length; c++) {
    if (w.steps[c]! <= after) continue;
    const gradNorm: (number | null)[] = [];
    const nan: number[] = [];
    const inf: number[] = [];
    const weightNorm: (number | null)[] = [];
    const updateRatio: (number | null)[] = [];
    for (let l = 0; l < n; l++) {
      const i = c * n + l;
      gradNorm.push(w.flags[i] === CELL_OK ? w.grad[i]! : null);
      nan.push(w.flags[i] === CELL_NAN ? 1 : 0);
      inf.push(w.flags[i] === CELL_INF ? 1 : 0);
      weightNorm.push(Number.isNaN(w.weight[i]) ? null : w.weight[i]!);
      updateRatio.push(Number.isNaN(w.update[i]) ? null : w.update[i]!);
    }
    const h = w.hist[c];
    out.push({
      watch: w.info.watch,
      step: w.steps[c]!,
      gradNorm,
      weightNorm,
      updateRatio,
      nan,
      inf,
      hist: h ? Array.from({ length: n }, (_, l) => Array.from(h.subarray(l * HIST_STRIDE, (l + 1) * HIST_STRIDE))) : null,
      overheadMs: 0,
      stepMs: null,
    });
  }
  return out;
}

/** One layer's values over the held steps (for the line charts). */
export function layerSeries(w: WatchData, layer: number, which: 'grad' | 'weight' | 'update'): Float64Array {
  const src = which === 'grad' ? w.grad : which === 'weight' ? w.weight : w.update;
  const out = new Float64Array(w.length);
  const n = w.layerCount;
  for (let c = 0; c < w.length; c++) out[c] = src[c * n + layer]!;
  return out;
}

/** The column holding `step`, or the nearest before it (binary search); -1 when none. */
export function columnOfStep(w: WatchData, step: number): number {
  let lo = 0;
  let hi = w.length - 1;
  let best = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (w.steps[mid]! <= step) {
      best = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

export interface Overhead {
  readonly meanOverheadMs: number | null;
  readonly meanStepMs: number | null;
  /** Overhead as a fraction of the step's wall time. */
  readonly fraction: number | null;
}

export function overheadOf(w: WatchData): Overhead {
  const meanOverheadMs = w.length > 0 ? w.overheadSum / w.length : null;
  const meanStepMs = w.stepMsCount > 0 ? w.stepMsSum / w.stepMsCount : null;
  return { meanOverheadMs, meanStepMs, fraction: meanOverheadMs !== null && meanStepMs ? meanOverheadMs / meanStepMs : null };
}
