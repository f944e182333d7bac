/**
 * Open documents: one Monaco model per tab, its on-disk identity (encoding, BOM, line endings, version),
 * dirtiness, saving, and what happens when the file changes outside Lathe.
 *
 * Paths are project-relative; `user:settings.json` and `user:keybindings.json` are the user's settings
 * files, read and written through the settings service (validated and applied on save).
 */
import type { editor } from 'monaco-editor';
import type { Eol, FileContent, UserFile } from '../../src-main/common/contract';
import { call } from '../bridge/client';
import { getApp, postMessage, setApp, updateTab, type Tab } from '../state/store';
import { ask } from '../ui/dialogs';
import { isNotebookPath, isNotebookTab, loadedNotebookDocs, notebookDocs, setAsText } from '../notebook/notebook-tabs';
import { isModelPath, isModelTab, loadedModelDocs, modelDocs, releaseModel, setAsBinary } from '../models/model-tabs';
import { loadMonaco } from './monaco';

export const USER_PREFIX = 'user:';

export function userFileOf(path: string): UserFile | null {
  if (path === 'user:settings.json') return 'settings';
  if (path === 'user:keybindings.json') return 'keybindings';
  return null;
}

interface Doc {
  readonly path: string;
  model: editor.ITextModel;
  encoding: string;
  bom: boolean;
  eol: Eol;
  version: string | null;
  readOnly: boolean;
  notice: string | null;
  savedAltId: number;
  viewState: editor.ICodeEditorViewState | null;
  /** Set while a save is in flight, so our own write is not taken for an outside change. */
  saving: boolean;
  /** The file was deleted on disk; the tab keeps its content and counts as unsaved. */
  deleted: boolean;
}

type Loaded = Omit<FileContent, 'path' | 'size'>;

const docs = new Map<string, Doc>();
/** Paths being moved by Lathe itself (rename): their watcher events are not outside changes. */
const held = new Set<string>();

/** Outside changes that arrived while their tab was still loading: reloaded once it has loaded. */
const changedWhileLoading = new Set<string>();

const isHeld = (path: string) => [...held].some((p) => path === p || path.startsWith(p + '/'));

/** Ignore outside-change events under `path` until the returned function is called. */
export function holdReloads(path: string): () => void {
  held.add(path);
  return () => void held.delete(path);
}
const listeners = new Set<() => void>();

export function titleOf(path: string): string {
  const name = path.startsWith(USER_PREFIX) ? path.slice(USER_PREFIX.length) : path;
  return name.slice(name.lastIndexOf('/') + 1) || name;
}

export function getDoc(path: string): Doc | undefined {
  return docs.get(path);
}

export function onDocsChanged(listener: () => void): () => void {
  listeners.add(listener);
  return () => void listeners.delete(listener);
}

function notify(): void {
  for (const l of listeners) l();
}

export function isDirty(path: string): boolean {
  if (isNotebookTab(path)) return loadedNotebookDocs()?.isDirty(path) ?? false;
  const doc = docs.get(path);
  return doc !== undefined && (doc.deleted || editedSinceSave(doc));
}

function editedSinceSave(doc: Doc): boolean {
  return doc.model.getAlternativeVersionId() !== doc.savedAltId;
}

export function dirtyPaths(): string[] {
  return [...docs.keys(), ...(loadedNotebookDocs()?.paths() ?? [])].filter(isDirty);
}

async function load(path: string): Promise<{ ok: true; value: Loaded } | { ok: false; message: string; code: string }> {
  const userFile = userFileOf(path);
  if (userFile) {
    const r = await call('settings.readFile', { file: userFile });
    if (!r.ok) return r;
    return {
      ok: true,
      value: { kind: 'text', text: r.value.text, encoding: 'utf8', bom: false, eol: '\n', version: r.value.version, readOnly: false, notice: `Your ${userFile} file (${r.value.path}). Saved changes apply at once.` },
    };
  }
  return call('workspace.read', { path });
}

