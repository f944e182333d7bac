/**
 * Image decoding for the input builder, on files made here: png and jpeg by pngjs/jpeg-js, and by PIL
 * (`/usr/bin/python3`) for the kinds other encoders write (grey, palette, 16-bit, progressive and
 * grey-scale jpeg) and for the refused formats (gif, webp, bmp, tiff). PIL's decoded pixels are the
 * reference for the png variants (exact) and the jpegs (within a few levels: decoders differ).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode as encodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { missing } from '../../test/skip';
import type { Result } from '../common/result';
import type { RgbaImage } from '../common/tensor/image';
import { decodeImage, jpegSize, sniffImageFormat } from './image-decode';

const PYTHON = '/usr/bin/python3';
const hasPil = existsSync(PYTHON) && (() => {
  try {
    execFileSync(PYTHON, ['-c', 'import numpy, PIL'], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
})();

const dir = mkdtempSync(join(tmpdir(), 'lathe-decode-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function failure<T>(r: Result<T>): string {
  if (r.ok) throw new Error('expected a failure');
  expect(r.code).toBe('INPUT_INVALID');
  return r.message;
}

/** A 37×23 RGBA picture with a varying alpha. */
function picture(): RgbaImage {
  const width = 37;
  const height = 23;
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) rgba.set([(i * 7) & 255, (i * 13) & 255, (i * 29) & 255, 255 - (i & 127)], i * 4);
  return { width, height, rgba };
}

function pngBytes(img: RgbaImage): Uint8Array {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.rgba);
  return new Uint8Array(PNG.sync.write(png));
}

const file = (name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, name)));
const meanAbsDiff = (a: Uint8Array, b: Uint8Array): number => a.reduce((s, v, i) => s + Math.abs(v - (b[i] as number)), 0) / a.length;

describe('png and jpeg written by pngjs and jpeg-js', () => {
  it('png: the exact RGBA back, as a plain Uint8Array', () => {
    const img = picture();
    const out = value(decodeImage(pngBytes(img)));
    expect([out.width, out.height]).toEqual([37, 23]);
    expect(out.rgba).toBeInstanceOf(Uint8Array);
    expect(Buffer.from(out.rgba).equals(Buffer.from(img.rgba))).toBe(true);
  });

  it('jpeg: the size from the frame header, pixels close to the original, alpha 255', () => {
    const img = picture();
    const bytes = new Uint8Array(encodeJpeg({ width: img.width, height: img.height, data: img.rgba }, 95).data);
    expect(jpegSize(bytes)).toEqual({ width: 37, height: 23 });
    const out = value(decodeImage(bytes));
    expect([out.width, out.height, out.rgba.length]).toEqual([37, 23, 37 * 23 * 4]);
    expect(out.rgba.filter((_, i) => i % 4 === 3).every((a) => a === 255)).toBe(true);
    const rgb = (a: Uint8Array): Uint8Array => a.filter((_, i) => i % 4 !== 3);
    expect(meanAbsDiff(rgb(out.rgba), rgb(img.rgba))).toBeLessThan(12); // noisy picture, lossy codec
  });
});

describe('refusals', () => {
  it('corrupt and truncated files say so', () => {
    const png = pngBytes(picture());
    expect(failure(decodeImage(png.subarray(0, png.length / 2)))).toMatch(/^The png file is corrupt or truncated: /);
    const flipped = png.slice();
    flipped[60] = (flipped[60] as number) ^ 0xff; // inside IDAT: the CRC no longer matches
    expect(failure(decodeImage(flipped))).toMatch(/^The png file is corrupt or truncated: /);
    expect(failure(decodeImage(png.subarray(0, 20)))).toBe('The png file is truncated: it ends inside its header.');
    const junk = new Uint8Array(200).fill(0x55);
    junk.set([0xff, 0xd8, 0xff, 0xe0]);
    expect(failure(decodeImage(junk))).toMatch(/^The jpeg file is corrupt or truncated/);
    const img = picture();
    const jpeg = new Uint8Array(encodeJpeg({ width: img.width, height: img.height, data: img.rgba }, 90).data);
    expect(failure(decodeImage(jpeg.subarray(0, 100)))).toBe('The jpeg file is corrupt or truncated: it has no frame header (SOF).');
    expect(failure(decodeImage(jpeg.subarray(0, Math.floor(jpeg.length * 0.8))))).toBe('The jpeg file is corrupt or truncated: marker was not found.');
  });

  it('not an image, or empty', () => {
    expect(failure(decodeImage(new TextEncoder().encode('hello world')))).toBe(
      'This is not a png or jpeg image (it starts with 68 65 6c 6c 6f 20 77 6f): convert it to png or jpeg.',
    );
    expect(failure(decodeImage(new Uint8Array(0)))).toMatch(/nothing: the file is empty/);
  });

  it('images over 50 M pixels, before decoding them', () => {
    const png = pngBytes(picture()).slice();
    new DataView(png.buffer).setUint32(16, 10_000);
    new DataView(png.buffer).setUint32(20, 6_000);
    expect(failure(decodeImage(png))).toBe('The image is 10000×6000 (60.0 M pixels); Lathe decodes images up to 50 M pixels: shrink it first.');
    const img = picture();
    const jpeg = new Uint8Array(encodeJpeg({ width: img.width, height: img.height, data: img.rgba }, 90).data);
    const sof = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xc0);
    jpeg.set([0x1f, 0x40, 0x27, 0x10], sof + 5); // height 8000, width 10000
    expect(failure(decodeImage(jpeg))).toMatch(/^The image is 10000×8000 \(80\.0 M pixels\)/);
  });
});

