/**
 * "Profile cell" reports (`application/vnd.lathe.profile+json`, made by the driver from cProfile): the
 * function table's sorting, names and links, and the flame graph's icicle layout and zoom. Pure.
 */
import { PROFILE_MIME, type CellProfileNode, type CellProfileReport, type CellProfileRow } from '../../src-main/common/protocols/repl';
import { projectPathOf } from '../terminal/links';

export { PROFILE_MIME };
export type { CellProfileNode, CellProfileReport, CellProfileRow };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);

function isNode(v: unknown, depth: number): v is CellProfileNode {
  return (
    depth < 64 &&
    isObject(v) &&
    typeof v['func'] === 'string' &&
    typeof v['file'] === 'string' &&
    isNum(v['line']) &&
    isNum(v['cumtime']) &&
    isNum(v['tottime']) &&
    Array.isArray(v['children']) &&
    v['children'].every((c) => isNode(c, depth + 1))
  );
}

function isRow(v: unknown): v is CellProfileRow {
  return (
    isObject(v) &&
    typeof v['func'] === 'string' &&
    typeof v['file'] === 'string' &&
    isNum(v['line']) &&
    isNum(v['ncalls']) &&
    isNum(v['primcalls']) &&
    isNum(v['tottime']) &&
    isNum(v['cumtime'])
  );
}

/** Whether a MIME value (from a run, or from a saved .ipynb someone may have edited) is a report we can show. */
export function isProfileReport(v: unknown): v is CellProfileReport {
  return (
    isObject(v) &&
    isNum(v['totalS']) &&
    isNum(v['rowsTotal']) &&
    typeof v['cellFile'] === 'string' &&
    Array.isArray(v['rows']) &&
    v['rows'].every(isRow) &&
    isNode(v['tree'], 0)
  );
}

