/**
 * The profile diff on real traces (__fixtures__/traces/: small_cnn fp32 vs the int8 QDQ model, both ORT at
 * optimisation 'disabled'), and on small summaries made from hand-written traces for exact arithmetic.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Result } from '../result';
import { diffProfiles } from './profile-diff';
import { parseTrace } from './profile-trace';
import type { ProfileSummary } from './profile-types';

const TRACES = join(__dirname, '__fixtures__', 'traces');

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}
const load = (file: string): ProfileSummary => value(parseTrace(readFileSync(join(TRACES, file), 'utf8'))).summary;

/** An ORT-shaped trace: `runs` model_run spans, each running every [name, op, µs] node once. */
function ortTrace(runs: number, nodes: [string, string, number][], overheadUs = 10): ProfileSummary {
  const events: unknown[] = [];
  let t = 0;
  for (let r = 0; r < runs; r++) {
    const start = t;
    t += overheadUs / 2;
    for (const [name, op, us] of nodes) {
      events.push({ cat: 'Node', ph: 'X', pid: 1, tid: 1, name: `${name}_kernel_time`, ts: t, dur: us, args: { op_name: op, provider: 'CPUExecutionProvider' } });
      t += us;
    }
    t += overheadUs / 2;
    events.push({ cat: 'Session', ph: 'X', pid: 1, tid: 1, name: 'model_run', ts: start, dur: t - start, args: {} });
  }
  return value(parseTrace(JSON.stringify(events))).summary;
}

