/**
 * The profile report's pure logic, on a real report: `__fixtures__/hot-cell.profile.json` was made by the
 * driver's own `profile_report` (resources/python/lathe_driver.py) from /usr/bin/python3 profiling a cell
 * with a hot loop, 50 cheap calls and 200 json.loads; the stdlib's folder was renamed /project/lib/ so
 * that the links can be checked against a project root.
 */
import { describe, expect, it } from 'vitest';
import { parseNotebook, serializeNotebook, newNotebook } from '../../src-main/common/notebook/ipynb';
import { appendOutputs } from '../../src-main/common/notebook/outputs';
import type { RunOutput } from '../../src-main/common/contract';
import {
  displayName,
  flameDepth,
  flameHit,
  formatSeconds,
  isProfileReport,
  layoutFlame,
  nodeAtPath,
  PROFILE_MIME,
  selfTime,
  shortFile,
  sortRows,
  sourceLink,
  type CellProfileNode,
  type CellProfileReport,
} from './model';
import { addProfile, profileIn, PROFILES_KEPT, type ProfilesState } from './store';
import reportJson from './__fixtures__/hot-cell.profile.json?raw';

const report = JSON.parse(reportJson) as CellProfileReport;

function node(func: string, cumtime: number, children: CellProfileNode[] = []): CellProfileNode {
  return { func, file: '<In [1]>', line: 1, cumtime, tottime: Math.max(0, cumtime - children.reduce((t, c) => t + c.cumtime, 0)), children };
}

describe('profile reports', () => {
  it('recognises a real report and refuses malformed ones', () => {
    expect(isProfileReport(report)).toBe(true);
    expect(isProfileReport(null)).toBe(false);
    expect(isProfileReport({ ...report, rows: [{ func: 'f' }] })).toBe(false);
    expect(isProfileReport({ ...report, tree: { ...report.tree, children: [{ func: 'x' }] } })).toBe(false);
    expect(isProfileReport({ ...report, totalS: 'fast' })).toBe(false);
  });

  it('comes from the driver sorted by tottime, the hot loop first', () => {
    expect(report.rows[0]!.func).toBe('hot');
    const tottimes = report.rows.map((r) => r.tottime);
    expect(tottimes).toEqual([...tottimes].sort((a, b) => b - a));
    expect(report.rows.find((r) => r.func === 'cheap')?.ncalls).toBe(50);
    expect(report.rows.find((r) => r.func === 'loads')?.ncalls).toBe(200);
  });

  it('sorts the table by ncalls, cumtime and name, both ways, ties in report order', () => {
    const byCalls = sortRows(report.rows, { key: 'ncalls', descending: true });
    expect(byCalls.map((r) => r.ncalls)).toEqual([...report.rows.map((r) => r.ncalls)].sort((a, b) => b - a));
    // Equal counts keep the tottime order of the report.
    const with400 = byCalls.filter((r) => r.ncalls === 400).map((r) => r.func);
    expect(with400).toEqual(report.rows.filter((r) => r.ncalls === 400).map((r) => r.func));
    const byCum = sortRows(report.rows, { key: 'cumtime', descending: true });
    expect(byCum[0]!.func).toBe('<module>');
    expect(sortRows(report.rows, { key: 'cumtime', descending: false }).at(-1)!.func).toBe('<module>');
    const byName = sortRows(report.rows, { key: 'func', descending: false }).map((r) => displayName(r.func).toLowerCase());
    expect(byName).toEqual([...byName].sort());
    expect(report.rows).toHaveLength(byCalls.length); // a copy, the report untouched
    expect(report.rows[0]!.func).toBe('hot');
  });

  it('names built-ins and files briefly', () => {
    expect(displayName('<built-in method builtins.isinstance>')).toBe('isinstance');
    expect(displayName("<method 'match' of 're.Pattern' objects>")).toBe('re.Pattern.match');
    expect(displayName('<built-in method time.sleep>')).toBe('time.sleep');
    expect(displayName('hot')).toBe('hot');
    expect(shortFile('')).toBe('built-in');
    expect(shortFile('/usr/lib/python3/dist-packages/numpy/core/fromnumeric.py')).toBe('numpy/core/fromnumeric.py');
    expect(shortFile('/project/lib/json/decoder.py')).toBe('…/lib/json/decoder.py');
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(0.0123)).toBe('12.3 ms');
    expect(formatSeconds(0.000045)).toBe('45 µs');
  });

  it('links file:line into the project only, and the cell’s lines to the editor file they came from', () => {
    const decode = report.rows.find((r) => r.func === 'decode')!;
    expect(sourceLink(decode, report.cellFile, { root: '/project', cwd: '/project' })).toEqual({ path: 'lib/json/decoder.py', line: decode.line });
    expect(sourceLink(decode, report.cellFile, { root: '/elsewhere', cwd: '/elsewhere' })).toBeNull();
    const builtin = report.rows.find((r) => r.file === '')!;
    expect(sourceLink(builtin, report.cellFile, { root: '/project', cwd: '/project' })).toBeNull();
    const hot = report.rows[0]!;
    expect(hot.file).toBe(report.cellFile);
    // A notebook cell: nowhere to go. An editor run that started at line 10 of src/x.py: hot (cell line 2) is line 11.
    expect(sourceLink(hot, report.cellFile, { root: '/project', cwd: '/project' })).toBeNull();
    expect(sourceLink(hot, report.cellFile, { root: '/project', cwd: '/project', source: { path: 'src/x.py', startLine: 10 } })).toEqual({ path: 'src/x.py', line: 11 });
    expect(sourceLink({ file: '<string>', line: 1 }, report.cellFile, { root: '/project', cwd: null, source: { path: 'a.py', startLine: 1 } })).toBeNull();
  });
});

