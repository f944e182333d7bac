/**
 * A model input built from what the person chose in the input builder (`InputSpec`): seeded random,
 * zeros, ones, a JSON array, a .npy file or an image. The spec is checked against the model's input
 * (dtype, rank, fixed dims, symbolic dims ≥ 1, a size limit) before anything is built, and every error
 * names the input, what the model wants and what it got.
 * Pure: files come in through `InputFiles` (the onnx runner reads them). No node:*, no electron.
 */
import type { DType, Dim } from '../onnx/model-types';
import { err, ok, type Result } from '../result';
import { allocate, elementCount, formatDims, isNumeric, type NumericDType, numericInfo } from './dtypes';
import { floatToHalfBits, halfTable } from './float16';
import { checkPreprocess, preprocessImage, type RgbaImage } from './image';
import { parseNpy } from './npy';
import { normal, uniform } from './random';
import type { InputSource, InputSpec, Tensor, TensorData } from './tensor-types';

export interface InputFiles {
  /** The file's bytes, or null when it cannot be read. */
  read(path: string): Uint8Array | null;
  /** The decoded image, or why not. */
  image(path: string): Result<RgbaImage>;
}

/** What the model says about the input; `shape` null when the model does not give its rank. */
export interface ExpectedInput {
  readonly dtype: DType;
  readonly shape: readonly Dim[] | null;
}

/** 512 Mi elements: 2 GiB of float32, beyond what a sane input (or onnxruntime's buffers) holds. */
export const MAX_INPUT_ELEMENTS = 512 * 2 ** 20;

type NumericData = Exclude<TensorData, readonly string[] | readonly boolean[]>;

export function buildInput(spec: InputSpec, files: InputFiles, expected: ExpectedInput | null): Result<Tensor> {
  const problem = checkSpec(spec, expected);
  if (problem) return err('INPUT_INVALID', problem);
  const built = buildFromSource(spec, spec.source, files);
  if (!built.ok) return err(built.code, `input '${spec.name}': ${built.message}`);
  return built;
}

// ---------------------------------------------------------------------------------------------------
// Checks before building

/** Why the spec does not fit the model (a sentence naming the input), or null. */
export function checkSpec(spec: InputSpec, expected: ExpectedInput | null): string | null {
  const dims = formatDims(spec.dims);
  const wants = expected ? `input '${spec.name}' wants ${expected.dtype}${expected.shape ? ` ${formatDims(expected.shape)}` : ''}` : '';
  const wantsGot = expected ? `${wants}; got ${dims}` : `input '${spec.name}' is set to ${dims}`;
  if (expected && spec.dtype !== expected.dtype) return `${wants}; got ${spec.dtype}: build it as ${expected.dtype}.`;
  if (!isNumeric(spec.dtype) && spec.dtype !== 'string') return `input '${spec.name}' is ${spec.dtype}: Lathe cannot build ${spec.dtype} tensors.`;
  const modelShape = expected?.shape ?? null;
  if (modelShape && modelShape.length !== spec.dims.length) {
    return `${wantsGot}: the model needs ${modelShape.length} dims, not ${spec.dims.length}.`;
  }
  for (let i = 0; i < spec.dims.length; i++) {
    const d = spec.dims[i] as number;
    const m = modelShape ? (modelShape[i] as Dim) : null;
    if (!Number.isSafeInteger(d) || d < 0) return `${wantsGot}: dim ${i} is ${d}, sizes are whole numbers.`;
    if (typeof m === 'number' && m >= 0) {
      if (d !== m) return `${wantsGot}: dim ${i} is ${d}, the model needs ${m}.`;
    } else if (d === 0) {
      return `${wantsGot}: dim ${i}${typeof m === 'string' ? ` (${m})` : ''} is 0: give it a value of 1 or more.`;
    }
  }
  const count = elementCount(spec.dims);
  if (count > MAX_INPUT_ELEMENTS) {
    return `input '${spec.name}' ${dims} would hold ${count.toLocaleString('en-US')} values; Lathe builds inputs of at most ${MAX_INPUT_ELEMENTS.toLocaleString('en-US')}.`;
  }
  if (spec.dtype === 'string' && spec.source.kind !== 'json') return `input '${spec.name}' holds strings: give them as a JSON array.`;
  return null;
}

// ---------------------------------------------------------------------------------------------------
// Sources

