/**
 * How the variables view describes a value in one line. Pure.
 * Tensors and arrays lead with shape × dtype (what people look for first), then device and grad,
 * then their stats; DataFrames with rows × columns and the column names; containers with their length.
 */
import type { VariableInfo } from '../../src-main/common/contract';

export interface Summary {
  /** The main facts: "3×224×224 float32 · cuda:0 · grad". */
  readonly main: string;
  /** Numeric stats: "min 0 · max 1 · mean 0.5" ("≈" when sampled); null when none. */
  readonly stats: string | null;
  /** "2 NaN · 1 Inf"; null when the values are all finite (or unknown). */
  readonly nonFinite: string | null;
}

/** A number in a few characters: 0.000123 → 1.23e-4, 1234567 → 1.23e+6, 0.5 → 0.5. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (Number.isInteger(n) && abs < 1e6) return String(n);
  if (abs >= 1e-3 && abs < 1e6) return String(Number(n.toPrecision(4)));
  const [mantissa, exponent] = n.toExponential(2).split('e');
  return `${Number(mantissa)}e${exponent}`;
}

export function formatShape(shape: readonly number[]): string {
  return shape.length === 0 ? 'scalar' : shape.join('×');
}

export function summarize(v: VariableInfo): Summary {
  const parts: string[] = [];
  if (v.shape) {
    const isFrame = !!v.columns;
    if (isFrame && v.shape.length === 2) parts.push(`${v.shape[0]} rows × ${v.shape[1]} cols`);
    else parts.push([formatShape(v.shape), shortDtype(v.dtype)].filter(Boolean).join(' '));
  } else if (v.dtype) parts.push(shortDtype(v.dtype)!);
  if (v.device) parts.push(v.device);
  if (v.requiresGrad) parts.push('requires_grad');
  if (v.columns && v.columns.length > 0) {
    const shown = v.columns.slice(0, 6).join(', ');
    parts.push(v.columns.length > 6 ? `${shown}, …` : shown);
  }
  if (!v.shape && v.length !== null && v.length !== undefined) parts.push(`len ${v.length.toLocaleString('en-US')}`);

  let stats: string | null = null;
  let nonFinite: string | null = null;
  if (v.stats) {
    const s = v.stats;
    const approx = s.sampled ? '≈' : '';
    const items = [
      s.min !== null ? `min ${approx}${formatNumber(s.min)}` : null,
      s.max !== null ? `max ${approx}${formatNumber(s.max)}` : null,
      s.mean !== null ? `mean ${approx}${formatNumber(s.mean)}` : null,
    ].filter((x): x is string => x !== null);
    stats = items.length > 0 ? items.join(' · ') : null;
    const bad = [s.nan > 0 ? `${approx}${s.nan.toLocaleString('en-US')} NaN` : null, s.inf > 0 ? `${approx}${s.inf.toLocaleString('en-US')} Inf` : null].filter(
      (x): x is string => x !== null,
    );
    nonFinite = bad.length > 0 ? bad.join(' · ') : null;
  }
  return { main: parts.join(' · '), stats, nonFinite };
}

/** `torch.float32` → `float32`: the type column already says it is a tensor. */
function shortDtype(dtype: string | null | undefined): string | null {
  return dtype ? dtype.replace(/^torch\./, '') : null;
}

/** `numpy.ndarray` → `ndarray` for the column; the full name stays in the tooltip. */
export function shortType(type: string): string {
  return type.slice(type.lastIndexOf('.') + 1);
}

export type SortKey = 'name' | 'type';

export function filterAndSort(vars: readonly VariableInfo[], filter: string, key: SortKey, descending: boolean): VariableInfo[] {
  const q = filter.trim().toLowerCase();
  const picked = q ? vars.filter((v) => v.name.toLowerCase().includes(q) || v.type.toLowerCase().includes(q)) : [...vars];
  const cmp = (a: VariableInfo, b: VariableInfo) => {
    const primary = key === 'name' ? a.name.localeCompare(b.name) : a.type.localeCompare(b.type) || a.name.localeCompare(b.name);
    return descending ? -primary : primary;
  };
  return picked.sort(cmp);
}
