/**
 * A notebook as the editor holds it, and the pure operations on it: insert, delete (with undo), move,
 * change type, edit, select, and the runs' progress and outputs. `notebook-docs.ts` keeps one of these per
 * open notebook and wires it to the core; the view only reads it.
 *
 * Cells keep the nbformat cell they were read from (`base`), so unknown fields and metadata survive a
 * round trip; `toNotebook` writes the edited fields back over it.
 */
import type { RunInfo, RunOutput } from '../../src-main/common/contract';
import type { JsonObject, NbCell, NbOutput, Notebook } from '../../src-main/common/notebook/nbformat';
import { joinSource, newCellId, splitLines } from '../../src-main/common/notebook/ipynb';
import { appendOutputs } from '../../src-main/common/notebook/outputs';

export type CellType = NbCell['cell_type'];

/** A cell's run, as far as the editor knows it. `pending`: the execute call is on its way to the core. */
export interface CellRun {
  readonly runId: string | null;
  readonly state: 'pending' | 'queued' | 'running' | 'done';
  readonly status: RunInfo['status'];
  readonly startedAt: number | null;
  readonly durationMs: number | null;
}

/** Running code waits for a line (`input()`, pdb). */
export interface InputRequest {
  readonly runId: string;
  readonly prompt: string;
  readonly password: boolean;
}

export interface Cell {
  /** The cell's nbformat id, or one made up for a cell read without one (not written back then). */
  readonly id: string;
  readonly type: CellType;
  readonly source: string;
  readonly outputs: readonly NbOutput[];
  readonly executionCount: number | null;
  /** The cell as read (or as made): unknown fields, metadata and attachments are kept from here. */
  readonly base: NbCell;
  readonly run: CellRun | null;
  readonly input: InputRequest | null;
  /** Outputs folded away (the left gutter, or O in command mode). View state: not saved. */
  readonly collapsed: boolean;
}

export interface Deleted {
  readonly cell: Cell;
  readonly index: number;
}

export interface NotebookState {
  readonly cells: readonly Cell[];
  /** The selected cell's id. */
  readonly selected: string | null;
  /** Command mode: keys act on cells. Edit mode: the selected cell's editor has the keyboard. */
  readonly mode: 'command' | 'edit';
  /** Markdown cells shown as source (being edited) rather than rendered. */
  readonly unrendered: ReadonlySet<string>;
  /** Deleted cells, newest last (Z brings back the last one). */
  readonly trash: readonly Deleted[];
  /** Counts content changes: the document is dirty while it differs from the count at the last save. */
  readonly edits: number;
}

export const TRASH_KEPT = 50;

// --- reading and writing --------------------------------------------------------------------------

const collapsedIn = (metadata: JsonObject): boolean => {
  const jupyter = metadata['jupyter'];
  return metadata['collapsed'] === true || (typeof jupyter === 'object' && jupyter !== null && !Array.isArray(jupyter) && jupyter['outputs_hidden'] === true);
};

export function cellFromNb(base: NbCell): Cell {
  return {
    id: typeof base.id === 'string' && base.id !== '' ? base.id : newCellId(),
    type: base.cell_type,
    source: joinSource(base.source),
    outputs: base.cell_type === 'code' ? base.outputs : [],
    executionCount: base.cell_type === 'code' ? base.execution_count : null,
    base,
    run: null,
    input: null,
    collapsed: base.cell_type === 'code' && collapsedIn(base.metadata ?? {}),
  };
}

export function stateFromNotebook(nb: Notebook): NotebookState {
  const cells = nb.cells.map(cellFromNb);
  // Two cells with one id (a copy-paste outside Jupyter) would share runs and editors: give the second a new one.
  const seen = new Set<string>();
  const unique = cells.map((c) => {
    if (!seen.has(c.id)) {
      seen.add(c.id);
      return c;
    }
    const id = newCellId();
    seen.add(id);
    return { ...c, id };
  });
  return { cells: unique, selected: unique[0]?.id ?? null, mode: 'command', unrendered: new Set(), trash: [], edits: 0 };
}