function buildFromSource(spec: InputSpec, source: InputSource, files: InputFiles): Result<Tensor> {
  const { dtype, dims } = spec;
  const count = elementCount(dims);
  switch (source.kind) {
    case 'zeros':
      return ok({ dtype, shape: dims, data: allocate(dtype as NumericDType, count) });
    case 'ones':
      return ok({ dtype, shape: dims, data: filled(dtype as NumericDType, count, () => 1) });
    case 'random':
      return buildRandom(spec, source);
    case 'json':
      return buildFromJson(spec, source.text);
    case 'npy':
      return buildFromNpy(spec, source.path, files);
    case 'image':
      return buildFromImage(spec, source, files);
  }
}

function buildRandom(spec: InputSpec, s: Extract<InputSource, { kind: 'random' }>): Result<Tensor> {
  if (!Number.isFinite(s.seed)) return err('INPUT_INVALID', `the seed must be a number (got ${s.seed}).`);
  let next: () => number;
  if (s.distribution === 'uniform') {
    const low = s.low ?? 0;
    const high = s.high ?? 1;
    if (!Number.isFinite(low) || !Number.isFinite(high) || high < low) return err('INPUT_INVALID', `the uniform range [${low}, ${high}) is not a range: low must be at most high.`);
    next = uniform(s.seed, low, high);
  } else {
    const mean = s.mean ?? 0;
    const std = s.std ?? 1;
    if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) return err('INPUT_INVALID', `normal(mean ${mean}, std ${std}) needs a finite mean and a std ≥ 0.`);
    next = normal(s.seed, mean, std);
  }
  return ok({ dtype: spec.dtype, shape: spec.dims, data: filled(spec.dtype as NumericDType, elementCount(spec.dims), next) });
}

/**
 * `count` values from `next` stored as `dtype`: floats as they come (float16 through float32), integers
 * rounded and clamped to the type's range, bool = value > 0.5.
 */
export function filled(dtype: NumericDType, count: number, next: () => number): NumericData {
  const out = allocate(dtype, count);
  const info = numericInfo(dtype);
  if (dtype === 'float16') {
    const o = out as Uint16Array;
    for (let i = 0; i < count; i++) o[i] = floatToHalfBits(next());
  } else if (info.kind === 'float') {
    const o = out as Float32Array | Float64Array;
    for (let i = 0; i < count; i++) o[i] = next();
  } else if (dtype === 'bool') {
    const o = out as Uint8Array;
    for (let i = 0; i < count; i++) o[i] = next() > 0.5 ? 1 : 0;
  } else if (dtype === 'int64' || dtype === 'uint64') {
    const o = out as BigInt64Array | BigUint64Array;
    const max = dtype === 'int64' ? 2n ** 63n - 1n : 2n ** 64n - 1n;
    for (let i = 0; i < count; i++) {
      const v = BigInt(Math.round(Math.min(Math.max(next(), info.min), info.max)));
      o[i] = v > max ? max : v;
    }
  } else {
    const o = out as Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array;
    for (let i = 0; i < count; i++) o[i] = Math.min(Math.max(Math.round(next()), info.min), info.max);
  }
  return out;
}

// JSON ---------------------------------------------------------------------------------------------------

type JsonScalar = number | boolean | string;

function buildFromJson(spec: InputSpec, text: string): Result<Tensor> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    return err('INPUT_INVALID', `the JSON is not valid: ${(e as Error).message}.`);
  }
  const flat = flattenJson(parsed, spec.dims);
  if (!flat.ok) return flat;
  const data = jsonToData(spec.dtype, flat.value);
  if (!data.ok) return data;
  return ok({ dtype: spec.dtype, shape: spec.dims, data: data.value });
}

/**
 * The values in row-major order: either nested exactly as `dims`, or a flat array of the right length.
 * The first problem is named by its position, e.g. `at [1][2]`.
 */
