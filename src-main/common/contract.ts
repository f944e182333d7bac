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
import type { MimeBundle, RunStatus, VariablesSnapshot } from './protocols/repl';
import type { Notebook } from './notebook/nbformat';
import { EP_NAMES, type EpInfo, type SessionConfig } from './onnx/ep';
import type { ModelInfo } from './onnx/model-types';
import type { BenchmarkFile } from './onnx/benchmark-record';
import type { RunResult } from './protocols/onnx';
import type { ProfileEntry, ProfileFile } from './onnx/profile-types';
import type { GradBatch, GradHistory } from './protocols/grads';
import type { InputSpec, TensorSummary } from './tensor/tensor-types';

export type { MimeBundle, RunStatus, VariableInfo, VariableStats, VariablesSnapshot } from './protocols/repl';

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

// --- Python sessions ---------------------------------------------------------------------------------

/** A Python interpreter found on this machine (or chosen with Browse…), probed in a subprocess. */
export interface Interpreter {
  /** The path as found (e.g. `.venv/bin/python`), absolute. */
  readonly path: string;
  /** Where it was found. */
  readonly source: 'venv' | 'conda' | 'pyenv' | 'path' | 'system' | 'custom';
  /** A short label: `.venv`, `conda: base`, `pyenv 3.11.7`, `python3 (PATH)`, `/usr/bin/python3`. */
  readonly label: string;
  /** `3.11.2`; null when the probe failed. */
  readonly version: string | null;
  /** Which of the modules Lathe cares about can be imported. */
  readonly modules: { readonly numpy: boolean; readonly torch: boolean; readonly IPython: boolean; readonly onnx: boolean };
  /** Why it can't be used (the probe failed or timed out), in words; null when it works. */
  readonly problem: string | null;
}

export type SessionState = 'starting' | 'idle' | 'busy' | 'dead';

export interface SessionInfo {
  readonly id: string;
  readonly name: string;
  readonly python: string;
  /** From the driver's hello; null until the session is ready. */
  readonly version: string | null;
  readonly ipython: boolean;
  readonly cwd: string;
  readonly state: SessionState;
  readonly pid: number | null;
  /** The run executing now, if any. */
  readonly currentRun: string | null;
  /** Runs waiting behind it. */
  readonly queued: number;
  /** When an interrupt was sent to the current run (ms since epoch); null when none is pending. */
  readonly interruptedAt: number | null;
  /** Why the session is dead, in words (exit status, signal, start failure); null otherwise. */
  readonly exit: { readonly code: number | null; readonly signal: number | null; readonly message: string } | null;
  readonly startedAt: number;
}

export type RunState = 'queued' | 'running' | 'done';

export interface RunInfo {
  readonly sessionId: string;
  readonly runId: string;
  readonly state: RunState;
  /** Set when done: ok, error, interrupted; `aborted` (never ran) or `crashed` (the process died). */
  readonly status: RunStatus | 'aborted' | 'crashed' | null;
  /** Execution count (`In [n]`); null until it starts. */
  readonly count: number | null;
  /** Wall time in ms, measured by the driver; null until done. */
  readonly durationMs: number | null;
  /** The first line of the source (at most 200 characters). */
  readonly summary: string;
  readonly origin: 'editor' | 'notebook' | 'terminal' | 'api';
  readonly queuedAt: number;
  readonly startedAt: number | null;
  /** The error's name and value when status is error/interrupted/crashed. */
  readonly error: { readonly ename: string; readonly evalue: string } | null;
}

/** Jupyter-shaped outputs of a run. */
export type RunOutput =
  | { readonly type: 'stream'; readonly name: 'stdout' | 'stderr'; readonly text: string }
  | { readonly type: 'execute_result'; readonly count: number; readonly data: MimeBundle; readonly metadata: Readonly<Record<string, unknown>> }
  | {
      readonly type: 'display_data';
      readonly data: MimeBundle;
      readonly metadata: Readonly<Record<string, unknown>>;
      readonly displayId: string | null;
      readonly update: boolean;
    }
  | { readonly type: 'error'; readonly ename: string; readonly evalue: string; readonly traceback: readonly string[] };

