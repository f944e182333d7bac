/**
 * Numbers, sizes, times and shapes as the model view shows them. Pure.
 */
import type { Dim, ValueInfo } from '../../src-main/common/onnx/model-types';

/** 11_689_512 → "11.7 M"; 980 → "980". */
export function formatCount(n: number): string {
  const units: readonly [number, string][] = [
    [1e12, 'T'],
    [1e9, 'B'],
    [1e6, 'M'],
    [1e3, 'k'],
  ];
  for (const [size, unit] of units) if (Math.abs(n) >= size) return `${trim((n / size).toFixed(n / size >= 100 ? 0 : 1))} ${unit}`;
  return String(n);
}

/** Decimal units, as file managers show sizes: 46_830_000 → "46.8 MB". */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${trim(v.toFixed(v >= 100 ? 0 : 1))} ${units[i]}`;
}

/** Milliseconds with the precision that matters at their size: 0.123 ms, 4.56 ms, 45.6 ms, 456 ms, 4.56 s. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)} s`;
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  if (ms >= 1) return `${ms.toFixed(2)} ms`;
  return `${ms.toFixed(3)} ms`;
}

/** Symbolic dims by their names, unknown ones as '?': [batch, 3, 224, 224]. */
export function formatShape(shape: readonly Dim[] | null): string {
  if (shape === null) return 'unknown rank';
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/** A value's type as a person reads it: 'float32', or 'sequence<float32>' for the non-tensor kinds. */
export function formatType(info: Pick<ValueInfo, 'kind' | 'dtype'>): string {
  return info.kind === 'tensor' || info.kind === 'unknown' ? info.dtype : `${info.kind}<${info.dtype}>`;
}

/** The default ONNX domain is stored as ''. */
export function domainName(domain: string): string {
  return domain === '' ? 'ai.onnx' : domain;
}

/** A tensor value for a table cell: 6 significant digits, integers as they are. */
export function formatValue(v: number | string | boolean): string {
  if (typeof v !== 'number') return String(v);
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-4 || a >= 1e6)) return v.toExponential(3);
  return trim(v.toPrecision(6));
}

/** 0.4567 → "45.7 %". */
export function formatPercent(p: number): string {
  const v = p * 100;
  return `${v >= 10 ? v.toFixed(1) : v.toFixed(2)} %`;
}

/** Throughput: 123.456 → "123 /s", 12.3456 → "12.3 /s". */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return '—';
  return `${perSecond >= 100 ? perSecond.toFixed(0) : perSecond >= 10 ? perSecond.toFixed(1) : perSecond.toFixed(2)} /s`;
}

/** A short hash for a header: the first 12 hex digits. */
export function shortHash(sha256: string): string {
  return sha256.slice(0, 12);
}

/** The last part of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function trim(s: string): string {
  return s.includes('.') && !s.includes('e') ? s.replace(/\.?0+$/, '') : s;
}
