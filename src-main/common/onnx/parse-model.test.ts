/**
 * Golden tests of the ONNX parser on tiny committed models (__fixtures__/tiny_*.onnx) and on files that
 * are not ONNX models (__fixtures__/not_onnx_*). The models, and what Python's onnx 1.12 says about them
 * (NAME.expected.json, tiny_types.values.json), are built by
 *
 *     /usr/bin/python3 src-main/common/onnx/__fixtures__/make-fixtures.py
 *
 * (its docstring says what each model covers). Models with types onnx 1.12 cannot write (int4, float8)
 * are encoded here with protobufjs from the same vendored onnx.proto.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import protobuf from 'protobufjs';
import { describe, expect, it } from 'vitest';
import type { Failure, Result } from '../result';
import type { GraphData, InitializerInfo } from './model-types';
import { ONNX_PROTO } from './onnx-proto';
import { initializerTensor, parseModel, type ParsedModel, type ReadExternal } from './parse-model';

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const MODELS = readdirSync(FIXTURES).filter((f) => f.startsWith('tiny_') && f.endsWith('.onnx')).sort();

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function failure(r: Result<unknown>): Failure {
  if (r.ok) throw new Error('expected a failure, got success');
  return r;
}

const parse = (name: string): ParsedModel => value(parseModel(fixture(name)));

/** Nodes of every graph, depth first as expected.json lists them: [id, op (domain-qualified), name]. */
function flatNodes(g: GraphData): [string, string, string][] {
  return g.nodes.flatMap((n) => [
    [n.id, n.domain === '' || n.domain === 'ai.onnx' ? n.op : `${n.domain}.${n.op}`, n.name] as [string, string, string],
    ...n.subgraphs.flatMap((s) => flatNodes(s.graph)),
  ]);
}

function flatInitializers(g: GraphData): InitializerInfo[] {
  return [...g.initializers, ...g.nodes.flatMap((n) => n.subgraphs.flatMap((s) => flatInitializers(s.graph)))];
}

const noExternal: ReadExternal = () => null;

describe('parseModel matches what Python onnx reports (golden)', () => {
  it('has the fixtures', () => {
    expect(MODELS).toEqual(['tiny_attrs.onnx', 'tiny_cnn.onnx', 'tiny_control.onnx', 'tiny_external.onnx', 'tiny_legacy.onnx', 'tiny_types.onnx']);
  });

  it.each(MODELS)('%s: summary, nodes and initialisers', (name) => {
    const expected = JSON.parse(fixture(name.replace('.onnx', '.expected.json')).toString('utf8'));
    const { summary, graph } = parse(name);
    expect(summary).toEqual(expected.summary);
    expect(graph.name).toBe(expected.graphName);
    expect(graph.nodes).toHaveLength(expected.mainGraphNodeCount);
    expect(graph.valueInfo).toHaveLength(expected.valueInfoCount);
    expect(flatNodes(graph)).toEqual(expected.nodes);
    expect(flatInitializers(graph)).toEqual(expected.initializers);
  });
});

