/**
 * An RGBA image → a model's float32 image tensor ([1,3,H,W] or [1,H,W,3]).
 *
 * Resizing is PIL's `Image.resize(size, Image.BILINEAR)` filter (what torchvision's `Resize` applies to
 * PIL images, so ImageNet-style models see what they were trained on), computed in floating point:
 * a triangle filter on half-pixel centres (align_corners=false) whose support widens by the scale factor
 * when shrinking, so downscaling averages (antialiases) instead of skipping pixels; when enlarging it is
 * plain half-pixel bilinear with clamped edges (cv2's INTER_LINEAR). PIL itself rounds to 8 bits between
 * its horizontal and vertical passes; Lathe keeps full precision, so the two differ by about one level of 255.
 *
 * Then value = (pixel · scale − mean[c]) / std[c], pixel in 0..255, c the output channel (after RGB/BGR
 * ordering: give BGR models their mean/std in BGR order). Alpha is dropped, as PIL's convert('RGB') does.
 * Pure: no node:*, no electron.
 */
import type { ImagePreprocess, Tensor } from './tensor-types';

export interface RgbaImage {
  readonly width: number;
  readonly height: number;
  /** width·height·4 bytes, row-major RGBA. */
  readonly rgba: Uint8Array;
}

/** The biggest target side Lathe accepts. */
export const MAX_TARGET_SIDE = 8192;

/** Why `p` cannot be used, or null when it is fine. */
export function checkPreprocess(p: ImagePreprocess): string | null {
  for (const [what, v] of [['width', p.width], ['height', p.height]] as const) {
    if (!Number.isInteger(v) || v < 1 || v > MAX_TARGET_SIDE) return `the image ${what} must be a whole number from 1 to ${MAX_TARGET_SIDE} (got ${v})`;
  }
  if (!Number.isFinite(p.scale)) return `the scale must be a number (got ${p.scale})`;
  for (let c = 0; c < 3; c++) {
    if (!Number.isFinite(p.mean[c])) return `mean[${c}] must be a number (got ${p.mean[c]})`;
    if (!Number.isFinite(p.std[c]) || p.std[c] === 0) return `std[${c}] must be a non-zero number (got ${p.std[c]})`;
  }
  return null;
}

/** Where the resized image sits: its full size and the window of it that is kept. */
export interface ResizePlan {
  readonly resizedWidth: number;
  readonly resizedHeight: number;
  readonly left: number;
  readonly top: number;
}

/**
 * 'stretch': the whole image to width×height. 'center-crop': scaled so it covers width×height (the short
 * side, relative to the target's aspect, becomes the target's), then the centre window is kept
 * (offsets rounded down).
 */
export function planResize(srcW: number, srcH: number, p: Pick<ImagePreprocess, 'width' | 'height' | 'fit'>): ResizePlan {
  if (p.fit === 'stretch') return { resizedWidth: p.width, resizedHeight: p.height, left: 0, top: 0 };
  let rw: number;
  let rh: number;
  if (srcW * p.height >= srcH * p.width) {
    rh = p.height;
    rw = Math.max(p.width, Math.floor((srcW * p.height) / srcH + 0.5));
  } else {
    rw = p.width;
    rh = Math.max(p.height, Math.floor((srcH * p.width) / srcW + 0.5));
  }
  return { resizedWidth: rw, resizedHeight: rh, left: Math.floor((rw - p.width) / 2), top: Math.floor((rh - p.height) / 2) };
}

/** Filter taps for outputs first..first+count-1 of an inSize → outSize resize (PIL's precompute_coeffs). */
interface Taps {
  readonly start: Int32Array;
  readonly size: Int32Array;
  /** `ksize` weights per output, normalised to sum 1. */
  readonly weights: Float64Array;
  readonly ksize: number;
}

