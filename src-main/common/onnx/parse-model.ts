/**
 * The ONNX model parser: a .onnx file's bytes → what is in it (`ModelSummary`) and its graph
 * (`GraphData`, subgraphs nested in their If/Loop/Scan nodes), decoded with protobufjs and the vendored
 * onnx.proto. Weights are never copied or read: raw_data stays a view into `bytes`, and external data is
 * only counted. `initializerTensor` decodes one initialiser's values on demand.
 *
 * Definitions (shared with scripts/make-onnx-fixtures.py, whose expected.json files the tests compare to):
 * parameters and bytes span every graph, subgraphs included; an initialiser's bytes are its raw_data
 * length, else its external `length`, else shape × dtype size; node ids are index paths ('12',
 * '7/then_branch/3', '7/body[0]/3' for a GRAPHS attribute); graph inputs that are initialisers (older
 * exporters list every weight as an input) are left out of `inputs`, in the summary and in every graph.
 * Pure: no node:*, no electron.
 */
import { err, ok, type Result } from '../result';
import type { Tensor } from '../tensor/tensor-types';
import { looksLikeOnnxStart, notOnnxReason } from './file-sniff';
import { attributeInfo } from './format-attribute';
import type { Dim, GraphData, GraphNode, InitializerInfo, ModelSummary, ValueInfo } from './model-types';
import { onnxDType } from './onnx-dtypes';
import { decodeModelProto, has, ProtoDecodeError, toNumber, type GraphMsg, type ModelMsg, type NodeMsg, type SparseTensorMsg, type TensorMsg, type TypeMsg, type ValueInfoMsg } from './onnx-wire';
import { decodeTensor, elementCount, externalRef, tensorBytes, tensorShape, type ReadExternal } from './tensor-values';

export type { ReadExternal } from './tensor-values';

export interface ParsedModel {
  readonly summary: ModelSummary;
  readonly graph: GraphData;
}

export function parseModel(bytes: Uint8Array): Result<ParsedModel> {
  const decoded = decodeModel(bytes);
  if (!decoded.ok) return decoded;
  const model = decoded.value;
  const totals = new Totals();
  const graph = graphData(model.graph as GraphMsg, '', totals);
  return ok({ summary: summarise(model, graph, totals), graph });
}

/**
 * The values of the initialiser called `name`, in any graph of the model. Side-file data is read through
 * `readExternal(file, offset, length)` (file relative to the model's folder; return null if unreadable).
 */
export function initializerTensor(bytes: Uint8Array, name: string, readExternal: ReadExternal): Result<Tensor> {
  const decoded = decodeModel(bytes);
  if (!decoded.ok) return decoded;
  const found = findInitializer(decoded.value.graph as GraphMsg, name);
  if (!found) return err('NOT_FOUND', `The model has no initialiser named "${name}".`);
  return decodeTensor(found, readExternal);
}

// --- decoding, with errors a person understands ----------------------------------------------------------

/** The last model decoded, per byte array: previewing several initialisers decodes the file once. */
const decodedModels = new WeakMap<Uint8Array, ModelMsg>();

function decodeModel(bytes: Uint8Array): Result<ModelMsg> {
  const cached = decodedModels.get(bytes);
  if (cached) return ok(cached);
  if (bytes.length === 0) return err('MODEL_INVALID', 'The file is empty (0 bytes): it is not an ONNX model. Re-export or re-download it.');
  const notOnnx = notOnnxReason(bytes);
  if (notOnnx) return err('MODEL_INVALID', notOnnx);
  let model: ModelMsg;
  try {
    model = decodeModelProto(bytes);
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
    return err('MODEL_INVALID', decodeFailure(e, bytes));
  }
  const invalid = structuralProblem(model);
  if (invalid) return err('MODEL_INVALID', invalid);
  decodedModels.set(bytes, model);
  return ok(model);
}

function decodeFailure(e: ProtoDecodeError, bytes: Uint8Array): string {
  const where = `byte ${e.offset} of ${bytes.length}`;
  if (!looksLikeOnnxStart(bytes)) return `This is not an ONNX model: it does not decode as one (${e.message}, at ${where}).`;
  if (e.outOfRange) return `The file ends in the middle of the model (at ${where}): it was cut short. Re-export or re-download it.`;
  return `The model file is corrupt: it starts like an ONNX model but stops decoding at ${where} (${e.message}). Re-export or re-download it.`;
}

