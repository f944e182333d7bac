/**
 * png/jpeg bytes → RGBA pixels for the input builder, in the onnx runner (pure JS decoders: pngjs and
 * jpeg-js, no native code). The format is sniffed from the magic bytes, not the file name; other formats,
 * corrupt files and images over 50 M pixels get an error a person can act on.
 */
import { decode as decodeJpeg } from 'jpeg-js';
import { PNG } from 'pngjs';
import { err, ok, type Result } from '../common/result';
import type { RgbaImage } from '../common/tensor/image';

export const MAX_IMAGE_PIXELS = 50_000_000;
/** jpeg-js's own allocation cap: a 50 M pixel RGBA image plus its component planes fits. */
const JPEG_MAX_MEMORY_MB = 1024;

type Format = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'avif' | 'heic' | 'unknown';

const startsWith = (bytes: Uint8Array, sig: readonly number[], at = 0): boolean => sig.every((b, i) => bytes[at + i] === b);
const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

export function sniffImageFormat(bytes: Uint8Array): Format {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(bytes, ascii('GIF87a')) || startsWith(bytes, ascii('GIF89a'))) return 'gif';
  if (startsWith(bytes, ascii('RIFF')) && startsWith(bytes, ascii('WEBP'), 8)) return 'webp';
  if (startsWith(bytes, ascii('BM'))) return 'bmp';
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return 'tiff';
  if (startsWith(bytes, ascii('ftyp'), 4)) {
    const brand = String.fromCharCode(...bytes.subarray(8, 12));
    if (brand === 'avif' || brand === 'avis') return 'avif';
    if (brand.startsWith('hei') || brand.startsWith('hev') || brand === 'mif1') return 'heic';
  }
  return 'unknown';
}

export function decodeImage(bytes: Uint8Array): Result<RgbaImage> {
  const format = sniffImageFormat(bytes);
  if (format === 'png') return decodePng(bytes);
  if (format === 'jpeg') return decodeJpegImage(bytes);
  if (format === 'unknown') {
    const head = [...bytes.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
    return err('INPUT_INVALID', `This is not a png or jpeg image (it starts with ${head || 'nothing: the file is empty'}): convert it to png or jpeg.`);
  }
  return err('INPUT_INVALID', `${format} is not supported: convert it to png or jpeg.`);
}

function tooBig(width: number, height: number): Result<never> | null {
  if (width * height <= MAX_IMAGE_PIXELS) return null;
  const mp = ((width * height) / 1e6).toFixed(1);
  return err('INPUT_INVALID', `The image is ${width}×${height} (${mp} M pixels); Lathe decodes images up to ${MAX_IMAGE_PIXELS / 1e6} M pixels: shrink it first.`);
}

function decodePng(bytes: Uint8Array): Result<RgbaImage> {
  // The size is in the IHDR chunk, right after the signature: check it before inflating anything.
  if (bytes.length < 24) return err('INPUT_INVALID', 'The png file is truncated: it ends inside its header.');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const big = tooBig(view.getUint32(16), view.getUint32(20));
  if (big) return big;
  try {
    const png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
    // pngjs gives 8-bit RGBA for every colour type and depth (16-bit rescaled, palettes expanded).
    return ok({ width: png.width, height: png.height, rgba: new Uint8Array(png.data.buffer, png.data.byteOffset, png.data.byteLength) });
  } catch (e) {
    return err('INPUT_INVALID', `The png file is corrupt or truncated: ${(e as Error).message}.`);
  }
}

/** Width and height from the first start-of-frame marker, or null when there is none. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | null {
  let i = 2;
  while (i + 9 < bytes.length) {
    if (bytes[i] !== 0xff) return null;
    const marker = bytes[i + 1] as number;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    const standalone = marker === 0x01 || (marker >= 0xd0 && marker <= 0xd9);
    if (standalone) {
      i += 2;
      continue;
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) return { height: ((bytes[i + 5] as number) << 8) | (bytes[i + 6] as number), width: ((bytes[i + 7] as number) << 8) | (bytes[i + 8] as number) };
    i += 2 + (((bytes[i + 2] as number) << 8) | (bytes[i + 3] as number));
  }
  return null;
}

function decodeJpegImage(bytes: Uint8Array): Result<RgbaImage> {
  const size = jpegSize(bytes);
  if (!size) return err('INPUT_INVALID', 'The jpeg file is corrupt or truncated: it has no frame header (SOF).');
  const big = tooBig(size.width, size.height);
  if (big) return big;
  try {
    const img = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: true,
      tolerantDecoding: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: JPEG_MAX_MEMORY_MB,
    });
    return ok({ width: img.width, height: img.height, rgba: img.data });
  } catch (e) {
    return err('INPUT_INVALID', `The jpeg file is corrupt or truncated: ${(e as Error).message}.`);
  }
}
