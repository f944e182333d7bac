/**
 * Image preprocessing against a numpy reference of the same definition (below, run by `/usr/bin/python3`):
 * PIL's BILINEAR filter (triangle on half-pixel centres, support widened by the scale when shrinking)
 * written as resampling matrices, `out = Wy · img · Wxᵀ` per channel, then channel order, scale, mean/std
 * and layout. PIL is used only to decode the png.
 *
 * Images are generated here (gradients, stripes and noise, so every resize path is exercised) and written
 * to a tmp dir: a png (pngjs) and a jpeg (jpeg-js). For the png, numpy decodes the file itself; the two
 * must agree to 1e-4. jpeg decoders differ slightly (IDCT and upsampling), so for the jpeg numpy gets the
 * pixels Lathe decoded, and must again agree to 1e-4; how far jpeg-js's pixels are from PIL's is checked
 * separately with a tolerance.
 * Also: Lathe's float result against PIL's own `Image.resize(..., BILINEAR)`, which rounds to 8 bits
 * between passes, so they may differ by about one level of 255.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { decodeImage } from '../../onnx-runner/image-decode';
import type { Result } from '../result';
import { planResize, preprocessImage, type RgbaImage } from './image';
import { parseNpy } from './npy';
import { IMAGE_PRESETS, type ImagePreprocess } from './tensor-types';

const PYTHON = '/usr/bin/python3';
const canRun = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, PIL'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const REFERENCE = String.raw`
import json, math, sys
import numpy as np
from PIL import Image

def weights(in_size, out_size, first, count):
    """PIL's BILINEAR resampling as a matrix: row i holds output (first+i)'s taps over the input."""
    scale = in_size / out_size
    fs = max(scale, 1.0)
    m = np.zeros((count, in_size))
    for i in range(count):
        center = (first + i + 0.5) * scale
        lo = max(0, int(math.floor(center - fs + 0.5)))
        hi = min(in_size, int(math.floor(center + fs + 0.5)))
        x = np.arange(lo, hi, dtype=np.float64)
        w = np.clip(1.0 - np.abs((x - center + 0.5) / fs), 0.0, None)
        m[i, lo:hi] = w / w.sum()
    return m

def plan(w, h, p):
    if p["fit"] == "stretch":
        return p["width"], p["height"], 0, 0
    if w * p["height"] >= h * p["width"]:
        rh, rw = p["height"], max(p["width"], int(math.floor(w * p["height"] / h + 0.5)))
    else:
        rw, rh = p["width"], max(p["height"], int(math.floor(h * p["width"] / w + 0.5)))
    return rw, rh, (rw - p["width"]) // 2, (rh - p["height"]) // 2

def preprocess(rgb, p):
    h, w, _ = rgb.shape
    rw, rh, left, top = plan(w, h, p)
    wx = weights(w, rw, left, p["width"])
    wy = weights(h, rh, top, p["height"])
    resized = np.stack([wy @ rgb[:, :, c] @ wx.T for c in range(3)], axis=-1)  # H x W x 3, 0..255
    if p["order"] == "BGR":
        resized = resized[:, :, ::-1]
    out = (resized * p["scale"] - np.array(p["mean"])) / np.array(p["std"])
    out = out.transpose(2, 0, 1) if p["layout"] == "NCHW" else out
    return out[None].astype(np.float32)

req = json.load(sys.stdin)
if req.get("rgb"):
    raw = np.fromfile(req["rgb"], dtype=np.uint8)
    rgb = raw.reshape(req["height"], req["width"], 3).astype(np.float64)
else:
    rgb = np.asarray(Image.open(req["image"]).convert("RGB"), dtype=np.float64)
for i, p in enumerate(req["configs"]):
    np.save("%s/ref-%d.npy" % (req["out"], i), preprocess(rgb, p))
    if p.get("pil"):
        img = Image.open(req["image"]).convert("RGB").resize((p["width"], p["height"]), Image.BILINEAR)
        np.save("%s/pil-%d.npy" % (req["out"], i), np.asarray(img, dtype=np.uint8))
if req.get("pilPixels"):
    np.save("%s/pil-pixels.npy" % req["out"], np.asarray(Image.open(req["image"]).convert("RGB"), dtype=np.uint8))
`;

const dir = mkdtempSync(join(tmpdir(), 'lathe-image-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A deterministic test picture: colour gradients, thin stripes (aliasing shows) and noise. */
function picture(width: number, height: number): RgbaImage {
  const rgba = new Uint8Array(width * height * 4);
  let seed = 12345;
  const noise = (): number => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return (seed >>> 24) % 32;
  };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      rgba[o] = Math.min(255, Math.round((x / (width - 1)) * 220) + noise());
      rgba[o + 1] = Math.min(255, Math.round((y / (height - 1)) * 220) + noise());
      rgba[o + 2] = (x + y) % 6 < 3 ? 230 : 20;
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba };
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

