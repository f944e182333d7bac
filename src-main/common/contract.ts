/**
 * The one contract between the renderer and the core, whichever host carries it.
 *
 * - `Api` declares every method (args → Promise<Result<T>>) and `Events` every event payload.
 * - `methods` and `events` are the runtime shape tables. `satisfies` ties them to the types, so a method
 *   declared on one side and not the other fails the type check.
 * - Electron IPC registration, the preload, the server dispatcher and the renderer's socket client are
 *   all derived from these tables: no channel string is written twice.
 */
import { z } from 'zod';
import type { Result } from './result';
import { settingsPatchSchema, type Keybinding, type Settings } from './settings-schema';

// ---------------------------------------------------------------------------------------------------
// Domain types that cross the boundary
// ---------------------------------------------------------------------------------------------------

export interface AppInfo {
  readonly name: 'Lathe';
  readonly version: string;
  /** Which host carries the contract. Components use `capabilities`, not this, to decide behaviour. */
  readonly host: 'electron' | 'server';
  readonly platform: string;
  readonly userDir: string;
  readonly capabilities: { readonly nativeFolderDialog: boolean };
}

export interface ProjectInfo {
  /** Absolute, symlink-resolved root of the open project. */
  readonly root: string;
  readonly name: string;
  /** Current git branch (or short commit when detached); null outside a git repository. */
  readonly branch: string | null;
}

export interface RecentProject {
  readonly root: string;
  readonly name: string;
  readonly openedAt: number;
}

export type EntryKind = 'file' | 'directory';

export interface DirEntry {
  readonly name: string;
  /** Project-relative POSIX path, '' is the root. */
  readonly path: string;
  readonly kind: EntryKind;
  readonly symlink: boolean;
}

export interface DirListing {
  readonly path: string;
  /** `limit` entries from `offset` of the sorted listing (all of them when it is small). */
  readonly entries: readonly DirEntry[];
  readonly offset: number;
  /** Entries in the whole folder (after excludes). */
  readonly total: number;
  /** Identifies one sorted snapshot: pages of the same generation fit together. */
  readonly generation: number;
  /** How many entries the `files.exclude` setting hid. */
  readonly excluded: number;
}

/** A page of a folder listing: big folders arrive in pages so the first screenful paints at once. */
export const LIST_PAGE_MAX = 20_000;

export type Eol = '\n' | '\r\n';

export interface FileContent {
  readonly path: string;
  /** text: editable; binary: a hex preview; too-large: a text preview of the head. */
  readonly kind: 'text' | 'binary' | 'too-large';
  readonly text: string;
  /** iconv-lite name of the detected encoding (e.g. 'utf8', 'utf16le', 'windows-1252'). */
  readonly encoding: string;
  readonly bom: boolean;
  readonly eol: Eol;
  readonly size: number;
  /** Opaque content version; pass it back to `workspace.write` to detect outside changes. */
  readonly version: string;
  readonly readOnly: boolean;
  /** Why the file is read-only or shown differently, in words; null when it is plain text. */
  readonly notice: string | null;
}

export interface WriteResult {
  readonly version: string;
  readonly size: number;
}

export interface FileMatch {
  readonly path: string;
  readonly score: number;
  /** Indices into `path` of the matched characters, for highlighting. */
  readonly positions: readonly number[];
}

export interface FindFilesResult {
  readonly matches: readonly FileMatch[];
  /** Files considered (after excludes). */
  readonly total: number;
  /** True when the walk stopped at its file limit. */
  readonly truncated: boolean;
}

export interface EditorTabState {
  /** Project-relative path, or `user:settings.json` / `user:keybindings.json`. */
  readonly path: string;
}

export interface WorkspaceState {
  readonly tabs: readonly EditorTabState[];
  readonly activeTab: string | null;
  readonly expanded: readonly string[];
  readonly layout: {
    readonly sidebarWidth: number;
    readonly panelHeight: number;
    readonly sidebarVisible: boolean;
    readonly panelVisible: boolean;
  };
}

export type UserFile = 'settings' | 'keybindings';

export interface SettingsSnapshot {
  readonly settings: Settings;
  readonly keybindings: readonly Keybinding[];
  /** Validation problems in the user's files, in words; the last valid values stay applied. */
  readonly problems: readonly string[];
}

export interface UserFileContent {
  readonly file: UserFile;
  readonly path: string;
  readonly text: string;
  readonly version: string;
}

export interface UserFileWriteResult {
  readonly version: string;
  readonly problems: readonly string[];
}

// ---------------------------------------------------------------------------------------------------
// Methods
// ---------------------------------------------------------------------------------------------------

type Call<A, R> = (args: A) => Promise<Result<R>>;
type NoArgs = Record<string, never>;

export interface Api {
  'app.info': Call<NoArgs, AppInfo>;
  /** Electron: the native Open Folder dialog. Server: UNAVAILABLE (the UI shows a path entry). */
  'app.pickFolder': Call<NoArgs, string | null>;

  'workspace.open': Call<{ root: string }, ProjectInfo>;
  'workspace.current': Call<NoArgs, ProjectInfo | null>;
  'workspace.close': Call<NoArgs, void>;
  'workspace.recent': Call<NoArgs, readonly RecentProject[]>;
  'workspace.list': Call<{ path: string; offset?: number; limit?: number }, DirListing>;
  'workspace.read': Call<{ path: string }, FileContent>;
  'workspace.write': Call<
    { path: string; text: string; encoding: string; bom: boolean; eol: Eol; expectedVersion: string | null },
    WriteResult
  >;
  'workspace.create': Call<{ path: string; kind: EntryKind }, void>;
  'workspace.rename': Call<{ from: string; to: string }, void>;
  'workspace.delete': Call<{ path: string }, void>;
  'workspace.findFiles': Call<{ query: string; limit: number }, FindFilesResult>;
  'workspace.getState': Call<NoArgs, WorkspaceState | null>;
  'workspace.setState': Call<{ state: WorkspaceState }, void>;

