/**
 * The project's life in the renderer: start-up (attach to whatever the core has open), opening and
 * closing folders, loading listings, reacting to outside changes, and restoring/persisting the
 * tabs and layout per project.
 */
import type { ProjectInfo, WorkspaceState } from '../../src-main/common/contract';
import { call, request, setBridge } from '../bridge/client';
import type { AppBridge } from '../bridge';
import { commands } from '../commands/instance';
import { clearSessions, installSessionEvents, loadSessions } from '../sessions/sessions';
import { dirtyPaths, disposeAllDocuments, openDocument, reloadDocument } from '../editor/documents';
import { DEFAULT_LAYOUT, getApp, postMessage, setApp, useApp } from '../state/store';
import { ask } from '../ui/dialogs';

let restoring = false;

export async function boot(bridge: AppBridge): Promise<void> {
  setBridge(bridge);
  bridge.on('workspace.opened', (project) => void onProjectOpened(project));
  bridge.on('workspace.changed', ({ dirs, files }) => {
    const { listings } = getApp();
    for (const dir of dirs) if (listings.has(dir)) void listDir(dir);
    for (const file of files) void reloadDocument(file);
  });
  bridge.on('workspace.branch', ({ branch }) => {
    const project = getApp().project;
    if (project) setApp({ project: { ...project, branch } });
  });
  bridge.on('settings.changed', (snapshot) => {
    // Say what is wrong in the user's files once, when it first appears.
    const known = new Set(getApp().settings.problems);
    for (const problem of snapshot.problems) if (!known.has(problem)) postMessage('warning', problem);
    setApp({ settings: snapshot });
    commands.setUserKeybindings(snapshot.keybindings);
    for (const doc of ['user:settings.json', 'user:keybindings.json']) void reloadDocument(doc);
  });
  bridge.on('app.message', ({ level, text }) => postMessage(level, text));
  bridge.on('app.command', ({ command }) => void commands.run(command));
  installSessionEvents(bridge);

  let busyTimer: ReturnType<typeof setTimeout> | undefined;
  bridge.onBusy((n) => {
    clearTimeout(busyTimer);
    // Show progress only for work that takes a noticeable time.
    if (n > 0) busyTimer = setTimeout(() => setApp({ busy: true }), 400);
    else setApp({ busy: false });
  });

  let everConnected = false;
  bridge.onConnection((connected) => {
    setApp({ connected });
    if (connected && everConnected) {
      postMessage('info', 'Reconnected to Lathe');
      // Sessions kept running in the core meanwhile: take up their state again.
      void attach().then(() => (getApp().project ? loadSessions() : undefined));
    } else if (!connected && everConnected) {
      postMessage('warning', 'Lost the connection to Lathe; reconnecting…');
    }
    everConnected ||= connected;
  });

  const media = matchMedia('(prefers-color-scheme: dark)');
  media.addEventListener('change', (e) => setApp({ osDark: e.matches }));

  await attach();
  // Only changes to what is saved: every finished call updates the store (the busy flag), and a session
  // printing output acknowledges it every 50 ms, which would put the save off for as long as it prints.
  useApp.subscribe((s, prev) => {
    if (s.tabs !== prev.tabs || s.active !== prev.active || s.expanded !== prev.expanded || s.layout !== prev.layout) schedulePersist();
  });
}

/** Take up whatever the core has: settings and the open project (a reload re-attaches here). */
async function attach(): Promise<void> {
  // Independent questions go out together: each round trip saved is start-up time.
  const [info, snapshot, current] = await Promise.all([
    getApp().info ? Promise.resolve(undefined) : request('app.info', {}),
    request('settings.get', {}),
    call('workspace.current', {}),
  ]);
  if (info) setApp({ info });
  if (snapshot) {
    setApp({ settings: snapshot });
    commands.setUserKeybindings(snapshot.keybindings);
  }
  if (current.ok) await onProjectOpened(current.value);
}

async function onProjectOpened(project: ProjectInfo | null): Promise<void> {
  const previous = getApp().project;
  if (previous?.root === project?.root) {
    if (project) setApp({ project });
    return;
  }
  disposeAllDocuments();
  clearSessions();
  setApp({ project, listings: new Map(), expanded: new Set(), selected: null });
  document.title = project ? `${project.name} — Lathe` : 'Lathe';
  if (project) await Promise.all([restoreProject(), loadSessions()]);
}

