/**
 * What the notebook's keys, toolbar and commands do to the active notebook. Loaded with the notebook
 * documents (never in the entry chunk); the commands in notebook-commands.ts call in here.
 */
import { getApp } from '../state/store';
import type { CommandModeAction } from './keys';
import {
  changeType,
  clearOutputs,
  deleteCell,
  insertCell,
  insertRelative,
  moveCell,
  select,
  selectedIndex,
  selectRelative,
  setMode,
  setRendered,
  toggleCollapsed,
  undoDelete,
  type CellType,
} from './model';
import { getNotebookDoc, interrupt, restart, runAll, runCells, type NotebookDoc } from './notebook-docs';

export function activeDoc(): NotebookDoc | undefined {
  const path = getApp().active;
  const doc = path ? getNotebookDoc(path) : undefined;
  return doc?.state.status === 'ready' ? doc : undefined;
}

/**
 * Run the selected cell (a markdown cell: render it). `advance` (Shift+Enter) selects the next cell,
 * adding one at the end; `insert` (Alt+Enter) adds a code cell below and edits it; `stay` (Ctrl+Enter)
 * leaves edit mode.
 */
export function runSelected(doc: NotebookDoc, how: 'advance' | 'stay' | 'insert'): void {
  const s = doc.nb;
  const i = selectedIndex(s);
  const cell = s.cells[i];
  if (!cell) return;
  const wasEditing = s.mode === 'edit';
  if (cell.type === 'markdown') doc.update((x) => setRendered(x, cell.id, true));
  else if (cell.type === 'code') void runCells(doc, [cell.id]);
  if (how === 'stay') {
    doc.update((x) => setMode(x, 'command'));
    return;
  }
  if (how === 'insert' || i === doc.nb.cells.length - 1) {
    doc.update((x) => setMode(insertCell(x, i + 1, 'code'), 'edit'));
    return;
  }
  const next = doc.nb.cells[i + 1]!;
  // Typing on from one code cell into the next keeps the keyboard in the editor; a markdown cell shows rendered.
  doc.update((x) => select(x, next.id, wasEditing && next.type === 'code' ? 'edit' : 'command'));
}

/** "Profile Cell": run the selected code cell under cProfile; its profile shows in its outputs. */
export function profileSelected(doc: NotebookDoc): void {
  const cell = doc.nb.cells[selectedIndex(doc.nb)];
  if (cell?.type !== 'code') return;
  void runCells(doc, [cell.id], { profile: true });
  doc.update((x) => setMode(x, 'command'));
}

export function insertCellRelative(doc: NotebookDoc, where: 'above' | 'below', type: CellType, edit = false): void {
  doc.update((s) => {
    const next = insertRelative(s, where, type);
    return edit ? setRendered(setMode(next, 'edit'), next.selected!, false) : setMode(next, 'command');
  });
}

export function appendCell(doc: NotebookDoc, type: CellType): void {
  doc.update((s) => {
    const next = setMode(insertCell(s, s.cells.length, type), 'edit');
    return type === 'markdown' ? setRendered(next, next.selected!, false) : next;
  });
}

/** Edit the selected cell (a markdown cell shows its source). */
export function editSelected(doc: NotebookDoc): void {
  const id = doc.nb.selected;
  if (id === null) return;
  doc.update((s) => setMode(setRendered(s, id, false), 'edit'));
}

export function moveSelected(doc: NotebookDoc, delta: -1 | 1): void {
  const id = doc.nb.selected;
  if (id !== null) doc.update((s) => moveCell(s, id, delta));
}

export function deleteSelected(doc: NotebookDoc): void {
  const id = doc.nb.selected;
  if (id !== null) doc.update((s) => deleteCell(s, id));
}

export function clearAllOutputs(doc: NotebookDoc): void {
  doc.update((s) => clearOutputs(s));
}

export function commandModeAction(doc: NotebookDoc, action: CommandModeAction): void {
  const id = doc.nb.selected;
  switch (action) {
    case 'insertAbove':
      return insertCellRelative(doc, 'above', 'code');
    case 'insertBelow':
      return insertCellRelative(doc, 'below', 'code');
    case 'delete':
      return deleteSelected(doc);
    case 'undoDelete':
      return doc.update(undoDelete);
    case 'toCode':
    case 'toMarkdown':
    case 'toRaw':
      if (id !== null) doc.update((s) => changeType(s, id, action === 'toCode' ? 'code' : action === 'toMarkdown' ? 'markdown' : 'raw'));
      return;
    case 'selectPrevious':
      return doc.update((s) => selectRelative(s, -1));
    case 'selectNext':
      return doc.update((s) => selectRelative(s, 1));
    case 'selectFirst':
      return doc.update((s) => selectRelative(s, -s.cells.length));
    case 'selectLast':
      return doc.update((s) => selectRelative(s, s.cells.length));
    case 'edit':
      return editSelected(doc);
    case 'moveUp':
      return moveSelected(doc, -1);
    case 'moveDown':
      return moveSelected(doc, 1);
    case 'toggleOutput':
      if (id !== null) doc.update((s) => toggleCollapsed(s, id));
      return;
    case 'interrupt':
      return void interrupt(doc);
    case 'restart':
      return void restart(doc);
  }
}

export { interrupt, restart, runAll, runCells };
