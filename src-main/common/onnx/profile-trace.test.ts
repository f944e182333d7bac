/**
 * The Chrome-trace parser on real traces (__fixtures__/traces/, made by make-traces.mjs: onnxruntime-node
 * profiles of small_cnn, int8_qdq and resnet18 at optimisation 'disabled', and a torch.profiler export from
 * Debian's torch), on small hand-written traces for the formats Debian's torch cannot produce (kineto's
 * JSON Object with cat/ph, B/E pairs), and on malformed input.
 *
 * What real ORT traces show about "the table sums agree with the model_run spans": ORT's model_run
 * includes per-run overhead (input/output binding, the executor's set-up, fences) that no node's
 * _kernel_time counts. For resnet18 the node sum is 97–99% of the model_run sum (within 5%); for tiny
 * models (small_cnn, int8_qdq: a few µs per node) the overhead dominates and the node sum is only 30–75%
 * of it. So: within 5% is asserted on resnet18 (here and, on a fresh trace, in profile-trace.int.test.ts);
 * on every ORT trace, the node sum never exceeds the model_run sum and every node span lies inside a run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '../../../test/skip';
import { onnxFixtures, torchMissing } from '../../../test/onnx-fixtures';
import type { Result } from '../result';
import { parseModel } from './parse-model';
import { jsonFault, parseTrace, type ParsedTrace } from './profile-trace';
import type { ProfileSummary } from './profile-types';

const TRACES = join(__dirname, '__fixtures__', 'traces');
const text = (file: string): string => readFileSync(join(TRACES, file), 'utf8');

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}
const summaryOf = (file: string): ProfileSummary => value(parseTrace(text(file))).summary;

function failure(r: Result<ParsedTrace>): string {
  expect(r.ok).toBe(false);
  if (r.ok) return '';
  expect(r.code).toBe('INVALID_ARGUMENT');
  return r.message;
}

/** Every span in the timeline as objects. */
function spansOf(s: ProfileSummary): { lane: string; name: string; op: string; start: number; dur: number }[] {
  const out = [];
  const t = s.timeline;
  const at = (i: number): number => t.spans[i] ?? NaN;
  for (let i = 0; i < t.spans.length; i += 4) {
    out.push({ lane: t.lanes[at(i)] ?? '?', name: t.names[at(i + 1)] ?? '?', op: t.ops[at(i + 1)] ?? '?', start: at(i + 2), dur: at(i + 3) });
  }
  return out;
}

/** The same trace, read independently: node name → [calls, total µs], and the model_run durations. */
function reference(file: string): { nodes: Map<string, [number, number]>; runs: number[]; spans: number } {
  const events = JSON.parse(text(file)) as { cat: string; name: string; dur: number }[];
  const nodes = new Map<string, [number, number]>();
  const runs: number[] = [];
  let spans = 0;
  for (const e of events) {
    if (e.cat === 'Node' && e.name.endsWith('_kernel_time')) {
      const n = e.name.replace(/_kernel_time$/, '');
      const [c, t] = nodes.get(n) ?? [0, 0];
      nodes.set(n, [c + 1, t + e.dur]);
      spans++;
    } else if (e.cat === 'Session') {
      if (e.name === 'model_run') runs.push(e.dur);
      spans++;
    }
  }
  return { nodes, runs, spans };
}

