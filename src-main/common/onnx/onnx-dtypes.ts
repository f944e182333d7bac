/**
 * ONNX's TensorProto.DataType numbers, as Lathe's `DType` names, with their size. 17–22 (float8, uint4,
 * int4) are newer than the vendored onnx.proto; protobufjs hands them over as plain numbers anyway.
 * Pure: no node:*, no electron.
 */
import type { DType } from './model-types';

interface OnnxDType {
  readonly dtype: DType;
  /** Bits per element; 0 for strings (variable) and undefined. */
  readonly bits: number;
}

const BY_NUMBER: readonly OnnxDType[] = [
  { dtype: 'undefined', bits: 0 }, // 0 UNDEFINED
  { dtype: 'float32', bits: 32 }, // 1 FLOAT
  { dtype: 'uint8', bits: 8 },
  { dtype: 'int8', bits: 8 },
  { dtype: 'uint16', bits: 16 },
  { dtype: 'int16', bits: 16 },
  { dtype: 'int32', bits: 32 },
  { dtype: 'int64', bits: 64 },
  { dtype: 'string', bits: 0 }, // 8 STRING
  { dtype: 'bool', bits: 8 },
  { dtype: 'float16', bits: 16 }, // 10 FLOAT16
  { dtype: 'float64', bits: 64 }, // 11 DOUBLE
  { dtype: 'uint32', bits: 32 },
  { dtype: 'uint64', bits: 64 },
  { dtype: 'complex64', bits: 64 },
  { dtype: 'complex128', bits: 128 },
  { dtype: 'bfloat16', bits: 16 }, // 16 BFLOAT16
  { dtype: 'float8e4m3fn', bits: 8 }, // 17
  { dtype: 'float8e4m3fnuz', bits: 8 },
  { dtype: 'float8e5m2', bits: 8 },
  { dtype: 'float8e5m2fnuz', bits: 8 }, // 20
  { dtype: 'uint4', bits: 4 }, // 21 UINT4
  { dtype: 'int4', bits: 4 }, // 22 INT4
];

const UNKNOWN: OnnxDType = { dtype: 'undefined', bits: 0 };

/** The DType for a TensorProto.DataType number ('undefined' for ones Lathe does not know, e.g. float4). */
export function onnxDType(dataType: number): DType {
  return (BY_NUMBER[dataType] ?? UNKNOWN).dtype;
}

/** Bytes that `count` elements of this DataType take (4-bit types packed two per byte); 0 for strings. */
export function onnxDataBytes(dataType: number, count: number): number {
  return Math.ceil((count * (BY_NUMBER[dataType] ?? UNKNOWN).bits) / 8);
}