describe('flame graph layout', () => {
  it('lays the real tree out: the cell full width, children by cumtime, inside their parent', () => {
    const rects = layoutFlame(report.tree);
    const root = rects[0]!;
    expect(root).toMatchObject({ depth: 0, x: 0, w: 1, ancestor: false });
    expect(root.node.func).toBe('<cell>');
    expect(report.tree.cumtime).toBeCloseTo(report.totalS, 9);
    const hot = rects.find((r) => r.node.func === 'hot')!;
    expect(hot.depth).toBe(1);
    expect(hot.w).toBeCloseTo(hot.node.cumtime / report.tree.cumtime, 9);
    for (const r of rects) {
      if (r.path.length === 0) continue;
      const parent = rects.find((p) => p.path.join('.') === r.path.slice(0, -1).join('.'))!;
      expect(r.depth).toBe(parent.depth + 1);
      expect(r.x).toBeGreaterThanOrEqual(parent.x - 1e-12);
      expect(r.x + r.w).toBeLessThanOrEqual(parent.x + parent.w + 1e-9);
    }
    // Siblings do not overlap.
    const atDepth1 = rects.filter((r) => r.depth === 1).sort((a, b) => a.x - b.x);
    for (let i = 1; i < atDepth1.length; i++) expect(atDepth1[i]!.x).toBeGreaterThanOrEqual(atDepth1[i - 1]!.x + atDepth1[i - 1]!.w - 1e-12);
  });

  it('scales children whose apportioned times overflow their parent, and drops slivers', () => {
    const tree = node('<cell>', 1, [node('a', 0.8), node('b', 0.4), node('tiny', 0.0001)]);
    const rects = layoutFlame(tree, [], 0.002);
    const a = rects.find((r) => r.node.func === 'a')!;
    const b = rects.find((r) => r.node.func === 'b')!;
    expect(a.w + b.w).toBeCloseTo(1 - 0.0001 / 1.2001, 9);
    expect(a.w / b.w).toBeCloseTo(2, 9);
    expect(rects.some((r) => r.node.func === 'tiny')).toBe(false);
    expect(selfTime(tree)).toBe(0);
    expect(selfTime(node('x', 1, [node('y', 0.25)]))).toBeCloseTo(0.75, 12);
  });

  it('zooms: the focused node full width with its ancestors above, dimmed; an unknown path falls back', () => {
    const tree = node('<cell>', 1, [node('a', 0.5, [node('a1', 0.4, [node('a11', 0.2)])]), node('b', 0.5)]);
    const zoomed = layoutFlame(tree, [0, 0]);
    expect(zoomed.filter((r) => r.ancestor).map((r) => [r.node.func, r.depth, r.w])).toEqual([
      ['<cell>', 0, 1],
      ['a', 1, 1],
    ]);
    const focus = zoomed.find((r) => r.node.func === 'a1')!;
    expect(focus).toMatchObject({ depth: 2, x: 0, w: 1, ancestor: false, path: [0, 0] });
    expect(zoomed.find((r) => r.node.func === 'a11')).toMatchObject({ depth: 3, w: 0.5 });
    expect(zoomed.some((r) => r.node.func === 'b')).toBe(false);
    expect(flameDepth(zoomed)).toBe(3);
    expect(nodeAtPath(tree, [0, 0])?.func).toBe('a1');
    expect(nodeAtPath(tree, [5])).toBeNull();
    // A path that no longer exists (another profile) stops at what exists.
    const fallback = layoutFlame(tree, [1, 7]);
    expect(fallback.find((r) => !r.ancestor)!.node.func).toBe('b');
  });

  it('hit-tests a point to the rectangle under it', () => {
    const tree = node('<cell>', 1, [node('a', 0.25), node('b', 0.75)]);
    const rects = layoutFlame(tree);
    expect(flameHit(rects, 0.1, 1)?.node.func).toBe('a');
    expect(flameHit(rects, 0.3, 1)?.node.func).toBe('b');
    expect(flameHit(rects, 0.3, 0)?.node.func).toBe('<cell>');
    expect(flameHit(rects, 0.3, 2)).toBeNull();
  });
});