/** Open (or focus) a tab for `path`. Resolves once its content is shown, or failed to load. */
export async function openDocument(path: string, options: { activate?: boolean } = {}): Promise<boolean> {
  const activate = options.activate ?? true;
  const existing = getApp().tabs.find((t) => t.path === path);
  if (existing) {
    if (activate) setApp({ active: path });
    return true;
  }
  const tab: Tab = { path, title: titleOf(path), dirty: false, readOnly: false, loading: true };
  setApp((s) => ({ tabs: [...s.tabs, tab], active: activate ? path : s.active }));
  // Notebooks open in the notebook editor (its module loads on the first one).
  if (isNotebookTab(path)) return openNotebook(path);
  // ONNX models open in the model view (its module loads on the first one); the view shows parse errors.
  if (isModelTab(path)) return openModel(path);
  const [monaco, loaded] = await Promise.all([loadMonaco(), load(path)]);
  if (!getApp().tabs.some((t) => t.path === path)) return false; // closed while loading
  if (!loaded.ok) {
    postMessage('error', `Cannot open ${path}: ${loaded.message}`);
    setApp((s) => ({ tabs: s.tabs.filter((t) => t.path !== path), active: s.active === path ? (s.tabs.find((t) => t.path !== path)?.path ?? null) : s.active }));
    return false;
  }
  const c = loaded.value;
  const uri = monaco.Uri.from({ scheme: path.startsWith(USER_PREFIX) ? 'lathe-user' : 'file', path: '/' + (path.startsWith(USER_PREFIX) ? path.slice(USER_PREFIX.length) : path) });
  monaco.editor.getModel(uri)?.dispose();
  const model = monaco.editor.createModel(c.text, c.kind === 'text' ? undefined : 'plaintext', uri);
  model.setEOL(c.eol === '\r\n' ? monaco.editor.EndOfLineSequence.CRLF : monaco.editor.EndOfLineSequence.LF);
  const doc: Doc = {
    path,
    model,
    encoding: c.encoding,
    bom: c.bom,
    eol: c.eol,
    version: c.version,
    readOnly: c.readOnly,
    notice: c.notice,
    savedAltId: model.getAlternativeVersionId(),
    viewState: null,
    saving: false,
    deleted: false,
  };
  docs.set(path, doc);
  model.onDidChangeContent(() => {
    const dirty = isDirty(path);
    if (getApp().tabs.find((t) => t.path === path)?.dirty !== dirty) updateTab(path, { dirty });
  });
  updateTab(path, { loading: false, readOnly: c.readOnly });
  notify();
  if (changedWhileLoading.delete(path)) await reloadDocument(path);
  return true;
}

async function openNotebook(path: string): Promise<boolean> {
  // The file is read while the notebook's code loads.
  const reading = call('notebooks.open', { path });
  const opened = await (await notebookDocs()).open(path, reading);
  if (!getApp().tabs.some((t) => t.path === path)) {
    // Closed while loading (perhaps before the notebook module had loaded to hear of it).
    if (opened.ok) await loadedNotebookDocs()?.close(path, { discard: false });
    return false;
  }
  if (!opened.ok) {
    postMessage('error', `Cannot open ${path}: ${opened.message}`);
    setApp((s) => ({ tabs: s.tabs.filter((t) => t.path !== path), active: s.active === path ? (s.tabs.find((t) => t.path !== path)?.path ?? null) : s.active }));
    return false;
  }
  updateTab(path, { loading: false });
  notify();
  return true;
}

async function openModel(path: string): Promise<boolean> {
  // The core parses the model while the model view's code loads.
  const inspecting = call('models.inspect', { path });
  const docs = await modelDocs();
  if (!getApp().tabs.some((t) => t.path === path)) {
    releaseModel(path); // closed while loading
    return false;
  }
  docs.open(path, inspecting);
  updateTab(path, { loading: false });
  notify();
  return true;
}

