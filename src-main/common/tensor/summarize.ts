/**
 * What a person sees of an output tensor without moving all of it to the renderer: stats over the finite
 * values with NaN/±Inf counts, the first values, top-k with softmax for logits, and grey-scale heat maps
 * for image-like outputs. Also the latency percentiles of a benchmark.
 * Pure: no node:*, no electron.
 */
import type { LatencyStats } from '../protocols/onnx';
import { elementCount, isNumeric } from './dtypes';
import { halfTable } from './float16';
import type { Heatmap, Tensor, TensorStats, TensorSummary, TopK } from './tensor-types';

export const HEAD_VALUES = 1000;
/** A 2-D output counts as logits when it has at most this many rows (the top-k is of the first). */
export const TOPK_MAX_ROWS = 64;
export const HEATMAP_MAX_CHANNELS = 16;
export const HEATMAP_MAX_SIDE = 128;

export function summarizeTensor(name: string, t: Tensor, k = 5): TensorSummary {
  const count = elementCount(t.shape);
  const base = { name, dtype: t.dtype, shape: t.shape, count };
  if (t.dtype === 'string' || !isNumeric(t.dtype)) {
    const head = t.dtype === 'string' ? (t.data as readonly string[]).slice(0, HEAD_VALUES) : [];
    return { ...base, stats: null, head, topk: null, heatmaps: null };
  }
  const values = asNumbers(t);
  const isFloat = t.dtype === 'float32' || t.dtype === 'float64' || t.dtype === 'float16';
  return {
    ...base,
    stats: t.dtype === 'bool' || count === 0 ? null : tensorStats(values),
    head: headValues(t, values),
    topk: isFloat ? logitsTopK(values, t.shape, k) : null,
    heatmaps: heatmaps(values, t.shape),
  };
}

/** The data as numbers: typed arrays as they are; float16 decoded, 64-bit ints and boolean[] copied. */
function asNumbers(t: Tensor): ArrayLike<number> {
  const d = t.data;
  if (t.dtype === 'float16') {
    const table = halfTable();
    const bits = d as Uint16Array;
    const out = new Float32Array(bits.length);
    for (let i = 0; i < bits.length; i++) out[i] = table[bits[i] as number] as number;
    return out;
  }
  if (d instanceof BigInt64Array || d instanceof BigUint64Array) return Float64Array.from(d, Number);
  if (Array.isArray(d)) return Uint8Array.from(d as readonly boolean[], (b) => (b ? 1 : 0));
  return d as ArrayLike<number>;
}

/**
 * The first values. NaN and ±Infinity become the strings 'NaN', 'Infinity', '-Infinity': JSON (the
 * server transport) would turn them into null, and a NaN is exactly what a person looks for here.
 */
function headValues(t: Tensor, values: ArrayLike<number>): (number | boolean | string)[] {
  const n = Math.min(HEAD_VALUES, values.length);
  const out: (number | boolean | string)[] = new Array<number | boolean | string>(n);
  for (let i = 0; i < n; i++) {
    const v = values[i] as number;
    out[i] = t.dtype === 'bool' ? v !== 0 : Number.isFinite(v) ? v : String(v);
  }
  return out;
}

