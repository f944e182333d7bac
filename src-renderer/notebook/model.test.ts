import { describe, expect, it } from 'vitest';
import type { RunInfo } from '../../src-main/common/contract';
import type { NbCell, Notebook } from '../../src-main/common/notebook/nbformat';
import {
  applyRunInfo,
  applyRunOutputs,
  assignRun,
  attachRun,
  changeType,
  clearOutputs,
  codeCellIds,
  deleteCell,
  failRun,
  insertCell,
  insertRelative,
  moveCell,
  promptOf,
  select,
  selectRelative,
  setSource,
  startRun,
  stateFromNotebook,
  statusOf,
  toNotebook,
  TRASH_KEPT,
  undoDelete,
  type NotebookState,
} from './model';

const code = (id: string, source: string, extra: Partial<NbCell> = {}): NbCell =>
  ({ cell_type: 'code', id, source, metadata: {}, execution_count: null, outputs: [], ...extra }) as NbCell;
const markdown = (id: string, source: string): NbCell => ({ cell_type: 'markdown', id, source, metadata: {} });

const nb = (cells: NbCell[], minor = 5): Notebook => ({ nbformat: 4, nbformat_minor: minor, metadata: { language_info: { name: 'python' } }, cells });

const ids = (s: NotebookState) => s.cells.map((c) => c.id);
const sources = (s: NotebookState) => s.cells.map((c) => c.source);

const run = (runId: string, patch: Partial<RunInfo> = {}): RunInfo => ({
  sessionId: 's1',
  runId,
  state: 'running',
  status: null,
  count: 3,
  durationMs: null,
  summary: '',
  origin: 'notebook',
  queuedAt: 1,
  startedAt: 2,
  error: null,
  ...patch,
});

describe('reading and writing', () => {
  it('joins sources, keeps unknown fields and metadata, and writes lists of lines back', () => {
    const cell = { ...code('a', ['x = 1\n', 'x'] as unknown as string), metadata: { tags: ['t'] }, custom: 42 } as unknown as NbCell;
    const s = stateFromNotebook(nb([cell]));
    expect(s.cells[0]!.source).toBe('x = 1\nx');
    expect(s.selected).toBe('a');
    expect(s.mode).toBe('command');
    const out = toNotebook(nb([cell]), s.cells).cells[0] as NbCell & { custom?: number };
    expect(out.source).toEqual(['x = 1\n', 'x']);
    expect(out.metadata).toEqual({ tags: ['t'] });
    expect(out.custom).toBe(42);
    expect(out.id).toBe('a');
  });

  it('gives cells without an id one for the editor, but writes none into a 4.4 notebook', () => {
    const { id: _id, ...noId } = code('x', 'y = 2') as NbCell & { id: string };
    const base = nb([noId as NbCell], 4);
    const s = stateFromNotebook(base);
    expect(s.cells[0]!.id).toMatch(/^[0-9a-f]{8}$/);
    expect('id' in toNotebook(base, s.cells).cells[0]!).toBe(false);
    // 4.5 notebooks carry the ids (new cells too).
    const s45 = insertCell(stateFromNotebook(nb([code('a', '')])), 1, 'markdown');
    expect(toNotebook(nb([]), s45.cells).cells.map((c) => c.id)).toEqual(['a', s45.cells[1]!.id]);
  });

  it('renames the second of two cells that share an id', () => {
    const s = stateFromNotebook(nb([code('same', '1'), code('same', '2')]));
    expect(new Set(ids(s)).size).toBe(2);
    expect(s.cells[0]!.id).toBe('same');
  });

  it('drops transient display ids and the fields of another cell type when writing', () => {
    const s0 = stateFromNotebook(nb([code('a', 'x')]));
    const s1 = applyRunOutputs(assignRun(startRun(s0, 'a'), 'a', 'r1'), 'a', 'r1', [
      { type: 'display_data', data: { 'text/plain': 'd' }, metadata: {}, displayId: 'disp', update: false },
    ]);
    const written = toNotebook(nb([]), s1.cells).cells[0] as NbCell & { outputs: Record<string, unknown>[] };
    expect(written.outputs[0]).toEqual({ output_type: 'display_data', data: { 'text/plain': 'd' }, metadata: {} });
    const asMarkdown = toNotebook(nb([]), changeType(s1, 'a', 'markdown').cells).cells[0]!;
    expect(asMarkdown).toEqual({ cell_type: 'markdown', id: 'a', metadata: {}, source: ['x'] });
  });

  it('reads collapsed outputs from the metadata', () => {
    const s = stateFromNotebook(nb([code('a', '', { metadata: { jupyter: { outputs_hidden: true } } } as Partial<NbCell>), code('b', '', { metadata: { collapsed: true } } as Partial<NbCell>), code('c', '')]));
    expect(s.cells.map((c) => c.collapsed)).toEqual([true, true, false]);
  });
});