/** Cell ids are part of nbformat from 4.5 on; an older notebook is written without them, as it was read. */
const writesIds = (nb: Notebook) => nb.nbformat > 4 || (nb.nbformat === 4 && nb.nbformat_minor >= 5);

export function cellToNb(cell: Cell, withId: boolean): NbCell {
  // Fields of another cell type (outputs on a markdown cell) are dropped; unknown ones are kept.
  const { id: _id, outputs: _o, execution_count: _e, attachments, ...rest } = cell.base as NbCell & {
    outputs?: unknown;
    execution_count?: unknown;
    attachments?: unknown;
  };
  const common = { ...rest, ...(withId ? { id: cell.id } : {}), source: splitLines(cell.source), metadata: cell.base.metadata ?? {} };
  if (cell.type === 'code') {
    return { ...common, cell_type: 'code', execution_count: cell.executionCount, outputs: cell.outputs.map(withoutTransient) } as NbCell;
  }
  return { ...common, cell_type: cell.type, ...(attachments !== undefined ? { attachments } : {}) } as NbCell;
}

/** `transient` is what Jupyter sends alongside a display, never what it saves. */
function withoutTransient(o: NbOutput): NbOutput {
  if (o.output_type !== 'display_data' || !('transient' in o)) return o;
  const { transient: _t, ...rest } = o;
  return rest;
}

export function toNotebook(base: Notebook, cells: readonly Cell[]): Notebook {
  const withId = writesIds(base);
  return { ...base, cells: cells.map((c) => cellToNb(c, withId)) };
}

export function newCell(type: CellType, source = ''): Cell {
  const base: NbCell =
    type === 'code'
      ? { cell_type: 'code', id: '', source: '', metadata: {}, execution_count: null, outputs: [] }
      : { cell_type: type, id: '', source: '', metadata: {} };
  return { ...cellFromNb(base), source };
}

// --- editing ---------------------------------------------------------------------------------------

const indexOf = (s: NotebookState, id: string | null) => (id === null ? -1 : s.cells.findIndex((c) => c.id === id));

export function selectedIndex(s: NotebookState): number {
  return indexOf(s, s.selected);
}

function mapCell(s: NotebookState, id: string, f: (c: Cell) => Cell, edit = true): NotebookState {
  const i = indexOf(s, id);
  if (i < 0) return s;
  const cell = f(s.cells[i]!);
  if (cell === s.cells[i]) return s;
  const cells = s.cells.slice();
  cells[i] = cell;
  return { ...s, cells, edits: edit ? s.edits + 1 : s.edits };
}

/** Insert a new cell at `index` (clamped) and select it. */
export function insertCell(s: NotebookState, index: number, type: CellType, source = ''): NotebookState {
  const cell = newCell(type, source);
  const at = Math.max(0, Math.min(index, s.cells.length));
  const cells = [...s.cells.slice(0, at), cell, ...s.cells.slice(at)];
  return { ...s, cells, selected: cell.id, edits: s.edits + 1 };
}

/** Insert above or below the selected cell (at the end when none is selected). */
export function insertRelative(s: NotebookState, where: 'above' | 'below', type: CellType = 'code'): NotebookState {
  const i = selectedIndex(s);
  return insertCell(s, i < 0 ? s.cells.length : where === 'above' ? i : i + 1, type);
}

/**
 * Delete a cell; it goes to the trash (Z brings it back). The next cell is selected, or the previous one
 * at the end. A notebook is never left empty: deleting its last cell leaves a new empty code cell.
 */
export function deleteCell(s: NotebookState, id: string): NotebookState {
  const i = indexOf(s, id);
  if (i < 0) return s;
  let cells = s.cells.filter((c) => c.id !== id);
  if (cells.length === 0) cells = [newCell('code')];
  const unrendered = new Set(s.unrendered);
  unrendered.delete(id);
  const selected = s.selected === id ? cells[Math.min(i, cells.length - 1)]!.id : s.selected;
  const trash = [...s.trash, { cell: { ...s.cells[i]!, run: null, input: null }, index: i }].slice(-TRASH_KEPT);
  return { ...s, cells, selected, trash, unrendered, mode: 'command', edits: s.edits + 1 };
}