describe('parseModel fields', () => {
  it('tiny_cnn: metadata, symbolic batch, doc strings, attributes', () => {
    const { summary, graph } = parse('tiny_cnn.onnx');
    expect(summary).toMatchObject({
      irVersion: 7,
      opsets: [{ domain: '', version: 13 }],
      producerName: 'pytorch',
      producerVersion: '1.13.0',
      domain: 'dev.lathe.test',
      modelVersion: 7,
      docString: 'Tiny CNN golden fixture.',
      metadata: { author: 'Lathe', classes: '3' },
      inputs: [{ name: 'image', kind: 'tensor', dtype: 'float32', shape: ['batch', 3, 8, 8], doc: 'an RGB image' }],
      outputs: [{ name: 'scores', kind: 'tensor', dtype: 'float32', shape: ['batch', 3], doc: '' }],
      parameterCount: 4 * 3 * 3 * 3 + 4 + 4 * 3 + 3,
      initializerBytes: (4 * 3 * 3 * 3 + 4 + 4 * 3 + 3) * 4,
      externalBytes: 0,
      externalFiles: [],
    });
    const conv = graph.nodes.find((n) => n.op === 'Conv');
    expect(conv?.id).toBe('0');
    expect(conv?.attributes).toContainEqual({ name: 'kernel_shape', type: 'INTS', value: '[3, 3]' });
    expect(conv?.attributes).toContainEqual({ name: 'group', type: 'INT', value: '1' });
    const gemm = graph.nodes.find((n) => n.op === 'Gemm');
    expect(gemm?.attributes).toContainEqual({ name: 'alpha', type: 'FLOAT', value: '1' });
    expect(graph.initializers.map((i) => [i.name, i.dtype, i.shape, i.externalFile])).toContainEqual(['0.weight', 'float32', [4, 3, 3, 3], null]);
  });

  it('tiny_control: If and Loop subgraphs nest inside their nodes, with index-path ids', () => {
    const { summary, graph } = parse('tiny_control.onnx');
    const [outerIf, loop] = graph.nodes;
    // In the file's order (onnx.helper sorts attributes by name).
    expect(outerIf?.subgraphs.map((s) => [s.attribute, s.graph.name])).toEqual([['else_branch', 'else_branch'], ['then_branch', 'then_branch']]);
    const inner = outerIf?.subgraphs[0]?.graph.nodes[0];
    expect(inner?.id).toBe('0/else_branch/0');
    expect(inner?.subgraphs[1]?.graph.nodes[0]).toMatchObject({ id: '0/else_branch/0/then_branch/0', op: 'Neg' });
    expect(loop?.subgraphs[0]?.graph.nodes.map((n) => n.id)).toEqual(['1/body/0', '1/body/1']);
    expect(loop?.subgraphs[0]?.graph.inputs.map((v) => [v.name, v.dtype, v.shape])).toEqual([['i', 'int64', []], ['cond_in', 'bool', []], ['acc_in', 'float32', [2]]]);
    expect(loop?.inputs).toEqual(['trips', '', 'if_y']);
    expect(outerIf?.attributes).toEqual([
      { name: 'else_branch', type: 'GRAPH', value: 'graph else_branch (1 node)' },
      { name: 'then_branch', type: 'GRAPH', value: 'graph then_branch (1 node)' },
    ]);
    // The then branch's own initialiser counts: trips (int64 scalar) + k (float32[2]).
    expect(summary).toMatchObject({ parameterCount: 3, initializerBytes: 16, nodeCount: 9 });
    expect(summary.inputs.map((v) => v.name)).toEqual(['x', 'flag']);
  });

  it('tiny_attrs: every attribute type written for a person; custom-domain ops qualified', () => {
    const { summary, graph } = parse('tiny_attrs.onnx');
    const custom = graph.nodes[0];
    expect(custom).toMatchObject({ op: 'Everything', domain: 'com.example', doc: 'carries every attribute type' });
    expect(Object.fromEntries(custom?.attributes.map((a) => [a.name, `${a.type} ${a.value}`]) ?? [])).toEqual({
      alpha: 'FLOAT 0.1',
      count: 'INT -3',
      big: 'INT 9223372036854775807',
      mode: 'STRING "NOTSET"',
      shape_tensor: 'TENSOR tensor int64[2] = [1, -1]',
      weights: 'TENSOR tensor float32[8,3,7,7]',
      scalar: 'TENSOR tensor float32[] = 0.5',
      body: 'GRAPH graph attr_graph (1 node)',
      scales: 'FLOATS [0.5, 1.5]',
      sizes: 'INTS [0, 1, 2, 3, 4, 5, 6, 7, … 512 values]',
      names: 'STRINGS ["a", "b"]',
      pair: 'GRAPHS [graph attr_graph (1 node), graph attr_graph (1 node)]',
      tensor_list: 'TENSORS [tensor float32[3] = [0, 0, 0]]',
    });
    expect(custom?.subgraphs.map((s) => [s.attribute, s.graph.nodes[0]?.id])).toEqual([
      ['body', '0/body/0'],
      ['pair[0]', '0/pair[0]/0'],
      ['pair[1]', '0/pair[1]/0'],
    ]);
    expect(summary.opHistogram[0]).toEqual({ op: 'Identity', count: 3 });
    expect(summary.opHistogram).toContainEqual({ op: 'com.example.Everything', count: 1 });
  });

  it('tiny_types: sequence, optional and map value types describe their element', () => {
    const { summary } = parse('tiny_types.onnx');
    expect(summary.inputs).toEqual([
      { name: 'seq', kind: 'sequence', dtype: 'int64', shape: ['n'], doc: '' },
      { name: 'opt', kind: 'optional', dtype: 'float32', shape: null, doc: '' },
    ]);
    expect(summary.outputs).toEqual([
      { name: 'seq_out', kind: 'sequence', dtype: 'int64', shape: null, doc: '' },
      { name: 'm', kind: 'map', dtype: 'float32', shape: [null, 'k', 4], doc: '' },
    ]);
  });

  it('tiny_legacy: initialisers listed as graph inputs are not inputs; untyped attributes are inferred', () => {
    const { summary, graph } = parse('tiny_legacy.onnx');
    expect(summary.irVersion).toBe(3);
    expect(summary.inputs.map((v) => v.name)).toEqual(['x']);
    expect(graph.inputs.map((v) => v.name)).toEqual(['x']);
    expect(graph.nodes[0]?.attributes).toEqual([
      { name: 'alpha', type: 'FLOAT', value: '2' },
      { name: 'transB', type: 'INT', value: '1' },
    ]);
  });

  it('tiny_external: parses without reading the side file, and counts its bytes', () => {
    const { summary, graph } = parse('tiny_external.onnx');
    expect(summary.externalFiles).toEqual(['tiny_external.onnx.data']);
    // w: float32[2,3,4] with a length entry; v: int64[6] without one (computed from shape × dtype).
    expect(summary.externalBytes).toBe(96 + 48);
    expect(summary.initializerBytes).toBe(96 + 48 + 4);
    expect(graph.initializers.map((i) => [i.name, i.bytes, i.externalFile])).toEqual([
      ['w', 96, 'tiny_external.onnx.data'],
      ['v', 48, 'tiny_external.onnx.data'],
      ['inline_one', 4, null],
    ]);
  });
});