async function restoreProject(): Promise<void> {
  restoring = true;
  try {
    // The tree paints first; the editor's tabs (and Monaco, most of the renderer's weight, which holds
    // the main thread while it loads) follow.
    const [saved] = await Promise.all([call('workspace.getState', {}), listDir('')]);
    const state = saved.ok ? saved.value : null;
    const expanded = new Set(state?.expanded ?? []);
    setApp({ layout: state?.layout ?? DEFAULT_LAYOUT, expanded });
    // Tabs are added in call order before any await, so the strip keeps its order; a file gone since
    // last time is dropped.
    const tabs = state?.tabs ?? [];
    await Promise.all([
      ...[...expanded].map((dir) => listDir(dir, { quiet: true })),
      ...tabs.map((tab) => openDocument(tab.path, { activate: tab.path === state?.activeTab })),
    ]);
    const active = state?.activeTab && getApp().tabs.some((t) => t.path === state.activeTab) ? state.activeTab : (getApp().tabs[0]?.path ?? null);
    setApp({ active });
  } finally {
    restoring = false;
  }
}

/** The first page is small so a huge folder paints at once; the rest follows in big pages. */
const FIRST_PAGE = 1000;
const NEXT_PAGE = 20_000;
const loadingGeneration = new Map<string, number>();

export async function listDir(path: string, options: { quiet?: boolean } = {}): Promise<void> {
  const r = await call('workspace.list', { path, limit: FIRST_PAGE });
  if (!r.ok) {
    setApp((s) => {
      const listings = new Map(s.listings);
      listings.delete(path);
      const expanded = new Set(s.expanded);
      expanded.delete(path);
      return { listings, expanded };
    });
    if (!options.quiet || r.code !== 'NOT_FOUND') postMessage('error', r.message);
    return;
  }
  let listing = r.value;
  loadingGeneration.set(path, listing.generation);
  setApp((s) => ({ listings: new Map(s.listings).set(path, listing) }));
  while (listing.entries.length < listing.total) {
    const next = await call('workspace.list', { path, offset: listing.entries.length, limit: NEXT_PAGE });
    // A newer listing of this folder started (it changed on disk): that one finishes the job.
    if (loadingGeneration.get(path) !== listing.generation) return;
    if (!next.ok || next.value.generation !== listing.generation) return void listDir(path, options);
    listing = { ...listing, entries: [...listing.entries, ...next.value.entries] };
    const done = listing;
    setApp((s) => ({ listings: new Map(s.listings).set(path, done) }));
  }
}

export function setExpanded(path: string, open: boolean): void {
  const expanded = new Set(getApp().expanded);
  if (open) expanded.add(path);
  else expanded.delete(path);
  setApp({ expanded });
  if (open && !getApp().listings.has(path)) void listDir(path);
}

/** Ask before dropping unsaved edits (project switch). */
async function confirmDiscard(action: string): Promise<boolean> {
  const dirty = dirtyPaths();
  if (dirty.length === 0) return true;
  const choice = await ask(
    `${dirty.length} unsaved file${dirty.length > 1 ? 's' : ''}`,
    `${action} will close ${dirty.join(', ')} without saving.`,
    [{ id: 'discard', label: 'Discard changes', danger: true }],
  );
  return choice === 'discard';
}

export async function openFolder(root: string): Promise<boolean> {
  if (getApp().project?.root === root) return true;
  if (!(await confirmDiscard('Opening another folder'))) return false;
  const r = await call('workspace.open', { root });
  if (!r.ok) {
    postMessage('error', r.message);
    return false;
  }
  await onProjectOpened(r.value);
  return true;
}

export async function closeFolder(): Promise<void> {
  if (!(await confirmDiscard('Closing the folder'))) return;
  await request('workspace.close', {});
  await onProjectOpened(null);
}

// --- persisting tabs and layout per project -------------------------------------------------------

let persistTimer: ReturnType<typeof setTimeout> | undefined;
let lastPersisted = '';

function schedulePersist(): void {
  if (restoring || !getApp().project) return;
  clearTimeout(persistTimer);
  persistTimer = setTimeout(persistNow, 300);
}

function currentState(): WorkspaceState {
  const s = getApp();
  return {
    tabs: s.tabs.map((t) => ({ path: t.path })),
    activeTab: s.active,
    expanded: [...s.expanded],
    layout: s.layout,
  };
}

function persistNow(): void {
  if (restoring || !getApp().project) return;
  const state = currentState();
  const key = JSON.stringify(state);
  if (key === lastPersisted) return;
  lastPersisted = key;
  void call('workspace.setState', { state });
}