type Config = ImagePreprocess & { pil?: boolean };

/** Runs the numpy reference; its results land as .npy files in dir/<tag>/. */
function reference(tag: string, req: Record<string, unknown>, configs: Config[]): void {
  mkdirSync(join(dir, tag));
  execFileSync(PYTHON, ['-c', REFERENCE], { input: JSON.stringify({ ...req, configs, out: join(dir, tag) }), timeout: 120_000, maxBuffer: 16 << 20 });
}

const readNpy = (tag: string, name: string): ArrayLike<number> => value(parseNpy(new Uint8Array(readFileSync(join(dir, tag, name))))).data as ArrayLike<number>;

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

const base = { fit: 'stretch', layout: 'NCHW', order: 'RGB', ...IMAGE_PRESETS.imagenet } as const;
const CONFIGS: Config[] = [
  { ...base, width: 224, height: 224, fit: 'center-crop' }, // 640×480 → 298×224 → centre 224×224: shrink ×2.1
  { ...base, width: 64, height: 40 }, // shrink ×10 / ×12: wide filters
  { ...base, width: 900, height: 500, layout: 'NHWC', order: 'BGR', ...IMAGE_PRESETS.symmetric }, // enlarge: plain bilinear
  { ...base, width: 100, height: 300, fit: 'center-crop', ...IMAGE_PRESETS.unit }, // tall target: crop the sides
  { ...base, width: 640, height: 480, ...IMAGE_PRESETS.raw }, // same size: identity
  { ...base, width: 224, height: 224, ...IMAGE_PRESETS.raw, pil: true },
  { ...base, width: 1000, height: 700, ...IMAGE_PRESETS.raw, pil: true },
];