describe('initializerTensor', () => {
  const numpy = JSON.parse(fixture('tiny_types.values.json').toString('utf8')) as Record<string, { dtype: string; shape: number[]; values: unknown[] }>;

  /** Values as JSON writes them: big 64-bit integers as strings, bools as booleans. */
  const comparable = (data: ArrayLike<unknown>, dtype: string): unknown[] =>
    Array.from(data, (v) => (typeof v === 'bigint' ? (v > 2n ** 53n || v < -(2n ** 53n) ? v.toString() : Number(v)) : dtype === 'bool' ? v === 1 : v));

  it.each(Object.keys(numpy))('%s equals numpy_helper.to_array', (name) => {
    const tensor = value(initializerTensor(fixture('tiny_types.onnx'), name, noExternal));
    const expected = numpy[name];
    expect(tensor.dtype).toBe(expected?.dtype);
    expect(tensor.shape).toEqual(expected?.shape);
    expect(comparable(tensor.data as ArrayLike<unknown>, tensor.dtype)).toEqual(expected?.values);
  });

  it('decodes the layouts Lathe keeps: float16 bits, bool 0/1, int64 exact', () => {
    const bytes = fixture('tiny_types.onnx');
    expect(value(initializerTensor(bytes, 'f16_raw', noExternal)).data).toBeInstanceOf(Uint16Array);
    expect(value(initializerTensor(bytes, 'b_typed', noExternal)).data).toEqual(new Uint8Array([1, 0, 1]));
    expect(value(initializerTensor(bytes, 'i64_raw', noExternal)).data).toEqual(new BigInt64Array([-9223372036854775808n, 9007199254740993n]));
  });

  it('finds initialisers inside subgraphs', () => {
    expect(value(initializerTensor(fixture('tiny_control.onnx'), 'k', noExternal)).data).toEqual(new Float32Array([2, 3]));
  });

  it('reads external data through the callback, with and without a length entry', () => {
    const side = fixture('tiny_external.onnx.data');
    const calls: [string, number, number][] = [];
    const read: ReadExternal = (file, offset, length) => {
      calls.push([file, offset, length]);
      return file === 'tiny_external.onnx.data' ? side.subarray(offset, offset + length) : null;
    };
    const bytes = fixture('tiny_external.onnx');
    const w = value(initializerTensor(bytes, 'w', read));
    expect(w).toEqual({ dtype: 'float32', shape: [2, 3, 4], data: Float32Array.from({ length: 24 }, (_, i) => i / 8) });
    expect(value(initializerTensor(bytes, 'v', read)).data).toEqual(new BigInt64Array([-3n, -2n, -1n, 0n, 1n, 2n]));
    expect(calls).toEqual([
      ['tiny_external.onnx.data', 16, 96],
      ['tiny_external.onnx.data', 112, 48],
    ]);
    expect(value(initializerTensor(bytes, 'inline_one', noExternal)).data).toEqual(new Float32Array([1]));
  });

  it('says so when the side file is missing, or the name is unknown', () => {
    const bytes = fixture('tiny_external.onnx');
    const missing = failure(initializerTensor(bytes, 'w', noExternal));
    expect(missing.code).toBe('NOT_FOUND');
    expect(missing.message).toMatch(/side file "tiny_external\.onnx\.data".*could not be read/);
    expect(failure(initializerTensor(bytes, 'nope', noExternal)).message).toBe('The model has no initialiser named "nope".');
  });
});

