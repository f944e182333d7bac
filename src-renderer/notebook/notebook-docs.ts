/**
 * Open notebooks: one `NotebookDoc` per notebook tab, holding its cells (model.ts), its file version, its
 * bound session and its runs. It opens, saves, autosaves to the recovery copy, follows outside changes,
 * and runs cells: `notebooks.execute`, then the run's `sessions.run` / `sessions.output` /
 * `sessions.inputRequest` events into the cell. After a page reload, `notebooks.runs` re-attaches the
 * cells still running.
 *
 * documents.ts calls in through `notebookDocs` for what every tab has (open, save, dirty, close, reload,
 * rename); the notebook editor's view reads a doc's store and calls the actions below.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { editor } from 'monaco-editor';
import type { Events, NotebookFile, RunInfo, SessionInfo } from '../../src-main/common/contract';
import type { Notebook } from '../../src-main/common/notebook/nbformat';
import type { Result } from '../../src-main/common/result';
import { bridge, call, request } from '../bridge/client';
import { titleOf } from '../editor/documents';
import { upsertSession } from '../sessions/model';
import { startSession, useSessions } from '../sessions/sessions';
import { getApp, postMessage, updateTab } from '../state/store';
import { ask } from '../ui/dialogs';
import type { NotebookDocs } from './notebook-tabs';
import {
  applyRunInfo,
  applyRunOutputs,
  assignRun,
  attachRun,
  codeCellIds,
  failRun,
  setInputRequest,
  startRun,
  stateFromNotebook,
  toNotebook,
  type NotebookState,
} from './model';

/** Edits are autosaved to the recovery copy this long after the last one… */
export const AUTOSAVE_DELAY_MS = 1000;
/** …and at least this often while edits (or a run's outputs) keep coming. */
export const AUTOSAVE_MAX_WAIT_MS = 5000;

export interface DocState {
  readonly status: 'loading' | 'ready' | 'invalid' | 'failed';
  /** Why the notebook can't be shown (invalid: the parser's reason). */
  readonly error: string | null;
  readonly nb: NotebookState;
  /** Unsaved edits from an earlier visit, offered back. */
  readonly recovery: NotebookFile['recovery'];
  /** The bound session's id. */
  readonly session: string | null;
  /** `nb.edits` when last saved (or loaded): dirty while they differ. */
  readonly savedEdits: number;
  /** Bumped when the cells are replaced wholesale (reload, restore): editors start again. */
  readonly generation: number;
  /** The file is gone from disk (the tab keeps its content, and counts as unsaved). */
  readonly deleted: boolean;
}

const EMPTY_NB: NotebookState = { cells: [], selected: null, mode: 'command', unrendered: new Set(), trash: [], edits: 0 };

export class NotebookDoc {
  readonly store: StoreApi<DocState>;
  /** The notebook as read, for its metadata and unknown fields. */
  base: Notebook | null = null;
  version: string | null = null;
  saving = false;
  /** Monaco models of the cells whose editor was ever shown, by cell id (made by the view). */
  readonly models = new Map<string, editor.ITextModel>();
  /** Runs are started one call after another, in order. */
  chain: Promise<void> = Promise.resolve();
  /** Where the view was scrolled, for coming back to the tab. */
  scrollTop = 0;
  private autosaveTimer: ReturnType<typeof setTimeout> | null = null;
  private autosaveFirstEdit = 0;
  private unsubscribe: () => void;

  constructor(public path: string) {
    this.store = createStore<DocState>(() => ({
      status: 'loading',
      error: null,
      nb: EMPTY_NB,
      recovery: null,
      session: null,
      savedEdits: 0,
      generation: 0,
      deleted: false,
    }));
    this.unsubscribe = this.store.subscribe((s, previous) => this.onChange(s, previous));
  }

  get state(): DocState {
    return this.store.getState();
  }

  get nb(): NotebookState {
    return this.state.nb;
  }

  /** Apply an edit to the cells. */
  update(f: (s: NotebookState) => NotebookState): void {
    const nb = this.state.nb;
    const next = f(nb);
    if (next !== nb) this.store.setState({ nb: next });
  }