/** Bring back the last deleted cell where it was, and select it. */
export function undoDelete(s: NotebookState): NotebookState {
  const last = s.trash[s.trash.length - 1];
  if (!last) return s;
  // It may have been deleted twice over (undo, delete): never two cells with one id.
  const cell = s.cells.some((c) => c.id === last.cell.id) ? { ...last.cell, id: newCellId() } : last.cell;
  const at = Math.min(last.index, s.cells.length);
  const cells = [...s.cells.slice(0, at), cell, ...s.cells.slice(at)];
  return { ...s, cells, selected: cell.id, trash: s.trash.slice(0, -1), edits: s.edits + 1 };
}

/** Move a cell up (-1) or down (+1); it stays selected. */
export function moveCell(s: NotebookState, id: string, delta: -1 | 1): NotebookState {
  const i = indexOf(s, id);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= s.cells.length) return s;
  const cells = s.cells.slice();
  [cells[i], cells[j]] = [cells[j]!, cells[i]!];
  return { ...s, cells, selected: id, edits: s.edits + 1 };
}

/** Code ↔ markdown ↔ raw. A cell leaving code loses its outputs and count, as in Jupyter. */
export function changeType(s: NotebookState, id: string, type: CellType): NotebookState {
  const next = mapCell(s, id, (c) => {
    if (c.type === type) return c;
    const base = { ...c.base, cell_type: type } as NbCell;
    return { ...c, type, base, outputs: [], executionCount: null, run: null, input: null, collapsed: false };
  });
  if (next === s) return s;
  // A new markdown cell shows rendered in command mode, its source in edit mode.
  const unrendered = new Set(next.unrendered);
  if (type === 'markdown' && next.mode === 'edit') unrendered.add(id);
  else unrendered.delete(id);
  return { ...next, unrendered };
}

export function setSource(s: NotebookState, id: string, source: string): NotebookState {
  return mapCell(s, id, (c) => (c.source === source ? c : { ...c, source }));
}

export function select(s: NotebookState, id: string, mode: NotebookState['mode'] = s.mode): NotebookState {
  if (indexOf(s, id) < 0 || (s.selected === id && s.mode === mode)) return s;
  return { ...s, selected: id, mode };
}

/** Select the cell `delta` away from the selected one (clamped). */
export function selectRelative(s: NotebookState, delta: number): NotebookState {
  if (s.cells.length === 0) return s;
  const i = Math.max(0, selectedIndex(s));
  const j = Math.max(0, Math.min(s.cells.length - 1, i + delta));
  return { ...s, selected: s.cells[j]!.id, mode: 'command' };
}

export function setMode(s: NotebookState, mode: NotebookState['mode']): NotebookState {
  return s.mode === mode ? s : { ...s, mode };
}

/** Show a markdown cell as source (editing) or rendered. */
export function setRendered(s: NotebookState, id: string, rendered: boolean): NotebookState {
  if (rendered !== s.unrendered.has(id)) return s;
  const unrendered = new Set(s.unrendered);
  if (rendered) unrendered.delete(id);
  else unrendered.add(id);
  return { ...s, unrendered };
}

export function toggleCollapsed(s: NotebookState, id: string): NotebookState {
  return mapCell(s, id, (c) => ({ ...c, collapsed: !c.collapsed }), false);
}

/** Clear the outputs and counts of the given cells (all when `ids` is null). */
export function clearOutputs(s: NotebookState, ids: readonly string[] | null = null): NotebookState {
  const which = ids === null ? null : new Set(ids);
  let changed = false;
  const cells = s.cells.map((c) => {
    if (c.type !== 'code' || (which && !which.has(c.id)) || (c.outputs.length === 0 && c.executionCount === null)) return c;
    changed = true;
    return { ...c, outputs: [], executionCount: null };
  });
  return changed ? { ...s, cells, edits: s.edits + 1 } : s;
}

/** Ids of the code cells before (`above`), from (`below`) the selected cell, or all of them. */
export function codeCellIds(s: NotebookState, which: 'all' | 'above' | 'below'): string[] {
  const i = selectedIndex(s);
  const range = which === 'all' || i < 0 ? s.cells : which === 'above' ? s.cells.slice(0, i) : s.cells.slice(i);
  return range.filter((c) => c.type === 'code').map((c) => c.id);
}

