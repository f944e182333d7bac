/**
 * The ONNX protobuf as protobufjs decodes it: the schema (vendored onnx.proto, parsed once, lazily) and
 * the shapes of the decoded messages, for the fields Lathe reads. Field names keep onnx.proto's
 * snake_case (`keepCase`), so they read like the spec and like Python's onnx.
 *
 * Decoded messages carry only the fields present in the file as own properties; absent ones read the
 * prototype's defaults ('' / 0 / [] / null), so every field below is always readable; `has()` tells
 * "absent" from "present and zero". Bytes fields are views into the input (protobufjs uses subarray),
 * so weights are never copied.
 * Pure: no node:*, no electron.
 */
import protobuf from 'protobufjs';
import { ONNX_PROTO } from './onnx-proto';

/** int64/uint64 fields: a Long (protobufjs ships the `long` package) or, without it, a number. */
export type Int64 = number | { readonly low: number; readonly high: number; readonly unsigned: boolean; toNumber(): number; toString(): string };

export interface StringStringEntryMsg {
  readonly key: string;
  readonly value: string;
}

export interface TensorMsg {
  readonly dims: readonly Int64[];
  readonly data_type: number;
  readonly name: string;
  readonly doc_string: string;
  readonly float_data: readonly number[];
  readonly int32_data: readonly number[];
  readonly string_data: readonly Uint8Array[];
  readonly int64_data: readonly Int64[];
  readonly double_data: readonly number[];
  readonly uint64_data: readonly Int64[];
  readonly raw_data: Uint8Array;
  readonly external_data: readonly StringStringEntryMsg[];
  /** 0 DEFAULT, 1 EXTERNAL. */
  readonly data_location: number;
}

export interface SparseTensorMsg {
  readonly values: TensorMsg | null;
  readonly indices: TensorMsg | null;
  readonly dims: readonly Int64[];
}

export interface DimensionMsg {
  /** protobufjs's oneof accessor: which of dim_value / dim_param is set. */
  readonly value?: 'dim_value' | 'dim_param';
  readonly dim_value: Int64;
  readonly dim_param: string;
}

export interface TensorShapeMsg {
  readonly dim: readonly DimensionMsg[];
}

export interface TypeMsg {
  readonly value?: 'tensor_type' | 'sequence_type' | 'map_type' | 'optional_type' | 'sparse_tensor_type';
  readonly tensor_type: { readonly elem_type: number; readonly shape: TensorShapeMsg | null } | null;
  readonly sparse_tensor_type: { readonly elem_type: number; readonly shape: TensorShapeMsg | null } | null;
  readonly sequence_type: { readonly elem_type: TypeMsg | null } | null;
  readonly optional_type: { readonly elem_type: TypeMsg | null } | null;
  readonly map_type: { readonly key_type: number; readonly value_type: TypeMsg | null } | null;
}

export interface ValueInfoMsg {
  readonly name: string;
  readonly type: TypeMsg | null;
  readonly doc_string: string;
}

export interface AttributeMsg {
  readonly name: string;
  readonly ref_attr_name: string;
  readonly doc_string: string;
  /** AttributeProto.AttributeType; 0 in files older than IR 2 (then the set field tells). */
  readonly type: number;
  readonly f: number;
  readonly i: Int64;
  readonly s: Uint8Array;
  readonly t: TensorMsg | null;
  readonly g: GraphMsg | null;
  readonly sparse_tensor: SparseTensorMsg | null;
  readonly tp: TypeMsg | null;
  readonly floats: readonly number[];
  readonly ints: readonly Int64[];
  readonly strings: readonly Uint8Array[];
  readonly tensors: readonly TensorMsg[];
  readonly graphs: readonly GraphMsg[];
  readonly sparse_tensors: readonly SparseTensorMsg[];
  readonly type_protos: readonly TypeMsg[];
}

export interface NodeMsg {
  readonly input: readonly string[];
  readonly output: readonly string[];
  readonly name: string;
  readonly op_type: string;
  readonly domain: string;
  readonly attribute: readonly AttributeMsg[];
  readonly doc_string: string;
}

export interface GraphMsg {
  readonly node: readonly NodeMsg[];
  readonly name: string;
  readonly initializer: readonly TensorMsg[];
  readonly sparse_initializer: readonly SparseTensorMsg[];
  readonly doc_string: string;
  readonly input: readonly ValueInfoMsg[];
  readonly output: readonly ValueInfoMsg[];
  readonly value_info: readonly ValueInfoMsg[];
}

export interface ModelMsg {
  readonly ir_version: Int64;
  readonly opset_import: readonly { readonly domain: string; readonly version: Int64 }[];
  readonly producer_name: string;
  readonly producer_version: string;
  readonly domain: string;
  readonly model_version: Int64;
  readonly doc_string: string;
  readonly graph: GraphMsg | null;
  readonly metadata_props: readonly StringStringEntryMsg[];
}

let modelProto: protobuf.Type | undefined;

/** Why decoding stopped, and where (the reader's byte offset when it did). */
export class ProtoDecodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /** The data ran out: a field or nested message claims more bytes than the file has left. */
    readonly outOfRange: boolean,
  ) {
    super(message);
  }
}

/** Decodes a ModelProto; throws a ProtoDecodeError (the caller words it for a person). */
export function decodeModelProto(bytes: Uint8Array): ModelMsg {
  modelProto ??= protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  const reader = protobuf.Reader.create(bytes);
  try {
    return modelProto.decode(reader) as unknown as ModelMsg;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    throw new ProtoDecodeError(message, reader.pos, e instanceof RangeError || message.startsWith('index out of range'));
  }
}

/** True when the decoded message carries `field` (not just the default). */
export function has(message: object, field: string): boolean {
  return Object.prototype.hasOwnProperty.call(message, field);
}

/** An int64 as a JS number (exact up to 2^53, which every size and count in a model is). */
export function toNumber(v: Int64): number {
  return typeof v === 'number' ? v : v.toNumber();
}

/** An int64 exactly, as decimal text. */
export function int64Text(v: Int64): string {
  return typeof v === 'number' ? String(v) : v.toString();
}

/** An int64/uint64 exactly, as a bigint. */
export function toBigInt(v: Int64): bigint {
  if (typeof v === 'number') return BigInt(v);
  const bits = (BigInt(v.high >>> 0) << 32n) | BigInt(v.low >>> 0);
  return v.unsigned ? bits : BigInt.asIntN(64, bits);
}

const utf8 = new TextDecoder('utf-8');

/**
 * ONNX keeps some strings as bytes (attribute `s`, string tensors); they are UTF-8. An absent bytes field reads
 * protobufjs's default, a plain empty array (an attribute whose type says STRING but has no `s`).
 */
export function bytesText(bytes: Uint8Array): string {
  return utf8.decode(bytes instanceof Uint8Array ? bytes : Uint8Array.from(bytes));
}