/** One pass: min/max, NaN/±Inf counts, mean and population std by sums shifted by the first finite value. */
export function tensorStats(values: ArrayLike<number>): TensorStats {
  let min = Infinity;
  let max = -Infinity;
  let nan = 0;
  let posInf = 0;
  let negInf = 0;
  let n = 0;
  let shift = 0;
  let s1 = 0;
  let s2 = 0;
  const len = values.length;
  for (let i = 0; i < len; i++) {
    const v = values[i] as number;
    if (v - v !== 0) {
      // NaN or ±Inf
      if (v !== v) nan++;
      else if (v > 0) posInf++;
      else negInf++;
      continue;
    }
    if (n === 0) shift = v;
    const d = v - shift;
    s1 += d;
    s2 += d * d;
    n++;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (n === 0) return { min: Number.NaN, max: Number.NaN, mean: Number.NaN, std: Number.NaN, nan, posInf, negInf };
  const variance = Math.max(0, (s2 - (s1 * s1) / n) / n);
  return { min, max, mean: shift + s1 / n, std: Math.sqrt(variance), nan, posInf, negInf };
}

// Top-k ----------------------------------------------------------------------------------------------

/** For 1-D, or 2-D [rows ≤ 64, classes]: the k largest of the first row with their softmax; NaNs are left out. */
function logitsTopK(values: ArrayLike<number>, shape: readonly number[], k: number): TopK[] | null {
  let rowLen: number;
  if (shape.length === 1) rowLen = shape[0] as number;
  else if (shape.length === 2 && (shape[0] as number) >= 1 && (shape[0] as number) <= TOPK_MAX_ROWS) rowLen = shape[1] as number;
  else return null;
  if (rowLen === 0 || k < 1) return null;
  return topK(values, rowLen, k);
}

/**
 * The k largest of values[0..len) (ties: lower index first) with their softmax, in one pass: the softmax
 * normaliser is kept online (Σ exp(v − max), rescaled when the max grows), so it never overflows.
 */
export function topK(values: ArrayLike<number>, len: number, k: number): TopK[] {
  const idx = new Int32Array(k);
  const val = new Float64Array(k);
  let n = 0;
  let kth = -Infinity; // the smallest kept value once k are kept
  let m = -Infinity; // the largest finite value
  let sum = 0;
  let infs = 0;
  let negInfs = 0;
  for (let i = 0; i < len; i++) {
    const v = values[i] as number;
    if (v - v === 0) {
      if (v > m) {
        sum = sum * Math.exp(m - v) + 1;
        m = v;
      } else sum += Math.exp(v - m);
    } else if (v === Infinity) infs++;
    else if (v === -Infinity) negInfs++;
    if ((n < k && v === v) || v > kth) {
      // Insert keeping val sorted descending; an equal value stays after the earlier index.
      let j = n < k ? n++ : k - 1;
      while (j > 0 && (val[j - 1] as number) < v) {
        val[j] = val[j - 1] as number;
        idx[j] = idx[j - 1] as number;
        j--;
      }
      val[j] = v;
      idx[j] = i;
      if (n === k) kth = val[k - 1] as number;
    }
  }
  const prob = (v: number): number => {
    if (infs > 0) return v === Infinity ? 1 / infs : 0; // the limit of softmax
    if (sum === 0) return 1 / negInfs; // every value -Inf: all equal
    return Math.exp(v - m) / sum;
  };
  const out: TopK[] = [];
  for (let j = 0; j < n; j++) out.push({ index: idx[j] as number, value: val[j] as number, prob: prob(val[j] as number) });
  return out;
}

// Heat maps ---------------------------------------------------------------------------------------------

/** For [C,H,W] and [N,C,H,W] (first item): the first channels, area-averaged down to ≤ 128 px a side. */
function heatmaps(values: ArrayLike<number>, shape: readonly number[]): Heatmap[] | null {
  if (shape.length !== 3 && shape.length !== 4) return null;
  const [c, h, w] = shape.slice(-3) as [number, number, number];
  if (c < 1 || h < 1 || w < 1 || (shape.length === 4 && (shape[0] as number) < 1)) return null;
  const scale = Math.min(1, HEATMAP_MAX_SIDE / Math.max(h, w));
  const ow = Math.max(1, Math.round(w * scale));
  const oh = Math.max(1, Math.round(h * scale));
  const cx = coverage(w, ow);
  const cy = coverage(h, oh);
  const out: Heatmap[] = [];
  for (let ch = 0; ch < Math.min(c, HEATMAP_MAX_CHANNELS); ch++) {
    const plane = areaAverage(values, ch * h * w, w, h, cx, cy);
    out.push(toHeatmap(ch, plane, ow, oh));
  }
  return out;
}

/** For each output cell, the input cells it covers and by how much (box filter, fractional edges). */
interface Coverage {
  readonly outSize: number;
  readonly starts: Int32Array;
  readonly counts: Int32Array;
  readonly weights: Float64Array[];
}

function coverage(inSize: number, outSize: number): Coverage {
  const starts = new Int32Array(outSize);
  const counts = new Int32Array(outSize);
  const weights: Float64Array[] = [];
  for (let o = 0; o < outSize; o++) {
    const a = (o * inSize) / outSize;
    const b = ((o + 1) * inSize) / outSize;
    const first = Math.floor(a);
    const last = Math.min(inSize, Math.ceil(b));
    const ws = new Float64Array(last - first);
    for (let i = first; i < last; i++) ws[i - first] = Math.min(b, i + 1) - Math.max(a, i);
    starts[o] = first;
    counts[o] = last - first;
    weights.push(ws);
  }
  return { outSize, starts, counts, weights };
}

/** One channel's area average over its finite values (NaN where a cell has none). */
function areaAverage(values: ArrayLike<number>, offset: number, w: number, h: number, cx: Coverage, cy: Coverage): Float64Array {
  const ow = cx.outSize;
  const sums = new Float64Array(h * ow);
  const wsum = new Float64Array(h * ow);
  for (let y = 0; y < h; y++) {
    const row = offset + y * w;
    for (let o = 0; o < ow; o++) {
      const start = cx.starts[o] as number;
      const ws = cx.weights[o] as Float64Array;
      let s = 0;
      let t = 0;
      for (let k = 0; k < ws.length; k++) {
        const v = values[row + start + k] as number;
        if (v - v === 0) {
          s += (ws[k] as number) * v;
          t += ws[k] as number;
        }
      }
      sums[y * ow + o] = s;
      wsum[y * ow + o] = t;
    }
  }
  const out = new Float64Array(cy.outSize * ow);
  for (let oy = 0; oy < cy.outSize; oy++) {
    const start = cy.starts[oy] as number;
    const ws = cy.weights[oy] as Float64Array;
    for (let o = 0; o < ow; o++) {
      let s = 0;
      let t = 0;
      for (let k = 0; k < ws.length; k++) {
        s += (ws[k] as number) * (sums[(start + k) * ow + o] as number);
        t += (ws[k] as number) * (wsum[(start + k) * ow + o] as number);
      }
      out[oy * ow + o] = t > 0 ? s / t : Number.NaN;
    }
  }
  return out;
}

function toHeatmap(channel: number, plane: Float64Array, width: number, height: number): Heatmap {
  let min = Infinity;
  let max = -Infinity;
  for (const v of plane) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const bytes = new Uint8Array(plane.length);
  const range = max - min;
  if (range > 0) for (let i = 0; i < plane.length; i++) {
    const v = plane[i] as number;
    bytes[i] = v === v ? Math.round(((v - min) / range) * 255) : 0;
  }
  if (min > max) min = max = Number.NaN; // no finite value at all
  return { channel, width, height, min, max, pixels: base64(bytes) };
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 with padding (no Buffer, no btoa: this runs anywhere). */
export function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunk = '';
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    chunk += B64.charAt(n >>> 18) + B64.charAt((n >>> 12) & 63) + B64.charAt((n >>> 6) & 63) + B64.charAt(n & 63);
    if (chunk.length >= 8192) {
      parts.push(chunk);
      chunk = '';
    }
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    chunk += `${B64[n >>> 18]}${B64[(n >>> 12) & 63]}==`;
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    chunk += `${B64[n >>> 18]}${B64[(n >>> 12) & 63]}${B64[(n >>> 6) & 63]}=`;
  }
  parts.push(chunk);
  return parts.join('');
}

// Latency ------------------------------------------------------------------------------------------------

/**
 * min, mean, population std, percentiles and max of a benchmark's latencies. Percentiles interpolate
 * linearly between the closest ranks, as numpy's default `np.percentile` does. No samples: all zeros.
 */
export function latencyStats(samples: readonly number[]): LatencyStats {
  const n = samples.length;
  if (n === 0) return { min: 0, mean: 0, std: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 };
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  const mean = sum / n;
  let sq = 0;
  for (const v of sorted) sq += (v - mean) * (v - mean);
  return {
    min: sorted[0] as number,
    mean,
    std: Math.sqrt(sq / n),
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    p999: percentile(sorted, 99.9),
    max: sorted[n - 1] as number,
  };
}

/** numpy's 'linear' method on sorted data, with its arithmetic (virtual index n·q + 1 − q − 1, and its lerp). */
export function percentile(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  const q = p / 100;
  const virtual = n * q + (1 + q * -1) - 1;
  const lo = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const hi = Math.min(lo + 1, n - 1);
  const t = virtual - Math.floor(virtual);
  const a = sorted[lo] as number;
  const b = sorted[hi] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}
