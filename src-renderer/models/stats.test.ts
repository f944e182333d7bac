import { describe, expect, it } from 'vitest';
import type { BenchmarkFile, BenchmarkRecord } from '../../src-main/common/onnx/benchmark-record';
import { DEFAULT_SESSION_CONFIG } from '../../src-main/common/onnx/ep';
import { benchFraction, binLatencies, compareRecords, historyRow, quantile, ratioVerdict, splitByModel } from './stats';

describe('latency histogram', () => {
  it('puts every value in one bin, in order, within 5..maxBins bins', () => {
    const values = Array.from({ length: 1000 }, (_, i) => 5 + Math.sin(i) * 0.5 + (i % 97 === 0 ? 4 : 0));
    const h = binLatencies(values);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(1000);
    expect(h.counts.length).toBeGreaterThanOrEqual(5);
    expect(h.counts.length).toBeLessThanOrEqual(60);
    expect(h.starts[0]).toBeCloseTo(Math.min(...values), 12);
    expect(h.starts.at(-1)! + h.width).toBeCloseTo(Math.max(...values), 9);
    // The max lands in the last bin, not past it.
    const manual = new Array(h.counts.length).fill(0);
    for (const v of values) manual[Math.min(h.counts.length - 1, Math.floor((v - h.starts[0]!) / h.width))]++;
    expect(h.counts).toEqual(manual);
  });

  it('makes one bin of equal values and nothing of none', () => {
    expect(binLatencies([2, 2, 2])).toEqual({ starts: [2], counts: [3], width: 0 });
    expect(binLatencies([])).toEqual({ starts: [], counts: [], width: 0 });
  });

  it('computes quantiles as numpy does', () => {
    const values = [3.2, 1.5, 9.9, 4.4, 4.1, 2.8, 7.7, 5.0, 6.3, 0.9, 12.5];
    const sorted = [...values].sort((a, b) => a - b);
    // numpy.percentile(values, [50, 90, 95, 99, 99.9]) with Debian's numpy (linear interpolation).
    const numpy = [4.4, 9.9, 11.2, 12.24, 12.474000000000006];
    [0.5, 0.9, 0.95, 0.99, 0.999].forEach((q, i) => expect(quantile(sorted, q)).toBeCloseTo(numpy[i]!, 10));
  });
});

describe('benchmark progress', () => {
  it('moves forward through the phases to 1', () => {
    const steps = [
      benchFraction({ phase: 'create', done: 0, total: 1 }),
      benchFraction({ phase: 'first-run', done: 1, total: 1 }),
      benchFraction({ phase: 'warmup', done: 5, total: 10 }),
      benchFraction({ phase: 'runs', done: 50, total: 100 }),
      benchFraction({ phase: 'runs', done: 100, total: 100 }),
    ];
    [0, 0.1, 0.15, 0.6, 1].forEach((v, i) => expect(steps[i]).toBeCloseTo(v, 12));
    expect(benchFraction({ phase: 'warmup', done: 0, total: 0 })).toBe(0.1);
  });
});

function record(path: string, eps: readonly ('cpu' | 'cuda')[], p50: number, throughput: number): BenchmarkRecord {
  const stats = { min: p50 * 0.9, mean: p50, std: 0.1, p50, p90: p50 * 1.1, p95: p50 * 1.2, p99: p50 * 1.5, p999: p50 * 2, max: p50 * 3 };
  return {
    version: 1,
    createdAt: '2026-11-29T04:30:12.000Z',
    source: 'app',
    model: { path, sha256: 'ab'.repeat(32), bytes: 100 },
    config: { ...DEFAULT_SESSION_CONFIG, eps, intraOpThreads: 4 },
    inputs: [],
    session: { eps, dropped: [], createMs: 80, byEp: { cpu: 49 } },
    machine: { cpu: 'Xeon', cores: 2, memoryBytes: 1, os: 'linux', arch: 'x64', node: '20', ort: '1.30.0' },
    figures: { sessionCreateMs: 80, firstRunMs: 30, warmup: 10, runs: 100, latenciesMs: [], stats, throughput, batch: 1, cancelled: false },
  };
}

describe('history and comparison', () => {
  const a: BenchmarkFile = { file: '.lathe/benchmarks/a.json', record: record('m/resnet18.onnx', ['cpu'], 20, 50) };
  const b: BenchmarkFile = { file: '.lathe/benchmarks/b.json', record: record('m/resnet18.onnx', ['cuda', 'cpu'], 5, 200) };
  const c: BenchmarkFile = { file: '.lathe/benchmarks/c.json', record: record('m/other.onnx', ['cpu'], 10, 100) };

  it('makes a history row a person reads', () => {
    expect(historyRow(b)).toMatchObject({ eps: 'cuda → cpu', mode: 'fallback', optimization: 'all', threads: '4/auto', p50: 5, p99: 7.5, throughput: 200, createMs: 80, machine: 'Xeon ×2, linux' });
  });

  it('splits this model from the others', () => {
    const { mine, others } = splitByModel([a, c, b], 'm/resnet18.onnx');
    expect(mine.map((f) => f.file)).toEqual([a.file, b.file]);
    expect(others.map((f) => f.file)).toEqual([c.file]);
  });

  it('compares against the first ticked record', () => {
    const rows = compareRecords([a, b]);
    const p50 = rows.find((r) => r.key === 'p50')!;
    expect(p50.values).toEqual([20, 5]);
    expect(p50.ratios).toEqual([null, 0.25]);
    expect(ratioVerdict(p50.ratios[1]!, p50.better)).toBe('better');
    const tp = rows.find((r) => r.key === 'throughput')!;
    expect(tp.ratios).toEqual([null, 4]);
    expect(ratioVerdict(tp.ratios[1]!, tp.better)).toBe('better');
    expect(ratioVerdict(0.5, 'higher')).toBe('worse');
    expect(ratioVerdict(1.01, 'lower')).toBe('same');
    expect(rows.find((r) => r.key === 'eps')!.values).toEqual(['cpu', 'cuda → cpu']);
  });
});