describe('profiles in outputs and notebooks', () => {
  const output: RunOutput = { type: 'display_data', data: { [PROFILE_MIME]: report, 'text/plain': 'Profile: …' }, metadata: {}, displayId: null, update: false };

  it('finds the profile among a run’s outputs', () => {
    expect(profileIn([{ type: 'stream', name: 'stdout', text: 'x' }, output])).toEqual(report);
    expect(profileIn([{ type: 'stream', name: 'stdout', text: 'x' }])).toBeNull();
  });

  it('keeps the newest profiles, one per run', () => {
    let s: ProfilesState = { profiles: [], sources: new Map([['r0', { path: 'a.py', startLine: 1 }]]), selected: null };
    for (let i = 0; i < PROFILES_KEPT + 5; i++) s = { ...s, ...addProfile(s, { runId: `r${i}`, sessionId: 's', report, at: i }) };
    expect(s.profiles).toHaveLength(PROFILES_KEPT);
    expect(s.profiles[0]!.runId).toBe('r5');
    expect(s.sources.has('r0')).toBe(false);
    s = { ...s, ...addProfile(s, { runId: 'r10', sessionId: 's', report, at: 99 }) };
    expect(s.profiles.filter((p) => p.runId === 'r10')).toHaveLength(1);
    expect(s.profiles.at(-1)!.at).toBe(99);
  });

  it('survives a save and a reload of the .ipynb as a display_data JSON bundle', () => {
    const nb = newNotebook();
    const cell = { cell_type: 'code' as const, id: 'c1', source: 'hot()', metadata: {}, execution_count: 3, outputs: appendOutputs([], [output]) };
    const text = serializeNotebook({ ...nb, cells: [cell] });
    const parsed = parseNotebook(text);
    if (!parsed.ok) throw new Error(parsed.message);
    const saved = parsed.value.cells[0]!;
    expect(saved.cell_type).toBe('code');
    const out = saved.cell_type === 'code' ? saved.outputs[0] : undefined;
    expect(out?.output_type).toBe('display_data');
    const data = out && out.output_type === 'display_data' ? out.data[PROFILE_MIME] : undefined;
    expect(isProfileReport(data)).toBe(true);
    expect(data).toEqual(report);
    // Written as JSON, not as a string.
    expect(text).toContain(`"${PROFILE_MIME}": {`);
  });
});
