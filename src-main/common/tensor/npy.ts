/**
 * numpy's `.npy` format (https://numpy.org/doc/stable/reference/generated/numpy.lib.format.html):
 * reading versions 1.0/2.0/3.0 of the numeric dtypes (and unicode strings), and writing exactly the bytes
 * `numpy.save` writes (v1.0, header padded to 64 bytes with numpy's spare growth room).
 *
 * Fortran-ordered files are transposed to C (row-major) order; big-endian data is swapped. Object and
 * structured dtypes are refused. Assumes a little-endian host (x64, arm64), as onnxruntime does.
 * Pure: no node:*, no electron.
 */
import { err, ok, type Result } from '../result';
import { elementCount, type NumericDType, numericInfo } from './dtypes';
import type { Tensor, TensorData } from './tensor-types';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
const ALIGN = 64;
/** numpy leaves room for the growing axis to reach 21 digits (numpy ≥ 1.23's `GROWTH_AXIS_MAX_DIGITS`). */
const GROWTH_AXIS_MAX_DIGITS = 21;

/** numpy type code (without byte order) → Lathe dtype. */
const CODE_TO_DTYPE: Readonly<Record<string, NumericDType>> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  u1: 'uint8',
  i2: 'int16',
  u2: 'uint16',
  i4: 'int32',
  u4: 'uint32',
  i8: 'int64',
  u8: 'uint64',
  b1: 'bool',
};

const DTYPE_TO_DESCR: Readonly<Record<NumericDType, string>> = {
  float16: '<f2',
  float32: '<f4',
  float64: '<f8',
  int8: '|i1',
  uint8: '|u1',
  int16: '<i2',
  uint16: '<u2',
  int32: '<i4',
  uint32: '<u4',
  int64: '<i8',
  uint64: '<u8',
  bool: '|b1',
};

/** What numpy would name some dtypes Lathe refuses, so the message says what the file holds. */
const REFUSED_CODES: Readonly<Record<string, string>> = {
  O: 'Python objects',
  c8: 'complex64',
  c16: 'complex128',
  f16: 'float128',
  S: 'byte strings',
  V: 'raw bytes (void)',
  M8: 'datetime64',
  m8: 'timedelta64',
};

/** The most values of a zero-byte dtype ('<U0') read: nothing in the file bounds them. */
const MAX_EMPTY_VALUES = 1 << 20;

const bad = (message: string): Result<never> => err('INPUT_INVALID', message);

// ---------------------------------------------------------------------------------------------------
// Reading

export function parseNpy(bytes: Uint8Array): Result<Tensor> {
  const header = readHeader(bytes);
  if (!header.ok) return header;
  const { descr, fortran, shape, dataOffset } = header.value;

  const type = resolveDescr(descr);
  if (!type.ok) return type;
  const { dtype, bigEndian, itemSize, stringChars } = type.value;

  const count = elementCount(shape);
  // Zero-width strings ('<U0') take no bytes, so the file does not bound their count (numpy itself writes '<U1').
  if (itemSize === 0 && count > MAX_EMPTY_VALUES) return bad(`The .npy file holds ${count} zero-width strings ('${descr as string}'), more than Lathe reads (${MAX_EMPTY_VALUES}): the file is corrupt.`);
  const available = bytes.length - dataOffset;
  if (available < count * itemSize) {
    const held = Math.floor(Math.max(0, available) / itemSize);
    return bad(`The .npy file is truncated: the header says ${count} values but the file holds ${held}.`);
  }
  const raw = new Uint8Array(count * itemSize); // a copy, aligned for typed arrays (a Buffer's slice is a view)
  raw.set(bytes.subarray(dataOffset, dataOffset + count * itemSize));
  if (bigEndian && itemSize > 1) swapBytes(raw, stringChars === null ? itemSize : 4);

  let data: TensorData;
  if (stringChars === null) data = numericView(dtype as NumericDType, raw, count);
  else {
    const strings = decodeUnicode(raw, count, stringChars);
    if (strings === null) return bad(`The .npy file's strings hold a value that is not a Unicode code point (above U+10FFFF): the file is corrupt.`);
    data = strings;
  }
  if (fortran && shape.length > 1) data = fortranToC(data, shape);
  return ok({ dtype, shape, data });
}