// --- runs --------------------------------------------------------------------------------------------

/** A run was asked for: the cell's old outputs go, and it shows as queued. */
export function startRun(s: NotebookState, id: string): NotebookState {
  return mapCell(s, id, (c) => ({
    ...c,
    outputs: [],
    executionCount: null,
    input: null,
    run: { runId: null, state: 'pending', status: null, startedAt: null, durationMs: null },
  }));
}

/** The core accepted the run: later events for `runId` are this cell's. */
export function assignRun(s: NotebookState, id: string, runId: string): NotebookState {
  return mapCell(s, id, (c) => (c.run && c.run.runId === null ? { ...c, run: { ...c.run, runId } } : c), false);
}

/** The run could not be started (no session, the call failed): the cell is left as not run. */
export function failRun(s: NotebookState, id: string): NotebookState {
  return mapCell(s, id, (c) => (c.run && c.run.runId === null ? { ...c, run: null } : c), false);
}

/** A `sessions.run` event for the cell's current run. Events of an older run of the cell are ignored. */
export function applyRunInfo(s: NotebookState, id: string, info: RunInfo): NotebookState {
  return mapCell(s, id, (c) => {
    if (c.run?.runId !== info.runId) return c;
    const run: CellRun = { runId: info.runId, state: info.state, status: info.status, startedAt: info.startedAt, durationMs: info.durationMs };
    const done = info.state === 'done';
    const ran = done && info.status !== 'aborted';
    return {
      ...c,
      run,
      executionCount: ran ? (info.count ?? c.executionCount) : c.executionCount,
      input: done ? null : c.input,
    };
  });
}

/**
 * Outputs of the cell's current run (`sessions.output`), appended as Jupyter would (streams merged, `\r`
 * handled, display updates applied).
 */
export function applyRunOutputs(s: NotebookState, id: string, runId: string, outputs: readonly RunOutput[]): NotebookState {
  let next = mapCell(s, id, (c) => (c.run?.runId !== runId ? c : { ...c, outputs: appendOutputs([...c.outputs], outputs) }));
  // An update of a display shown by another cell (`display(..., display_id=...)` then `.update()` later).
  for (const o of outputs) {
    if (o.type !== 'display_data' || !o.update || o.displayId === null) continue;
    const displayId = o.displayId;
    for (const c of next.cells) {
      if (c.id === id || !c.outputs.some((x) => x.output_type === 'display_data' && x.transient?.display_id === displayId)) continue;
      next = mapCell(next, c.id, (cell) => ({ ...cell, outputs: appendOutputs([...cell.outputs], [o]) }));
    }
  }
  return next;
}

/** Re-attach after a reload: the core's picture of the run, with every output so far. */
export function attachRun(s: NotebookState, id: string, info: RunInfo, outputs: readonly RunOutput[]): NotebookState {
  return mapCell(s, id, (c) => ({
    ...c,
    outputs: appendOutputs([], outputs),
    executionCount: info.status === 'aborted' ? null : (info.count ?? null),
    run: { runId: info.runId, state: info.state, status: info.status, startedAt: info.startedAt, durationMs: info.durationMs },
  }));
}

export function setInputRequest(s: NotebookState, id: string, request: InputRequest | null): NotebookState {
  return mapCell(s, id, (c) => (request && c.run?.runId !== request.runId ? c : { ...c, input: request }), false);
}

/** What a cell shows in its prompt: `[*]` while queued or running, `[n]` once run, `[ ]` otherwise. */
export function promptOf(cell: Cell): string {
  if (cell.run && cell.run.state !== 'done') return '[*]';
  return cell.executionCount === null ? '[ ]' : `[${cell.executionCount}]`;
}

export type CellStatus = 'idle' | 'queued' | 'running' | 'done' | 'error' | 'interrupted' | 'aborted' | 'crashed';

export function statusOf(cell: Cell): CellStatus {
  const run = cell.run;
  if (!run) return 'idle';
  if (run.state === 'pending' || run.state === 'queued') return 'queued';
  if (run.state === 'running') return 'running';
  if (run.status === 'ok' || run.status === null) return 'done';
  return run.status;
}
