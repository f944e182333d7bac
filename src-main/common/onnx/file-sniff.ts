/**
 * "What is this file, if not an ONNX model?": the usual wrong files people open as a model (a PyTorch
 * checkpoint, an image, a Git LFS pointer, an HTML error page saved as .onnx), told by their first bytes,
 * so the error names the real problem instead of a protobuf decoding detail.
 * Pure: no node:*, no electron.
 */

/** A sentence naming what the file is and what to do, or null when it may well be an ONNX model. */
export function notOnnxReason(bytes: Uint8Array): string | null {
  for (const kind of KINDS) {
    if (kind.test(bytes)) return kind.reason;
  }
  const text = textStart(bytes);
  if (text !== null) return textReason(text);
  return null;
}

/** Does the file start like a ModelProto (field 1, ir_version, a small varint)? */
export function looksLikeOnnxStart(bytes: Uint8Array): boolean {
  const version = bytes[1] ?? 0;
  return bytes[0] === 0x08 && version >= 1 && version <= 32;
}

const EXPORT_HINT = 'export it to ONNX first (torch.onnx.export).';

interface Kind {
  readonly test: (b: Uint8Array) => boolean;
  readonly reason: string;
}

const startsWith = (b: Uint8Array, magic: readonly number[], at = 0): boolean => magic.every((v, i) => b[at + i] === v);
const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));
const contains = (b: Uint8Array, s: string, within: number): boolean => latin1(b.subarray(0, within)).includes(s);
const latin1 = (b: Uint8Array): string => String.fromCharCode(...b);

const KINDS: readonly Kind[] = [
  {
    // torch.save (since 1.6) writes a zip whose entries are <name>/data.pkl, <name>/data/0, …
    test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]) && (contains(b, 'data.pkl', 256) || contains(b, '/version', 256)),
    reason: `This is a PyTorch checkpoint (a torch.save zip archive), not an ONNX model: ${EXPORT_HINT}`,
  },
  { test: (b) => startsWith(b, [0x50, 0x4b, 0x03, 0x04]), reason: 'This is a ZIP archive, not an ONNX model: unzip it and open the .onnx file inside.' },
  {
    test: (b) => b[0] === 0x80 && (b[1] ?? 0) >= 2 && (b[1] ?? 0) <= 5,
    reason: `This is a Python pickle (an older PyTorch checkpoint or a pickled object), not an ONNX model: ${EXPORT_HINT}`,
  },
  { test: (b) => startsWith(b, [0x89, ...ascii('PNG')]), reason: 'This is a PNG image, not an ONNX model.' },
  { test: (b) => startsWith(b, [0xff, 0xd8, 0xff]), reason: 'This is a JPEG image, not an ONNX model.' },
  { test: (b) => startsWith(b, ascii('GIF8')), reason: 'This is a GIF image, not an ONNX model.' },
  { test: (b) => startsWith(b, [0x1f, 0x8b]), reason: 'This file is gzip-compressed, not an ONNX model: decompress it first.' },
  { test: (b) => startsWith(b, [0x89, ...ascii('HDF')]), reason: 'This is an HDF5 file (e.g. a Keras .h5 model), not an ONNX model: convert it with tf2onnx.' },
  { test: (b) => startsWith(b, [0x93, ...ascii('NUMPY')]), reason: 'This is a NumPy .npy array, not an ONNX model.' },
  { test: (b) => startsWith(b, ascii('ORTM'), 4), reason: 'This is an ONNX Runtime .ort model (flatbuffer format), not an .onnx file: open the .onnx it was converted from.' },
  { test: (b) => startsWith(b, ascii('TFL3'), 4), reason: 'This is a TensorFlow Lite model, not an ONNX model: convert it with tf2onnx.' },
  {
    // safetensors: an 8-byte little-endian header length, then the JSON header.
    test: (b) => b.length > 9 && b[8] === 0x7b && b[9] === 0x22 && b[6] === 0 && b[7] === 0,
    reason: 'This is a safetensors weights file (weights only, no graph), not an ONNX model.',
  },
  { test: (b) => startsWith(b, ascii('%PDF')), reason: 'This is a PDF document, not an ONNX model.' },
];

/** The file's first characters when it reads as text (no control bytes but tab/newline/CR), else null. */
function textStart(bytes: Uint8Array): string | null {
  const head = bytes.subarray(0, 512);
  if (head.length === 0) return null;
  for (const b of head) {
    if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d) return null;
    if (b === 0x7f) return null;
  }
  const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
  // A UTF-8 sequence cut at byte 512 decodes as U+FFFD; more than a few mean binary.
  if ((text.match(/\uFFFD/g)?.length ?? 0) > 2) return null;
  return text;
}

function textReason(text: string): string {
  const start = text.trimStart();
  if (start.startsWith('version https://git-lfs.github.com/spec')) {
    return 'This is a Git LFS pointer, not the model itself: run `git lfs pull` to fetch the real file.';
  }
  if (/^<(!doctype html|html|\?xml)/i.test(start)) {
    return 'This is an HTML/XML page, not an ONNX model: the download probably failed; download the model again.';
  }
  if (/^[{[]/.test(start)) return 'This is a JSON text file, not an ONNX model.';
  const preview = start.slice(0, 40).replace(/\s+/g, ' ');
  return `This is a text file (it starts with "${preview}${start.length > 40 ? '…' : ''}"), not an ONNX model.`;
}
