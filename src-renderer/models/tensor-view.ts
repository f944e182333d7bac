/**
 * How the output viewer lays out a tensor summary: the first values as rows × cols when the tensor is
 * (squeezably) 2-D, heat maps through a viridis colour map. Pure (no DOM: the canvas takes the bytes).
 */
import type { TensorStats } from '../../src-main/common/tensor/tensor-types';

/**
 * Rows × cols for the value table: a 2-D tensor (leading 1s dropped) whose rows fit `maxCols`; null
 * means "show a flat list". Only the rows the head covers in full are shown.
 */
export function matrixLayout(shape: readonly number[], headLength: number, maxCols = 32): { rows: number; cols: number; totalRows: number } | null {
  const squeezed = [...shape];
  while (squeezed.length > 2 && squeezed[0] === 1) squeezed.shift();
  if (squeezed.length !== 2) return null;
  const [totalRows, cols] = squeezed as [number, number];
  if (cols < 1 || cols > maxCols) return null;
  const rows = Math.min(totalRows, Math.floor(headLength / cols));
  return rows >= 1 ? { rows, cols, totalRows } : null;
}

/** base64 → bytes (atob is in browsers and in Node ≥ 16). */
export function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

// matplotlib's viridis, sampled at 9 points; interpolated between them.
const VIRIDIS_STOPS: readonly (readonly [number, number, number])[] = [
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

/** 256 RGB entries, packed as [r0, g0, b0, r1, …]. */
export function viridis(): Uint8Array {
  const lut = new Uint8Array(256 * 3);
  const last = VIRIDIS_STOPS.length - 1;
  for (let i = 0; i < 256; i++) {
    const x = (i / 255) * last;
    const lo = Math.min(last - 1, Math.floor(x));
    const t = x - lo;
    for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(VIRIDIS_STOPS[lo]![c]! * (1 - t) + VIRIDIS_STOPS[lo + 1]![c]! * t);
  }
  return lut;
}

let cachedLut: Uint8Array | null = null;

/** Grey bytes (0..255, one per pixel) → RGBA through the colour map, for an ImageData. */
export function heatmapRgba(grey: Uint8Array, lut: Uint8Array = (cachedLut ??= viridis())): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(grey.length * 4);
  for (let i = 0; i < grey.length; i++) {
    const g = grey[i]! * 3;
    out[i * 4] = lut[g]!;
    out[i * 4 + 1] = lut[g + 1]!;
    out[i * 4 + 2] = lut[g + 2]!;
    out[i * 4 + 3] = 255;
  }
  return out;
}

/** NaN and ±Inf in an output are worth a warning colour. */
export function nonFiniteCount(stats: TensorStats | null): number {
  return stats ? stats.nan + stats.posInf + stats.negInf : 0;
}