  isDirty(): boolean {
    const s = this.state;
    return s.status === 'ready' && (s.deleted || s.nb.edits !== s.savedEdits);
  }

  /** The notebook as it would be saved now. */
  notebook(): Notebook {
    return toNotebook(this.base!, this.state.nb.cells);
  }

  /** Take up a notebook read from disk (first open, outside change, "load theirs"). */
  load(file: NotebookFile, options: { keepSession?: boolean } = {}): void {
    this.base = file.notebook;
    this.version = file.version;
    this.disposeModels();
    const s = this.state;
    this.store.setState({
      status: 'ready',
      error: null,
      nb: stateFromNotebook(file.notebook),
      recovery: file.recovery,
      session: options.keepSession && s.session ? s.session : file.session,
      savedEdits: 0,
      generation: s.generation + 1,
      deleted: false,
    });
  }

  /** Take the recovered edits: the notebook is then unsaved. */
  restore(recovered: Notebook): void {
    this.base = recovered;
    this.disposeModels();
    const s = this.state;
    const nb = stateFromNotebook(recovered);
    this.store.setState({ nb: { ...nb, edits: 1 }, savedEdits: 0, recovery: null, generation: s.generation + 1 });
  }

  disposeModels(): void {
    for (const model of this.models.values()) model.dispose();
    this.models.clear();
  }

  dispose(): void {
    this.cancelAutosave();
    this.unsubscribe();
    this.disposeModels();
  }

  cancelAutosave(): void {
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    this.autosaveTimer = null;
    this.autosaveFirstEdit = 0;
  }

  /** Write the recovery copy now, if there are unsaved edits. */
  async autosaveNow(): Promise<void> {
    this.cancelAutosave();
    if (!this.isDirty() || !this.base || this.state.status !== 'ready') return;
    const r = await call('notebooks.autosave', { path: this.path, notebook: this.notebook() });
    if (!r.ok && !autosaveWarned.has(this.path)) {
      autosaveWarned.add(this.path);
      postMessage('warning', `Could not keep a recovery copy of ${this.path}: ${r.message}`);
    }
  }

  private onChange(s: DocState, previous: DocState): void {
    const dirty = this.isDirty();
    const tab = getApp().tabs.find((t) => t.path === this.path);
    if (tab && tab.dirty !== dirty) updateTab(this.path, { dirty });
    if (s.nb.edits !== previous.nb.edits && dirty) this.scheduleAutosave();
    if (!dirty) this.cancelAutosave();
  }

  private scheduleAutosave(): void {
    const now = Date.now();
    if (this.autosaveFirstEdit === 0) this.autosaveFirstEdit = now;
    if (this.autosaveTimer) clearTimeout(this.autosaveTimer);
    const wait = Math.max(0, Math.min(AUTOSAVE_DELAY_MS, this.autosaveFirstEdit + AUTOSAVE_MAX_WAIT_MS - now));
    this.autosaveTimer = setTimeout(() => void this.autosaveNow(), wait);
  }
}

const autosaveWarned = new Set<string>();
const docs = new Map<string, NotebookDoc>();

export function getNotebookDoc(path: string): NotebookDoc | undefined {
  return docs.get(path);
}

// --- what every tab has (documents.ts) -------------------------------------------------------------------

export type OpenResult = { ok: true } | { ok: false; message: string };

/** Open a notebook; `reading`: its `notebooks.open` call, if the caller sent it already (in parallel with loading this module). */
async function open(path: string, reading?: Promise<Result<NotebookFile>>): Promise<OpenResult> {
  if (docs.has(path)) return { ok: true };
  installEvents();
  const doc = new NotebookDoc(path);
  docs.set(path, doc);
  const r = await (reading ?? call('notebooks.open', { path }));
  if (docs.get(path) !== doc) return { ok: false, message: 'closed while loading' };
  if (!r.ok) {
    if (r.code === 'NOTEBOOK_INVALID') {
      // The tab stays, with the reason and "Open as text"; the file is never written.
      doc.store.setState({ status: 'invalid', error: r.message });
      return { ok: true };
    }
    docs.delete(path);
    doc.dispose();
    return { ok: false, message: r.message };
  }
  doc.load(r.value);
  void reattach(doc);
  return { ok: true };
}