describe('cell operations', () => {
  const start = () => stateFromNotebook(nb([code('a', 'A'), code('b', 'B'), markdown('c', 'C')]));

  it('inserts above and below the selected cell and selects the new cell', () => {
    let s = select(start(), 'b');
    s = insertRelative(s, 'above');
    expect(sources(s)).toEqual(['A', '', 'B', 'C']);
    expect(s.selected).toBe(s.cells[1]!.id);
    s = insertRelative(select(s, 'c'), 'below', 'markdown');
    expect(s.cells.map((c) => c.type)).toEqual(['code', 'code', 'code', 'markdown', 'markdown']);
    expect(s.selected).toBe(s.cells[4]!.id);
    expect(s.edits).toBe(2);
  });

  it('deletes into the trash, selects the next cell, and Z brings the cell back where it was', () => {
    let s = select(start(), 'b');
    s = deleteCell(s, 'b');
    expect(ids(s)).toEqual(['a', 'c']);
    expect(s.selected).toBe('c');
    s = deleteCell(s, 'c');
    expect(s.selected).toBe('a');
    s = undoDelete(s);
    expect(ids(s)).toEqual(['a', 'c']);
    expect(s.selected).toBe('c');
    s = undoDelete(s);
    expect(ids(s)).toEqual(['a', 'b', 'c']);
    expect(s.cells[1]!.source).toBe('B');
    expect(undoDelete(s)).toBe(s);
  });

  it('never leaves a notebook empty, and keeps a bounded trash', () => {
    let s = stateFromNotebook(nb([code('only', 'x')]));
    s = deleteCell(s, 'only');
    expect(s.cells).toHaveLength(1);
    expect(s.cells[0]!.source).toBe('');
    for (let i = 0; i < TRASH_KEPT + 10; i++) s = deleteCell(s, s.cells[0]!.id);
    expect(s.trash).toHaveLength(TRASH_KEPT);
  });

  it('gives a cell brought back a new id if its id is in use again', () => {
    let s = deleteCell(start(), 'a');
    s = { ...s, cells: [{ ...s.cells[0]!, id: 'a' }, ...s.cells.slice(1)] };
    s = undoDelete(s);
    expect(new Set(ids(s)).size).toBe(3);
  });

  it('moves cells up and down within bounds, keeping them selected', () => {
    let s = moveCell(start(), 'b', -1);
    expect(ids(s)).toEqual(['b', 'a', 'c']);
    expect(s.selected).toBe('b');
    expect(moveCell(s, 'b', -1)).toBe(s);
    s = moveCell(s, 'a', 1);
    expect(ids(s)).toEqual(['b', 'c', 'a']);
    expect(moveCell(s, 'a', 1)).toBe(s);
  });

  it('changes type: code loses its outputs and count; markdown shows rendered in command mode', () => {
    let s = start();
    s = applyRunInfo(assignRun(startRun(s, 'a'), 'a', 'r'), 'a', run('r', { state: 'done', status: 'ok', count: 5 }));
    expect(s.cells[0]!.executionCount).toBe(5);
    s = changeType(s, 'a', 'markdown');
    expect(s.cells[0]!).toMatchObject({ type: 'markdown', executionCount: null, outputs: [], run: null });
    expect(s.unrendered.has('a')).toBe(false);
    s = changeType({ ...s, mode: 'edit' }, 'b', 'markdown');
    expect(s.unrendered.has('b')).toBe(true);
    s = changeType(s, 'c', 'raw');
    expect(s.cells[2]!.type).toBe('raw');
    expect(changeType(s, 'c', 'raw')).toBe(s);
  });

  it('edits sources (an unchanged source is no edit) and clears outputs', () => {
    let s = setSource(start(), 'a', 'A2');
    expect(s.cells[0]!.source).toBe('A2');
    expect(setSource(s, 'a', 'A2')).toBe(s);
    s = applyRunOutputs(assignRun(startRun(s, 'a'), 'a', 'r'), 'a', 'r', [{ type: 'stream', name: 'stdout', text: 'hi\n' }]);
    expect(s.cells[0]!.outputs).toHaveLength(1);
    const cleared = clearOutputs(s);
    expect(cleared.cells[0]!.outputs).toEqual([]);
    expect(clearOutputs(cleared)).toBe(cleared);
  });

  it('selects relative to the selected cell, clamped, in command mode', () => {
    let s: NotebookState = { ...start(), mode: 'edit' };
    s = selectRelative(s, 1);
    expect(s.selected).toBe('b');
    expect(s.mode).toBe('command');
    expect(selectRelative(s, 10).selected).toBe('c');
    expect(selectRelative(s, -10).selected).toBe('a');
  });

  it('lists code cells above, below and all', () => {
    const s = select(stateFromNotebook(nb([code('a', ''), markdown('m', ''), code('b', ''), code('c', '')])), 'b');
    expect(codeCellIds(s, 'all')).toEqual(['a', 'b', 'c']);
    expect(codeCellIds(s, 'above')).toEqual(['a']);
    expect(codeCellIds(s, 'below')).toEqual(['b', 'c']);
  });
});