/** pstats' names of built-ins, shorter: `<built-in method builtins.sum>` → `sum`, `<method 'append' of 'list' objects>` → `list.append`. */
export function displayName(func: string): string {
  const builtin = /^<built-in method (?:builtins\.)?([^>]+)>$/.exec(func);
  if (builtin) return builtin[1]!;
  const method = /^<method '([^']+)' of '([^']+)' objects>$/.exec(func);
  if (method) return `${method[2]}.${method[1]}`;
  return func;
}

/** `/usr/lib/python3/dist-packages/numpy/core/fromnumeric.py` → `numpy/core/fromnumeric.py` (the tail after site-packages or the last 3 parts). */
export function shortFile(file: string): string {
  if (file === '') return 'built-in';
  const site = /[/\\](?:site|dist)-packages[/\\](.+)$/.exec(file);
  if (site) return site[1]!;
  const parts = file.split(/[/\\]/);
  return parts.length > 3 ? `…/${parts.slice(-3).join('/')}` : file;
}

export type RowSortKey = 'ncalls' | 'tottime' | 'cumtime' | 'percall' | 'func';

export interface RowSort {
  readonly key: RowSortKey;
  readonly descending: boolean;
}

const perCall = (r: CellProfileRow) => (r.primcalls > 0 ? r.cumtime / r.primcalls : 0);

/** A sorted copy; ties keep the report's order (by tottime). */
export function sortRows(rows: readonly CellProfileRow[], sort: RowSort): CellProfileRow[] {
  const value = (r: CellProfileRow): number | string =>
    sort.key === 'func' ? displayName(r.func).toLowerCase() : sort.key === 'percall' ? perCall(r) : r[sort.key];
  const sign = sort.descending ? -1 : 1;
  return rows
    .map((r, i) => ({ r, i, v: value(r) }))
    .sort((a, b) => (a.v < b.v ? -sign : a.v > b.v ? sign : a.i - b.i))
    .map((x) => x.r);
}

/** Seconds, short: 1.23 s, 12.3 ms, 45 µs. */
export function formatSeconds(s: number): string {
  if (s >= 1) return `${s.toFixed(s >= 100 ? 0 : 2)} s`;
  if (s >= 0.001) return `${(s * 1000).toFixed(s >= 0.1 ? 0 : 1)} ms`;
  if (s <= 0) return '0';
  return `${Math.round(s * 1e6)} µs`;
}

/** Where the code a profile ran came from: the session's folder, and for an editor run, the file and first line. */
export interface SourceContext {
  /** The project's root (absolute); null when no project is open. */
  readonly root: string | null;
  /** The session's working folder (absolute). */
  readonly cwd: string | null;
  /** Code run from an editor: its file (project-relative) and the line the run's first line came from. */
  readonly source?: { readonly path: string; readonly startLine: number } | null;
}

/**
 * The project file and line a row (or tree node) opens, or null: a file inside the project, or the
 * cell's own code when it came from an editor (its lines are the cell's, shifted to the file's).
 */
export function sourceLink(item: { file: string; line: number }, cellFile: string, ctx: SourceContext): { path: string; line: number } | null {
  if (item.file === '' || item.line <= 0) return null;
  if (item.file === cellFile || item.file.startsWith('<')) {
    if (item.file !== cellFile || !ctx.source) return null;
    return { path: ctx.source.path, line: item.line + ctx.source.startLine - 1 };
  }
  if (!ctx.root) return null;
  const path = projectPathOf(item.file, ctx.root, ctx.cwd ?? ctx.root);
  return path === null ? null : { path, line: item.line };
}

// --- the flame graph (icicle: the cell on top, callees below) ---------------------------------------------

/** A node's place: the child indices from the root. */
export type NodePath = readonly number[];

export interface FlameRect {
  readonly node: CellProfileNode;
  readonly path: NodePath;
  readonly depth: number;
  /** Left edge and width, as fractions of the graph's width. */
  readonly x: number;
  readonly w: number;
  /** An ancestor of the zoomed node (drawn full width, dimmed; a click zooms out to it). */
  readonly ancestor: boolean;
}

export function nodeAtPath(root: CellProfileNode, path: NodePath): CellProfileNode | null {
  let node: CellProfileNode | undefined = root;
  for (const i of path) {
    node = node.children[i];
    if (!node) return null;
  }
  return node;
}

/** Time in the node itself: its cumtime less its children's (never negative). */
export function selfTime(node: CellProfileNode): number {
  return Math.max(0, node.cumtime - node.children.reduce((t, c) => t + c.cumtime, 0));
}

/**
 * The icicle's rectangles with `focus` zoomed to the full width: its ancestors above it at full width,
 * its descendants below, each child as wide as its share of its parent's cumtime (children whose times
 * add up to more than the parent, from the callers data's apportioning, are scaled to fit). Rectangles
 * narrower than `minWidth` are left out, with their subtrees.
 */
export function layoutFlame(root: CellProfileNode, focus: NodePath = [], minWidth = 0.002): FlameRect[] {
  const rects: FlameRect[] = [];
  let valid: number[] = [];
  let node = root;
  for (let d = 0; d < focus.length; d++) {
    const next = node.children[focus[d]!];
    if (!next) break;
    rects.push({ node, path: valid.slice(), depth: d, x: 0, w: 1, ancestor: true });
    valid = [...valid, focus[d]!];
    node = next;
  }
  const walk = (n: CellProfileNode, path: number[], depth: number, x: number, w: number) => {
    rects.push({ node: n, path, depth, x, w, ancestor: false });
    const sum = n.children.reduce((t, c) => t + Math.max(0, c.cumtime), 0);
    const scale = n.cumtime > 0 ? (sum > n.cumtime ? w / sum : w / n.cumtime) : 0;
    let left = x;
    n.children.forEach((c, i) => {
      const cw = Math.max(0, c.cumtime) * scale;
      if (cw >= minWidth) walk(c, [...path, i], depth + 1, left, cw);
      left += cw;
    });
  };
  walk(node, valid, valid.length, 0, 1);
  return rects;
}

/** The rectangle under a point (x as a fraction of the width, row = depth), or null. */
export function flameHit(rects: readonly FlameRect[], x: number, row: number): FlameRect | null {
  for (const r of rects) if (r.depth === row && x >= r.x && x < r.x + r.w) return r;
  return null;
}

/** The deepest level drawn. */
export function flameDepth(rects: readonly FlameRect[]): number {
  return rects.reduce((d, r) => Math.max(d, r.depth), 0);
}

/** A stable colour for a function (warm for the cell's own code, cooler for libraries, grey for built-ins). */
export function flameColor(node: CellProfileNode, cellFile: string): string {
  if (node.func === 'other') return 'hsl(220 8% 70%)';
  let h = 0;
  for (const ch of `${node.file}:${node.func}`) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  if (node.file === '') return `hsl(210 10% ${62 + (h % 12)}%)`;
  const own = node.file === cellFile || node.func === '<cell>';
  const hue = own ? 12 + (h % 30) : 170 + (h % 60);
  return `hsl(${hue} ${own ? 78 : 45}% ${58 + (h % 10)}%)`;
}