describe('ORT traces (real, optimisation disabled)', () => {
  for (const file of ['small_cnn.ort.json', 'int8_qdq.ort.json', 'resnet18.ort.json']) {
    it(`${file}: every node's calls and total match the events; shares and op totals add up`, () => {
      const s = summaryOf(file);
      const ref = reference(file);
      expect(s.source).toBe('ort');
      expect(s.nodes.length).toBe(ref.nodes.size);
      for (const n of s.nodes) {
        expect([n.calls, n.totalUs]).toEqual(ref.nodes.get(n.name));
        expect(n.calls).toBe(3); // 3 runs, one call each
        expect(n.ep).toBe('cpu');
        expect(n.op).not.toBe('');
        expect(n.minUs).toBeLessThanOrEqual(n.meanUs);
        expect(n.meanUs).toBeLessThanOrEqual(n.maxUs);
        expect(n.meanUs).toBeCloseTo(n.totalUs / n.calls, 9);
        expect(n.share).toBeCloseTo(n.totalUs / s.totalNodeUs, 12);
      }
      expect(s.nodes.reduce((t, n) => t + n.share, 0)).toBeCloseTo(1, 9);
      expect(s.ops.reduce((t, o) => t + o.totalUs, 0)).toBe(s.totalNodeUs);
      expect(s.ops.reduce((t, o) => t + o.nodes, 0)).toBe(s.nodes.length);
      // Sorted by total, largest first.
      for (let i = 1; i < s.nodes.length; i++) expect(s.nodes[i - 1]?.totalUs).toBeGreaterThanOrEqual(s.nodes[i]?.totalUs ?? Infinity);
      expect(s.byEp).toEqual({ cpu: s.nodes.length });
      // Runs and session spans.
      expect(s.runs.map((r) => r.durUs)).toEqual(ref.runs);
      expect(s.runs).toHaveLength(3);
      expect(s.totalRunUs).toBe(ref.runs.reduce((a, b) => a + b, 0));
      expect(s.sessionSpans.map((x) => x.name)).toEqual(expect.arrayContaining(['model_loading_uri', 'session_initialization', 'SequentialExecutor::Execute']));
      expect(s.skipped).toBe(0);
      // The table never counts more than the runs took, and every node span lies inside a model_run.
      expect(s.totalNodeUs).toBeLessThanOrEqual(s.totalRunUs);
      const spans = spansOf(s);
      expect(spans).toHaveLength(ref.spans);
      for (const sp of spans.filter((x) => x.op !== '')) {
        expect(s.runs.some((r) => sp.start >= r.startUs && sp.start + sp.dur <= r.startUs + r.durUs)).toBe(true);
      }
    });
  }

  it('small_cnn: a node carries its op, EP and shapes; the timeline has one lane, "thread <tid>"', () => {
    const s = summaryOf('small_cnn.ort.json');
    const conv = s.nodes.find((n) => n.name === '/0/Conv');
    expect(conv).toMatchObject({ op: 'Conv', ep: 'cpu', inputShapes: ['float[1,3,32,32]', 'float[8,3,3,3]', 'float[8]'], outputShapes: ['float[1,8,32,32]'] });
    const tid = (JSON.parse(text('small_cnn.ort.json')) as { tid: number }[])[0]?.tid;
    expect(s.timeline.lanes).toEqual([`thread ${tid}`]);
    expect(s.timeline.startUs).toBe(0);
    const spans = spansOf(s);
    expect(Math.min(...spans.map((x) => x.start))).toBe(0);
    expect(s.timeline.endUs).toBe(Math.max(...spans.map((x) => x.start + x.dur)));
    expect(spans.filter((x) => x.name === 'model_run')).toHaveLength(3);
    expect(spans.find((x) => x.name === '/0/Conv')?.op).toBe('Conv');
  });

  it.skipIf(missing(torchMissing))("small_cnn: the node table is the graph's nodes, by name and op", () => {
    const model = value(parseModel(readFileSync(join(onnxFixtures(), 'small_cnn.onnx'))));
    const graph = model.graph.nodes.map((n) => [n.name, n.op]).sort();
    const table = summaryOf('small_cnn.ort.json')
      .nodes.map((n) => [n.name, n.op])
      .sort();
    expect(table).toEqual(graph);
  });

  it.skipIf(missing(torchMissing))("resnet18: the node table is the graph's nodes (minus the ones ORT does not run), and the table sum is within 5% of the model_run sum", () => {
    const model = value(parseModel(readFileSync(join(onnxFixtures(), 'resnet18.onnx'))));
    const s = summaryOf('resnet18.ort.json');
    const graph = new Map(model.graph.nodes.map((n) => [n.name, n.op]));
    for (const n of s.nodes) expect(graph.get(n.name)).toBe(n.op);
    // Every Conv, Relu, Add, pool and Gemm runs; only shape plumbing may be folded away.
    const missingNodes = [...graph].filter(([name]) => !s.nodes.some((n) => n.name === name));
    expect(missingNodes.filter(([, op]) => !['Constant', 'Shape', 'Gather', 'Unsqueeze', 'Concat', 'Reshape', 'Flatten'].includes(op))).toEqual([]);
    expect(s.nodes.length).toBeGreaterThanOrEqual(60);
    expect(Math.abs(s.totalNodeUs / s.totalRunUs - 1)).toBeLessThan(0.05);
    expect(s.ops[0]?.op).toBe('Conv');
  });

  it('int8_qdq: QuantizeLinear and DequantizeLinear nodes are in the table', () => {
    const s = summaryOf('int8_qdq.ort.json');
    const ops = s.ops.map((o) => o.op);
    expect(ops).toEqual(expect.arrayContaining(['QuantizeLinear', 'DequantizeLinear', 'Conv']));
  });

  it("Lathe's saved form { lathe, traceEvents } parses the same, and returns lathe as meta", () => {
    const events = JSON.parse(text('small_cnn.ort.json')) as unknown[];
    const meta = { version: 1, source: 'cli', runs: 3 };
    const saved = value(parseTrace(JSON.stringify({ lathe: meta, traceEvents: events })));
    const plain = value(parseTrace(text('small_cnn.ort.json')));
    expect(saved.meta).toEqual(meta);
    expect(plain.meta).toBeNull();
    expect(saved.summary).toEqual(plain.summary);
  });

  it('fence events are read but not counted as kernel time', () => {
    const e = (name: string, ts: number, dur: number) => ({ cat: 'Node', pid: 1, tid: 7, ph: 'X', name, ts, dur, args: { op_name: 'Relu', provider: 'CUDAExecutionProvider' } });
    const s = value(
      parseTrace(
        JSON.stringify([
          { cat: 'Session', pid: 1, tid: 7, ph: 'X', name: 'model_run', ts: 0, dur: 100, args: {} },
          e('r_fence_before', 1, 2),
          e('r_kernel_time', 3, 50),
          e('r_fence_after', 53, 2),
        ]),
      ),
    ).summary;
    expect(s.nodes).toHaveLength(1);
    expect(s.nodes[0]).toMatchObject({ name: 'r', op: 'Relu', ep: 'cuda', calls: 1, totalUs: 50, share: 1, inputShapes: [], outputShapes: [] });
    expect(s.byEp).toEqual({ cuda: 1 });
    expect(s.skipped).toBe(0);
    expect(s.timeline.spans).toHaveLength(8); // model_run and the kernel
  });
});