async function save(path: string): Promise<boolean> {
  const doc = docs.get(path);
  if (!doc) return false;
  if (doc.state.status !== 'ready' || !doc.base) {
    postMessage('warning', `${titleOf(path)} can't be saved: ${doc.state.error ?? 'it is not loaded'}`);
    return false;
  }
  const notebook = doc.notebook();
  const edits = doc.nb.edits;
  doc.saving = true;
  try {
    let r = await call('notebooks.save', { path: doc.path, notebook, expectedVersion: doc.state.deleted ? null : doc.version });
    if (!r.ok && r.code === 'CONFLICT') {
      const choice = await ask(`${titleOf(path)} changed on disk`, 'The notebook was changed outside Lathe since you opened it. Overwrite it with your version, or load the version on disk (your changes are lost)?', [
        { id: 'overwrite', label: 'Overwrite', primary: true, danger: true },
        { id: 'theirs', label: 'Load theirs' },
      ]);
      if (choice === 'theirs') {
        doc.saving = false;
        await reload(doc.path, true);
        return false;
      }
      if (choice !== 'overwrite') return false;
      const current = await call('workspace.read', { path: doc.path });
      r = await call('notebooks.save', { path: doc.path, notebook, expectedVersion: current.ok ? current.value.version : null });
    }
    if (!r.ok) {
      postMessage('error', `Could not save ${doc.path}: ${r.message}`);
      return false;
    }
    doc.version = r.value.version;
    doc.cancelAutosave();
    doc.store.setState({ savedEdits: edits, deleted: false, recovery: null });
    postMessage('info', `Saved ${doc.path}`);
    return true;
  } finally {
    doc.saving = false;
  }
}

function isDirty(path: string): boolean {
  return docs.get(path)?.isDirty() ?? false;
}

function paths(): string[] {
  return [...docs.keys()];
}

/**
 * The tab closes. `discard`: the user chose not to save, so the recovery copy goes too; otherwise pending
 * edits are written to it first (they come back when the notebook is opened again).
 */
async function close(path: string, options: { discard: boolean }): Promise<void> {
  const doc = docs.get(path);
  if (!doc) return;
  docs.delete(path);
  if (options.discard) {
    doc.cancelAutosave();
    if (doc.state.status === 'ready') void call('notebooks.discardRecovery', { path });
  } else {
    await doc.autosaveNow();
  }
  doc.dispose();
}

function closeAll(): void {
  for (const doc of docs.values()) doc.dispose();
  docs.clear();
}

/**
 * The file changed on disk. A clean notebook reloads silently; one with unsaved edits asks (keep mine /
 * load theirs). `force` loads theirs without asking. Runs and the bound session are kept.
 */
async function reload(path: string, force = false): Promise<void> {
  const doc = docs.get(path);
  if (!doc || doc.saving) return;
  if (doc.state.status === 'invalid') {
    // Perhaps fixed outside Lathe: try again.
    const r = await call('notebooks.open', { path });
    if (r.ok && docs.get(path) === doc) {
      doc.load(r.value);
      void reattach(doc);
    } else if (!r.ok && r.code === 'NOTEBOOK_INVALID') {
      doc.store.setState({ error: r.message });
    }
    return;
  }
  if (doc.state.status !== 'ready') return;
  const r = await call('notebooks.open', { path });
  if (docs.get(path) !== doc || doc.saving) return;
  if (!r.ok) {
    if (r.code === 'NOT_FOUND' && !doc.state.deleted) {
      postMessage('warning', `${path} was deleted on disk; your tab keeps its content (save to recreate it)`);
      doc.version = null;
      doc.store.setState({ deleted: true });
    } else if (r.code === 'NOTEBOOK_INVALID' && force) {
      postMessage('error', `${path} on disk is not a valid notebook: ${r.message}`);
    }
    return;
  }
  if (r.value.version === doc.version && !force) return;
  if (!force && doc.isDirty()) {
    const choice = await ask(`${titleOf(path)} changed on disk`, 'You have unsaved changes in this notebook, and it was changed outside Lathe.', [
      { id: 'mine', label: 'Keep mine', primary: true },
      { id: 'theirs', label: 'Load theirs', danger: true },
    ]);
    if (choice !== 'theirs') {
      doc.version = r.value.version;
      return;
    }
  }
  doc.load({ ...r.value, recovery: null }, { keepSession: true });
  void reattach(doc, { doneToo: false });
}