interface NpyHeader {
  readonly descr: PyValue;
  readonly fortran: boolean;
  readonly shape: number[];
  readonly dataOffset: number;
}

function readHeader(bytes: Uint8Array): Result<NpyHeader> {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) return bad('Not a .npy file: it does not start with numpy\'s "\\x93NUMPY" signature.');
  const major = bytes[6] as number;
  const minor = bytes[7] as number;
  if (major < 1 || major > 3) return bad(`The .npy file has format version ${major}.${minor}; Lathe reads versions 1.0, 2.0 and 3.0.`);
  const lenBytes = major === 1 ? 2 : 4;
  if (bytes.length < 8 + lenBytes) return bad('The .npy file is truncated inside its header.');
  let headerLen = 0;
  for (let i = lenBytes - 1; i >= 0; i--) headerLen = headerLen * 256 + (bytes[8 + i] as number);
  const start = 8 + lenBytes;
  if (bytes.length < start + headerLen) return bad(`The .npy file is truncated: its header should be ${headerLen} bytes but the file ends before.`);
  const headerBytes = bytes.subarray(start, start + headerLen);
  // v1/v2 headers are latin-1, v3 is UTF-8.
  const text = major === 3 ? new TextDecoder('utf-8').decode(headerBytes) : latin1(headerBytes);

  let dict: PyValue;
  try {
    dict = parsePyLiteral(text);
  } catch (e) {
    return bad(`The .npy header is not a Python dict literal (${(e as Error).message}): ${text.trim().slice(0, 200)}`);
  }
  if (!(dict instanceof Map)) return bad(`The .npy header is not a dict: ${text.trim().slice(0, 200)}`);
  const descr = dict.get('descr');
  const fortran = dict.get('fortran_order');
  const shape = dict.get('shape');
  if (descr === undefined || typeof fortran !== 'boolean' || !Array.isArray(shape)) {
    return bad(`The .npy header lacks 'descr', 'fortran_order' or 'shape': ${text.trim().slice(0, 200)}`);
  }
  if (!shape.every((d): d is number => typeof d === 'number' && Number.isSafeInteger(d) && d >= 0)) {
    return bad(`The .npy shape ${pyRepr(shape)} is not a tuple of sizes.`);
  }
  return ok({ descr, fortran, shape, dataOffset: start + headerLen });
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

interface ResolvedType {
  readonly dtype: NumericDType | 'string';
  readonly bigEndian: boolean;
  readonly itemSize: number;
  /** For '<U n': n code points per element; null for numeric types. */
  readonly stringChars: number | null;
}

function resolveDescr(descr: PyValue): Result<ResolvedType> {
  if (typeof descr !== 'string') return bad(`The .npy file holds a structured dtype ${pyRepr(descr)}: Lathe reads plain numeric arrays only (save each field as its own array).`);
  const m = /^([<>|=]?)([a-zA-Z])(\d*)$/.exec(descr);
  if (!m) return bad(`The .npy file holds dtype '${descr}', which Lathe cannot read.`);
  const [, order = '', letter = '', size = ''] = m;
  const bigEndian = order === '>';
  if (letter === 'U') {
    const chars = Number(size || '0');
    return ok({ dtype: 'string', bigEndian, itemSize: 4 * chars, stringChars: chars });
  }
  const code = letter + size;
  const dtype = CODE_TO_DTYPE[code];
  if (!dtype) {
    const known = REFUSED_CODES[code] ?? REFUSED_CODES[letter];
    const what = known ? ` (${known})` : '';
    return bad(`The .npy file holds dtype '${descr}'${what}, which Lathe cannot read: save a numeric array (float, int, uint or bool).`);
  }
  return ok({ dtype, bigEndian, itemSize: numericInfo(dtype).bytes, stringChars: null });
}

function swapBytes(raw: Uint8Array, size: number): void {
  for (let i = 0; i + size <= raw.length; i += size) {
    for (let a = i, b = i + size - 1; a < b; a++, b--) {
      const t = raw[a] as number;
      raw[a] = raw[b] as number;
      raw[b] = t;
    }
  }
}

