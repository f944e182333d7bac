/**
 * Benchmark and history arithmetic for the charts and tables: latency histogram bins, the progress
 * bar's fraction, history rows and the side-by-side comparison with ratios. Pure.
 */
import type { BenchmarkFile } from '../../src-main/common/onnx/benchmark-record';
import type { LatencyStats } from '../../src-main/common/protocols/onnx';

export interface Histogram {
  /** Left edge of each bin (ms); bins are `width` wide. */
  readonly starts: number[];
  readonly counts: number[];
  readonly width: number;
}

/**
 * Bin latencies for a histogram: the Freedman–Diaconis width (robust to the long tail latencies have),
 * between 5 and `maxBins` bins. All-equal values make one bin.
 */
export function binLatencies(values: readonly number[], maxBins = 60): Histogram {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { starts: [], counts: [], width: 0 };
  const sorted = [...finite].sort((a, b) => a - b);
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  if (max === min) return { starts: [min], counts: [sorted.length], width: 0 };
  const iqr = quantile(sorted, 0.75) - quantile(sorted, 0.25);
  const fd = iqr > 0 ? (2 * iqr) / Math.cbrt(sorted.length) : (max - min) / Math.sqrt(sorted.length);
  const bins = Math.max(5, Math.min(maxBins, Math.ceil((max - min) / fd)));
  const width = (max - min) / bins;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  return { starts: counts.map((_, i) => min + i * width), counts, width };
}

/** Linear-interpolated quantile of sorted values (numpy's default). */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export type BenchPhase = 'create' | 'first-run' | 'warmup' | 'runs';

/** How far along a benchmark is, 0..1: session creation and the first run are the first 10 %, warm-up the next 10 %, the timed runs the rest. */
export function benchFraction(p: { phase: BenchPhase; done: number; total: number }): number {
  const part = p.total > 0 ? Math.min(1, p.done / p.total) : 0;
  switch (p.phase) {
    case 'create':
      return 0.05 * part;
    case 'first-run':
      return 0.05 + 0.05 * part;
    case 'warmup':
      return 0.1 + 0.1 * part;
    case 'runs':
      return 0.2 + 0.8 * part;
  }
}

export interface HistoryRow {
  readonly file: string;
  readonly date: string;
  readonly modelPath: string;
  readonly eps: string;
  readonly mode: string;
  readonly optimization: string;
  readonly threads: string;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly throughput: number;
  readonly createMs: number;
  readonly machine: string;
  readonly cancelled: boolean;
}

export function historyRow({ file, record }: BenchmarkFile): HistoryRow {
  const c = record.config;
  const threads = (n: number) => (n === 0 ? 'auto' : String(n));
  return {
    file,
    date: record.createdAt,
    modelPath: record.model.path,
    eps: record.session.eps.join(' → ') || '—',
    mode: c.mode,
    optimization: c.graphOptimization,
    threads: `${threads(c.intraOpThreads)}/${threads(c.interOpThreads)}`,
    p50: record.figures.stats.p50,
    p90: record.figures.stats.p90,
    p99: record.figures.stats.p99,
    throughput: record.figures.throughput,
    createMs: record.figures.sessionCreateMs,
    machine: `${record.machine.cpu} ×${record.machine.cores}, ${record.machine.os}`,
    cancelled: record.figures.cancelled,
  };
}

/** This model's records (same project path), and the others. Newest first, as the core lists them. */
export function splitByModel(files: readonly BenchmarkFile[], modelPath: string): { mine: BenchmarkFile[]; others: BenchmarkFile[] } {
  const mine: BenchmarkFile[] = [];
  const others: BenchmarkFile[] = [];
  for (const f of files) (f.record.model.path === modelPath ? mine : others).push(f);
  return { mine, others };
}

export interface ComparisonRow {
  readonly key: string;
  readonly label: string;
  /** 'ms', 'per-second' or 'text'. */
  readonly unit: 'ms' | 'per-second' | 'text';
  readonly values: readonly (number | string)[];
  /** value / first value (null for the first, for text, and where the first is 0). */
  readonly ratios: readonly (number | null)[];
  /** Which direction is better, for colouring the ratio. */
  readonly better: 'lower' | 'higher' | null;
}

const LATENCY_KEYS: readonly (keyof LatencyStats)[] = ['min', 'mean', 'p50', 'p90', 'p95', 'p99', 'p999', 'max', 'std'];

/** The comparison table of 2+ records: text facts first, then figures with ratios against the first. */
export function compareRecords(files: readonly BenchmarkFile[]): ComparisonRow[] {
  const text = (key: string, label: string, f: (b: BenchmarkFile) => string): ComparisonRow => ({
    key,
    label,
    unit: 'text',
    values: files.map(f),
    ratios: files.map(() => null),
    better: null,
  });
  const num = (key: string, label: string, unit: 'ms' | 'per-second', better: 'lower' | 'higher', f: (b: BenchmarkFile) => number): ComparisonRow => {
    const values = files.map(f);
    const first = values[0]!;
    return { key, label, unit, values, ratios: values.map((v, i) => (i === 0 || first === 0 || !Number.isFinite(first) ? null : v / first)), better };
  };
  return [
    text('model', 'Model', (b) => b.record.model.path),
    text('date', 'Date', (b) => b.record.createdAt),
    text('eps', 'EPs', (b) => b.record.session.eps.join(' → ')),
    text('mode', 'Mode', (b) => b.record.config.mode),
    text('opt', 'Optimisation', (b) => b.record.config.graphOptimization),
    text('runs', 'Runs (warm-up)', (b) => `${b.record.figures.runs} (${b.record.figures.warmup})`),
    text('machine', 'Machine', (b) => `${b.record.machine.cpu} ×${b.record.machine.cores}`),
    num('create', 'Session creation', 'ms', 'lower', (b) => b.record.figures.sessionCreateMs),
    num('first', 'First run', 'ms', 'lower', (b) => b.record.figures.firstRunMs),
    ...LATENCY_KEYS.map((k) => num(k, k === 'p999' ? 'p99.9' : k, 'ms', 'lower', (b) => b.record.figures.stats[k])),
    num('throughput', 'Throughput', 'per-second', 'higher', (b) => b.record.figures.throughput),
  ];
}

/** Whether a ratio is an improvement over the first record, given which direction is better. */
export function ratioVerdict(ratio: number | null, better: 'lower' | 'higher' | null): 'better' | 'worse' | 'same' | null {
  if (ratio === null || better === null) return null;
  if (Math.abs(ratio - 1) < 0.02) return 'same';
  return (ratio < 1) === (better === 'lower') ? 'better' : 'worse';
}