/** A notebook was renamed or moved in the explorer: its doc (and unsaved edits) follow. */
async function rename(from: string, to: string): Promise<void> {
  const doc = docs.get(from);
  if (!doc) return;
  docs.delete(from);
  doc.path = to;
  docs.set(to, doc);
  const session = doc.state.session;
  if (session) await call('notebooks.bind', { path: to, sessionId: session });
}

export const notebookDocs: NotebookDocs = { open, save, isDirty, paths, close, closeAll, reload, rename };

// --- recovery --------------------------------------------------------------------------------------------

export function restoreRecovery(doc: NotebookDoc): void {
  const recovery = doc.state.recovery;
  if (recovery) doc.restore(recovery.notebook);
}

export function discardRecovery(doc: NotebookDoc): void {
  doc.store.setState({ recovery: null });
  void call('notebooks.discardRecovery', { path: doc.path });
}

// --- sessions --------------------------------------------------------------------------------------------

export function boundSession(doc: NotebookDoc): SessionInfo | undefined {
  const id = doc.state.session;
  return id ? useSessions.getState().sessions.find((s) => s.id === id) : undefined;
}

export async function bindSession(doc: NotebookDoc, sessionId: string): Promise<boolean> {
  const r = await call('notebooks.bind', { path: doc.path, sessionId });
  if (!r.ok) {
    postMessage('error', `Could not use that session for ${doc.path}: ${r.message}`);
    return false;
  }
  doc.store.setState({ session: sessionId });
  return true;
}

/** Start a session of its own for the notebook (the project's interpreter), and bind it. */
export async function startNotebookSession(doc: NotebookDoc): Promise<SessionInfo | undefined> {
  const info = await startSession({ name: titleOf(doc.path) });
  if (!info) return undefined;
  return (await bindSession(doc, info.id)) ? info : undefined;
}

/** The notebook's session: its bound one (restarted if it ended), else a new one of its own. */
export async function ensureNotebookSession(doc: NotebookDoc): Promise<SessionInfo | undefined> {
  const { host } = useSessions.getState();
  if (host?.state === 'failed') {
    postMessage('error', `Python sessions are unavailable: ${host.message ?? 'the session host stopped'}`);
    return undefined;
  }
  const bound = boundSession(doc);
  if (bound && bound.state !== 'dead') return bound;
  if (bound) {
    postMessage('info', `Restarting ${bound.name} to run the cell (${bound.exit?.message ?? 'it had ended'})`);
    const restarted = await request('sessions.restart', { id: bound.id });
    if (restarted) useSessions.setState((s) => upsertSession(s, restarted));
    return restarted;
  }
  return startNotebookSession(doc);
}

// --- running cells -----------------------------------------------------------------------------------------

/**
 * Run code cells, in order, in the notebook's session (starting one if needed). Each cell shows as
 * queued at once; the calls go out one after another. Empty cells are skipped. An error or an interrupt
 * aborts what was queued behind it (the core does that, as Jupyter does). `profile`: run them under
 * cProfile ("Profile Cell"): each gets a profile output (flame graph and function table).
 */
