/**
 * The model view's state: per open tab (the inspection, the sub-view, the last run, the benchmark), and
 * per model for the whole run of the app (the EPs and session options chosen, the input forms, the
 * benchmark settings: reopening a model keeps them). Also the EP list, the GPU installer's log and the
 * benchmark history, which all tabs share. Fed by calls to the core and its `models.*` events.
 */
import { create } from 'zustand';
import type { BenchmarkFile } from '../../src-main/common/onnx/benchmark-record';
import { DEFAULT_SESSION_CONFIG, type EpInfo, type SessionConfig } from '../../src-main/common/onnx/ep';
import type { ModelInfo, ValueInfo } from '../../src-main/common/onnx/model-types';
import type { RunResult } from '../../src-main/common/protocols/onnx';
import type { Result } from '../../src-main/common/result';
import { bridge, call } from '../bridge/client';
import { buildInputSpecs, defaultForm, type InputForm } from './input-form';
import type { BenchPhase } from './stats';

export type SubView = 'summary' | 'graph' | 'run' | 'benchmark' | 'profile';

export type InspectState =
  | { readonly status: 'loading'; readonly since: number }
  | { readonly status: 'ready'; readonly info: ModelInfo }
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export type RunState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly since: number; readonly phase: BenchPhase | null }
  | { readonly status: 'done' }
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export interface BenchProgress {
  readonly phase: BenchPhase;
  readonly done: number;
  readonly total: number;
  readonly lastMs: number | null;
}

export type BenchState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly since: number; readonly progress: BenchProgress | null; readonly cancelling: boolean }
  | { readonly status: 'done'; readonly file: BenchmarkFile }
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export interface TabState {
  readonly inspect: InspectState;
  readonly view: SubView;
  readonly run: RunState;
  /** The last successful run (kept while a new one runs or fails: its placement colours the graph). */
  readonly lastRun: RunResult | null;
  readonly bench: BenchState;
}

export interface BenchSettings {
  readonly warmup: number;
  readonly runs: number;
  /** Seconds; null: no budget. */
  readonly budgetS: number | null;
}

/** What the user chose for a model, kept while the app runs. */
export interface Remembered {
  readonly config: SessionConfig;
  readonly forms: Readonly<Record<string, InputForm>>;
  readonly bench: BenchSettings;
  /** The EP/options column is folded away. */
  readonly optionsCollapsed: boolean;
}

export const DEFAULT_BENCH: BenchSettings = { warmup: 10, runs: 100, budgetS: null };

const DEFAULT_REMEMBERED: Remembered = { config: DEFAULT_SESSION_CONFIG, forms: {}, bench: DEFAULT_BENCH, optionsCollapsed: false };

export interface EpsState {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly eps: readonly EpInfo[];
  readonly message: string | null;
}

export interface InstallState {
  readonly status: 'idle' | 'running' | 'done' | 'failed';
  readonly lines: readonly string[];
  readonly error: string | null;
}

export interface HistoryState {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly files: readonly BenchmarkFile[];
  readonly message: string | null;
}

interface ModelsState {
  readonly tabs: Readonly<Record<string, TabState>>;
  readonly remembered: Readonly<Record<string, Remembered>>;
  readonly eps: EpsState;
  readonly install: InstallState;
  readonly history: HistoryState;
}

export const useModels = create<ModelsState>(() => ({
  tabs: {},
  remembered: {},
  eps: { status: 'idle', eps: [], message: null },
  install: { status: 'idle', lines: [], error: null },
  history: { status: 'idle', files: [], message: null },
}));

const set = useModels.setState;
const get = useModels.getState;

function setTab(path: string, patch: Partial<TabState> | ((t: TabState) => Partial<TabState>)): void {
  set((s) => {
    const tab = s.tabs[path];
    if (!tab) return {};
    return { tabs: { ...s.tabs, [path]: { ...tab, ...(typeof patch === 'function' ? patch(tab) : patch) } } };
  });
}

