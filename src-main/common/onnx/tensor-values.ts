/**
 * A TensorProto's values as a Lathe `Tensor`: from raw_data (little-endian), from the typed *_data fields,
 * or from a side file (external data, read through a callback so this stays pure).
 *
 * Layouts (tensor-types.ts): bool is 0/1 in a Uint8Array; float16 and bfloat16 are raw bits in a
 * Uint16Array; float8 types are raw bits in a Uint8Array; int4/uint4 are unpacked, one element per
 * Int8Array/Uint8Array entry; complex64/complex128 are interleaved (re, im) Float32/Float64Arrays, twice
 * the element count long.
 * Pure: no node:*, no electron.
 */
import { err, ok, type Result } from '../result';
import type { DType } from './model-types';
import type { Tensor, TensorData } from '../tensor/tensor-types';
import { onnxDataBytes, onnxDType } from './onnx-dtypes';
import { bytesText, has, toBigInt, toNumber, type TensorMsg } from './onnx-wire';

/** Reads `length` bytes at `offset` of a side file named relative to the model's folder; null if it can't. */
export type ReadExternal = (file: string, offset: number, length: number) => Uint8Array | null;

export interface ExternalRef {
  readonly file: string;
  readonly offset: number;
  /** null: the file does not say; the data is then as long as the shape and dtype need. */
  readonly length: number | null;
}

/** Where an EXTERNAL tensor's data lives; null when the tensor is inline. */
export function externalRef(t: TensorMsg): ExternalRef | null {
  if (t.data_location !== 1) return null;
  const entries = new Map(t.external_data.map((e) => [e.key, e.value]));
  const length = entries.get('length');
  return { file: entries.get('location') ?? '', offset: Number(entries.get('offset') ?? 0), length: length === undefined ? null : Number(length) };
}