/** Save a document atomically, keeping its encoding, BOM and line endings. */
export async function saveDocument(path: string): Promise<boolean> {
  if (isNotebookTab(path)) return (await loadedNotebookDocs()?.save(path)) ?? false;
  const doc = docs.get(path);
  if (!doc) return false;
  if (doc.readOnly) {
    postMessage('warning', `${titleOf(path)} is read-only: ${doc.notice ?? ''}`);
    return false;
  }
  const text = doc.model.getValue();
  const altId = doc.model.getAlternativeVersionId();
  doc.saving = true;
  try {
    const userFile = userFileOf(path);
    if (userFile) {
      const r = await call('settings.writeFile', { file: userFile, text, expectedVersion: doc.version });
      if (!r.ok) {
        postMessage('error', r.message);
        return false;
      }
      doc.version = r.value.version;
      markSaved(doc, altId);
      postMessage('info', r.value.problems.length ? `Saved ${titleOf(path)} with ${r.value.problems.length} problem(s); valid values applied` : `Saved ${titleOf(path)}; applied`);
      return true;
    }
    let r = await call('workspace.write', { path, text, encoding: doc.encoding, bom: doc.bom, eol: doc.eol, expectedVersion: doc.version });
    if (!r.ok && r.code === 'CONFLICT') {
      const choice = await ask(`${titleOf(path)} changed on disk`, `The file was changed outside Lathe since you opened it. Overwrite it with your version, or load the version on disk (your changes are lost)?`, [
        { id: 'overwrite', label: 'Overwrite', primary: true, danger: true },
        { id: 'theirs', label: 'Load theirs' },
      ]);
      if (choice === 'theirs') {
        await reloadDocument(path, true);
        return false;
      }
      if (choice !== 'overwrite') return false;
      const current = await call('workspace.read', { path });
      r = await call('workspace.write', { path, text, encoding: doc.encoding, bom: doc.bom, eol: doc.eol, expectedVersion: current.ok ? current.value.version : null });
    }
    if (!r.ok) {
      postMessage('error', `Could not save ${path}: ${r.message}`);
      return false;
    }
    doc.version = r.value.version;
    markSaved(doc, altId);
    postMessage('info', `Saved ${path}`);
    return true;
  } finally {
    doc.saving = false;
  }
}

function markSaved(doc: Doc, altId: number): void {
  doc.savedAltId = altId;
  doc.deleted = false;
  updateTab(doc.path, { dirty: isDirty(doc.path) });
}

/**
 * The file changed on disk. A clean tab reloads silently; a dirty one asks (keep mine / load theirs).
 * `force` loads theirs without asking.
 */
export async function reloadDocument(path: string, force = false): Promise<void> {
  if (isNotebookTab(path)) return loadedNotebookDocs()?.reload(path, force);
  if (isModelTab(path)) return loadedModelDocs()?.reload(path);
  const doc = docs.get(path);
  if (!doc && getApp().tabs.some((t) => t.path === path && t.loading)) changedWhileLoading.add(path);
  if (!doc || doc.saving || isHeld(path)) return;
  const loaded = await load(path);
  if (!loaded.ok) {
    if (loaded.code === 'NOT_FOUND' && !doc.deleted && docs.get(path) === doc && !isHeld(path)) {
      postMessage('warning', `${path} was deleted on disk; your tab keeps its content (save to recreate it)`);
      doc.version = null;
      doc.deleted = true;
      updateTab(path, { dirty: true });
    }
    return;
  }
  doc.deleted = false;
  if (isHeld(path) || docs.get(path) !== doc) return; // moved or closed while we were reading it
  const c = loaded.value;
  if (c.version === doc.version && !force) return; // our own save, or a touch without change
  if (!force && isDirty(path)) {
    const choice = await ask(`${titleOf(path)} changed on disk`, 'You have unsaved changes in this file, and it was changed outside Lathe.', [
      { id: 'mine', label: 'Keep mine', primary: true },
      { id: 'theirs', label: 'Load theirs', danger: true },
    ]);
    if (choice !== 'theirs') {
      // Keep the edits; the next save overwrites what is on disk now, knowingly.
      doc.version = c.version;
      return;
    }
  }
  doc.model.setValue(c.text);
  Object.assign(doc, { encoding: c.encoding, bom: c.bom, eol: c.eol, version: c.version, readOnly: c.readOnly, notice: c.notice });
  doc.savedAltId = doc.model.getAlternativeVersionId();
  updateTab(path, { dirty: false, readOnly: c.readOnly });
  notify();
}

