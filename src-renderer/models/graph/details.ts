/**
 * What the details panel shows for a node, as a pure function: each input and output with its dtype and
 * shape where the model records one (graph inputs/outputs, value_info, initialisers; looked up from the
 * node's own graph outwards through the enclosing graphs), and the initialisers it reads.
 */
import type { DType, Dim, GraphData, GraphNode, InitializerInfo } from '../../../src-main/common/onnx/model-types';

export interface ValueDetail {
  readonly name: string;
  readonly dtype: DType | null;
  readonly shape: readonly Dim[] | null;
  /** The initialiser holding it, when it is a weight or constant. */
  readonly initializer: InitializerInfo | null;
}

export interface NodeDetails {
  readonly inputs: readonly ValueDetail[];
  readonly outputs: readonly ValueDetail[];
  readonly initializers: readonly InitializerInfo[];
}

/** `scopes`: the node's graph first, then each enclosing graph out to the model's main graph. */
export function nodeDetails(node: GraphNode, scopes: readonly GraphData[]): NodeDetails {
  const describe = (name: string): ValueDetail => {
    for (const g of scopes) {
      const init = g.initializers.find((i) => i.name === name);
      if (init) return { name, dtype: init.dtype, shape: init.shape, initializer: init };
      const info = g.inputs.find((v) => v.name === name) ?? g.outputs.find((v) => v.name === name) ?? g.valueInfo.find((v) => v.name === name);
      if (info) return { name, dtype: info.dtype, shape: info.shape, initializer: null };
    }
    return { name, dtype: null, shape: null, initializer: null };
  };
  const inputs = node.inputs.map((v) => (v === '' ? { name: '', dtype: null, shape: null, initializer: null } : describe(v)));
  const outputs = node.outputs.map(describe);
  return { inputs, outputs, initializers: inputs.flatMap((v) => (v.initializer ? [v.initializer] : [])) };
}

/** The graphs from the one a breadcrumb path leads to, outwards to `root`. */
export function scopesOf(root: GraphData, path: readonly { nodeId: string; attribute: string }[]): GraphData[] {
  const scopes: GraphData[] = [root];
  let current = root;
  for (const step of path) {
    const next = current.nodes.find((n) => n.id === step.nodeId)?.subgraphs.find((s) => s.attribute === step.attribute)?.graph;
    if (!next) break;
    scopes.unshift(next);
    current = next;
  }
  return scopes;
}

export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return '?';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 ** 3) return `${(bytes / 1024 ** 2).toFixed(1)} MiB`;
  return `${(bytes / 1024 ** 3).toFixed(2)} GiB`;
}