export function runCells(doc: NotebookDoc, ids: readonly string[], options: { profile?: boolean } = {}): Promise<void> {
  const wanted = ids.filter((id) => {
    const cell = doc.nb.cells.find((c) => c.id === id);
    return cell?.type === 'code' && cell.source.trim() !== '';
  });
  if (wanted.length === 0) return doc.chain;
  doc.update((s) => wanted.reduce(startRun, s));
  const run = async () => {
    const session = await ensureNotebookSession(doc);
    const pending = () => wanted.filter((id) => doc.nb.cells.find((c) => c.id === id)?.run?.state === 'pending');
    if (!session) {
      doc.update((s) => pending().reduce(failRun, s));
      return;
    }
    for (const id of wanted) {
      const cell = doc.nb.cells.find((c) => c.id === id);
      // Deleted, interrupted before it went out, or already sent by an earlier request.
      if (!cell || cell.run?.state !== 'pending' || cell.run.runId !== null) continue;
      const r = await call('notebooks.execute', {
        path: doc.path,
        sessionId: session.id,
        cellId: id,
        code: cell.source,
        ...(options.profile ? { profile: true } : {}),
      });
      if (!r.ok) {
        postMessage('error', `Could not run the cell: ${r.message}`);
        doc.update((s) => pending().reduce(failRun, s));
        return;
      }
      track(doc, id, r.value.runId);
      doc.update((s) => assignRun(s, id, r.value.runId));
      replayEarly(r.value.runId);
    }
  };
  doc.chain = doc.chain.then(run).catch((e: unknown) => postMessage('error', `Running the notebook failed: ${String(e)}`));
  return doc.chain;
}

export function runAll(doc: NotebookDoc, which: 'all' | 'above' | 'below' = 'all'): Promise<void> {
  return runCells(doc, codeCellIds(doc.nb, which));
}

/** SIGINT to the running cell; the queued ones are aborted, and those not yet sent are dropped. */
export async function interrupt(doc: NotebookDoc): Promise<void> {
  doc.update((s) => s.cells.filter((c) => c.run?.state === 'pending' && c.run.runId === null).reduce((x, c) => failRun(x, c.id), s));
  const session = boundSession(doc);
  if (session) await request('sessions.interrupt', { id: session.id });
}

/** Restart the session (asking first: its variables are lost, for every notebook sharing it). */
export async function restart(doc: NotebookDoc, options: { runAll?: boolean; confirm?: boolean } = {}): Promise<void> {
  const session = boundSession(doc);
  if (!session) {
    if (options.runAll) await runAll(doc);
    return;
  }
  if (options.confirm ?? true) {
    const sharing = [...docs.values()].filter((d) => d !== doc && d.state.session === session.id).length;
    const choice = await ask(
      `Restart ${session.name}${options.runAll ? ' and run all cells' : ''}?`,
      `All its variables are lost${sharing > 0 ? `, also for the ${sharing} other notebook${sharing > 1 ? 's' : ''} using it` : ''}.`,
      [{ id: 'restart', label: 'Restart', primary: true, danger: true }],
    );
    if (choice !== 'restart') return;
  }
  await interrupt(doc);
  const info = await request('sessions.restart', { id: session.id });
  if (!info) return;
  useSessions.setState((s) => upsertSession(s, info));
  if (options.runAll) await runAll(doc);
}

/** Answer `input()` (or pdb) for the cell's run; the terminal shows the echo. */
export async function sendInput(doc: NotebookDoc, cellId: string, line: string): Promise<void> {
  const session = boundSession(doc);
  doc.update((s) => setInputRequest(s, cellId, null));
  if (session) await request('sessions.input', { id: session.id, data: line + '\r' });
}

// --- following runs -------------------------------------------------------------------------------------

interface Target {
  readonly doc: NotebookDoc;
  readonly cellId: string;
}

/** runId → the cell it runs for. */
const targets = new Map<string, Target>();

type EarlyEvent =
  | { readonly kind: 'run'; readonly payload: RunInfo }
  | { readonly kind: 'output'; readonly payload: Events['sessions.output'] }
  | { readonly kind: 'input'; readonly payload: Events['sessions.inputRequest'] };

/**
 * Events of runs not (yet) known here: `notebooks.execute`'s answer may arrive after the run's first
 * events. Kept briefly, for a few runs only.
 */
