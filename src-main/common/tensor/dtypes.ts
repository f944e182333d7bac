/**
 * The element types Lathe can hold in memory, and how: which typed array, how many bytes, which range.
 * float16 lives as raw bits in a Uint16Array and bool as 0/1 in a Uint8Array (onnxruntime's layouts).
 * Pure: no node:*, no electron.
 */
import type { DType, Dim } from '../onnx/model-types';
import type { TensorData } from './tensor-types';

/** The numeric dtypes Lathe builds, reads and writes (everything but string and the exotic ones). */
export type NumericDType = 'float32' | 'float16' | 'float64' | 'int8' | 'uint8' | 'int16' | 'uint16' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'bool';

type TypedArrayCtor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | BigInt64ArrayConstructor
  | BigUint64ArrayConstructor;

interface NumericInfo {
  readonly ctor: TypedArrayCtor;
  readonly bytes: number;
  readonly kind: 'float' | 'int' | 'bool';
  /** Integer range (as numbers; the 64-bit ones only approximately, for clamping doubles). */
  readonly min: number;
  readonly max: number;
}

const NUMERIC: Readonly<Record<NumericDType, NumericInfo>> = {
  float32: { ctor: Float32Array, bytes: 4, kind: 'float', min: -Infinity, max: Infinity },
  float16: { ctor: Uint16Array, bytes: 2, kind: 'float', min: -Infinity, max: Infinity },
  float64: { ctor: Float64Array, bytes: 8, kind: 'float', min: -Infinity, max: Infinity },
  int8: { ctor: Int8Array, bytes: 1, kind: 'int', min: -128, max: 127 },
  uint8: { ctor: Uint8Array, bytes: 1, kind: 'int', min: 0, max: 255 },
  int16: { ctor: Int16Array, bytes: 2, kind: 'int', min: -32768, max: 32767 },
  uint16: { ctor: Uint16Array, bytes: 2, kind: 'int', min: 0, max: 65535 },
  int32: { ctor: Int32Array, bytes: 4, kind: 'int', min: -(2 ** 31), max: 2 ** 31 - 1 },
  uint32: { ctor: Uint32Array, bytes: 4, kind: 'int', min: 0, max: 2 ** 32 - 1 },
  int64: { ctor: BigInt64Array, bytes: 8, kind: 'int', min: -(2 ** 63), max: 2 ** 63 },
  uint64: { ctor: BigUint64Array, bytes: 8, kind: 'int', min: 0, max: 2 ** 64 },
  bool: { ctor: Uint8Array, bytes: 1, kind: 'bool', min: 0, max: 1 },
};

export function isNumeric(dtype: DType): dtype is NumericDType {
  return Object.prototype.hasOwnProperty.call(NUMERIC, dtype);
}

export function numericInfo(dtype: NumericDType): NumericInfo {
  return NUMERIC[dtype];
}

/** A zero-filled array for `count` elements of `dtype`. */
export function allocate(dtype: NumericDType, count: number): Exclude<TensorData, readonly string[] | readonly boolean[]> {
  return new NUMERIC[dtype].ctor(count);
}

/** Product of the dims (1 for a scalar). */
export function elementCount(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** `[batch, 3, 224, 224]`: a model's dims as a person reads them (`?` where the file says nothing). */
export function formatDims(shape: readonly (Dim | number)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}