function taps(inSize: number, outSize: number, first: number, count: number): Taps {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle's support is 1, widened when shrinking
  const ksize = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(count);
  const size = new Int32Array(count);
  const weights = new Float64Array(count * ksize);
  for (let i = 0; i < count; i++) {
    const center = (first + i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support + 0.5));
    const hi = Math.min(inSize, Math.floor(center + support + 0.5));
    let total = 0;
    for (let x = lo; x < hi; x++) {
      const w = Math.max(0, 1 - Math.abs((x - center + 0.5) / filterScale));
      weights[i * ksize + (x - lo)] = w;
      total += w;
    }
    if (total > 0) for (let k = 0; k < hi - lo; k++) weights[i * ksize + k] = (weights[i * ksize + k] as number) / total;
    start[i] = lo;
    size[i] = hi - lo;
  }
  return { start, size, weights, ksize };
}

/** The resized (and cropped) RGB pixels, p.height × p.width × 3, values 0..255 as floats. */
export function resizeRgb(img: RgbaImage, p: Pick<ImagePreprocess, 'width' | 'height' | 'fit'>): Float64Array {
  const plan = planResize(img.width, img.height, p);
  const tx = taps(img.width, plan.resizedWidth, plan.left, p.width);
  const ty = taps(img.height, plan.resizedHeight, plan.top, p.height);

  // Horizontal pass over only the source rows the vertical taps read.
  const rowLo = ty.start[0] as number;
  const rowHi = (ty.start[p.height - 1] as number) + (ty.size[p.height - 1] as number);
  const W = p.width;
  const rows = new Float64Array((rowHi - rowLo) * W * 3);
  const src = img.rgba;
  for (let y = rowLo; y < rowHi; y++) {
    const srcRow = y * img.width * 4;
    const dstRow = (y - rowLo) * W * 3;
    for (let x = 0; x < W; x++) {
      const s = tx.start[x] as number;
      const n = tx.size[x] as number;
      const wBase = x * tx.ksize;
      let r = 0;
      let g = 0;
      let b = 0;
      for (let k = 0; k < n; k++) {
        const w = tx.weights[wBase + k] as number;
        const o = srcRow + (s + k) * 4;
        r += w * (src[o] as number);
        g += w * (src[o + 1] as number);
        b += w * (src[o + 2] as number);
      }
      rows[dstRow + x * 3] = r;
      rows[dstRow + x * 3 + 1] = g;
      rows[dstRow + x * 3 + 2] = b;
    }
  }

  // Vertical pass.
  const out = new Float64Array(p.height * W * 3);
  const rowLen = W * 3;
  for (let y = 0; y < p.height; y++) {
    const s = (ty.start[y] as number) - rowLo;
    const n = ty.size[y] as number;
    const wBase = y * ty.ksize;
    const dst = y * rowLen;
    for (let k = 0; k < n; k++) {
      const w = ty.weights[wBase + k] as number;
      const srcOff = (s + k) * rowLen;
      for (let i = 0; i < rowLen; i++) out[dst + i] = (out[dst + i] as number) + w * (rows[srcOff + i] as number);
    }
  }
  return out;
}

/** The model's image tensor: resized, channel-ordered, normalised, laid out as asked. */
export function preprocessImage(img: RgbaImage, p: ImagePreprocess): Tensor {
  const problem = checkPreprocess(p);
  if (problem) throw new Error(`preprocessImage: ${problem}`); // callers check first
  if (img.rgba.length < img.width * img.height * 4 || img.width < 1 || img.height < 1) throw new Error('preprocessImage: the RGBA buffer does not match the size');
  const rgb = resizeRgb(img, p);
  const plane = p.width * p.height;
  const out = new Float32Array(plane * 3);
  // Output channel c takes source channel srcChannel[c]; mean/std are indexed by the output channel.
  const srcChannel = p.order === 'RGB' ? [0, 1, 2] : [2, 1, 0];
  for (let c = 0; c < 3; c++) {
    const from = srcChannel[c] as number;
    const mean = p.mean[c] as number;
    const std = p.std[c] as number;
    for (let i = 0; i < plane; i++) {
      const v = ((rgb[i * 3 + from] as number) * p.scale - mean) / std;
      out[p.layout === 'NCHW' ? c * plane + i : i * 3 + c] = v;
    }
  }
  const shape = p.layout === 'NCHW' ? [1, 3, p.height, p.width] : [1, p.height, p.width, 3];
  return { dtype: 'float32', shape, data: out };
}