describe('types newer than onnx 1.12 (encoded with protobufjs)', () => {
  const ModelProto = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
  const encode = (model: object): Uint8Array => ModelProto.encode(ModelProto.fromObject(model)).finish();
  const withInitializers = (initializer: object[]): Uint8Array =>
    encode({ ir_version: 10, opset_import: [{ domain: '', version: 21 }], graph: { name: 'g', initializer, node: [{ op_type: 'Identity', input: ['a'], output: ['b'] }] } });
  const bytes = withInitializers([
    { name: 'i4', data_type: 22, dims: [4], raw_data: new Uint8Array([0x21, 0x8f]) },
    { name: 'u4', data_type: 21, dims: [3], int32_data: [0x21, 0x0f] },
    { name: 'f8', data_type: 17, dims: [2], raw_data: new Uint8Array([0x38, 0xb8]) },
    { name: 'f4', data_type: 23, dims: [2], raw_data: new Uint8Array([0x12]) },
  ]);

  it('unpacks int4/uint4 (low nibble first, int4 sign-extended) and keeps float8 bits', () => {
    expect(value(initializerTensor(bytes, 'i4', noExternal))).toEqual({ dtype: 'int4', shape: [4], data: new Int8Array([1, 2, -1, -8]) });
    expect(value(initializerTensor(bytes, 'u4', noExternal))).toEqual({ dtype: 'uint4', shape: [3], data: new Uint8Array([1, 2, 15]) });
    expect(value(initializerTensor(bytes, 'f8', noExternal))).toEqual({ dtype: 'float8e4m3fn', shape: [2], data: new Uint8Array([0x38, 0xb8]) });
  });

  it('sizes 4-bit tensors in half bytes and names unknown types undefined', () => {
    const { summary, graph } = value(parseModel(bytes));
    expect(graph.initializers.map((i) => [i.name, i.dtype, i.bytes])).toEqual([
      ['i4', 'int4', 2],
      ['u4', 'uint4', 2],
      ['f8', 'float8e4m3fn', 2],
      ['f4', 'undefined', 1],
    ]);
    expect(summary.parameterCount).toBe(11);
    expect(failure(initializerTensor(bytes, 'f4', noExternal)).message).toMatch(/element type Lathe does not know \(ONNX data type 23\)/);
  });

  it('reports data that does not fit the shape', () => {
    const bad = withInitializers([{ name: 'short', data_type: 1, dims: [3], raw_data: new Uint8Array(8) }]);
    expect(value(parseModel(bad)).summary.initializerBytes).toBe(8);
    expect(failure(initializerTensor(bad, 'short', noExternal)).message).toBe(
      'tensor "short" (float32[3]) has 8 bytes of data, but its shape and type need 12: the model is corrupt.',
    );
  });

  it('a model header without a graph, and a graph without opsets, are refused', () => {
    expect(failure(parseModel(encode({ ir_version: 8, producer_name: 'x' }))).message).toMatch(/ONNX model header but no graph/);
    expect(failure(parseModel(encode({ ir_version: 8, graph: { name: 'g' } }))).message).toMatch(/names no operator set/);
  });
});