/** What a decoded message lacks to be a model worth showing; null when it is fine. */
function structuralProblem(model: ModelMsg): string | null {
  const looksEmpty = !has(model, 'ir_version') && !has(model, 'producer_name') && model.opset_import.length === 0;
  if (!model.graph) {
    return looksEmpty
      ? 'This is not an ONNX model: it holds none of a model’s fields (no IR version, no graph).'
      : 'The file holds an ONNX model header but no graph, so there is nothing to inspect or run: it was probably cut short, or exported without a graph. Re-export or re-download it.';
  }
  if (model.opset_import.length === 0 && toNumber(model.ir_version) >= 3) {
    return 'The model names no operator set (opset_import is empty), which every ONNX model needs: the file was probably cut short. Re-export or re-download it.';
  }
  return null;
}

// --- the graph -------------------------------------------------------------------------------------------

/** What the summary adds up while the graphs are walked. */
class Totals {
  parameterCount = 0;
  initializerBytes = 0;
  externalBytes = 0;
  readonly externalFiles: string[] = [];
  constantCount = 0;
  constantBytes = 0;
  nodeCount = 0;
  readonly ops = new Map<string, number>();

  addInitializer(info: InitializerInfo): void {
    this.parameterCount += info.count;
    this.initializerBytes += info.bytes;
    if (info.externalFile === null) return;
    this.externalBytes += info.bytes;
    if (!this.externalFiles.includes(info.externalFile)) this.externalFiles.push(info.externalFile);
  }

  addConstant(info: InitializerInfo): void {
    this.constantCount += info.count;
    this.constantBytes += info.bytes;
  }

  addNode(op: string): void {
    this.nodeCount += 1;
    this.ops.set(op, (this.ops.get(op) ?? 0) + 1);
  }
}

function graphData(g: GraphMsg, prefix: string, totals: Totals): GraphData {
  const initializers = [...g.initializer.map(initializerInfo), ...g.sparse_initializer.map(sparseInitializerInfo)];
  initializers.forEach((i) => totals.addInitializer(i));
  const initializerNames = new Set(initializers.map((i) => i.name));
  return {
    name: g.name,
    inputs: g.input.filter((v) => !initializerNames.has(v.name)).map(valueInfo),
    outputs: g.output.map(valueInfo),
    nodes: g.node.map((n, index) => graphNode(n, `${prefix}${index}`, totals)),
    initializers,
    valueInfo: g.value_info.map(valueInfo),
  };
}

function graphNode(n: NodeMsg, id: string, totals: Totals): GraphNode {
  totals.addNode(qualifiedOp(n.domain, n.op_type));
  if (n.op_type === 'Constant' && (n.domain === '' || n.domain === 'ai.onnx')) {
    const value = n.attribute.find((a) => a.name === 'value' && a.t)?.t;
    if (value) totals.addConstant(initializerInfo(value));
  }
  const subgraphs: { attribute: string; graph: GraphData }[] = [];
  for (const a of n.attribute) {
    if (a.g) subgraphs.push({ attribute: a.name, graph: graphData(a.g, `${id}/${a.name}/`, totals) });
    a.graphs.forEach((g, j) => subgraphs.push({ attribute: `${a.name}[${j}]`, graph: graphData(g, `${id}/${a.name}[${j}]/`, totals) }));
  }
  return {
    id,
    name: n.name,
    op: n.op_type,
    domain: n.domain,
    inputs: n.input,
    outputs: n.output,
    attributes: n.attribute.map(attributeInfo),
    doc: n.doc_string,
    subgraphs,
  };
}

/** Ops of the default domain ('' or 'ai.onnx') bare, others qualified: 'com.microsoft.QuickGelu'. */
function qualifiedOp(domain: string, op: string): string {
  return domain === '' || domain === 'ai.onnx' ? op : `${domain}.${op}`;
}

function initializerInfo(t: TensorMsg): InitializerInfo {
  const shape = tensorShape(t);
  const count = elementCount(shape);
  return { name: t.name, dtype: onnxDType(t.data_type), shape, count, bytes: tensorBytes(t, count), externalFile: externalRef(t)?.file ?? null };
}