export function rememberedOf(path: string): Remembered {
  return get().remembered[path] ?? DEFAULT_REMEMBERED;
}

export function useRemembered(path: string): Remembered {
  return useModels((s) => s.remembered[path] ?? DEFAULT_REMEMBERED);
}

export function remember(path: string, patch: Partial<Remembered> | ((r: Remembered) => Partial<Remembered>)): void {
  set((s) => {
    const current = s.remembered[path] ?? DEFAULT_REMEMBERED;
    return { remembered: { ...s.remembered, [path]: { ...current, ...(typeof patch === 'function' ? patch(current) : patch) } } };
  });
}

export function setConfig(path: string, patch: Partial<SessionConfig>): void {
  remember(path, (r) => ({ config: { ...r.config, ...patch } }));
}

/** The form of one input: as last edited, or its default. */
export function formOf(remembered: Remembered, info: ValueInfo): InputForm {
  const form = remembered.forms[info.name];
  // A form made for another shape (the file changed) starts again.
  return form && form.dims.length === (info.shape ?? [1]).length ? form : defaultForm(info);
}

export function setForm(path: string, form: InputForm): void {
  remember(path, (r) => ({ forms: { ...r.forms, [form.name]: form } }));
}

export function setView(path: string, view: SubView): void {
  setTab(path, { view });
}

// ---------- the tab's life (the ModelDocs that documents.ts drives) ----------

/** Each inspection of a path gets a number; an answer to an older one is dropped. */
const inspections = new Map<string, number>();
let nextInspection = 1;

async function inspect(path: string, reply: Promise<Result<ModelInfo>>): Promise<void> {
  const id = nextInspection++;
  inspections.set(path, id);
  setTab(path, { inspect: { status: 'loading', since: Date.now() } });
  let r: Result<ModelInfo>;
  try {
    r = await reply;
  } catch (e) {
    r = { ok: false, code: 'INTERNAL', message: String(e) } as Result<ModelInfo>;
  }
  if (inspections.get(path) !== id) return;
  setTab(path, { inspect: r.ok ? { status: 'ready', info: r.value } : { status: 'error', code: r.code, message: r.message } });
}

export const modelDocs = {
  open(path: string, inspecting: Promise<Result<ModelInfo>>): void {
    installEvents();
    set((s) => ({ tabs: { ...s.tabs, [path]: { inspect: { status: 'loading', since: Date.now() }, view: 'summary', run: { status: 'idle' }, lastRun: null, bench: { status: 'idle' } } } }));
    void inspect(path, inspecting);
  },
  close(path: string): void {
    inspections.delete(path);
    set((s) => {
      const tabs = { ...s.tabs };
      delete tabs[path];
      return { tabs };
    });
  },
  reload(path: string): void {
    if (!get().tabs[path]) return;
    // A benchmark or run in flight finishes with the file it opened; the summary shows the new one.
    void inspect(path, call('models.inspect', { path }));
  },
  closeAll(): void {
    inspections.clear();
    set({ tabs: {}, history: { status: 'idle', files: [], message: null } });
  },
  run(path: string): void {
    void runModel(path);
  },
};

export function retryInspect(path: string): void {
  modelDocs.reload(path);
}

// ---------- run ----------

/** The input specs of the model tab's forms (null: not inspected yet); the Profile view uses them too. */
export function specsFor(path: string): ReturnType<typeof buildInputSpecs> | null {
  const tab = get().tabs[path];
  if (tab?.inspect.status !== 'ready') return null;
  const r = rememberedOf(path);
  const inputs = tab.inspect.info.summary.inputs;
  return buildInputSpecs(inputs, Object.fromEntries(inputs.map((i) => [i.name, formOf(r, i)])));
}