describe('ORT traces with a GPU EP', () => {
  it('nodes of an EP other than the CPU get their own lane per thread ("cuda · thread 7")', () => {
    const node = (name: string, provider: string, ts: number) => ({
      cat: 'Node', name: `${name}_kernel_time`, ph: 'X', pid: 1, tid: 7, ts, dur: 10, args: { op_name: 'Conv', provider },
    });
    const text = JSON.stringify([node('conv', 'CUDAExecutionProvider', 0), node('shape', 'CPUExecutionProvider', 20), node('conv2', 'CUDAExecutionProvider', 40)]);
    const parsed = parseTrace(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const { timeline, byEp } = parsed.value.summary;
    expect(timeline.lanes).toEqual(['cuda · thread 7', 'thread 7']);
    expect(byEp).toEqual({ cuda: 2, cpu: 1 });
    const laneOfSpan = (i: number) => timeline.spans[i * 4];
    expect([laneOfSpan(0), laneOfSpan(1), laneOfSpan(2)]).toEqual([0, 1, 0]);
  });
});

describe('torch.profiler traces', () => {
  it("Debian torch's export_chrome_trace (legacy autograd profiler): aggregated by op name", () => {
    const s = summaryOf('small_cnn.torch.json');
    const events = JSON.parse(text('small_cnn.torch.json')) as { name: string; dur: number }[];
    expect(s.source).toBe('torch');
    const names = new Set(events.map((e) => e.name));
    expect(s.nodes.map((n) => n.name).sort()).toEqual([...names].sort());
    for (const op of ['aten::conv2d', 'aten::relu', 'aten::max_pool2d', 'aten::linear', 'aten::addmm']) {
      const n = s.nodes.find((x) => x.name === op);
      expect(n?.op).toBe(op);
      expect(n?.ep).toBe('');
      expect(n?.totalUs).toBe(events.filter((e) => e.name === op).reduce((t, e) => t + e.dur, 0));
    }
    expect(s.nodes.find((n) => n.name === 'aten::conv2d')?.calls).toBe(6); // 2 convs × 3 forwards
    expect(s.ops).toHaveLength(s.nodes.length);
    expect(s.runs).toEqual([]);
    expect(s.totalRunUs).toBe(0);
    expect(s.events).toBe(events.length);
    expect(s.skipped).toBe(0);
    expect(s.timeline.spans.length).toBe(events.length * 4);
    expect(s.timeline.lanes).toEqual(['thread 1']);
  });

  it("kineto's JSON Object (cat cpu_op/kernel/user_annotation): CUDA kernels get ep 'cuda', ProfilerStep#N are the runs", () => {
    // Hand-written in the shape of torch ≥ 1.8 with kineto (Debian's torch has no kineto), trimmed to what matters.
    const trace = {
      schemaVersion: 1,
      deviceProperties: [],
      traceEvents: [
        { ph: 'M', name: 'thread_name', pid: 10, tid: 10, args: { name: 'python' } },
        { ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#1', pid: 10, tid: 10, ts: 1_700_000_000_000, dur: 500 },
        { ph: 'X', cat: 'cpu_op', name: 'aten::conv2d', pid: 10, tid: 10, ts: 1_700_000_000_010, dur: 100, args: { 'Input Dims': [[1, 3, 8, 8]] } },
        { ph: 'X', cat: 'cuda_runtime', name: 'cudaLaunchKernel', pid: 10, tid: 10, ts: 1_700_000_000_020, dur: 5 },
        { ph: 'X', cat: 'kernel', name: 'implicit_convolve_sgemm', pid: 0, tid: 7, ts: 1_700_000_000_030, dur: 40 },
        { ph: 's', cat: 'ac2g', name: 'ac2g', id: 1, pid: 10, tid: 10, ts: 1_700_000_000_020 },
        { ph: 'X', cat: 'user_annotation', name: 'ProfilerStep#2', pid: 10, tid: 10, ts: 1_700_000_000_600, dur: 400 },
        { ph: 'X', cat: 'cpu_op', name: 'aten::conv2d', pid: 10, tid: 10, ts: 1_700_000_000_610, dur: 80 },
        { ph: 'X', cat: 'kernel', name: 'implicit_convolve_sgemm', pid: 0, tid: 7, ts: 1_700_000_000_630, dur: 38 },
      ],
    };
    const s = value(parseTrace(JSON.stringify(trace))).summary;
    expect(s.source).toBe('torch');
    expect(s.runs).toEqual([
      { name: 'ProfilerStep#1', startUs: 0, durUs: 500 },
      { name: 'ProfilerStep#2', startUs: 600, durUs: 400 },
    ]);
    expect(s.totalRunUs).toBe(900);
    expect(s.nodes.map((n) => [n.name, n.ep, n.calls, n.totalUs])).toEqual([
      ['aten::conv2d', '', 2, 180],
      ['implicit_convolve_sgemm', 'cuda', 2, 78],
      ['cudaLaunchKernel', '', 1, 5],
    ]);
    expect(s.byEp).toEqual({ cuda: 1 });
    expect(s.skipped).toBe(2); // the metadata and the flow event
    expect(s.timeline.lanes).toEqual(['10 · thread 10', 'cuda · 0 · stream 7']);
    expect(s.timeline.endUs).toBe(1000);
  });
});

describe('generic Chrome traces', () => {
  it('B/E pairs are matched per thread, innermost first; unmatched ones are skipped', () => {
    const s = value(
      parseTrace(
        JSON.stringify({
          traceEvents: [
            { ph: 'B', name: 'outer', pid: 1, tid: 1, ts: 10 },
            { ph: 'B', name: 'inner', pid: 1, tid: 1, ts: 20 },
            { ph: 'B', name: 'other', pid: 1, tid: 2, ts: 25 },
            { ph: 'E', pid: 1, tid: 1, ts: 30 },
            { ph: 'E', pid: 1, tid: 2, ts: 45 },
            { ph: 'E', pid: 1, tid: 1, ts: 70 },
            { ph: 'E', pid: 1, tid: 1, ts: 80 },
            { ph: 'X', name: 'inner', pid: 1, tid: 1, ts: 100, dur: 5 },
            { ph: 'B', name: 'never closed', pid: 1, tid: 3, ts: 100 },
          ],
        }),
      ),
    ).summary;
    expect(s.source).toBe('chrome');
    expect(s.nodes.map((n) => [n.name, n.calls, n.totalUs, n.minUs, n.maxUs])).toEqual([
      ['outer', 1, 60, 60, 60],
      ['other', 1, 20, 20, 20],
      ['inner', 2, 15, 5, 10],
    ]);
    expect(s.skipped).toBe(2); // the stray E, the unclosed B
    expect(s.totalNodeUs).toBe(95);
    expect(s.timeline.lanes).toEqual(['thread 1', 'thread 2']);
    expect(spansOf(s).map((x) => [x.lane, x.name, x.start, x.dur])).toEqual([
      ['thread 1', 'inner', 10, 10],
      ['thread 2', 'other', 15, 20],
      ['thread 1', 'outer', 0, 60],
      ['thread 1', 'inner', 90, 5],
    ]);
  });
});

describe('malformed traces', () => {
  it('not JSON: says so, with the position, line and column', () => {
    const message = failure(parseTrace('[\n {"cat": "Node",\n  "name": }\n]'));
    expect(message).toMatch(/^The file is not valid JSON: .+ at position 29 \(line 3, column 11\)\.$/);
    expect(failure(parseTrace(text('small_cnn.ort.json').slice(0, 5000)))).toMatch(/not valid JSON: the text ends before the JSON is complete \(is the file cut short\?\) at position 5000 \(line \d+, column \d+\)/);
    expect(failure(parseTrace('[{"name": "a\u0001"}]'))).toMatch(/unexpected "\\u0001" at position 12 \(line 1, column 13\)/);
    expect(failure(parseTrace("[{'name': 1}]"))).toMatch(/unexpected "'" at position 2/);
    expect(failure(parseTrace('[1, 2,]'))).toMatch(/unexpected "]" at position 6/);
  });

  it('the JSON checker behind those messages accepts what JSON.parse accepts', () => {
    for (const t of ['[]', '{}', ' 1 ', '"s"', '{"a":[1,{"b":"x\\"y"}],"c":-1.5e3,"d":[true,false,null],"e":{}}', text('resnet18.ort.json'), text('small_cnn.torch.json')]) {
      JSON.parse(t);
      expect(jsonFault(t)).toBeNull();
    }
    expect(jsonFault('[1] 2')).toEqual({ pos: 4, what: 'unexpected "2"' });
    expect(jsonFault('{"a" 1}')).toEqual({ pos: 5, what: 'unexpected "1"' });
  });

  it('empty: no events', () => {
    expect(failure(parseTrace('[]'))).toBe('The trace has no events.');
    expect(failure(parseTrace('{"traceEvents": []}'))).toBe('The trace has no events.');
    expect(failure(parseTrace('  \n'))).toMatch(/empty.*no events/);
  });

  it('JSON that is not a trace', () => {
    expect(failure(parseTrace('{"ir_version": 8, "graph": {}}'))).toBe('The file is a JSON object with no traceEvents array: not a Chrome trace.');
    expect(failure(parseTrace('{"traceEvents": {"a": 1}}'))).toMatch(/no traceEvents array/);
    expect(failure(parseTrace('42'))).toMatch(/JSON \(number\), not a Chrome trace/);
    expect(failure(parseTrace('null'))).toMatch(/JSON \(null\), not a Chrome trace/);
    expect(failure(parseTrace('[{"ph": "M", "name": "process_name"}, {"ph": "i", "name": "x", "ts": 1}]'))).toMatch(/no events with a duration/);
    expect(failure(parseTrace('[1, "two", null]'))).toMatch(/no events with a duration/);
  });

  it('events without ts/dur', () => {
    expect(failure(parseTrace('[{"cat": "Node", "name": "a_kernel_time", "ph": "X"}, {"cat": "Session", "name": "model_run", "ph": "X", "ts": 3}]'))).toBe(
      "The trace's events have no ts/dur (2 of 2 lack them): there is nothing to time.",
    );
    expect(failure(parseTrace('[{"ph": "X", "name": "a", "ts": "1", "dur": "2"}]'))).toMatch(/no ts\/dur/);
    // Some untimed events among timed ones are skipped, not an error.
    const s = value(parseTrace('[{"ph": "X", "name": "a"}, {"ph": "X", "name": "b", "ts": 1, "dur": 2}]')).summary;
    expect([s.nodes.length, s.events, s.skipped]).toEqual([1, 2, 1]);
  });
});

describe('size', () => {
  it('100k spans: a timeline of 4 numbers per span, parsed in a moment', () => {
    const events: unknown[] = [];
    for (let r = 0; r < 250; r++) {
      const t0 = r * 1000;
      events.push({ cat: 'Session', pid: 1, tid: 1, ph: 'X', name: 'model_run', ts: t0, dur: 999, args: {} });
      for (let n = 0; n < 400; n++) {
        events.push({ cat: 'Node', pid: 1, tid: 1 + (n % 4), ph: 'X', name: `node_${n}_kernel_time`, ts: t0 + n * 2, dur: 2, args: { op_name: n % 2 ? 'Conv' : 'Relu', provider: 'CPUExecutionProvider' } });
      }
    }
    const json = JSON.stringify(events);
    const t0 = performance.now();
    const s = value(parseTrace(json)).summary;
    const ms = performance.now() - t0;
    expect(s.timeline.spans.length).toBe(events.length * 4);
    expect(s.timeline.names).toHaveLength(401);
    expect(s.timeline.lanes).toEqual(['thread 1', 'thread 2', 'thread 3', 'thread 4']);
    expect(s.nodes).toHaveLength(400);
    expect(s.ops.map((o) => [o.op, o.nodes, o.calls])).toEqual([
      ['Relu', 200, 50_000],
      ['Conv', 200, 50_000],
    ]);
    expect(ms).toBeLessThan(3000);
  });
});