describe('parseModel errors name what failed', () => {
  const expectInvalid = (bytes: Uint8Array, message: RegExp | string): void => {
    const f = failure(parseModel(bytes));
    expect(f.code).toBe('MODEL_INVALID');
    if (typeof message === 'string') expect(f.message).toBe(message);
    else expect(f.message).toMatch(message);
  };

  it('empty file', () => {
    expectInvalid(new Uint8Array(0), 'The file is empty (0 bytes): it is not an ONNX model. Re-export or re-download it.');
  });

  it('truncated: cut inside the graph, at several points', () => {
    const whole = fixture('tiny_cnn.onnx');
    for (const at of [3, 64, 100, 300, 600, 900, 1200, 1240]) {
      expectInvalid(whole.subarray(0, at), new RegExp(`^The file ends in the middle of the model \\(at byte \\d+ of ${at}\\): it was cut short\\. Re-export or re-download it\\.$`));
    }
  });

  it('truncated anywhere: always a failure or (cut after the last required field) a model, never a throw', () => {
    const whole = fixture('tiny_cnn.onnx');
    const outcomes = new Set<string>();
    for (let at = 1; at < whole.length; at++) {
      const r = parseModel(whole.subarray(0, at));
      outcomes.add(r.ok ? 'ok' : r.message.replace(/\d+/g, '#'));
      if (!r.ok) expect(r.message).toMatch(/cut short|not an ONNX model/);
    }
    expect(outcomes.size).toBeGreaterThan(2);
  });

  it('PNG image', () => {
    const png = new PNG({ width: 2, height: 2 });
    expectInvalid(PNG.sync.write(png), 'This is a PNG image, not an ONNX model.');
  });

  it('PyTorch checkpoints and zip archives', () => {
    expectInvalid(fixture('not_onnx_checkpoint.pt'), /^This is a PyTorch checkpoint \(a torch\.save zip archive\), not an ONNX model: export it to ONNX first/);
    expectInvalid(fixture('not_onnx_legacy_checkpoint.pt'), /^This is a Python pickle \(an older PyTorch checkpoint/);
    expectInvalid(fixture('not_onnx_archive.zip'), 'This is a ZIP archive, not an ONNX model: unzip it and open the .onnx file inside.');
  });

  it('text files', () => {
    const text = (s: string): Uint8Array => new TextEncoder().encode(s);
    expectInvalid(text('hello, this is not a model\nat all\n'), 'This is a text file (it starts with "hello, this is not a model at all "), not an ONNX model.');
    expectInvalid(text('version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 123\n'), /^This is a Git LFS pointer, not the model itself: run `git lfs pull`/);
    expectInvalid(text('<!DOCTYPE html><html><body>404</body></html>'), /HTML\/XML page.*download probably failed/);
    expectInvalid(text('{"model": 1}'), 'This is a JSON text file, not an ONNX model.');
  });

  it('random bytes: a failure, never a throw', () => {
    let seed = 12345;
    const next = (): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 50; i++) {
      const bytes = Uint8Array.from({ length: 64 + i * 37 }, next);
      const f = failure(parseModel(bytes));
      expect(f.code).toBe('MODEL_INVALID');
      expect(f.message).toMatch(/not an ONNX model|cut short|corrupt/);
    }
  });

  it('a corrupt byte anywhere in the model: a failure or a still-valid model, never a throw', () => {
    const whole = fixture('tiny_cnn.onnx');
    const messages = new Set<string>();
    for (let at = 0; at < whole.length; at++) {
      const bytes = Uint8Array.from(whole);
      bytes[at] = 0xff;
      const r = parseModel(bytes);
      if (!r.ok) messages.add(r.message.replace(/\d+/g, '#'));
    }
    expect(messages).toContain('The model file is corrupt: it starts like an ONNX model but stops decoding at byte # of # (invalid wire type # at offset #). Re-export or re-download it.');
  });
});