export interface SessionAttachment {
  /** Pass to `sessions.ack` and `sessions.detach`. */
  readonly viewerId: string;
  readonly session: SessionInfo;
  /** The retained terminal output (bounded): replay it into the terminal before live data. */
  readonly scrollback: string;
  /** Offset, in the session's whole output, just after `scrollback`: live `sessions.data` continues from here. */
  readonly seq: number;
}

export interface VariablesView {
  readonly snapshot: VariablesSnapshot | null;
  /** True while code runs: the snapshot is from before it. */
  readonly stale: boolean;
  readonly at: number | null;
}

// --- Notebooks -------------------------------------------------------------------------------------

export type { Notebook, NbCell, NbOutput } from './notebook/nbformat';

export interface NotebookFile {
  readonly path: string;
  /** The notebook as parsed (nbformat 4, unknown fields kept). */
  readonly notebook: Notebook;
  /** File version, as for `workspace.write`: pass it back to `notebooks.save`. */
  readonly version: string;
  /** Edits autosaved after a crash or a closed tab, newer than the file; offer them back. */
  readonly recovery: { readonly savedAt: number; readonly notebook: Notebook } | null;
  /** The session this notebook runs in (remembered by the core), if it is still alive. */
  readonly session: string | null;
}

/** A notebook cell's run the core still knows: for re-attaching after a reload. */
export interface NotebookRun {
  readonly cellId: string;
  readonly run: RunInfo;
  /** Every output so far (the run's `sessions.output` events continue from there). */
  readonly outputs: readonly RunOutput[];
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

  /** Interpreters found with no configuration; `refresh` probes them again. */
  'interpreters.list': Call<{ refresh?: boolean }, readonly Interpreter[]>;
  /** Probe a path the user typed or browsed to. */
  'interpreters.probe': Call<{ path: string }, Interpreter>;
  /** The project's chosen interpreter path (remembered per project), or null for the default. */
  'interpreters.selected': Call<NoArgs, string | null>;
  'interpreters.select': Call<{ path: string }, Interpreter>;

  'sessions.list': Call<NoArgs, readonly SessionInfo[]>;
  /** Start a session; `python` defaults to the project's chosen interpreter, `cwd` to the project root. */
  'sessions.start': Call<{ name?: string; python?: string; cwd?: string }, SessionInfo>;
  'sessions.stop': Call<{ id: string }, void>;
  /** Kill the process tree and start the same interpreter again (variables are lost). */
  'sessions.restart': Call<{ id: string }, SessionInfo>;
  /** After the pty host crashed too often and was left stopped: start it again (the user asked). */
  'sessions.restartHost': Call<NoArgs, void>;
  'sessions.rename': Call<{ id: string; name: string }, SessionInfo>;
  /**
   * Queue code to run. Returns at once with the run id; `sessions.run` events report its progress, and,
   * when `capture` is set, `sessions.output` events carry its outputs. `profile`: run it under cProfile
   * (only then): a display output of MIME `application/vnd.lathe.profile+json` (`CellProfileReport` in
   * common/protocols/repl.ts) comes before the run ends, also when the code raised.
   */
  'sessions.execute': Call<
    { id: string; code: string; origin?: RunInfo['origin']; capture?: boolean; echo?: boolean; profile?: boolean },
    { runId: string }
  >;
  /** SIGINT to the running code; queued runs are aborted. */
  'sessions.interrupt': Call<{ id: string }, void>;
  /** Keystrokes typed in the terminal (also answers `input()` and pdb). */
  'sessions.input': Call<{ id: string; data: string }, void>;
  'sessions.resize': Call<{ id: string; cols: number; rows: number }, void>;
  /** A terminal view attaches: it gets the scrollback, then live data, and must acknowledge what it parsed. */
  'sessions.attach': Call<{ id: string }, SessionAttachment>;
  'sessions.detach': Call<{ viewerId: string }, void>;
  /** The viewer has parsed the output up to `seq` (flow control: the pty pauses when viewers fall behind). */
  'sessions.ack': Call<{ viewerId: string; seq: number }, void>;
  'sessions.variables': Call<{ id: string }, VariablesView>;
  'sessions.history': Call<{ id: string }, readonly RunInfo[]>;