/** Close a tab; a dirty one asks first. Resolves false when the user cancelled. */
export async function closeDocument(path: string, options: { ask?: boolean } = {}): Promise<boolean> {
  let discarded = false;
  if ((options.ask ?? true) && isDirty(path)) {
    const choice = await ask(`Save changes to ${titleOf(path)}?`, 'Your changes will be lost if you don\'t save them.', [
      { id: 'save', label: 'Save', primary: true },
      { id: 'discard', label: "Don't save", danger: true },
    ]);
    if (choice === null) return false;
    if (choice === 'save' && !(await saveDocument(path))) return false;
    discarded = choice === 'discard';
  }
  if (isNotebookTab(path)) await loadedNotebookDocs()?.close(path, { discard: discarded });
  if (isModelTab(path)) loadedModelDocs()?.close(path);
  if (isModelPath(path)) releaseModel(path);
  setAsText(path, false);
  setAsBinary(path, false);
  const doc = docs.get(path);
  docs.delete(path);
  doc?.model.dispose();
  setApp((s) => {
    const index = s.tabs.findIndex((t) => t.path === path);
    const tabs = s.tabs.filter((t) => t.path !== path);
    const active = s.active === path ? (tabs[Math.min(index, tabs.length - 1)]?.path ?? null) : s.active;
    return { tabs, active };
  });
  notify();
  return true;
}

/** Close every tab without asking (project switch after the user agreed). */
export function disposeAllDocuments(): void {
  for (const doc of docs.values()) doc.model.dispose();
  docs.clear();
  loadedNotebookDocs()?.closeAll();
  loadedModelDocs()?.closeAll();
  setApp({ tabs: [], active: null });
  notify();
}

/** A path was renamed in the explorer: move open tabs with it (unsaved edits move too). */
export async function renameDocuments(from: string, to: string): Promise<void> {
  const affected = getApp().tabs.filter((t) => t.path === from || t.path.startsWith(from + '/'));
  for (const tab of affected) {
    const next = to + tab.path.slice(from.length);
    const wasActive = getApp().active === tab.path;
    if (isNotebookTab(tab.path) && isNotebookPath(next)) {
      // The notebook's state (unsaved edits, runs, session) moves with it.
      await loadedNotebookDocs()?.rename(tab.path, next);
      setApp((s) => ({ tabs: s.tabs.map((t) => (t.path === tab.path ? { ...t, path: next, title: titleOf(next) } : t)), active: s.active === tab.path ? next : s.active }));
      continue;
    }
    const doc = docs.get(tab.path);
    const edited = doc !== undefined && editedSinceSave(doc);
    const text = doc?.model.getValue();
    // A tab still loading has no document yet: dropping the tab is enough (its load is discarded).
    if (doc || isModelTab(tab.path)) await closeDocument(tab.path, { ask: false });
    else setApp((s) => ({ tabs: s.tabs.filter((t) => t.path !== tab.path) }));
    await openDocument(next, { activate: wasActive || getApp().active === null });
    const moved = docs.get(next);
    if (moved && edited && text !== undefined) moved.model.setValue(text);
  }
}

export function setViewState(path: string, state: editor.ICodeEditorViewState | null): void {
  const doc = docs.get(path);
  if (doc) doc.viewState = state;
}