describe('diffProfiles on real traces', () => {
  it('small_cnn (fp32) vs int8_qdq: the op types only in the int8 side are QuantizeLinear/DequantizeLinear', () => {
    const fp32 = load('small_cnn.ort.json');
    const int8 = load('int8_qdq.ort.json');
    const d = diffProfiles(fp32, int8, { a: 'fp32', b: 'int8' });
    expect(d.per).toBe('run');
    expect([d.runsA, d.runsB]).toEqual([3, 3]);
    expect(d.aUs).toBeCloseTo(fp32.totalRunUs / 3, 9);
    expect(d.bUs).toBeCloseTo(int8.totalRunUs / 3, 9);
    expect(d.ratio).toBeCloseTo(d.bUs / d.aUs, 12);

    const onlyB = d.ops.filter((o) => o.only === 'b').map((o) => o.key);
    const onlyA = d.ops.filter((o) => o.only === 'a').map((o) => o.key);
    expect(onlyB).toEqual(expect.arrayContaining(['QuantizeLinear', 'DequantizeLinear']));
    expect(onlyB).not.toContain('Conv');
    expect(onlyA).not.toContain('QuantizeLinear');
    // Every op type lands in exactly one of: both, only A, only B.
    const opsA = new Set(fp32.ops.map((o) => o.op));
    const opsB = new Set(int8.ops.map((o) => o.op));
    for (const o of d.ops) expect(o.only).toBe(opsA.has(o.key) && opsB.has(o.key) ? null : opsA.has(o.key) ? 'a' : 'b');
    expect(d.ops).toHaveLength(new Set([...opsA, ...opsB]).size);
    // Conv is in both: its per-run times and ratio.
    const conv = d.ops.find((o) => o.key === 'Conv');
    expect(conv?.only).toBeNull();
    expect(conv?.aUs).toBeCloseTo((fp32.ops.find((o) => o.op === 'Conv')?.totalUs ?? NaN) / 3, 9);
    expect(conv?.bUs).toBeCloseTo((int8.ops.find((o) => o.op === 'Conv')?.totalUs ?? NaN) / 3, 9);
    expect(conv?.ratio).toBeCloseTo((conv?.bUs ?? 0) / (conv?.aUs ?? 1), 12);

    // The two graphs share no node names (torch's /0/Conv… vs onnx.helper's names): every node is in one only.
    expect(d.onlyInA.length + d.onlyInB.length).toBe(fp32.nodes.length + int8.nodes.length);
    expect(d.nodes).toHaveLength(fp32.nodes.length + int8.nodes.length);

    // The verdict: headline, then int8's Q/DQ nodes with their count and share.
    const qdqNodes = int8.nodes.filter((n) => n.op === 'QuantizeLinear' || n.op === 'DequantizeLinear');
    const qdqShare = qdqNodes.reduce((s, n) => s + n.share, 0);
    expect(d.verdict).toMatch(/^int8 is \d+\.\d\d× (faster|slower) per run than fp32 \(/);
    expect(d.verdict).toContain(`int8's ${int8.ops.filter((o) => !opsA.has(o.op)).reduce((s, o) => s + o.nodes, 0)} `);
    expect(d.verdict).toMatch(/DequantizeLinear\/[A-Za-z/]*QuantizeLinear nodes \(only in int8\) take \d+(\.\d)?% of its node time/);
    expect(qdqNodes.length).toBeGreaterThan(0);
    expect(qdqShare).toBeGreaterThan(0);
  });

  it('a profile against itself: same time, no deltas, nothing only in one side', () => {
    const s = load('resnet18.ort.json');
    const d = diffProfiles(s, s);
    expect(d.ratio).toBe(1);
    expect(d.onlyInA).toEqual([]);
    expect(d.onlyInB).toEqual([]);
    expect(d.nodes.every((n) => n.deltaUs === 0 && n.ratio === 1)).toBe(true);
    expect(d.verdict).toMatch(/^B and A take the same time per run \(/);
    expect(d.verdict).not.toContain('most changed');
  });
});

describe('diffProfiles arithmetic', () => {
  const a = ortTrace(2, [
    ['conv1', 'Conv', 100],
    ['relu1', 'Relu', 20],
    ['gemm', 'Gemm', 50],
  ]);
  const b = ortTrace(4, [
    ['q', 'QuantizeLinear', 5],
    ['conv1', 'Conv', 40],
    ['relu1', 'Relu', 20],
    ['dq', 'DequantizeLinear', 5],
    ['gemm', 'Gemm', 60],
  ]);

  it('per run: each side divided by its own runs; rows sorted by |delta|', () => {
    const d = diffProfiles(a, b, { a: 'fp32', b: 'int8' });
    expect(d.per).toBe('run');
    expect([d.aUs, d.bUs]).toEqual([180, 140]); // model_run: nodes + 10 µs overhead
    expect([d.aNodeUs, d.bNodeUs]).toEqual([170, 130]);
    expect(d.nodes.map((n) => [n.key, n.op, n.aUs, n.bUs, n.deltaUs, n.ratio, n.only])).toEqual([
      ['conv1', 'Conv', 100, 40, -60, 0.4, null],
      ['gemm', 'Gemm', 50, 60, 10, 1.2, null],
      ['q', 'QuantizeLinear', 0, 5, 5, null, 'b'],
      ['dq', 'DequantizeLinear', 0, 5, 5, null, 'b'],
      ['relu1', 'Relu', 20, 20, 0, 1, null],
    ]);
    expect(d.onlyInB).toEqual(['q', 'dq']);
    expect(d.onlyInA).toEqual([]);
    expect(d.ops.find((o) => o.key === 'QuantizeLinear')).toMatchObject({ aNodes: 0, bNodes: 1, bShare: 20 / 520 });
    expect(d.verdict).toBe(
      "int8 is 1.29× faster per run than fp32 (140 µs vs 180 µs); int8's 2 DequantizeLinear/QuantizeLinear nodes (only in int8) take 7.7% of its node time; most changed: Conv −60.0 µs (0.40×), Gemm +10.0 µs (1.20×).",
    );
  });

  it('the other way round: slower, and the ops only in A', () => {
    const d = diffProfiles(b, a, { a: 'int8', b: 'fp32' });
    expect(d.verdict).toMatch(/^fp32 is 1\.29× slower per run than int8 \(180 µs vs 140 µs\); int8's 2 DequantizeLinear\/QuantizeLinear nodes \(only in int8\) take 7\.7% of its node time; most changed: Conv \+60\.0 µs \(2\.50×\)/);
    expect(d.onlyInA).toEqual(['q', 'dq']);
  });

  it('one node only in a side: singular', () => {
    const c = ortTrace(1, [
      ['conv1', 'Conv', 100],
      ['relu1', 'Relu', 20],
      ['gemm', 'Gemm', 50],
      ['sm', 'Softmax', 30],
    ]);
    expect(diffProfiles(a, c, { a: 'before', b: 'after' }).verdict).toBe(
      "after is 1.17× slower per run than before (210 µs vs 180 µs); after's 1 Softmax node (only in after) takes 15% of its node time.",
    );
  });

  it('traces without runs compare whole-trace node totals, and say so', () => {
    const torch = load('small_cnn.torch.json');
    const d = diffProfiles(torch, a, { a: 'torch', b: 'ort' });
    expect(d.per).toBe('trace');
    expect(d.aUs).toBe(torch.totalNodeUs);
    expect(d.bUs).toBe(a.totalNodeUs);
    expect(d.verdict).toMatch(/over the whole trace/);
  });
});
