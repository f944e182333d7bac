/**
 * What Lathe knows about an ONNX model without running it: the summary (the "what is in it" answer) and
 * the graph (nodes, values, initialisers, subgraphs). Produced by the pure parser `parse-model.ts` in the
 * onnx runner, carried to the renderer as plain JSON.
 * Pure: no node:*, no electron.
 */

/** A tensor element type, named as onnxruntime-node names them (plus the ones only the file format has). */
export type DType =
  | 'float32'
  | 'float16'
  | 'bfloat16'
  | 'float64'
  | 'int4'
  | 'uint4'
  | 'int8'
  | 'uint8'
  | 'int16'
  | 'uint16'
  | 'int32'
  | 'uint32'
  | 'int64'
  | 'uint64'
  | 'bool'
  | 'string'
  | 'complex64'
  | 'complex128'
  | 'float8e4m3fn'
  | 'float8e4m3fnuz'
  | 'float8e5m2'
  | 'float8e5m2fnuz'
  | 'undefined';

/** One dimension: a size, a symbolic name (`batch`, `seq_len`), or null when the file says nothing. */
export type Dim = number | string | null;

export interface ValueInfo {
  readonly name: string;
  /** 'tensor' for tensors; 'sequence', 'map', 'optional', 'sparse' for the others (dtype then describes the element). */
  readonly kind: 'tensor' | 'sequence' | 'map' | 'optional' | 'sparse' | 'unknown';
  readonly dtype: DType;
  /** null: the rank is unknown. */
  readonly shape: readonly Dim[] | null;
  readonly doc: string;
}

export interface OpsetImport {
  /** '' is the default ONNX domain (shown as ai.onnx). */
  readonly domain: string;
  readonly version: number;
}

export interface AttributeInfo {
  readonly name: string;
  /** FLOAT, INT, STRING, TENSOR, GRAPH, FLOATS, INTS, STRINGS, TENSORS, GRAPHS, … */
  readonly type: string;
  /** The value formatted for a person (long lists and tensors abbreviated). */
  readonly value: string;
}

export interface InitializerInfo {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Element count (product of the shape). */
  readonly count: number;
  /** Bytes of its data, inline or external. */
  readonly bytes: number;
  /** The side file holding it, project-relative to the model's folder; null when inline. */
  readonly externalFile: string | null;
}

export interface GraphNode {
  /** Unique within the model: the node's index path, e.g. '12' or '7/then_branch/3'. */
  readonly id: string;
  readonly name: string;
  readonly op: string;
  /** '' for the default ONNX domain. */
  readonly domain: string;
  /** Value names ('' for an omitted optional input). */
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly AttributeInfo[];
  readonly doc: string;
  /** Graph-valued attributes (If's then_branch/else_branch, Loop's and Scan's body). */
  readonly subgraphs: readonly { readonly attribute: string; readonly graph: GraphData }[];
}

export interface GraphData {
  readonly name: string;
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  readonly nodes: readonly GraphNode[];
  readonly initializers: readonly InitializerInfo[];
  /** Shapes of intermediate values, where the file records them (value_info). */
  readonly valueInfo: readonly ValueInfo[];
}

export interface ModelSummary {
  readonly irVersion: number;
  readonly opsets: readonly OpsetImport[];
  readonly producerName: string;
  readonly producerVersion: string;
  readonly domain: string;
  readonly modelVersion: number;
  readonly docString: string;
  readonly metadata: Readonly<Record<string, string>>;
  /** The graph's real inputs: graph inputs that are not initialisers. */
  readonly inputs: readonly ValueInfo[];
  readonly outputs: readonly ValueInfo[];
  /** Elements in all initialisers (subgraphs included). */
  readonly parameterCount: number;
  /**
   * Elements and bytes of the tensors held by Constant nodes. Some exporters keep the weights there
   * (silero VAD has 0 initialisers and all its weights in Constants): shown apart, as Python's onnx does not
   * count them as initialisers.
   */
  readonly constantCount: number;
  readonly constantBytes: number;
  readonly initializerBytes: number;
  /** Of which in side files. */
  readonly externalBytes: number;
  /** The side files named by external-data initialisers (relative to the model's folder). */
  readonly externalFiles: readonly string[];
  /** Nodes in the main graph and all subgraphs. */
  readonly nodeCount: number;
  /** Op type → count (domain-qualified for non-default domains, e.g. 'com.microsoft.QuickGelu'), most used first. */
  readonly opHistogram: readonly { readonly op: string; readonly count: number }[];
}

export interface ModelInfo {
  readonly summary: ModelSummary;
  readonly graph: GraphData;
  /** The model file's SHA-256 (hex) and size. */
  readonly sha256: string;
  readonly bytes: number;
}