function flattenJson(v: unknown, dims: readonly number[]): Result<{ values: unknown[]; positions: (i: number) => string }> {
  const count = elementCount(dims);
  if (dims.length !== 1 && Array.isArray(v) && !v.some(Array.isArray) && (v.length > 0 || count === 0)) {
    if (v.length !== count) return err('INPUT_INVALID', `the flat JSON array has ${v.length} values; ${formatDims(dims)} needs ${count}.`);
    return ok({ values: v, positions: (i) => `at [${i}]` });
  }
  const values: unknown[] = [];
  const walk = (x: unknown, depth: number, path: string): string | null => {
    if (depth === dims.length) {
      if (Array.isArray(x)) return `${path || 'the top'} is a list, but ${formatDims(dims)} has only ${dims.length} dims`;
      values.push(x);
      return null;
    }
    if (!Array.isArray(x)) return `${path || 'the top'} should be a list of ${dims[depth]} (dim ${depth}), got ${describe(x)}`;
    if (x.length !== dims[depth]) return `${path || 'the top'} has ${x.length} items; dim ${depth} is ${dims[depth]}`;
    for (let i = 0; i < x.length; i++) {
      const p = walk(x[i], depth + 1, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  };
  const problem = walk(v, 0, '');
  if (problem) return err('INPUT_INVALID', `the JSON does not match ${formatDims(dims)}: ${problem}.`);
  return ok({ values, positions: (i) => `at ${jsonIndex(i, dims)}` });
}

function jsonIndex(flat: number, dims: readonly number[]): string {
  const idx: number[] = [];
  for (let k = dims.length - 1; k >= 0; k--) {
    const d = dims[k] as number;
    idx.unshift(flat % d);
    flat = Math.floor(flat / d);
  }
  return idx.map((i) => `[${i}]`).join('') || 'the top';
}

function describe(x: unknown): string {
  const s = JSON.stringify(x) ?? String(x);
  return s.length > 40 ? `${s.slice(0, 40)}…` : s;
}

function jsonToData(dtype: DType, flat: { values: unknown[]; positions: (i: number) => string }): Result<TensorData> {
  const { values, positions } = flat;
  const bad = (i: number, why: string): Result<never> => err('INPUT_INVALID', `the JSON ${positions(i)}: ${why}.`);
  if (dtype === 'string') {
    const i = values.findIndex((x) => typeof x !== 'string');
    return i >= 0 ? bad(i, `${describe(values[i])} is not a string (the input holds strings)`) : ok(values as string[]);
  }
  const d = dtype as NumericDType;
  const info = numericInfo(d);
  const out = allocate(d, values.length);
  for (let i = 0; i < values.length; i++) {
    const x = values[i] as JsonScalar;
    const v = jsonScalar(d, x);
    if (typeof v === 'string') return bad(i, v);
    if (d === 'float16') (out as Uint16Array)[i] = floatToHalfBits(v as number);
    else if (info.ctor === BigInt64Array || info.ctor === BigUint64Array) (out as BigInt64Array)[i] = v as bigint;
    else (out as Float64Array)[i] = v as number;
  }
  return ok(out);
}

/** One JSON value as a `dtype` element, or why it cannot be one. Integers must be whole and in range. */
function jsonScalar(dtype: NumericDType, x: JsonScalar): number | bigint | string {
  const info = numericInfo(dtype);
  if (dtype === 'bool') {
    if (x === true || x === 1) return 1;
    if (x === false || x === 0) return 0;
    return `${describe(x)} is not a bool (true, false, 1 or 0)`;
  }
  if (typeof x === 'boolean') return x ? 1 : 0;
  if (info.kind === 'float') return typeof x === 'number' ? x : `${describe(x)} is not a number`;
  const is64 = dtype === 'int64' || dtype === 'uint64';
  // 64-bit integers may come as decimal strings, to be exact beyond 2^53.
  if (typeof x === 'string' && is64 && /^-?\d+$/.test(x)) {
    const b = BigInt(x);
    const [lo, hi] = dtype === 'int64' ? [-(2n ** 63n), 2n ** 63n - 1n] : [0n, 2n ** 64n - 1n];
    return b < lo || b > hi ? `${x} is outside ${dtype}'s range` : b;
  }
  if (typeof x !== 'number') return `${describe(x)} is not a number`;
  if (!Number.isInteger(x)) return `${x} is not a whole number (the input is ${dtype})`;
  if (x < info.min || x > info.max || (is64 && x >= info.max)) return `${x} is outside ${dtype}'s range`;
  return is64 ? BigInt(x) : x;
}

// .npy -------------------------------------------------------------------------------------------------

function buildFromNpy(spec: InputSpec, path: string, files: InputFiles): Result<Tensor> {
  const bytes = files.read(path);
  if (!bytes) return err('INPUT_INVALID', `can't read ${path}: check that the file exists.`);
  const parsed = parseNpy(bytes);
  if (!parsed.ok) return parsed;
  const t = parsed.value;
  if (t.shape.length !== spec.dims.length || t.shape.some((d, i) => d !== spec.dims[i])) {
    return err('INPUT_INVALID', `${path} holds ${t.dtype} ${formatDims(t.shape)}, but the input is set to ${formatDims(spec.dims)}.`);
  }
  const data = convertData(t, spec.dtype);
  if (!data.ok) return err(data.code, `${path}: ${data.message}`);
  return ok({ dtype: spec.dtype, shape: spec.dims, data: data.value });
}

/** Only within a family: float ↔ float (rounding), int ↔ int (values must fit); bool and string as they are. */
export function convertData(t: Tensor, to: DType): Result<TensorData> {
  if (t.dtype === to) return ok(t.data);
  const from = t.dtype;
  const refuse = err('INPUT_INVALID', `it holds ${from} and the input is ${to}; Lathe converts only float to float and int to int: save it as ${to}.`);
  if (!isNumeric(from) || !isNumeric(to)) return refuse;
  const fi = numericInfo(from);
  const ti = numericInfo(to);
  if (fi.kind !== ti.kind || fi.kind === 'bool') return refuse;
  const n = t.data.length;
  if (fi.kind === 'float') {
    const read = floatReader(t);
    return ok(filled(to, n, indexed(read)));
  }
  // Integers: exact through bigint for the 64-bit ones, each value checked against the target's range.
  const src = t.data as ArrayLike<number | bigint>;
  const [lo, hi] = intRange(to);
  for (let i = 0; i < n; i++) {
    const v = BigInt(src[i] as number | bigint);
    if (v < lo || v > hi) return err('INPUT_INVALID', `value ${i} is ${v}, outside ${to}'s range; save it as ${to}.`);
  }
  const out = allocate(to, n);
  const big = ti.ctor === BigInt64Array || ti.ctor === BigUint64Array;
  for (let i = 0; i < n; i++) (out as unknown as (number | bigint)[])[i] = big ? BigInt(src[i] as number | bigint) : Number(src[i]);
  return ok(out);
}

function intRange(dtype: NumericDType): [bigint, bigint] {
  if (dtype === 'int64') return [-(2n ** 63n), 2n ** 63n - 1n];
  if (dtype === 'uint64') return [0n, 2n ** 64n - 1n];
  const info = numericInfo(dtype);
  return [BigInt(info.min), BigInt(info.max)];
}

/** Element i of a float tensor as a number (float16 decoded). */
function floatReader(t: Tensor): (i: number) => number {
  if (t.dtype === 'float16') {
    const table = halfTable();
    const bits = t.data as Uint16Array;
    return (i) => table[bits[i] as number] as number;
  }
  const data = t.data as Float32Array | Float64Array;
  return (i) => data[i] as number;
}

function indexed(read: (i: number) => number): () => number {
  let i = 0;
  return () => read(i++);
}

// Images -----------------------------------------------------------------------------------------------

function buildFromImage(spec: InputSpec, source: Extract<InputSource, { kind: 'image' }>, files: InputFiles): Result<Tensor> {
  const p = source.preprocess;
  const problem = checkPreprocess(p);
  if (problem) return err('INPUT_INVALID', `${problem}.`);
  const wantShape = p.layout === 'NCHW' ? [1, 3, p.height, p.width] : [1, p.height, p.width, 3];
  if (wantShape.length !== spec.dims.length || wantShape.some((d, i) => d !== spec.dims[i])) {
    return err('INPUT_INVALID', `an ${p.width}×${p.height} ${p.layout} image makes ${formatDims(wantShape)}, but the input is set to ${formatDims(spec.dims)}: set the image size and layout to match.`);
  }
  const info = isNumeric(spec.dtype) ? numericInfo(spec.dtype) : null;
  if (!info || (info.kind !== 'float' && spec.dtype !== 'uint8')) return err('INPUT_INVALID', `an image makes float or uint8 values, and the input is ${spec.dtype}.`);
  const img = files.image(source.path);
  if (!img.ok) return img;
  const t = preprocessImage(img.value, p);
  if (spec.dtype === 'float32') return ok(t);
  const values = t.data as Float32Array;
  return ok({ dtype: spec.dtype, shape: t.shape, data: filled(spec.dtype as NumericDType, values.length, indexed((i) => values[i] as number)) });
}