describe.skipIf(missing(!hasPil && `${PYTHON} with PIL is missing: other encoders' png/jpeg files and the refused formats are not checked`))('files PIL writes', () => {
  beforeAll(() => {
    const script = String.raw`
import sys, numpy as np
from PIL import Image
d = sys.argv[1]
y, x = np.mgrid[0:23, 0:37]
rgb = np.stack([x * 6, y * 11, (x + y) * 4], axis=-1).astype(np.uint8)
img = Image.fromarray(rgb, "RGB")
img.save(d + "/rgb.png")
img.convert("L").save(d + "/grey.png")
img.convert("P", palette=Image.ADAPTIVE, colors=16).save(d + "/palette.png")
Image.fromarray((x * 1771).astype(np.uint16)).save(d + "/grey16.png")
img.save(d + "/baseline.jpg", quality=90)
img.save(d + "/progressive.jpg", quality=90, progressive=True)
img.convert("L").save(d + "/grey.jpg", quality=90)
for name in ["rgb.png", "grey.png", "palette.png", "baseline.jpg", "progressive.jpg", "grey.jpg"]:
    np.save(d + "/" + name + ".npy", np.asarray(Image.open(d + "/" + name).convert("RGBA")))
np.save(d + "/grey16.npy", x * 1771)
img.save(d + "/a.gif"); img.save(d + "/a.webp"); img.save(d + "/a.bmp"); img.save(d + "/a.tiff")
`;
    execFileSync(PYTHON, ['-c', script, dir], { timeout: 60_000 });
  });

  const pilPixels = (name: string): Uint8Array => {
    const npy = file(`${name}.npy`);
    const headerLen = (npy[8] as number) + 256 * (npy[9] as number);
    return npy.subarray(10 + headerLen);
  };

  it('png variants decode to exactly the RGBA PIL gives', () => {
    for (const name of ['rgb.png', 'grey.png', 'palette.png']) {
      const out = value(decodeImage(file(name)));
      expect([out.width, out.height], name).toEqual([37, 23]);
      expect(Buffer.from(out.rgba).equals(Buffer.from(pilPixels(name))), name).toBe(true);
    }
  });

  it('a 16-bit grey png is rescaled to 8 bits', () => {
    const out = value(decodeImage(file('grey16.png')));
    for (const x of [0, 10, 36]) {
      expect(out.rgba[x * 4]).toBe(Math.round(((x * 1771) / 65535) * 255));
      expect(out.rgba[x * 4 + 3]).toBe(255);
    }
  });

  it('baseline, progressive and grey-scale jpegs decode close to PIL (libjpeg)', () => {
    for (const name of ['baseline.jpg', 'progressive.jpg', 'grey.jpg']) {
      const out = value(decodeImage(file(name)));
      expect([out.width, out.height], name).toEqual([37, 23]);
      const diff = meanAbsDiff(out.rgba, pilPixels(name));
      expect(diff, `${name}: mean abs diff ${diff}`).toBeLessThan(2);
    }
  });

  it('gif, webp, bmp and tiff are refused by name', () => {
    for (const [name, format] of [['a.gif', 'gif'], ['a.webp', 'webp'], ['a.bmp', 'bmp'], ['a.tiff', 'tiff']] as const) {
      expect(sniffImageFormat(file(name))).toBe(format);
      expect(failure(decodeImage(file(name)))).toBe(`${format} is not supported: convert it to png or jpeg.`);
    }
  });
});