  'settings.get': Call<NoArgs, SettingsSnapshot>;
  'settings.update': Call<{ patch: Partial<Settings> }, SettingsSnapshot>;
  'settings.readFile': Call<{ file: UserFile }, UserFileContent>;
  'settings.writeFile': Call<{ file: UserFile; text: string; expectedVersion: string | null }, UserFileWriteResult>;
}

export type MethodName = keyof Api;
export type ArgsOf<M extends MethodName> = Parameters<Api[M]>[0];
export type ValueOf<M extends MethodName> = Api[M] extends Call<never, infer R> ? R : never;

const noArgs = z.object({}).strict() as unknown as z.ZodType<NoArgs>;
const relPath = z.string().max(4096);
const eol = z.enum(['\n', '\r\n']);
const userFile = z.enum(['settings', 'keybindings']);

const workspaceState = z.object({
  tabs: z.array(z.object({ path: relPath })).max(200),
  activeTab: relPath.nullable(),
  expanded: z.array(relPath).max(5000),
  layout: z.object({
    sidebarWidth: z.number().min(0).max(4000),
    panelHeight: z.number().min(0).max(4000),
    sidebarVisible: z.boolean(),
    panelVisible: z.boolean(),
  }),
});

/** The runtime shape table: one argument validator per method. */
export const methods = {
  'app.info': noArgs,
  'app.pickFolder': noArgs,

  'workspace.open': z.object({ root: z.string().min(1).max(4096) }),
  'workspace.current': noArgs,
  'workspace.close': noArgs,
  'workspace.recent': noArgs,
  'workspace.list': z.object({
    path: relPath,
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(LIST_PAGE_MAX).optional(),
  }),
  'workspace.read': z.object({ path: relPath }),
  'workspace.write': z.object({
    path: relPath,
    text: z.string(),
    encoding: z.string().min(1).max(64),
    bom: z.boolean(),
    eol,
    expectedVersion: z.string().max(128).nullable(),
  }),
  'workspace.create': z.object({ path: relPath.min(1), kind: z.enum(['file', 'directory']) }),
  'workspace.rename': z.object({ from: relPath.min(1), to: relPath.min(1) }),
  'workspace.delete': z.object({ path: relPath.min(1) }),
  'workspace.findFiles': z.object({ query: z.string().max(1024), limit: z.number().int().min(1).max(1000) }),
  'workspace.getState': noArgs,
  'workspace.setState': z.object({ state: workspaceState }),

  'settings.get': noArgs,
  'settings.update': z.object({ patch: settingsPatchSchema }),
  'settings.readFile': z.object({ file: userFile }),
  'settings.writeFile': z.object({ file: userFile, text: z.string().max(1_000_000), expectedVersion: z.string().max(128).nullable() }),
} satisfies { [M in MethodName]: z.ZodType<ArgsOf<M>> };

export const methodNames = Object.keys(methods) as MethodName[];

export function isMethodName(name: unknown): name is MethodName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(methods, name);
}

// ---------------------------------------------------------------------------------------------------
// Events (core → renderer)
// ---------------------------------------------------------------------------------------------------

export interface Events {
  /** A project was opened (or closed: null), by any client or by the host's menu. */
  'workspace.opened': ProjectInfo | null;
  /** Files or folders changed on disk. `dirs`: folders whose listing changed; `files`: files whose content may have. */
  'workspace.changed': { readonly dirs: readonly string[]; readonly files: readonly string[] };
  'workspace.branch': { readonly branch: string | null };
  'settings.changed': SettingsSnapshot;
  /** A message for the status bar / output panel. */
  'app.message': { readonly level: 'info' | 'warning' | 'error'; readonly text: string };
  /** A host-level command (e.g. from the Electron menu) for the renderer's command registry. */
  'app.command': { readonly command: string };
}

export type EventName = keyof Events;

/** The runtime event table; `satisfies` keeps it equal to `Events`. */
export const events = {
  'workspace.opened': true,
  'workspace.changed': true,
  'workspace.branch': true,
  'settings.changed': true,
  'app.message': true,
  'app.command': true,
} as const satisfies { [E in EventName]: true };

export const eventNames = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.prototype.hasOwnProperty.call(events, name);
}

// ---------------------------------------------------------------------------------------------------
// Derived shapes used by every transport
// ---------------------------------------------------------------------------------------------------

/** What the core implements: one handler per method. */
export type Handlers = { [M in MethodName]: Api[M] };

/** What the renderer calls, whichever transport is underneath. */
export interface Bridge {
  call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<ValueOf<M>>>;
  on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void;
}

/**
 * The preload's API (window.lathe): one named verb per method, plus `on` for known events.
 * Never `ipcRenderer` itself.
 */
export type PreloadApi = { readonly [M in MethodName]: Api[M] } & {
  readonly on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => () => void;
};

/** IPC channel for a method or event; the only place channel strings are made. */
export const ipcChannel = (name: MethodName | EventName): string => `lathe:${name}`;

// WebSocket frames (JSON text frames).
export type ClientFrame = { readonly t: 'call'; readonly id: number; readonly method: string; readonly args: unknown };
export type ServerFrame =
  | { readonly t: 'result'; readonly id: number; readonly result: Result<unknown> }
  | { readonly t: 'event'; readonly event: EventName; readonly payload: unknown }
  | { readonly t: 'hello'; readonly clientId: string };
