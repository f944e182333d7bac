/**
 * The renderer's shared state. It mirrors what the core owns (project, settings) and holds what is the
 * UI's own (tabs, layout, listings, messages). Long-lived objects (Monaco models, the bridge) live in
 * their own modules; this store holds plain data only.
 */
import { create } from 'zustand';
import type { AppInfo, DirListing, ProjectInfo, SettingsSnapshot, WorkspaceState } from '../../src-main/common/contract';
import { DEFAULT_SETTINGS } from '../../src-main/common/settings-defaults';

export interface Tab {
  readonly path: string;
  readonly title: string;
  readonly dirty: boolean;
  readonly readOnly: boolean;
  readonly loading: boolean;
}

export interface Message {
  readonly id: number;
  readonly level: 'info' | 'warning' | 'error';
  readonly text: string;
  readonly at: number;
}

export type Layout = WorkspaceState['layout'];

export const DEFAULT_LAYOUT: Layout = { sidebarWidth: 260, panelHeight: 200, sidebarVisible: true, panelVisible: false };

export type PanelTab = 'terminal' | 'variables' | 'history' | 'gradients' | 'output';

export interface CursorInfo {
  readonly line: number;
  readonly column: number;
  readonly language: string;
  readonly encoding: string;
  readonly eol: string;
}

export interface AppState {
  readonly info: AppInfo | null;
  readonly connected: boolean;
  readonly busy: boolean;
  readonly project: ProjectInfo | null;
  readonly settings: SettingsSnapshot;
  readonly tabs: readonly Tab[];
  readonly active: string | null;
  readonly layout: Layout;
  readonly expanded: ReadonlySet<string>;
  readonly listings: ReadonlyMap<string, DirListing>;
  readonly selected: string | null;
  readonly messages: readonly Message[];
  readonly cursor: CursorInfo | null;
  readonly panelTab: PanelTab;
  /** Whether the OS prefers dark (for theme 'system'). */
  readonly osDark: boolean;
}

export const useApp = create<AppState>(() => ({
  info: null,
  connected: false,
  busy: false,
  project: null,
  settings: { settings: DEFAULT_SETTINGS, keybindings: [], problems: [] },
  tabs: [],
  active: null,
  layout: DEFAULT_LAYOUT,
  expanded: new Set<string>(),
  listings: new Map<string, DirListing>(),
  selected: null,
  messages: [],
  cursor: null,
  panelTab: 'terminal',
  osDark: typeof matchMedia === 'function' ? matchMedia('(prefers-color-scheme: dark)').matches : false,
}));

export const setApp = useApp.setState;
export const getApp = useApp.getState;

let nextMessageId = 1;

/** Post a message to the status bar and the Output panel. */
export function postMessage(level: Message['level'], text: string): void {
  const message: Message = { id: nextMessageId++, level, text, at: Date.now() };
  setApp((s) => ({ messages: [...s.messages.slice(-499), message] }));
}

export function effectiveTheme(s: Pick<AppState, 'settings' | 'osDark'>): 'light' | 'dark' {
  const t = s.settings.settings['workbench.theme'];
  return t === 'system' ? (s.osDark ? 'dark' : 'light') : t;
}

export function updateTab(path: string, patch: Partial<Tab>): void {
  setApp((s) => ({ tabs: s.tabs.map((t) => (t.path === path ? { ...t, ...patch } : t)) }));
}