  /** Read and validate a notebook; a broken one is refused with the reason (NOTEBOOK_INVALID). */
  'notebooks.open': Call<{ path: string }, NotebookFile>;
  /** Create a new, valid nbformat 4.5 notebook (kernelspec and language_info from the interpreter). */
  'notebooks.create': Call<{ path: string; python?: string }, NotebookFile>;
  /** Validate, write as Jupyter does (indent 1, sorted keys, trailing newline), atomically; drops the recovery copy. */
  'notebooks.save': Call<{ path: string; notebook: Notebook; expectedVersion: string | null }, WriteResult>;
  /** Keep unsaved edits in a recovery file (never the user's file). */
  'notebooks.autosave': Call<{ path: string; notebook: Notebook }, void>;
  'notebooks.discardRecovery': Call<{ path: string }, void>;
  /** Bind a notebook to a session (several notebooks may share one). */
  'notebooks.bind': Call<{ path: string; sessionId: string }, void>;
  /** Run a cell's code in the notebook's session, with its outputs captured (`profile`: under cProfile, see sessions.execute). */
  'notebooks.execute': Call<{ path: string; sessionId: string; cellId: string; code: string; profile?: boolean }, { runId: string }>;
  /** The notebook's runs that are queued, running, or recently done, with their outputs so far. */
  'notebooks.runs': Call<{ path: string }, readonly NotebookRun[]>;

  /** Parse a .onnx file (summary and graph). Weights in side files are not read. */
  'models.inspect': Call<{ path: string }, ModelInfo>;
  /** One initialiser's values, summarised (stats and the first values). */
  'models.initializer': Call<{ path: string; name: string }, TensorSummary>;
  /** Every EP the binding knows, with its state on this machine; `refresh` probes again. */
  'models.eps': Call<{ refresh?: boolean }, readonly EpInfo[]>;
  /** Run onnxruntime-node's own installer for the CUDA/TensorRT binaries; `models.install` events report it. */
  'models.installGpu': Call<NoArgs, void>;
  /** Build the inputs, run once, summarise the outputs (and say which EP ran each node). */
  'models.run': Call<{ path: string; config: SessionConfig; inputs: readonly InputSpec[] }, RunResult>;
  /** Warm up, time N runs, write the record to .lathe/benchmarks/; `models.progress` events report it. */
  'models.benchmark': Call<
    { path: string; config: SessionConfig; inputs: readonly InputSpec[]; warmup: number; runs: number; budgetMs: number | null },
    BenchmarkFile
  >;
  /** Stop the running benchmark of a model (its record says cancelled). */
  'models.cancel': Call<{ path: string }, void>;
  /** After the onnx runner crashed too often and was left stopped: start it again (the user asked). */
  'models.restartRunner': Call<NoArgs, void>;
  /** Save one output of a recent run as .npy or JSON (project-relative path, atomic). */
  'models.saveOutput': Call<{ runId: string; output: string; format: 'npy' | 'json'; path: string }, void>;
  /** The model's tab closed: dispose its sessions. */
  'models.release': Call<{ path: string }, void>;
  /** The benchmark records in .lathe/benchmarks/, newest first. */
  'models.benchmarks': Call<NoArgs, readonly BenchmarkFile[]>;

  /**
   * Profile a model: warm-up runs, then `runs` runs with onnxruntime's session profiling; the trace is saved
   * under .lathe/profiles/ (a Chrome trace with Lathe's metadata) and summarised. `models.progress` reports it.
   */
  'profiles.capture': Call<
    { path: string; config: SessionConfig; inputs: readonly InputSpec[]; warmup: number; runs: number },
    ProfileFile
  >;
  /** The profiles in .lathe/profiles/, newest first. */
  'profiles.list': Call<NoArgs, readonly ProfileEntry[]>;

