/**
 * The parser on the generated fixture models (test/onnx-fixtures.ts: torch-exported resnet18 and friends,
 * the real Silero VADs): every summary matches what Python's onnx reports (NAME.expected.json), and
 * initialiser values match onnx.numpy_helper.to_array, dumped by Python in this test.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, openSync, readFileSync, readSync, closeSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { hasTorch, ONNX_FIXTURES_DIR as DIR, onnxManifest, PYTHON, torchMissing, type OnnxFixtureManifest } from '../../../test/onnx-fixtures';
import type { Result } from '../result';
import type { GraphData, InitializerInfo } from './model-types';
import { initializerTensor, parseModel, type ParsedModel, type ReadExternal } from './parse-model';

// Generated at collection time (no hook timeout): ~6–10 s the first time, then a hash check.
const manifest: OnnxFixtureManifest | null = hasTorch ? onnxManifest() : null;
const MODELS = manifest ? Object.keys(manifest.models) : [];

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

const bytesOf = (file: string): Buffer => readFileSync(join(DIR, file));
const parse = (name: string): ParsedModel => value(parseModel(bytesOf(`${name}.onnx`)));
const expectedOf = (name: string) => JSON.parse(bytesOf(`${name}.expected.json`).toString('utf8'));

function flatNodes(g: GraphData): [string, string, string][] {
  return g.nodes.flatMap((n) => [
    [n.id, n.domain === '' || n.domain === 'ai.onnx' ? n.op : `${n.domain}.${n.op}`, n.name] as [string, string, string],
    ...n.subgraphs.flatMap((s) => flatNodes(s.graph)),
  ]);
}

function flatInitializers(g: GraphData): InitializerInfo[] {
  return [...g.initializers, ...g.nodes.flatMap((n) => n.subgraphs.flatMap((s) => flatInitializers(s.graph)))];
}

/** Reads side files from `dir`, as the runner will (null when missing or short). */
function readerIn(dir: string): ReadExternal {
  return (file, offset, length) => {
    try {
      const fd = openSync(join(dir, file), 'r');
      try {
        const out = new Uint8Array(length);
        return readSync(fd, out, 0, length, offset) === length ? out : null;
      } finally {
        closeSync(fd);
      }
    } catch {
      return null;
    }
  };
}

