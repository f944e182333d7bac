/**
 * Notebook commands, in the command palette (category "Notebook") and on keys: Shift+Enter,
 * Ctrl+Enter, Alt+Enter, Ctrl+Alt+Enter (Profile Cell), Ctrl+Shift+Up/Down, plus "New Notebook…". Registered at start-up; what they do
 * is in actions.ts, loaded with the first notebook (a command only applies while a notebook tab is active,
 * so it is loaded by then). Command mode's plain keys (A, B, DD, M, Y, Z…) are the notebook view's own.
 */
import { call } from '../bridge/client';
import { commands } from '../commands/instance';
import { openDocument } from '../editor/documents';
import { joinPath, parentOf } from '../explorer/tree-model';
import { useSessions } from '../sessions/sessions';
import { getApp, postMessage, useApp } from '../state/store';
import { promptText } from '../ui/dialogs';
import { listDir } from '../workbench/project';
import { isNotebookPath, isNotebookTab, loadedNotebookDocs, warmFontsWhenNotebooksShow } from './notebook-tabs';

const actions = () => import('./actions');

/** A notebook tab is active (and loaded). */
const notebookActive = () => getApp().project !== null && isNotebookTab(getApp().active) && loadedNotebookDocs() !== null;

/** …and the keyboard is not somewhere else that has its own use for the key (the terminal, a field). */
const notebookKeys = () => notebookActive() && !document.activeElement?.closest('.panel-container, .side-bar, .nb-input-request, .modal');

/** Run an action on the active notebook. */
function onActive(f: (m: Awaited<ReturnType<typeof actions>>, doc: NonNullable<ReturnType<Awaited<ReturnType<typeof actions>>['activeDoc']>>) => unknown) {
  return async () => {
    const m = await actions();
    const doc = m.activeDoc();
    if (doc) await f(m, doc);
  };
}

/** The folder a new notebook goes into: the explorer's selected folder, or the selected file's. */
function targetDir(): string {
  const { selected, listings } = getApp();
  if (selected === null) return '';
  if (listings.has(selected)) return selected;
  const parent = parentOf(selected);
  const entry = listings.get(parent)?.entries.find((e) => e.path === selected);
  return entry?.kind === 'directory' ? selected : parent;
}

export async function newNotebook(): Promise<void> {
  const dir = targetDir();
  const siblings = new Set((getApp().listings.get(dir)?.entries ?? []).map((e) => e.name));
  const withExtension = (name: string) => (name.toLowerCase().endsWith('.ipynb') ? name : `${name}.ipynb`);
  const name = await promptText({
    title: 'New notebook',
    message: `In ${dir === '' ? 'the project root' : dir}:`,
    value: 'Untitled.ipynb',
    okLabel: 'Create',
    validate: (v) => {
      const n = withExtension(v.trim());
      if (/[\\:*?"<>|\0]/.test(n)) return 'A name cannot contain \\ : * ? " < > |';
      if (n.startsWith('/') || n.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'Each part of the path needs a name';
      return siblings.has(n) ? `"${n}" already exists here` : null;
    },
  });
  if (name === null) return;
  const path = joinPath(dir, withExtension(name));
  const python = useSessions.getState().selectedInterpreter;
  const r = await call('notebooks.create', { path, ...(python ? { python } : {}) });
  if (!r.ok) {
    postMessage('error', `Could not create ${path}: ${r.message}`);
    return;
  }
  void listDir(parentOf(path), { quiet: true });
  await openDocument(r.value.path);
}

export function registerNotebookCommands(): void {
  warmFontsWhenNotebooksShow(useApp.subscribe, () => getApp().listings.get('')?.entries.some((e) => isNotebookPath(e.path)) ?? false);
  const all = [
    { id: 'notebook.new', title: 'New Notebook…', category: 'Notebook', when: () => getApp().project !== null, run: newNotebook },
    {
      id: 'notebook.runCellAndAdvance',
      title: 'Run Cell and Select Below',
      category: 'Notebook',
      keys: ['shift+enter'],
      when: notebookKeys,
      run: onActive((m, doc) => m.runSelected(doc, 'advance')),
    },
    { id: 'notebook.runCell', title: 'Run Cell', category: 'Notebook', keys: ['ctrl+enter'], when: notebookKeys, run: onActive((m, doc) => m.runSelected(doc, 'stay')) },
    {
      id: 'notebook.runCellAndInsertBelow',
      title: 'Run Cell and Insert Below',
      category: 'Notebook',
      keys: ['alt+enter'],
      when: notebookKeys,
      run: onActive((m, doc) => m.runSelected(doc, 'insert')),
    },
    {
      id: 'notebook.profileCell',
      title: 'Profile Cell',
      category: 'Notebook',
      keys: ['ctrl+alt+enter'],
      when: notebookKeys,
      run: onActive((m, doc) => m.profileSelected(doc)),
    },
    { id: 'notebook.runAll', title: 'Run All Cells', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.runAll(doc, 'all')) },
    { id: 'notebook.runAbove', title: 'Run All Above', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.runAll(doc, 'above')) },
    { id: 'notebook.runBelow', title: 'Run Selected Cell and All Below', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.runAll(doc, 'below')) },
    { id: 'notebook.interrupt', title: 'Interrupt', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.interrupt(doc)) },
    { id: 'notebook.restart', title: 'Restart Session', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.restart(doc)) },
    { id: 'notebook.restartAndRunAll', title: 'Restart Session and Run All', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.restart(doc, { runAll: true })) },
    { id: 'notebook.clearAllOutputs', title: 'Clear All Outputs', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.clearAllOutputs(doc)) },
    { id: 'notebook.moveCellUp', title: 'Move Cell Up', category: 'Notebook', keys: ['ctrl+shift+up'], when: notebookKeys, run: onActive((m, doc) => m.moveSelected(doc, -1)) },
    { id: 'notebook.moveCellDown', title: 'Move Cell Down', category: 'Notebook', keys: ['ctrl+shift+down'], when: notebookKeys, run: onActive((m, doc) => m.moveSelected(doc, 1)) },
    { id: 'notebook.insertCodeAbove', title: 'Insert Code Cell Above', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.insertCellRelative(doc, 'above', 'code', true)) },
    { id: 'notebook.insertCodeBelow', title: 'Insert Code Cell Below', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.insertCellRelative(doc, 'below', 'code', true)) },
    {
      id: 'notebook.insertMarkdownBelow',
      title: 'Insert Markdown Cell Below',
      category: 'Notebook',
      when: notebookActive,
      run: onActive((m, doc) => m.insertCellRelative(doc, 'below', 'markdown', true)),
    },
    { id: 'notebook.deleteCell', title: 'Delete Cell', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.deleteSelected(doc)) },
    { id: 'notebook.undoDeleteCell', title: 'Undo Cell Deletion', category: 'Notebook', when: notebookActive, run: onActive((m, doc) => m.commandModeAction(doc, 'undoDelete')) },
    {
      id: 'notebook.selectSession',
      title: 'Select Session…',
      category: 'Notebook',
      when: notebookActive,
      run: async () => {
        const [{ activeDoc }, { showSessionPick }] = await Promise.all([actions(), import('./SessionPicker')]);
        const doc = activeDoc();
        if (doc) showSessionPick(doc);
      },
    },
  ];
  for (const command of all) commands.register(command);
}