  /** What `lathe.watch`/`lathe.log` sent from a session so far (after a reload; live batches are `grads.batch`). */
  'grads.history': Call<{ sessionId: string }, GradHistory>;
  /** Write a session's gradient samples (one watch, or all) as CSV or JSON into the project (atomic). */
  'grads.export': Call<{ sessionId: string; watch: string | null; format: 'csv' | 'json'; path: string }, void>;
  /** Open (import) any Chrome trace JSON in the project: ORT's, torch.profiler's, or a saved profile. */
  'profiles.open': Call<{ path: string }, ProfileFile>;

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
const sessionId = z.object({ id: z.string().max(64) });
const epName = z.enum(EP_NAMES);
const sessionConfig = z.object({
  eps: z.array(epName).min(1).max(EP_NAMES.length),
  mode: z.enum(['fail-fast', 'fallback']),
  graphOptimization: z.enum(['disabled', 'basic', 'extended', 'all']),
  intraOpThreads: z.number().int().min(0).max(1024),
  interOpThreads: z.number().int().min(0).max(1024),
  executionMode: z.enum(['sequential', 'parallel']),
});
const triple = z.tuple([z.number(), z.number(), z.number()]);
const inputSource = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('random'),
    distribution: z.enum(['normal', 'uniform']),
    seed: z.number().int(),
    mean: z.number().optional(),
    std: z.number().min(0).optional(),
    low: z.number().optional(),
    high: z.number().optional(),
  }),
  z.object({ kind: z.literal('zeros') }),
  z.object({ kind: z.literal('ones') }),
  z.object({ kind: z.literal('json'), text: z.string().max(50_000_000) }),
  z.object({ kind: z.literal('npy'), path: relPath.min(1) }),
  z.object({
    kind: z.literal('image'),
    path: relPath.min(1),
    preprocess: z.object({
      width: z.number().int().min(1).max(16384),
      height: z.number().int().min(1).max(16384),
      fit: z.enum(['stretch', 'center-crop']),
      layout: z.enum(['NCHW', 'NHWC']),
      order: z.enum(['RGB', 'BGR']),
      scale: z.number(),
      mean: triple,
      std: triple,
    }),
  }),
]);
const inputSpecs = z
  .array(
    z.object({
      name: z.string().max(4096),
      dims: z.array(z.number().int().min(0).max(2 ** 31)).max(32),
      dtype: z.string().max(32),
      source: inputSource,
    }),
  )
  .max(1024) as unknown as z.ZodType<readonly InputSpec[]>;
