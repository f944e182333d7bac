/**
 * The op table's arithmetic: sorting (it starts in run order; click a header: numbers start largest first,
 * text A→Z; a second click reverses), the filter box ("conv", "op:Conv ep:cpu", "name:layer1"), and which rows fell back to
 * CPU when another EP was asked for. Pure.
 */
import type { ProfileNodeRow } from '../../../src-main/common/onnx/profile-types';

export type SortKey = 'name' | 'op' | 'ep' | 'calls' | 'totalUs' | 'meanUs' | 'minUs' | 'maxUs' | 'share';
export type SortDir = 'asc' | 'desc';
export interface SortState {
  readonly key: SortKey;
  readonly dir: SortDir;
}

const TEXT_KEYS: ReadonlySet<SortKey> = new Set(['name', 'op', 'ep']);

/** The table starts in the trace's order (the order nodes first ran): null. */
export const DEFAULT_SORT: SortState | null = null;

/** The sort after a click on `key`'s header. */
export function nextSort(current: SortState | null, key: SortKey): SortState {
  if (current?.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: TEXT_KEYS.has(key) ? 'asc' : 'desc' };
}

/** A sorted copy (null: as given); ties keep the name order, so the order is stable across sorts. */
export function sortRows<T extends ProfileNodeRow>(rows: readonly T[], sort: SortState | null): T[] {
  if (!sort) return [...rows];
  const sign = sort.dir === 'asc' ? 1 : -1;
  const key = sort.key;
  const byName = (a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  if (TEXT_KEYS.has(key)) {
    const k = key as 'name' | 'op' | 'ep';
    return [...rows].sort((a, b) => sign * a[k].localeCompare(b[k], undefined, { numeric: true, sensitivity: 'base' }) || byName(a, b));
  }
  const k = key as Exclude<SortKey, 'name' | 'op' | 'ep'>;
  return [...rows].sort((a, b) => sign * (a[k] - b[k]) || byName(a, b));
}

export interface Filter {
  /** Words that must each appear in the name, the op or the EP. */
  readonly words: readonly string[];
  readonly op: readonly string[];
  readonly ep: readonly string[];
  readonly name: readonly string[];
}

/** "op:Conv ep:cpu relu" → each field's words, lower-cased. */
export function parseFilter(text: string): Filter {
  const words: string[] = [];
  const op: string[] = [];
  const ep: string[] = [];
  const name: string[] = [];
  for (const token of text.trim().toLowerCase().split(/\s+/)) {
    if (token === '') continue;
    const m = /^(op|ep|name):(.*)$/.exec(token);
    if (!m) words.push(token);
    else if (m[2] !== '') ({ op, ep, name })[m[1] as 'op' | 'ep' | 'name'].push(m[2]!);
  }
  return { words, op, ep, name };
}

export function matchesFilter(row: ProfileNodeRow, f: Filter): boolean {
  const name = row.name.toLowerCase();
  const op = row.op.toLowerCase();
  const ep = row.ep.toLowerCase();
  return (
    f.words.every((w) => name.includes(w) || op.includes(w) || ep.includes(w)) &&
    // op: and ep: name a value: exact, or a prefix ("op:conv" keeps Conv and ConvTranspose).
    f.op.every((w) => op.startsWith(w)) &&
    f.ep.every((w) => ep === w || ep.startsWith(w)) &&
    f.name.every((w) => name.includes(w))
  );
}

export function filterRows<T extends ProfileNodeRow>(rows: readonly T[], text: string): readonly T[] {
  const f = parseFilter(text);
  if (f.words.length + f.op.length + f.ep.length + f.name.length === 0) return rows;
  return rows.filter((r) => matchesFilter(r, f));
}

/** The EPs asked for other than CPU ('' and 'cpu' are CPU). */
export function acceleratorsRequested(eps: readonly string[]): string[] {
  return eps.filter((e) => e !== '' && e.toLowerCase() !== 'cpu');
}

/** A node ran on CPU although a non-CPU EP was requested (a CPU fallback). */
export function isFallback(row: ProfileNodeRow, requested: readonly string[]): boolean {
  return acceleratorsRequested(requested).length > 0 && row.ep.toLowerCase() === 'cpu';
}

export interface TableTotals {
  readonly rows: number;
  readonly calls: number;
  readonly totalUs: number;
  readonly share: number;
  readonly fallbacks: number;
}

export function totals(rows: readonly ProfileNodeRow[], requested: readonly string[]): TableTotals {
  let calls = 0;
  let totalUs = 0;
  let share = 0;
  let fallbacks = 0;
  for (const r of rows) {
    calls += r.calls;
    totalUs += r.totalUs;
    share += r.share;
    if (isFallback(r, requested)) fallbacks++;
  }
  return { rows: rows.length, calls, totalUs, share, fallbacks };
}

/** µs in the unit that reads best: 850 µs, 12.4 ms, 3.21 s. */
export function formatUs(us: number): string {
  if (!Number.isFinite(us)) return '—';
  const a = Math.abs(us);
  if (a < 1) return `${us.toFixed(2)} µs`;
  if (a < 1000) return `${us < 10 && us > -10 ? us.toFixed(1) : Math.round(us)} µs`;
  if (a < 1_000_000) return `${(us / 1000).toFixed(a < 10_000 ? 2 : 1)} ms`;
  return `${(us / 1_000_000).toFixed(2)} s`;
}

export function formatShare(share: number): string {
  if (!Number.isFinite(share)) return '—';
  const p = share * 100;
  return `${p >= 10 || p === 0 ? p.toFixed(1) : p.toFixed(2)} %`;
}