describe('runs', () => {
  const one = () => stateFromNotebook(nb([code('a', 'print(1)', { outputs: [{ output_type: 'stream', name: 'stdout', text: 'old' }], execution_count: 1 } as Partial<NbCell>)]));

  it('shows [*] from the request on, clears the old outputs, and [n] with the status once done', () => {
    let s = startRun(one(), 'a');
    expect(promptOf(s.cells[0]!)).toBe('[*]');
    expect(statusOf(s.cells[0]!)).toBe('queued');
    expect(s.cells[0]!.outputs).toEqual([]);
    s = assignRun(s, 'a', 'r1');
    s = applyRunInfo(s, 'a', run('r1', { state: 'running' }));
    expect(statusOf(s.cells[0]!)).toBe('running');
    s = applyRunOutputs(s, 'a', 'r1', [{ type: 'stream', name: 'stdout', text: '1\n' }, { type: 'stream', name: 'stdout', text: '2\n' }]);
    expect(s.cells[0]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: '1\n2\n' }]);
    s = applyRunInfo(s, 'a', run('r1', { state: 'done', status: 'error', count: 7, durationMs: 12 }));
    expect(promptOf(s.cells[0]!)).toBe('[7]');
    expect(statusOf(s.cells[0]!)).toBe('error');
    expect(s.cells[0]!.run?.durationMs).toBe(12);
  });

  it('ignores events of an older run of the cell', () => {
    let s = assignRun(startRun(one(), 'a'), 'a', 'new');
    const before = s;
    s = applyRunInfo(s, 'a', run('old', { state: 'done', status: 'ok', count: 99 }));
    s = applyRunOutputs(s, 'a', 'old', [{ type: 'stream', name: 'stdout', text: 'stale' }]);
    expect(s).toBe(before);
  });

  it('leaves an aborted cell without a count, and a failed request as not run', () => {
    let s = applyRunInfo(assignRun(startRun(one(), 'a'), 'a', 'r'), 'a', run('r', { state: 'done', status: 'aborted', count: null }));
    expect(promptOf(s.cells[0]!)).toBe('[ ]');
    expect(statusOf(s.cells[0]!)).toBe('aborted');
    s = failRun(startRun(s, 'a'), 'a');
    expect(s.cells[0]!.run).toBeNull();
    expect(statusOf(s.cells[0]!)).toBe('idle');
  });

  it('applies a display update to the cell that shows the display', () => {
    let s = stateFromNotebook(nb([code('a', 'h = display(1, display_id=True)'), code('b', 'h.update(2)')]));
    s = applyRunOutputs(assignRun(startRun(s, 'a'), 'a', 'r1'), 'a', 'r1', [{ type: 'display_data', data: { 'text/plain': '1' }, metadata: {}, displayId: 'd1', update: false }]);
    s = applyRunOutputs(assignRun(startRun(s, 'b'), 'b', 'r2'), 'b', 'r2', [{ type: 'display_data', data: { 'text/plain': '2' }, metadata: {}, displayId: 'd1', update: true }]);
    expect(s.cells[0]!.outputs[0]).toMatchObject({ output_type: 'display_data', data: { 'text/plain': '2' } });
    expect(s.cells[1]!.outputs).toEqual([]);
  });

  it('re-attaches to a run after a reload with its outputs so far', () => {
    const s = attachRun(one(), 'a', run('r9', { state: 'running', count: 4 }), [{ type: 'stream', name: 'stdout', text: 'tick 1\n' }]);
    expect(s.cells[0]!.outputs).toEqual([{ output_type: 'stream', name: 'stdout', text: 'tick 1\n' }]);
    expect(promptOf(s.cells[0]!)).toBe('[*]');
    const done = applyRunInfo(s, 'a', run('r9', { state: 'done', status: 'ok', count: 4 }));
    expect(promptOf(done.cells[0]!)).toBe('[4]');
  });
});
