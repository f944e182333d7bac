/**
 * Python sessions in the renderer: the store (`useSessions`), fed by the core's `sessions.*` events, and
 * the actions the UI and commands take on it. The sessions live in the core (the pty host), not here:
 * a reload lists them again and the terminal re-attaches.
 */
import { create } from 'zustand';
import type { SessionInfo } from '../../src-main/common/contract';
import { call, request } from '../bridge/client';
import type { AppBridge } from '../bridge';
import { onRunOutputs, rememberSource, selectProfile } from '../pyprofile/store';
import { postMessage, setApp, type PanelTab } from '../state/store';
import { applyRun, applyVariables, EMPTY_SESSIONS, removeSession, replaceSessions, upsertSession, type SessionsState } from './model';

export const useSessions = create<SessionsState>(() => EMPTY_SESSIONS);
const set = useSessions.setState;
const get = useSessions.getState;

export function activeSession(): SessionInfo | undefined {
  const { sessions, activeId } = get();
  return sessions.find((s) => s.id === activeId);
}

/** Subscribe to the core's session events (once, at start-up). */
export function installSessionEvents(bridge: AppBridge): void {
  bridge.on('sessions.changed', (info) => set((s) => upsertSession(s, info)));
  bridge.on('sessions.removed', ({ id }) => set((s) => removeSession(s, id)));
  bridge.on('sessions.run', (run) => set((s) => applyRun(s, run)));
  // "Profile cell" reports, for the History panel (a notebook's also go into its cells).
  bridge.on('sessions.output', ({ sessionId, runId, outputs }) => onRunOutputs(sessionId, runId, outputs));
  bridge.on('sessions.variables', ({ sessionId, view }) => set((s) => applyVariables(s, sessionId, view)));
  bridge.on('sessions.host', (host) => {
    const previous = get().host;
    set({ host });
    if (host.state !== previous?.state && host.state !== 'running' && host.message) postMessage(host.state === 'failed' ? 'error' : 'warning', host.message);
  });
  bridge.on('sessions.inputRequest', ({ sessionId, runId }) => {
    if (sessionId !== get().activeId) return;
    // A notebook cell's input() is answered in the box under the cell.
    if (get().runs.get(sessionId)?.some((r) => r.runId === runId && r.origin === 'notebook')) return;
    showPanelTab('terminal');
    requestTerminalFocus();
  });
}

/** Take up the core's sessions and the project's interpreters (start-up, reconnect, project switch). */
export async function loadSessions(): Promise<void> {
  const [list, selected] = await Promise.all([call('sessions.list', {}), call('interpreters.selected', {})]);
  if (list.ok) set((s) => replaceSessions(s, list.value));
  if (selected.ok) set({ selectedInterpreter: selected.value });
  const active = get().activeId;
  if (active) void refreshVariables(active);
  void loadInterpreters();
}

/** The project closed: its sessions are the core's business now. */
export function clearSessions(): void {
  set(EMPTY_SESSIONS);
}

let listing: Promise<void> | null = null;

export function loadInterpreters(refresh = false): Promise<void> {
  if (listing && !refresh) return listing;
  set({ interpretersLoading: true });
  const run = (async () => {
    const r = await call('interpreters.list', refresh ? { refresh } : {});
    if (r.ok) set({ interpreters: r.value });
    else postMessage('error', r.message);
    set({ interpretersLoading: false });
  })();
  listing = run;
  return run;
}

export async function selectInterpreter(path: string): Promise<boolean> {
  const chosen = await request('interpreters.select', { path });
  if (!chosen) return false;
  set((s) => ({
    selectedInterpreter: chosen.path,
    interpreters: s.interpreters?.some((i) => i.path === chosen.path) ? s.interpreters.map((i) => (i.path === chosen.path ? chosen : i)) : [...(s.interpreters ?? []), chosen],
  }));
  postMessage('info', `Python interpreter for this project: ${chosen.path}${chosen.version ? ` (${chosen.version})` : ''}. New sessions use it.`);
  return true;
}

export function setActiveSession(id: string): void {
  if (get().activeId === id) return;
  set({ activeId: id });
  void refreshVariables(id);
}