describe.skipIf(missing(torchMissing))('parseModel on the generated fixtures', () => {
  it('generated every model the issue names', () => {
    expect(MODELS).toEqual(['resnet18', 'small_cnn', 'int8_qdq', 'symbolic_batch', 'if_subgraph', 'external_data', 'big_5000', 'silero_vad_v5', 'silero_vad_legacy']);
  });

  it.each(MODELS)('%s: summary, nodes and initialisers match Python onnx', (name) => {
    const expected = expectedOf(name);
    const { summary, graph } = parse(name);
    expect(summary).toEqual(expected.summary);
    expect(graph.name).toBe(expected.graphName);
    expect(graph.nodes).toHaveLength(expected.mainGraphNodeCount);
    expect(graph.valueInfo).toHaveLength(expected.valueInfoCount);
    expect(flatNodes(graph)).toEqual(expected.nodes);
    expect(flatInitializers(graph)).toEqual(expected.initializers);
  });

  it('resnet18: batch is symbolic, ~11.7M parameters, parsed fast (weights not copied)', () => {
    const bytes = bytesOf('resnet18.onnx');
    const { summary } = value(parseModel(bytes)); // warm: the proto schema is parsed once
    const started = performance.now();
    // A new view of the same memory: not the cached decode, and no copy.
    const again = value(parseModel(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length)));
    const ms = performance.now() - started;
    console.log(`[measure] parseModel(resnet18.onnx, ${(bytes.length / 1e6).toFixed(1)} MB): ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(1000);
    expect(again.summary).toEqual(summary);
    expect(summary.inputs).toEqual([{ name: 'input', kind: 'tensor', dtype: 'float32', shape: ['batch', 3, 224, 224], doc: '' }]);
    expect(summary.outputs[0]?.shape).toEqual(['batch', 1000]);
    expect(summary.parameterCount).toBeGreaterThan(11_600_000);
    expect(summary.initializerBytes).toBe(summary.parameterCount * 4);
  });

  it('external_data: parses without its side file, reporting the external bytes', () => {
    const alone = mkdtempSync(join(tmpdir(), 'lathe-onnx-'));
    try {
      copyFileSync(join(DIR, 'external_data.onnx'), join(alone, 'external_data.onnx'));
      const bytes = readFileSync(join(alone, 'external_data.onnx'));
      const { summary, graph } = value(parseModel(bytes));
      expect(summary.externalFiles).toEqual(['external_data.onnx.data']);
      expect(summary.externalBytes).toBe(readFileSync(join(DIR, 'external_data.onnx.data')).length);
      expect(summary.externalBytes).toBeGreaterThan(30_000);
      expect(summary.initializerBytes).toBe(summary.externalBytes + 10 * 4); // the 40-byte bias stays inline (size_threshold 256)
      const external = graph.initializers.find((i) => i.externalFile !== null);
      const weight = initializerTensor(bytes, external?.name ?? '', readerIn(alone));
      expect(!weight.ok && weight.code).toBe('NOT_FOUND');
    } finally {
      rmSync(alone, { recursive: true, force: true });
    }
  });

  it('if_subgraph: the If exposes both branches, the nested If its own', () => {
    const { graph } = parse('if_subgraph');
    const outer = graph.nodes.find((n) => n.op === 'If');
    expect(outer?.subgraphs.map((s) => s.attribute)).toEqual(['else_branch', 'then_branch']);
    const thenBranch = outer?.subgraphs.find((s) => s.attribute === 'then_branch')?.graph;
    expect(thenBranch?.initializers.map((i) => [i.name, i.shape])).toEqual([['then_scale', [3]]]);
    const inner = outer?.subgraphs.find((s) => s.attribute === 'else_branch')?.graph.nodes.find((n) => n.op === 'If');
    expect(inner?.id).toBe('2/else_branch/1');
    expect(inner?.subgraphs.map((s) => s.graph.nodes[0]?.op).sort()).toEqual(['Neg', 'Sub']);
  });

  it('big_5000: at least 5,000 nodes, with branches and merges', () => {
    const { summary, graph } = parse('big_5000');
    expect(graph.nodes.length).toBeGreaterThanOrEqual(5000);
    expect(summary.nodeCount).toBe(graph.nodes.length);
    const consumers = new Map<string, number>();
    for (const n of graph.nodes) for (const i of n.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
    expect(Math.max(...consumers.values())).toBeGreaterThanOrEqual(3); // a value feeding a branch and a residual
  });

  it('silero VADs: the real pretrained models, with their If subgraphs', () => {
    const v5 = parse('silero_vad_v5');
    expect(v5.summary.inputs.map((v) => [v.name, v.dtype])).toEqual([['input', 'float32'], ['state', 'float32'], ['sr', 'int64']]);
    expect(v5.graph.nodes.some((n) => n.op === 'If' && n.subgraphs.length === 2)).toBe(true);
    expect(parse('silero_vad_legacy').summary.opsets.length).toBeGreaterThan(1);
  });

  it('initializerTensor values equal onnx.numpy_helper.to_array', () => {
    // Python dumps the first, second and last initialiser (over all graphs) of a few models; onnx.load
    // reads the external data.
    const script = `
import base64, json, sys, onnx
from onnx import numpy_helper
def initializers(graph):
    yield from graph.initializer
    for node in graph.node:
        for attr in node.attribute:
            for sub in ([attr.g] if attr.HasField('g') else []) + list(attr.graphs):
                yield from initializers(sub)
out = {}
for name in sys.argv[2:]:
    model = onnx.load(f'{sys.argv[1]}/{name}.onnx')
    inits = list(initializers(model.graph))
    for t in [inits[0], inits[1], inits[-1]]:
        a = numpy_helper.to_array(t)
        data = a.astype(a.dtype.newbyteorder('<')).tobytes()
        out[f'{name}/{t.name}'] = {'dtype': str(a.dtype), 'shape': list(a.shape), 'bytes': base64.b64encode(data).decode()}
print(json.dumps(out))
`;
    const models = ['resnet18', 'int8_qdq', 'external_data', 'if_subgraph', 'silero_vad_legacy', 'big_5000'];
    const run = spawnSync(PYTHON, ['-c', script, DIR, ...models], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    expect(run.stderr).not.toMatch(/Traceback/);
    const dumped = JSON.parse(run.stdout) as Record<string, { dtype: string; shape: number[]; bytes: string }>;
    expect(Object.keys(dumped).length).toBeGreaterThanOrEqual(models.length * 2);
    for (const [key, expected] of Object.entries(dumped)) {
      const [model, ...rest] = key.split('/');
      const tensor = value(initializerTensor(bytesOf(`${model}.onnx`), rest.join('/'), readerIn(DIR)));
      expect([tensor.dtype, tensor.shape], key).toEqual([expected.dtype, expected.shape]);
      const data = tensor.data as ArrayBufferView;
      // Every value, bit for bit: numpy's little-endian bytes against the decoded array's.
      expect(Buffer.from(data.buffer, data.byteOffset, data.byteLength).equals(Buffer.from(expected.bytes, 'base64')), key).toBe(true);
    }
  });
});

if (!hasTorch) console.warn(`[skip] ONNX fixture tests: ${torchMissing}`);