export async function runModel(path: string): Promise<void> {
  const tab = get().tabs[path];
  if (!tab || tab.run.status === 'running') return;
  const built = specsFor(path);
  if (!built) return;
  if (!built.ok) {
    setTab(path, { run: { status: 'error', code: 'INPUT_INVALID', message: built.problem } });
    return;
  }
  setTab(path, { run: { status: 'running', since: Date.now(), phase: null } });
  const r = await call('models.run', { path, config: rememberedOf(path).config, inputs: built.specs });
  setTab(path, r.ok ? { run: { status: 'done' }, lastRun: r.value } : { run: { status: 'error', code: r.code, message: r.message } });
}

// ---------- benchmark ----------

export async function startBenchmark(path: string): Promise<void> {
  const tab = get().tabs[path];
  if (!tab || tab.bench.status === 'running') return;
  const built = specsFor(path);
  if (!built) return;
  if (!built.ok) {
    setTab(path, { bench: { status: 'error', code: 'INPUT_INVALID', message: built.problem } });
    return;
  }
  const { config, bench } = rememberedOf(path);
  setTab(path, { bench: { status: 'running', since: Date.now(), progress: null, cancelling: false } });
  const r = await call('models.benchmark', {
    path,
    config,
    inputs: built.specs,
    warmup: bench.warmup,
    runs: bench.runs,
    budgetMs: bench.budgetS === null ? null : Math.round(bench.budgetS * 1000),
  });
  setTab(path, { bench: r.ok ? { status: 'done', file: r.value } : { status: 'error', code: r.code, message: r.message } });
  if (r.ok) void loadHistory();
}

export async function cancelBenchmark(path: string): Promise<void> {
  setTab(path, (t) => (t.bench.status === 'running' ? { bench: { ...t.bench, cancelling: true } } : {}));
  await call('models.cancel', { path });
}

// ---------- shared: EPs, the GPU installer, history ----------

export async function loadEps(refresh = false): Promise<void> {
  if (get().eps.status === 'loading') return;
  set((s) => ({ eps: { ...s.eps, status: 'loading' } }));
  const r = await call('models.eps', refresh ? { refresh: true } : {});
  set((s) => ({ eps: r.ok ? { status: 'ready', eps: r.value, message: null } : { status: 'error', eps: s.eps.eps, message: r.message } }));
}

export async function installGpu(): Promise<void> {
  if (get().install.status === 'running') return;
  set({ install: { status: 'running', lines: [], error: null } });
  const r = await call('models.installGpu', {});
  set((s) => ({ install: r.ok ? { ...s.install, status: 'done' } : { ...s.install, status: 'failed', error: r.message } }));
  if (r.ok) void loadEps(true);
}

export async function loadHistory(): Promise<void> {
  set((s) => ({ history: { ...s.history, status: 'loading' } }));
  const r = await call('models.benchmarks', {});
  set((s) => ({ history: r.ok ? { status: 'ready', files: r.value, message: null } : { status: 'error', files: s.history.files, message: r.message } }));
}

// ---------- the core's events (subscribed once, when this module loads) ----------

const MAX_INSTALL_LINES = 2000;
let eventsInstalled = false;

/** Subscribe to the core's model events, once (the first tab opened; the bridge is there by then). */
function installEvents(): void {
  if (eventsInstalled) return;
  eventsInstalled = true;
  bridge().on('models.progress', ({ path, phase, done, total, lastMs }) => {
    setTab(path, (t) => ({
      ...(t.bench.status === 'running' ? { bench: { ...t.bench, progress: { phase, done, total, lastMs } } } : {}),
      ...(t.run.status === 'running' ? { run: { ...t.run, phase } } : {}),
    }));
  });
  bridge().on('models.install', ({ state, text }) => {
    set((s) => {
      const lines = text ? [...s.install.lines, ...text.split(/\r?\n/).filter((l) => l !== '')].slice(-MAX_INSTALL_LINES) : s.install.lines;
      const status = state === 'running' ? 'running' : state;
      return { install: { status, lines, error: state === 'failed' ? text || s.install.error : s.install.error } };
    });
  });
}