export function tensorShape(t: TensorMsg): number[] {
  return t.dims.map(toNumber);
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes of the tensor's data in its dtype: raw_data's length, the external `length`, or shape × dtype. */
export function tensorBytes(t: TensorMsg, count: number): number {
  const ext = externalRef(t);
  if (ext?.length != null) return ext.length;
  if (!ext && has(t, 'raw_data')) return t.raw_data.length;
  if (onnxDType(t.data_type) === 'string') return t.string_data.reduce((sum, s) => sum + s.length, 0);
  return onnxDataBytes(t.data_type, count);
}

/** Decodes a tensor's values. */
export function decodeTensor(t: TensorMsg, readExternal: ReadExternal | null): Result<Tensor> {
  const dtype = onnxDType(t.data_type);
  const shape = tensorShape(t);
  const count = elementCount(shape);
  const label = `tensor "${t.name}" (${dtype}[${shape.join(',')}])`;
  if (dtype === 'undefined') return err('MODEL_INVALID', `${label} has an element type Lathe does not know (ONNX data type ${t.data_type}).`);
  if (shape.some((d) => d < 0)) return err('MODEL_INVALID', `${label} has a negative dimension: the model is corrupt.`);
  const ext = externalRef(t);
  if (ext) {
    const length = ext.length ?? onnxDataBytes(t.data_type, count);
    const bytes = readExternal?.(ext.file, ext.offset, length) ?? null;
    if (!bytes || bytes.length < length) {
      return err('NOT_FOUND', `The values of ${label} are in the side file "${ext.file}" (${length} bytes at offset ${ext.offset}), which could not be read: keep that file next to the model.`);
    }
    return fromRaw(label, dtype, shape, count, bytes.subarray(0, length));
  }
  if (has(t, 'raw_data')) return fromRaw(label, dtype, shape, count, t.raw_data);
  return fromTypedFields(label, dtype, shape, count, t);
}

/** Copies raw little-endian bytes into a fresh, aligned buffer and views it as the dtype's array. */
function fromRaw(label: string, dtype: DType, shape: number[], count: number, raw: Uint8Array): Result<Tensor> {
  if (dtype === 'string') return err('MODEL_INVALID', `${label} keeps strings in raw_data, which ONNX does not allow.`);
  const expected = dtype === 'int4' || dtype === 'uint4' ? Math.ceil(count / 2) : count * BYTES[dtype];
  if (raw.length !== expected) {
    return err('MODEL_INVALID', `${label} has ${raw.length} bytes of data, but its shape and type need ${expected}: the model is corrupt.`);
  }
  const copy = new Uint8Array(raw); // aligned, and no longer a view of the whole model
  const buffer = copy.buffer;
  const n = count;
  let data: TensorData;
  switch (dtype) {
    case 'float32': data = new Float32Array(buffer, 0, n); break;
    case 'complex64': data = new Float32Array(buffer, 0, 2 * n); break;
    case 'float64': data = new Float64Array(buffer, 0, n); break;
    case 'complex128': data = new Float64Array(buffer, 0, 2 * n); break;
    case 'int8': data = new Int8Array(buffer, 0, n); break;
    case 'int16': data = new Int16Array(buffer, 0, n); break;
    case 'uint16': case 'float16': case 'bfloat16': data = new Uint16Array(buffer, 0, n); break;
    case 'int32': data = new Int32Array(buffer, 0, n); break;
    case 'uint32': data = new Uint32Array(buffer, 0, n); break;
    case 'int64': data = new BigInt64Array(buffer, 0, n); break;
    case 'uint64': data = new BigUint64Array(buffer, 0, n); break;
    case 'int4': case 'uint4': data = unpack4(copy, n, dtype === 'int4'); break;
    default: data = copy; // uint8, bool, float8*
  }
  return ok({ dtype, shape, data });
}

/** Values kept in float_data / int32_data / int64_data / double_data / uint64_data / string_data. */
function fromTypedFields(label: string, dtype: DType, shape: number[], count: number, t: TensorMsg): Result<Tensor> {
  const field = TYPED_FIELD[dtype];
  const values = t[field] as readonly unknown[];
  const expected = dtype === 'complex64' || dtype === 'complex128' ? 2 * count : dtype === 'int4' || dtype === 'uint4' ? Math.ceil(count / 2) : count;
  if (values.length !== expected) {
    return err('MODEL_INVALID', `${label} has ${values.length} values in ${field}, but its shape needs ${expected}: the model is corrupt.`);
  }
  let data: TensorData;
  switch (dtype) {
    case 'float32': case 'complex64': data = Float32Array.from(t.float_data); break;
    case 'float64': case 'complex128': data = Float64Array.from(t.double_data); break;
    case 'int32': data = Int32Array.from(t.int32_data); break;
    case 'int16': data = Int16Array.from(t.int32_data); break;
    case 'int8': data = Int8Array.from(t.int32_data); break;
    case 'uint16': case 'float16': case 'bfloat16': data = Uint16Array.from(t.int32_data); break;
    case 'int4': case 'uint4': data = unpack4(Uint8Array.from(t.int32_data), count, dtype === 'int4'); break;
    case 'int64': data = BigInt64Array.from(t.int64_data, toBigInt); break;
    case 'uint32': data = Uint32Array.from(t.uint64_data, toNumber); break;
    case 'uint64': data = BigUint64Array.from(t.uint64_data, toBigInt); break;
    case 'string': data = t.string_data.map(bytesText); break;
    default: data = Uint8Array.from(t.int32_data); // uint8, bool, float8*
  }
  return ok({ dtype, shape, data });
}

/** 4-bit values, two per byte, low nibble first; int4 sign-extended. */
function unpack4(packed: Uint8Array, count: number, signed: boolean): Int8Array | Uint8Array {
  const out = signed ? new Int8Array(count) : new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const nibble = ((packed[i >> 1] ?? 0) >> ((i & 1) * 4)) & 0xf;
    out[i] = signed && nibble > 7 ? nibble - 16 : nibble;
  }
  return out;
}

const BYTES: Readonly<Record<DType, number>> = {
  float32: 4, float16: 2, bfloat16: 2, float64: 8, int4: 1, uint4: 1, int8: 1, uint8: 1, int16: 2, uint16: 2,
  int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1, string: 0, complex64: 8, complex128: 16,
  float8e4m3fn: 1, float8e4m3fnuz: 1, float8e5m2: 1, float8e5m2fnuz: 1, undefined: 0,
};

type TypedField = 'float_data' | 'double_data' | 'int32_data' | 'int64_data' | 'uint64_data' | 'string_data';

/** Which typed field holds each dtype (onnx.proto's TensorProto comments). */
const TYPED_FIELD: Readonly<Record<DType, TypedField>> = {
  float32: 'float_data', complex64: 'float_data', float64: 'double_data', complex128: 'double_data',
  int64: 'int64_data', uint32: 'uint64_data', uint64: 'uint64_data', string: 'string_data',
  int32: 'int32_data', int16: 'int32_data', int8: 'int32_data', uint16: 'int32_data', uint8: 'int32_data',
  bool: 'int32_data', float16: 'int32_data', bfloat16: 'int32_data', int4: 'int32_data', uint4: 'int32_data',
  float8e4m3fn: 'int32_data', float8e4m3fnuz: 'int32_data', float8e5m2: 'int32_data', float8e5m2fnuz: 'int32_data',
  undefined: 'int32_data',
};