describe.skipIf(missing(!canRun && `${PYTHON} with numpy and PIL is missing: image preprocessing is not checked against the numpy reference`))('preprocessImage against numpy', () => {
  const img = picture(640, 480);
  const pngPath = join(dir, 'picture.png');
  const jpegPath = join(dir, 'picture.jpg');
  let png: RgbaImage;
  let jpeg: RgbaImage;
  let jpegRgb: Uint8Array;
  const JPEG_CONFIGS = CONFIGS.slice(0, 4);

  beforeAll(() => {
    const encoder = new PNG({ width: img.width, height: img.height });
    encoder.data = Buffer.from(img.rgba);
    writeFileSync(pngPath, PNG.sync.write(encoder));
    png = value(decodeImage(new Uint8Array(readFileSync(pngPath))));
    reference('png', { image: pngPath }, CONFIGS);

    writeFileSync(jpegPath, encodeJpeg({ width: img.width, height: img.height, data: img.rgba }, 92).data);
    jpeg = value(decodeImage(new Uint8Array(readFileSync(jpegPath))));
    jpegRgb = new Uint8Array(jpeg.width * jpeg.height * 3);
    for (let i = 0; i < jpeg.width * jpeg.height; i++) jpegRgb.set(jpeg.rgba.subarray(i * 4, i * 4 + 3), i * 3);
    const rgbPath = join(dir, 'picture.rgb');
    writeFileSync(rgbPath, jpegRgb);
    reference('jpeg', { image: jpegPath, rgb: rgbPath, width: jpeg.width, height: jpeg.height, pilPixels: true }, JPEG_CONFIGS);
  }, 120_000);

  it('png: numpy decodes the file itself; every config within 1e-4', () => {
    expect(Buffer.from(png.rgba).equals(Buffer.from(img.rgba))).toBe(true);
    CONFIGS.forEach((p, i) => {
      const t = preprocessImage(png, p);
      expect(t.shape).toEqual(p.layout === 'NCHW' ? [1, 3, p.height, p.width] : [1, p.height, p.width, 3]);
      const diff = maxAbsDiff(t.data as Float32Array, readNpy('png', `ref-${i}.npy`));
      expect(diff, `config ${i} ${JSON.stringify(p)}`).toBeLessThanOrEqual(1e-4);
    });
  });

  it("close to PIL's own 8-bit resize (within one level of 255; PIL rounds between its passes)", () => {
    CONFIGS.forEach((p, i) => {
      if (!p.pil) return;
      const ours = preprocessImage(img, { ...p, layout: 'NHWC' }).data as Float32Array;
      const pil = readNpy('png', `pil-${i}.npy`);
      let differ = 0;
      for (let j = 0; j < ours.length; j++) if (Math.round(ours[j] as number) !== pil[j]) differ++;
      console.log(`Lathe vs PIL BILINEAR 640x480 → ${p.width}x${p.height}: max diff ${maxAbsDiff(ours, pil).toFixed(3)} levels, rounded values differ on ${((100 * differ) / ours.length).toFixed(1)}%`);
      expect(maxAbsDiff(ours, pil)).toBeLessThanOrEqual(1.0);
      expect(differ / ours.length).toBeLessThan(0.25);
    });
  });

  it('jpeg: numpy gets the pixels Lathe decoded (1e-4); jpeg-js and PIL decode nearly alike', () => {
    JPEG_CONFIGS.forEach((p, i) => {
      expect(maxAbsDiff(preprocessImage(jpeg, p).data as Float32Array, readNpy('jpeg', `ref-${i}.npy`)), `config ${i}`).toBeLessThanOrEqual(1e-4);
    });
    // Decoders: the same file through jpeg-js and through PIL (libjpeg).
    const pil = readNpy('jpeg', 'pil-pixels.npy');
    let sum = 0;
    let max = 0;
    for (let i = 0; i < jpegRgb.length; i++) {
      const d = Math.abs((jpegRgb[i] as number) - (pil[i] as number));
      sum += d;
      max = Math.max(max, d);
    }
    console.log(`jpeg-js vs PIL decoding: mean abs diff ${(sum / jpegRgb.length).toFixed(3)}, max ${max} levels`);
    expect(sum / jpegRgb.length).toBeLessThan(1);
    expect(max).toBeLessThanOrEqual(8);
  });
});

describe('planResize and the resize itself', () => {
  it('center-crop covers the target, then takes the middle', () => {
    expect(planResize(640, 480, { width: 224, height: 224, fit: 'center-crop' })).toEqual({ resizedWidth: 299, resizedHeight: 224, left: 37, top: 0 });
    expect(planResize(480, 640, { width: 224, height: 224, fit: 'center-crop' })).toEqual({ resizedWidth: 224, resizedHeight: 299, left: 0, top: 37 });
    expect(planResize(640, 480, { width: 100, height: 300, fit: 'center-crop' })).toEqual({ resizedWidth: 400, resizedHeight: 300, left: 150, top: 0 });
    expect(planResize(640, 480, { width: 50, height: 50, fit: 'stretch' })).toEqual({ resizedWidth: 50, resizedHeight: 50, left: 0, top: 0 });
  });

  it('keeps a flat image flat and leaves an image of the target size untouched', () => {
    const flat: RgbaImage = { width: 37, height: 23, rgba: new Uint8Array(37 * 23 * 4).fill(77) };
    const t = preprocessImage(flat, { ...base, ...IMAGE_PRESETS.raw, width: 11, height: 50 });
    expect((t.data as Float32Array).every((v) => Math.abs(v - 77) < 1e-4)).toBe(true);
    const img = picture(20, 10);
    const same = preprocessImage(img, { ...base, ...IMAGE_PRESETS.raw, width: 20, height: 10, layout: 'NHWC' }).data as Float32Array;
    for (let i = 0; i < 200; i++) expect(same[i * 3]).toBe(img.rgba[i * 4]);
  });
});
