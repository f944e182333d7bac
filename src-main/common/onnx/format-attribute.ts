/**
 * Node attributes written for a person: `[1, 2, 3, … 512 values]`, `tensor float32[64,3,7,7]`,
 * `graph then_branch (3 nodes)`. Used by parse-model.ts for `AttributeInfo`.
 * Pure: no node:*, no electron.
 */
import type { AttributeInfo } from './model-types';
import { onnxDType } from './onnx-dtypes';
import { bytesText, int64Text, toNumber, type AttributeMsg, type GraphMsg, type SparseTensorMsg, type TensorMsg, type TypeMsg } from './onnx-wire';
import { decodeTensor, elementCount, externalRef } from './tensor-values';

/** Lists longer than this show their first LIST_HEAD values and the count. */
const LIST_MAX = 16;
const LIST_HEAD = 8;
/** Inline tensors with at most this many values show them (Constant nodes' shapes and scalars). */
const TENSOR_PREVIEW_MAX = 8;
const STRING_MAX = 120;

/** AttributeProto.AttributeType numbers → names. */
const TYPE_NAMES: Readonly<Record<number, string>> = {
  0: 'UNDEFINED', 1: 'FLOAT', 2: 'INT', 3: 'STRING', 4: 'TENSOR', 5: 'GRAPH', 6: 'FLOATS', 7: 'INTS', 8: 'STRINGS',
  9: 'TENSORS', 10: 'GRAPHS', 11: 'SPARSE_TENSOR', 12: 'SPARSE_TENSORS', 13: 'TYPE_PROTO', 14: 'TYPE_PROTOS',
};

export function attributeInfo(a: AttributeMsg): AttributeInfo {
  const type = a.type || inferType(a);
  return { name: a.name, type: TYPE_NAMES[type] ?? `TYPE_${type}`, value: formatValue(a, type) };
}

/** Files older than IR 2 have no `type`: the field that is set tells. */
function inferType(a: AttributeMsg): number {
  const own = (f: string) => Object.prototype.hasOwnProperty.call(a, f);
  const order: readonly [string, number][] = [
    ['f', 1], ['i', 2], ['s', 3], ['t', 4], ['g', 5], ['sparse_tensor', 11], ['tp', 13],
    ['floats', 6], ['ints', 7], ['strings', 8], ['tensors', 9], ['graphs', 10], ['sparse_tensors', 12], ['type_protos', 14],
  ];
  return order.find(([f]) => own(f) && (!Array.isArray(a[f as keyof AttributeMsg]) || (a[f as keyof AttributeMsg] as unknown[]).length > 0))?.[1] ?? 0;
}

function formatValue(a: AttributeMsg, type: number): string {
  if (a.ref_attr_name) return `→ the function's attribute ${a.ref_attr_name}`;
  switch (type) {
    case 1: return formatFloat(a.f);
    case 2: return int64Text(a.i);
    case 3: return quote(bytesText(a.s));
    case 4: return a.t ? formatTensor(a.t) : 'tensor (empty)';
    case 5: return a.g ? formatGraph(a.g) : 'graph (empty)';
    case 11: return a.sparse_tensor ? formatSparse(a.sparse_tensor) : 'sparse tensor (empty)';
    case 13: return a.tp ? `type ${formatType(a.tp)}` : 'type (empty)';
    case 6: return formatList(a.floats, formatFloat);
    case 7: return formatList(a.ints, int64Text);
    case 8: return formatList(a.strings, (s) => quote(bytesText(s)));
    case 9: return formatList(a.tensors, formatTensor);
    case 10: return formatList(a.graphs, formatGraph);
    case 12: return formatList(a.sparse_tensors, formatSparse);
    case 14: return formatList(a.type_protos, formatType);
    default: return '(no value)';
  }
}

export function formatList<T>(values: readonly T[], format: (v: T) => string): string {
  if (values.length <= LIST_MAX) return `[${values.map(format).join(', ')}]`;
  return `[${values.slice(0, LIST_HEAD).map(format).join(', ')}, … ${values.length} values]`;
}

/** A float32 in the fewest digits that read back as the same float32 (0.1, not 0.10000000149011612). */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits <= 9; digits++) {
    const text = String(Number(v.toPrecision(digits)));
    if (Math.fround(Number(text)) === v) return text;
  }
  return String(v);
}

function quote(s: string): string {
  return JSON.stringify(s.length > STRING_MAX ? `${s.slice(0, STRING_MAX)}…` : s);
}

/** `tensor float32[64,3,7,7]`, plus the values of small inline tensors: `tensor int64[2] = [1, -1]`. */
export function formatTensor(t: TensorMsg): string {
  const shape = t.dims.map(toNumber);
  const head = `tensor ${onnxDType(t.data_type)}[${shape.join(',')}]`;
  const count = elementCount(shape);
  if (count === 0 || count > TENSOR_PREVIEW_MAX || externalRef(t)) return head;
  const decoded = decodeTensor(t, null);
  if (!decoded.ok) return head;
  const values = Array.from(decoded.value.data as ArrayLike<unknown>, (v) => (typeof v === 'string' ? quote(v) : typeof v === 'number' && onnxDType(t.data_type) === 'float32' ? formatFloat(v) : String(v)));
  return `${head} = ${shape.length === 0 ? values[0] : `[${values.join(', ')}]`}`;
}

function formatSparse(s: SparseTensorMsg): string {
  const values = s.values ? s.values.dims.map(toNumber).reduce((a, b) => a * b, 1) : 0;
  return `sparse tensor ${onnxDType(s.values?.data_type ?? 0)}[${s.dims.map(toNumber).join(',')}], ${values} values`;
}

export function formatGraph(g: GraphMsg): string {
  return `graph ${g.name || '(unnamed)'} (${g.node.length} ${g.node.length === 1 ? 'node' : 'nodes'})`;
}

/** `tensor(float32)[batch,3]`, `sequence(tensor(int64))`, `map(string, tensor(float32))`. */
export function formatType(t: TypeMsg): string {
  switch (t.value) {
    case 'tensor_type':
    case 'sparse_tensor_type': {
      const tensor = t[t.value];
      const dims = tensor?.shape ? `[${tensor.shape.dim.map((d) => (d.value === 'dim_value' ? int64Text(d.dim_value) : d.value === 'dim_param' ? d.dim_param : '?')).join(',')}]` : '';
      return `${t.value === 'tensor_type' ? 'tensor' : 'sparse_tensor'}(${onnxDType(tensor?.elem_type ?? 0)})${dims}`;
    }
    case 'sequence_type': return `sequence(${t.sequence_type?.elem_type ? formatType(t.sequence_type.elem_type) : '?'})`;
    case 'optional_type': return `optional(${t.optional_type?.elem_type ? formatType(t.optional_type.elem_type) : '?'})`;
    case 'map_type': return `map(${onnxDType(t.map_type?.key_type ?? 0)}, ${t.map_type?.value_type ? formatType(t.map_type.value_type) : '?'})`;
    default: return 'unknown';
  }
}