const early = new Map<string, { at: number; events: EarlyEvent[] }>();
const EARLY_RUNS = 64;
const EARLY_EVENTS = 2000;
const EARLY_MS = 30_000;

function keepEarly(runId: string, event: EarlyEvent): void {
  const now = Date.now();
  for (const [id, e] of early) if (now - e.at > EARLY_MS || early.size > EARLY_RUNS) early.delete(id);
  const entry = early.get(runId) ?? { at: now, events: [] };
  if (entry.events.length < EARLY_EVENTS) entry.events.push(event);
  early.set(runId, entry);
}

function replayEarly(runId: string): void {
  const entry = early.get(runId);
  early.delete(runId);
  for (const e of entry?.events ?? []) {
    if (e.kind === 'run') onRun(e.payload);
    else if (e.kind === 'output') onOutput(e.payload);
    else onInputRequest(e.payload);
  }
}

function track(doc: NotebookDoc, cellId: string, runId: string): void {
  targets.set(runId, { doc, cellId });
}

function liveTarget(runId: string): Target | undefined {
  const t = targets.get(runId);
  if (t && docs.get(t.doc.path) !== t.doc) {
    targets.delete(runId);
    return undefined;
  }
  return t;
}

function onRun(info: RunInfo): void {
  const t = liveTarget(info.runId);
  if (!t) {
    if (info.origin === 'notebook') keepEarly(info.runId, { kind: 'run', payload: info });
    return;
  }
  t.doc.update((s) => applyRunInfo(s, t.cellId, info));
  if (info.state === 'done') targets.delete(info.runId);
}

function onOutput(event: Events['sessions.output']): void {
  const t = liveTarget(event.runId);
  if (!t) {
    keepEarly(event.runId, { kind: 'output', payload: event });
    return;
  }
  t.doc.update((s) => applyRunOutputs(s, t.cellId, event.runId, event.outputs));
}

function onInputRequest(event: Events['sessions.inputRequest']): void {
  const t = liveTarget(event.runId);
  if (!t) {
    keepEarly(event.runId, { kind: 'input', payload: event });
    return;
  }
  t.doc.update((s) => setInputRequest(s, t.cellId, { runId: event.runId, prompt: event.prompt, password: event.password }));
}

let installed = false;

function installEvents(): void {
  if (installed) return;
  installed = true;
  const b = bridge();
  b.on('sessions.run', onRun);
  b.on('sessions.output', onOutput);
  b.on('sessions.inputRequest', onInputRequest);
  // After a reconnect the core may have moved on: take up each notebook's runs again.
  b.onConnection((connected) => {
    if (connected) for (const doc of docs.values()) if (doc.state.status === 'ready') void reattach(doc, { doneToo: false });
  });
}

/**
 * Take up the notebook's runs the core still knows (after a reload): cells still queued or running keep
 * following their run, with every output so far. With `doneToo`, a run that finished while no page was
 * watching also lands in its cell, unless the cell already shows it (the file was saved after it).
 */
async function reattach(doc: NotebookDoc, options: { doneToo?: boolean } = {}): Promise<void> {
  const r = await call('notebooks.runs', { path: doc.path });
  if (!r.ok || docs.get(doc.path) !== doc) return;
  // Events that came before this answer are already in it.
  for (const run of r.value) early.delete(run.run.runId);
  const latest = new Map<string, (typeof r.value)[number]>();
  for (const run of r.value) latest.set(run.cellId, run);
  for (const { cellId, run, outputs } of latest.values()) {
    const cell = doc.nb.cells.find((c) => c.id === cellId);
    if (!cell || cell.type !== 'code') continue;
    if (cell.run?.runId === run.runId && targets.has(run.runId)) continue; // followed already
    if (run.state !== 'done') {
      track(doc, cellId, run.runId);
      doc.update((s) => attachRun(s, cellId, run, outputs));
    } else if ((options.doneToo ?? true) && run.status !== 'aborted' && run.count !== null && cell.executionCount !== run.count && cell.run === null) {
      doc.update((s) => attachRun(s, cellId, run, outputs));
    }
  }
}