function numericView(dtype: NumericDType, raw: Uint8Array, count: number): TensorData {
  if (dtype === 'bool') {
    for (let i = 0; i < raw.length; i++) raw[i] = raw[i] ? 1 : 0;
    return raw;
  }
  return new (numericInfo(dtype).ctor)(raw.buffer as ArrayBuffer, raw.byteOffset, count);
}

/** null when a value is not a code point (above U+10FFFF: a corrupt file). */
function decodeUnicode(raw: Uint8Array, count: number, chars: number): string[] | null {
  const codes = new Uint32Array(raw.buffer, raw.byteOffset, count * chars);
  const out: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    let end = (i + 1) * chars;
    while (end > i * chars && codes[end - 1] === 0) end--; // numpy strips trailing NULs
    let s = '';
    for (let j = i * chars; j < end; j++) {
      const cp = codes[j] as number;
      if (cp > 0x10ffff) return null;
      s += String.fromCodePoint(cp);
    }
    out[i] = s;
  }
  return out;
}

/** Column-major data → row-major: C index (i0..in-1) reads Fortran offset Σ i_k · Π_{j<k} shape_j. */
function fortranToC(data: TensorData, shape: readonly number[]): TensorData {
  const n = shape.length;
  const count = elementCount(shape);
  const fStride: number[] = [];
  let s = 1;
  for (let k = 0; k < n; k++) {
    fStride.push(s);
    s *= shape[k] as number;
  }
  const src = data as ArrayLike<unknown>;
  const out: { [i: number]: unknown; length: number } = Array.isArray(data) ? new Array<unknown>(count) : new (data.constructor as new (n: number) => Uint8Array)(count);
  const idx = new Array<number>(n).fill(0);
  let off = 0;
  for (let i = 0; i < count; i++) {
    out[i] = src[off];
    // Advance the C-order odometer (last axis fastest), keeping the Fortran offset in step.
    for (let k = n - 1; k >= 0; k--) {
      idx[k] = (idx[k] as number) + 1;
      off += fStride[k] as number;
      if ((idx[k] as number) < (shape[k] as number)) break;
      off -= (shape[k] as number) * (fStride[k] as number);
      idx[k] = 0;
    }
  }
  return out as unknown as TensorData;
}

// ---------------------------------------------------------------------------------------------------
// Writing

/** The .npy descr Lathe writes for a dtype, or null when numpy has no such type (bfloat16, int4, …). */
export function npyDescr(t: Pick<Tensor, 'dtype' | 'data'>): string | null {
  if (t.dtype === 'string') {
    let chars = 1; // numpy's minimum, even for an empty array
    for (const s of t.data as readonly string[]) chars = Math.max(chars, codePointLength(s));
    return `<U${chars}`;
  }
  return (DTYPE_TO_DESCR as Readonly<Record<string, string>>)[t.dtype] ?? null;
}

/** The bytes `numpy.save` writes for the same array (C order, little-endian, format 1.0). Throws for a dtype numpy lacks (check `npyDescr`). */
export function writeNpy(t: Tensor): Uint8Array {
  const descr = npyDescr(t);
  if (descr === null) throw new Error(`writeNpy: numpy has no dtype for ${t.dtype}`);
  const header = encodeHeader(descr, t.shape);
  const data = t.dtype === 'string' ? encodeUnicode(t.data as readonly string[], Number(descr.slice(2))) : dataBytes(t);
  const out = new Uint8Array(header.length + data.length);
  out.set(header, 0);
  out.set(data, header.length);
  return out;
}