const notebookJson = z.custom<Notebook>((v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'a notebook object');

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

  'interpreters.list': z.object({ refresh: z.boolean().optional() }),
  'interpreters.probe': z.object({ path: z.string().min(1).max(4096) }),
  'interpreters.selected': noArgs,
  'interpreters.select': z.object({ path: z.string().min(1).max(4096) }),

  'sessions.list': noArgs,
  'sessions.start': z.object({
    name: z.string().min(1).max(100).optional(),
    python: z.string().min(1).max(4096).optional(),
    cwd: relPath.optional(),
  }),
  'sessions.stop': sessionId,
  'sessions.restart': sessionId,
  'sessions.restartHost': noArgs,
  'sessions.rename': z.object({ id: z.string().max(64), name: z.string().min(1).max(100) }),
  'sessions.execute': z.object({
    id: z.string().max(64),
    code: z.string().max(50_000_000),
    origin: z.enum(['editor', 'notebook', 'terminal', 'api']).optional(),
    capture: z.boolean().optional(),
    echo: z.boolean().optional(),
    profile: z.boolean().optional(),
  }),
  'sessions.interrupt': sessionId,
  'sessions.input': z.object({ id: z.string().max(64), data: z.string().max(1_000_000) }),
  'sessions.resize': z.object({ id: z.string().max(64), cols: z.number().int().min(2).max(2000), rows: z.number().int().min(1).max(1000) }),
  'sessions.attach': sessionId,
  'sessions.detach': z.object({ viewerId: z.string().max(64) }),
  'sessions.ack': z.object({ viewerId: z.string().max(64), seq: z.number().int().min(0) }),
  'sessions.variables': sessionId,
  'sessions.history': sessionId,

  'notebooks.open': z.object({ path: relPath.min(1) }),
  'notebooks.create': z.object({ path: relPath.min(1), python: z.string().min(1).max(4096).optional() }),
  // The notebook's structure is checked by the core's parser (with messages a person understands).
  'notebooks.save': z.object({ path: relPath.min(1), notebook: notebookJson, expectedVersion: z.string().max(128).nullable() }),
  'notebooks.autosave': z.object({ path: relPath.min(1), notebook: notebookJson }),
  'notebooks.discardRecovery': z.object({ path: relPath.min(1) }),
  'notebooks.bind': z.object({ path: relPath.min(1), sessionId: z.string().max(64) }),
  'notebooks.execute': z.object({
    path: relPath.min(1),
    sessionId: z.string().max(64),
    cellId: z.string().min(1).max(128),
    code: z.string().max(50_000_000),
    profile: z.boolean().optional(),
  }),
  'notebooks.runs': z.object({ path: relPath.min(1) }),

  'models.inspect': z.object({ path: relPath.min(1) }),
  'models.initializer': z.object({ path: relPath.min(1), name: z.string().max(4096) }),
  'models.eps': z.object({ refresh: z.boolean().optional() }),
  'models.installGpu': noArgs,
  'models.run': z.object({ path: relPath.min(1), config: sessionConfig, inputs: inputSpecs }),
  'models.benchmark': z.object({
    path: relPath.min(1),
    config: sessionConfig,
    inputs: inputSpecs,
    warmup: z.number().int().min(0).max(100_000),
    runs: z.number().int().min(1).max(1_000_000),
    budgetMs: z.number().int().min(1).max(3_600_000).nullable(),
  }),
  'models.cancel': z.object({ path: relPath.min(1) }),
  'models.restartRunner': noArgs,
  'models.saveOutput': z.object({ runId: z.string().max(64), output: z.string().max(4096), format: z.enum(['npy', 'json']), path: relPath.min(1) }),
  'models.release': z.object({ path: relPath.min(1) }),
  'models.benchmarks': noArgs,
  'profiles.capture': z.object({
    path: relPath.min(1),
    config: sessionConfig,
    inputs: inputSpecs,
    warmup: z.number().int().min(0).max(10_000),
    runs: z.number().int().min(1).max(10_000),
  }),
  'profiles.list': noArgs,
  'grads.history': z.object({ sessionId: z.string().max(64) }),
  'grads.export': z.object({ sessionId: z.string().max(64), watch: z.string().max(64).nullable(), format: z.enum(['csv', 'json']), path: relPath.min(1) }),
  'profiles.open': z.object({ path: relPath.min(1) }),

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

  /** A session was started or changed state (idle, busy, dead, renamed…). */
  'sessions.changed': SessionInfo;
  'sessions.removed': { readonly id: string };
  /** Terminal output (markers stripped), batched. `seq`: offset of `data` in the session's whole output. */
  'sessions.data': { readonly id: string; readonly seq: number; readonly data: string };
  /** A run was queued, started or finished. */
  'sessions.run': RunInfo;
  /** Outputs of a run started with `capture`, batched and in order. */
  'sessions.output': { readonly sessionId: string; readonly runId: string; readonly outputs: readonly RunOutput[] };
  /** Running code waits for a line typed in the terminal (`input()`, pdb). */
  'sessions.inputRequest': { readonly sessionId: string; readonly runId: string; readonly prompt: string; readonly password: boolean };
  'sessions.variables': { readonly sessionId: string; readonly view: VariablesView };
  /** The pty host process: running, restarting after a crash (bounded), or failed for good. */
  'sessions.host': { readonly state: 'running' | 'restarting' | 'failed'; readonly restarts: number; readonly message: string | null };

  /** A benchmark's progress (or a run's session creation), per model. */
  'models.progress': {
    readonly path: string;
    readonly phase: 'create' | 'first-run' | 'warmup' | 'runs';
    readonly done: number;
    readonly total: number;
    readonly lastMs: number | null;
  };
  /** The GPU support installer: its output lines, then done or failed (with the error). */
  'models.install': { readonly state: 'running' | 'done' | 'failed'; readonly text: string };
  /** Gradient samples and logged scalars from a session's `lathe.watch`/`lathe.log`, batched (about 100 ms). */
  'grads.batch': GradBatch;
  /** The onnx runner process: running, restarting after a crash (bounded), or failed for good. */
  'models.runner': { readonly state: 'running' | 'restarting' | 'failed'; readonly restarts: number; readonly message: string | null };
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
  'sessions.changed': true,
  'sessions.removed': true,
  'sessions.data': true,
  'sessions.run': true,
  'sessions.output': true,
  'sessions.inputRequest': true,
  'sessions.variables': true,
  'sessions.host': true,
  'models.progress': true,
  'models.install': true,
  'models.runner': true,
  'grads.batch': true,
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
