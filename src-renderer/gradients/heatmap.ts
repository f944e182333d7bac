/**
 * The heat map's pure parts: columns (logged steps) downsampled into pixel buckets (the max, or the mean,
 * of each bucket, by layer), a colour scale over log10 of the gradient norm, and the pixels themselves.
 * Drawing 500 layers × 10,000 steps reads each value once per redraw and writes one pixel per bucket.
 */
import { CELL_INF, CELL_MISSING, CELL_NAN, CELL_OK, type WatchData } from './grad-data';

export { LOG_ZERO } from './grad-data';

export type Reduce = 'max' | 'mean';

/** Bucket values: log10 of the norm; NaN for no gradient in the whole bucket; ±Infinity never appears. */
export interface Downsampled {
  readonly rows: number;
  readonly cols: number;
  /** [row * cols + col] */
  readonly values: Float32Array;
  /** Any non-finite gradient in the bucket (drawn in its own colour, wins over the value). */
  readonly bad: Uint8Array;
  /** The first logged column of each bucket (cols + 1 entries: the last is the end). */
  readonly starts: Int32Array;
  /** Finite log10 range over the buckets; null when there is none. */
  readonly min: number | null;
  readonly max: number | null;
}

/** Bucket bounds: `columns` logged steps into at most `width` buckets (fewer when there are fewer steps). */
export function bucketStarts(columns: number, width: number): Int32Array {
  const cols = Math.max(0, Math.min(columns, Math.floor(width)));
  const starts = new Int32Array(cols + 1);
  for (let c = 0; c <= cols; c++) starts[c] = Math.floor((c * columns) / Math.max(1, cols));
  return starts;
}

/**
 * Downsample a watch's gradient norms: `rows` layers from `firstLayer`, the held steps into at most
 * `width` buckets. log10 is taken per value, then reduced (max: the worst step in a bucket shows).
 */
export function downsample(w: WatchData, width: number, reduce: Reduce = 'max', firstLayer = 0, rows = w.layerCount): Downsampled {
  const n = w.layerCount;
  rows = Math.max(0, Math.min(rows, n - firstLayer));
  const starts = bucketStarts(w.length, width);
  const cols = starts.length - 1;
  const values = new Float32Array(rows * cols);
  const bad = new Uint8Array(rows * cols);
  let lo = Infinity;
  let hi = -Infinity;
  const { lgrad, flags } = w;
  // Per bucket, walk its columns in memory order (step-major), accumulating every row at once.
  const acc = new Float64Array(rows);
  const count = new Int32Array(rows);
  const nonFinite = new Uint8Array(rows);
  const isMax = reduce === 'max';
  for (let c = 0; c < cols; c++) {
    const a = starts[c]!;
    const b = starts[c + 1]!;
    acc.fill(isMax ? -Infinity : 0);
    count.fill(0);
    nonFinite.fill(0);
    for (let k = a; k < b; k++) {
      const base = k * n + firstLayer;
      for (let r = 0; r < rows; r++) {
        const i = base + r;
        const f = flags[i]!;
        if (f === CELL_OK) {
          const v = lgrad[i]!;
          if (isMax) {
            if (v > acc[r]!) acc[r] = v;
          } else acc[r]! += v;
          count[r]!++;
        } else if (f === CELL_NAN || f === CELL_INF) nonFinite[r] = 1;
      }
    }
    for (let r = 0; r < rows; r++) {
      const o = r * cols + c;
      const k = count[r]!;
      const v = k === 0 ? NaN : isMax ? acc[r]! : acc[r]! / k;
      values[o] = v;
      bad[o] = nonFinite[r]!;
      if (k > 0) {
        const stored = values[o]!;
        if (stored < lo) lo = stored;
        if (stored > hi) hi = stored;
      }
    }
  }
  return { rows, cols, values, bad, starts, min: lo === Infinity ? null : lo, max: hi === -Infinity ? null : hi };
}

// A perceptual ramp (viridis, 9 stops): dark blue-violet for small norms to yellow for large.
const RAMP: readonly (readonly [number, number, number])[] = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

/** Non-finite (NaN/Inf) gradients: a red that is on no end of the ramp. */
export const BAD_RGB: readonly [number, number, number] = [230, 25, 75];

/** RGB for t in [0, 1] on the ramp (clamped). */
export function rampColour(t: number): [number, number, number] {
  const x = Math.max(0, Math.min(1, Number.isFinite(t) ? t : 0)) * (RAMP.length - 1);
  const i = Math.min(RAMP.length - 2, Math.floor(x));
  const f = x - i;
  const a = RAMP[i]!;
  const b = RAMP[i + 1]!;
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

/** The scale's range: the data's finite log10 range, widened to at least one decade. */
export function scaleRange(min: number | null, max: number | null): [number, number] {
  if (min === null || max === null) return [-8, 0];
  if (max - min < 1) {
    const mid = (min + max) / 2;
    return [mid - 0.5, mid + 0.5];
  }
  return [min, max];
}

/**
 * The pixels of a downsampled map, one per bucket (scaled up by the canvas). `empty` is the colour of a
 * bucket with no gradient (the theme's background).
 */
export function paint(d: Downsampled, range: [number, number], empty: readonly [number, number, number], out?: Uint8ClampedArray<ArrayBuffer>): Uint8ClampedArray<ArrayBuffer> {
  const px = out && out.length === d.rows * d.cols * 4 ? out : new Uint8ClampedArray(d.rows * d.cols * 4);
  const [lo, hi] = range;
  const span = hi - lo || 1;
  // 256-entry lookup: one ramp computation per level, not per pixel.
  const lut = new Uint8Array(256 * 3);
  for (let i = 0; i < 256; i++) lut.set(rampColour(i / 255), i * 3);
  for (let i = 0; i < d.values.length; i++) {
    const o = i * 4;
    let r: number, g: number, b: number;
    if (d.bad[i]) [r, g, b] = BAD_RGB;
    else {
      const v = d.values[i]!;
      if (Number.isNaN(v)) [r, g, b] = empty;
      else {
        const k = Math.max(0, Math.min(255, Math.round(((v - lo) / span) * 255))) * 3;
        r = lut[k]!;
        g = lut[k + 1]!;
        b = lut[k + 2]!;
      }
    }
    px[o] = r;
    px[o + 1] = g;
    px[o + 2] = b;
    px[o + 3] = 255;
  }
  return px;
}

/** What is under a point of the map: the layer row and the logged column (the bucket's first, or exact). */
export function cellAt(d: Downsampled, x: number, y: number, width: number, height: number): { row: number; column: number } | null {
  if (d.rows === 0 || d.cols === 0 || x < 0 || y < 0 || x >= width || y >= height) return null;
  const row = Math.min(d.rows - 1, Math.floor((y / height) * d.rows));
  const bucket = Math.min(d.cols - 1, Math.floor((x / width) * d.cols));
  return { row, column: d.starts[bucket]! };
}

/** A cell's value in words: a norm, "NaN", "Inf", or "no gradient". */
export function describeCell(w: WatchData, column: number, layer: number): string {
  const i = column * w.layerCount + layer;
  const f = w.flags[i];
  if (f === CELL_NAN) return 'NaN';
  if (f === CELL_INF) return 'Inf';
  if (f === CELL_MISSING || f === undefined) return 'no gradient';
  return formatNorm(w.grad[i]!);
}

export function formatNorm(v: number): string {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'NaN' : 'Inf';
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(2) : v.toPrecision(3);
}