export async function startSession(options: { name?: string } = {}): Promise<SessionInfo | undefined> {
  const { selectedInterpreter } = get();
  const info = await request('sessions.start', {
    ...(options.name ? { name: options.name } : {}),
    ...(selectedInterpreter ? { python: selectedInterpreter } : {}),
  });
  if (!info) return undefined;
  set((s) => ({ ...upsertSession(s, info), activeId: info.id }));
  return info;
}

/** After the pty host crashed too often in a row and was left stopped: the user asked to start it again. */
export async function restartSessionHost(): Promise<void> {
  await request('sessions.restartHost', {});
}

/**
 * The session code runs in: the active one if it is alive, else another live one, else the active one
 * restarted (it ended: a crash, `exit()`), else a new one.
 */
export async function ensureSession(): Promise<SessionInfo | undefined> {
  const { host, sessions } = get();
  if (host?.state === 'failed') {
    postMessage('error', `Python sessions are unavailable: ${host.message ?? 'the session host stopped'}`);
    return undefined;
  }
  const active = activeSession();
  if (active && active.state !== 'dead') return active;
  const other = sessions.filter((s) => s.state !== 'dead').at(-1);
  if (other) {
    setActiveSession(other.id);
    return other;
  }
  if (active) {
    postMessage('info', `Restarting ${active.name} to run the code (${active.exit?.message ?? 'it had ended'})`);
    const restarted = await request('sessions.restart', { id: active.id });
    if (restarted) set((s) => upsertSession(s, restarted));
    return restarted;
  }
  return startSession();
}

export async function stopSession(id: string): Promise<void> {
  const r = await call('sessions.stop', { id });
  if (!r.ok) postMessage('error', r.message);
  else set((s) => removeSession(s, id));
}

export async function restartSession(id: string): Promise<void> {
  const info = await request('sessions.restart', { id });
  if (info) set((s) => upsertSession(s, info));
}

export async function renameSession(id: string, name: string): Promise<void> {
  const info = await request('sessions.rename', { id, name });
  if (info) set((s) => upsertSession(s, info));
}

export async function interruptSession(id: string): Promise<void> {
  await request('sessions.interrupt', { id });
}

export async function refreshVariables(id: string): Promise<void> {
  const r = await call('sessions.variables', { id });
  if (r.ok) set((s) => applyVariables(s, id, r.value));
}

/** Run code from the editor in the active session (starting one if needed), echoed in its terminal. */
export async function runCode(code: string): Promise<void> {
  showPanelTab('terminal');
  const session = await ensureSession();
  if (!session) return;
  await request('sessions.execute', { id: session.id, code, origin: 'editor', echo: true });
}

/**
 * Run code from the editor under cProfile ("Profile Selection/Cell"): its profile shows in the History
 * panel, its lines linked to `source` (the file and the line the code starts at).
 */
export async function profileCode(code: string, source: { path: string; startLine: number } | null): Promise<void> {
  showPanelTab('history');
  const session = await ensureSession();
  if (!session) return;
  const r = await request('sessions.execute', { id: session.id, code, origin: 'editor', echo: true, capture: true, profile: true });
  if (!r) return;
  if (source) rememberSource(r.runId, source);
  selectProfile(r.runId);
}

// --- the panel and the terminal's focus --------------------------------------------------------------

export function showPanelTab(tab: PanelTab): void {
  setApp((s) => ({ layout: { ...s.layout, panelVisible: true }, panelTab: tab }));
}

let focusWanted = false;
const focusListeners = new Set<() => void>();

/** Focus the terminal now, or as soon as it is on screen (it loads lazily). */
export function requestTerminalFocus(): void {
  focusWanted = true;
  for (const l of focusListeners) l();
}

/** For the terminal view: called when focus is wanted; `takeFocusRequest` says whether it still is. */
export function onTerminalFocusRequest(listener: () => void): () => void {
  focusListeners.add(listener);
  return () => void focusListeners.delete(listener);
}

export function takeFocusRequest(): boolean {
  const wanted = focusWanted;
  focusWanted = false;
  return wanted;
}