/** A sparse initialiser: its dense shape, and the values it stores (with their indices' bytes). */
function sparseInitializerInfo(s: SparseTensorMsg): InitializerInfo {
  const values = s.values ? initializerInfo(s.values) : null;
  const indices = s.indices ? initializerInfo(s.indices) : null;
  return {
    name: values?.name ?? '',
    dtype: values?.dtype ?? 'undefined',
    shape: s.dims.map(toNumber),
    count: values?.count ?? 0,
    bytes: (values?.bytes ?? 0) + (indices?.bytes ?? 0),
    externalFile: values?.externalFile ?? null,
  };
}

function findInitializer(g: GraphMsg, name: string): TensorMsg | null {
  const here = g.initializer.find((t) => t.name === name) ?? g.sparse_initializer.find((s) => s.values?.name === name)?.values;
  if (here) return here;
  for (const n of g.node) {
    for (const a of n.attribute) {
      for (const sub of a.g ? [a.g, ...a.graphs] : a.graphs) {
        const found = findInitializer(sub, name);
        if (found) return found;
      }
    }
  }
  return null;
}

// --- values and types ------------------------------------------------------------------------------------

const KINDS = { tensor_type: 'tensor', sequence_type: 'sequence', map_type: 'map', optional_type: 'optional', sparse_tensor_type: 'sparse' } as const;

function valueInfo(v: ValueInfoMsg): ValueInfo {
  const kind = v.type?.value ? KINDS[v.type.value] : 'unknown';
  const { dtype, shape } = v.type ? elementType(v.type) : { dtype: 'undefined' as const, shape: null };
  return { name: v.name, kind, dtype, shape, doc: v.doc_string };
}

/** The innermost tensor's dtype and shape (a sequence/optional/map describes its element). */
function elementType(t: TypeMsg): Pick<ValueInfo, 'dtype' | 'shape'> {
  switch (t.value) {
    case 'sequence_type':
      return t.sequence_type?.elem_type ? elementType(t.sequence_type.elem_type) : UNKNOWN_TYPE;
    case 'optional_type':
      return t.optional_type?.elem_type ? elementType(t.optional_type.elem_type) : UNKNOWN_TYPE;
    case 'map_type':
      return t.map_type?.value_type ? elementType(t.map_type.value_type) : UNKNOWN_TYPE;
    case 'tensor_type':
    case 'sparse_tensor_type': {
      const tensor = t[t.value];
      if (!tensor) return UNKNOWN_TYPE;
      return { dtype: onnxDType(tensor.elem_type), shape: tensor.shape ? tensor.shape.dim.map(dim) : null };
    }
    default:
      return UNKNOWN_TYPE;
  }
}

const UNKNOWN_TYPE: Pick<ValueInfo, 'dtype' | 'shape'> = { dtype: 'undefined', shape: null };

function dim(d: { value?: string; dim_value: Parameters<typeof toNumber>[0]; dim_param: string }): Dim {
  if (d.value === 'dim_value') return toNumber(d.dim_value);
  if (d.value === 'dim_param') return d.dim_param;
  return null;
}

// --- the summary -----------------------------------------------------------------------------------------

function summarise(model: ModelMsg, graph: GraphData, totals: Totals): ModelSummary {
  const metadata: Record<string, string> = {};
  for (const { key, value } of model.metadata_props) metadata[key] = value;
  return {
    irVersion: toNumber(model.ir_version),
    opsets: model.opset_import.map((o) => ({ domain: o.domain, version: toNumber(o.version) })),
    producerName: model.producer_name,
    producerVersion: model.producer_version,
    domain: model.domain,
    modelVersion: toNumber(model.model_version),
    docString: model.doc_string,
    metadata,
    inputs: graph.inputs,
    outputs: graph.outputs,
    parameterCount: totals.parameterCount,
    constantCount: totals.constantCount,
    constantBytes: totals.constantBytes,
    initializerBytes: totals.initializerBytes,
    externalBytes: totals.externalBytes,
    externalFiles: totals.externalFiles,
    nodeCount: totals.nodeCount,
    opHistogram: [...totals.ops]
      .map(([op, count]) => ({ op, count }))
      .sort((a, b) => b.count - a.count || (a.op < b.op ? -1 : a.op > b.op ? 1 : 0)),
  };
}