function encodeHeader(descr: string, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${pyRepr(shape.slice())}, }`;
  if (shape.length > 0) dict += ' '.repeat(GROWTH_AXIS_MAX_DIGITS - String(shape[0]).length);
  const text = new TextEncoder().encode(dict); // ASCII: descr and digits only
  const version = text.length + 1 + 12 > 0xffff ? 2 : 1; // numpy moves to 2.0 only for huge headers
  const prefixLen = 8 + (version === 1 ? 2 : 4);
  const hlen = text.length + 1;
  const padlen = ALIGN - ((prefixLen + hlen) % ALIGN); // 64 when already aligned, as numpy does
  const total = hlen + padlen;
  const out = new Uint8Array(prefixLen + total);
  out.set(MAGIC, 0);
  out[6] = version;
  out[7] = 0;
  for (let i = 0; i < prefixLen - 8; i++) out[8 + i] = Math.floor(total / 256 ** i) % 256;
  out.set(text, prefixLen);
  out.fill(0x20, prefixLen + text.length, out.length - 1);
  out[out.length - 1] = 0x0a;
  return out;
}

function dataBytes(t: Tensor): Uint8Array {
  if (Array.isArray(t.data)) return Uint8Array.from(t.data as readonly boolean[], (b) => (b ? 1 : 0));
  const view = t.data as Exclude<TensorData, readonly string[] | readonly boolean[]>;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return t.dtype === 'bool' ? bytes.map((b) => (b ? 1 : 0)) : bytes;
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function encodeUnicode(values: readonly string[], chars: number): Uint8Array {
  const codes = new Uint32Array(values.length * chars);
  values.forEach((s, i) => {
    let j = i * chars;
    for (const ch of s) codes[j++] = ch.codePointAt(0) as number;
  });
  return new Uint8Array(codes.buffer);
}

// ---------------------------------------------------------------------------------------------------
// The header's Python literal: dicts, tuples, lists, strings, ints, True/False/None.

type PyValue = string | number | boolean | null | PyValue[] | Map<string, PyValue>;

function parsePyLiteral(text: string): PyValue {
  let i = 0;
  const skip = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) i++;
  };
  const fail = (what: string): never => {
    throw new Error(`${what} at character ${i}`);
  };
  const value = (): PyValue => {
    skip();
    const c = text[i];
    if (c === '{') return dict();
    if (c === '(' || c === '[') return sequence(c === '(' ? ')' : ']');
    if (c === "'" || c === '"') return str();
    const word = /^(?:True|False|None|-?\d+L?)/.exec(text.slice(i, i + 32))?.[0];
    if (!word) return fail('unexpected text');
    i += word.length;
    if (word === 'True') return true;
    if (word === 'False') return false;
    if (word === 'None') return null;
    return Number(word.replace('L', '')); // Python 2 wrote longs as 3L
  };
  const items = <T>(close: string, item: () => T): T[] => {
    i++;
    const out: T[] = [];
    for (;;) {
      skip();
      if (text[i] === close) break;
      out.push(item());
      skip();
      if (text[i] === ',') i++;
      else if (text[i] !== close) fail(`expected ',' or '${close}'`);
    }
    i++;
    return out;
  };
  const sequence = (close: string): PyValue[] => items(close, value);
  const dict = (): Map<string, PyValue> =>
    new Map(
      items('}', () => {
        const key = value();
        if (typeof key !== 'string') fail('a non-string key');
        skip();
        if (text[i] !== ':') fail("expected ':'");
        i++;
        return [key as string, value()] as const;
      }),
    );
  const str = (): string => {
    const quote = text[i++];
    let s = '';
    while (i < text.length && text[i] !== quote) {
      if (text[i] === '\\') {
        const e = text[i + 1] ?? '';
        s += e === 'n' ? '\n' : e === 't' ? '\t' : e;
        i += 2;
      } else s += text[i++];
    }
    if (i >= text.length) fail('unterminated string');
    i++;
    return s;
  };
  const v = value();
  skip();
  if (i < text.length) fail('text after the literal');
  return v;
}

/** Python's repr of the header values Lathe writes or quotes: ints, strings, tuples (arrays). */
function pyRepr(v: PyValue): string {
  if (Array.isArray(v)) return v.length === 1 ? `(${pyRepr(v[0] as PyValue)},)` : `(${v.map(pyRepr).join(', ')})`;
  if (typeof v === 'string') return `'${v}'`;
  if (v instanceof Map) return `{${[...v].map(([k, x]) => `'${k}': ${pyRepr(x)}`).join(', ')}}`;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return v === null ? 'None' : String(v);
}
