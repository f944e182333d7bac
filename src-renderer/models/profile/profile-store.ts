/**
 * The Profile sub-view's state, per model path (kept while the app runs, like the model tab's other
 * settings): the capture settings and its progress, the profile shown, the row/node selected, the
 * profiles ticked for a diff and the diff's two profiles; and the project's profile list, which the
 * side bar shares. Fed by `profiles.*` calls and `models.progress` events.
 */
import { create } from 'zustand';
import type { ProfileEntry, ProfileFile } from '../../../src-main/common/onnx/profile-types';
import { bridge, call } from '../../bridge/client';
import { rememberedOf, setView, specsFor } from '../model-store';

export type Optimization = 'disabled' | 'basic' | 'extended' | 'all';
export type ResultsTab = 'ops' | 'types' | 'timeline';

export interface ProfileSettings {
  readonly warmup: number;
  readonly runs: number;
  /** Profiling defaults to 'disabled': node names stay the graph's, so times map onto it. */
  readonly optimization: Optimization;
}

export const DEFAULT_PROFILE_SETTINGS: ProfileSettings = { warmup: 5, runs: 20, optimization: 'disabled' };

export type CaptureState =
  | { readonly status: 'idle' }
  | { readonly status: 'running'; readonly since: number; readonly phase: string | null; readonly done: number; readonly total: number }
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export type LoadedProfile =
  | { readonly status: 'none' }
  | { readonly status: 'loading'; readonly file: string; readonly since: number }
  | { readonly status: 'ready'; readonly profile: ProfileFile }
  | { readonly status: 'error'; readonly file: string; readonly code: string; readonly message: string };

export type CompareState =
  | { readonly status: 'none' }
  | { readonly status: 'loading'; readonly files: readonly [string, string] }
  | { readonly status: 'ready'; readonly a: ProfileFile; readonly b: ProfileFile }
  | { readonly status: 'error'; readonly code: string; readonly message: string };

export interface ModelProfiles {
  readonly capture: CaptureState;
  readonly current: LoadedProfile;
  readonly compare: CompareState;
  /** History entries ticked for a diff (at most two; a third replaces the oldest). */
  readonly ticked: readonly string[];
  /** The node selected in the table and the graph. */
  readonly selected: string | null;
  readonly tab: ResultsTab;
}

export const EMPTY_MODEL_PROFILES: ModelProfiles = {
  capture: { status: 'idle' },
  current: { status: 'none' },
  compare: { status: 'none' },
  ticked: [],
  selected: null,
  tab: 'ops',
};

export interface ProfileList {
  readonly status: 'idle' | 'loading' | 'ready' | 'error';
  readonly entries: readonly ProfileEntry[];
  readonly message: string | null;
}

interface ProfilesState {
  readonly byModel: Readonly<Record<string, ModelProfiles>>;
  readonly settings: Readonly<Record<string, ProfileSettings>>;
  readonly list: ProfileList;
}

export const useProfiles = create<ProfilesState>(() => ({ byModel: {}, settings: {}, list: { status: 'idle', entries: [], message: null } }));

const set = useProfiles.setState;
const get = useProfiles.getState;

export function useModelProfiles(path: string): ModelProfiles {
  return useProfiles((s) => s.byModel[path] ?? EMPTY_MODEL_PROFILES);
}

export function useProfileSettings(path: string): ProfileSettings {
  return useProfiles((s) => s.settings[path] ?? DEFAULT_PROFILE_SETTINGS);
}

export function patchModel(path: string, patch: Partial<ModelProfiles> | ((m: ModelProfiles) => Partial<ModelProfiles>)): void {
  set((s) => {
    const current = s.byModel[path] ?? EMPTY_MODEL_PROFILES;
    return { byModel: { ...s.byModel, [path]: { ...current, ...(typeof patch === 'function' ? patch(current) : patch) } } };
  });
}

export function setProfileSettings(path: string, patch: Partial<ProfileSettings>): void {
  set((s) => ({ settings: { ...s.settings, [path]: { ...(s.settings[path] ?? DEFAULT_PROFILE_SETTINGS), ...patch } } }));
}

export function selectNode(path: string, name: string | null): void {
  patchModel(path, { selected: name });
}

export function setResultsTab(path: string, tab: ResultsTab): void {
  patchModel(path, { tab });
}

/** Profile the model with the model tab's EPs and inputs, at the Profile view's optimisation level. */
export async function captureProfile(path: string): Promise<void> {
  if ((get().byModel[path] ?? EMPTY_MODEL_PROFILES).capture.status === 'running') return;
  const built = specsFor(path);
  if (!built) return;
  if (!built.ok) {
    patchModel(path, { capture: { status: 'error', code: 'INPUT_INVALID', message: built.problem } });
    return;
  }
  installEvents();
  const settings = get().settings[path] ?? DEFAULT_PROFILE_SETTINGS;
  const config = { ...rememberedOf(path).config, graphOptimization: settings.optimization };
  patchModel(path, { capture: { status: 'running', since: Date.now(), phase: null, done: 0, total: 0 } });
  const r = await call('profiles.capture', { path, config, inputs: built.specs, warmup: settings.warmup, runs: settings.runs });
  if (r.ok) {
    patchModel(path, { capture: { status: 'idle' }, current: { status: 'ready', profile: r.value }, selected: null, compare: { status: 'none' } });
    void loadProfiles();
  } else patchModel(path, { capture: { status: 'error', code: r.code, message: r.message } });
}

/** Open a saved profile or any Chrome trace JSON in the project into `path`'s Profile view. */
export async function openProfile(path: string, file: string): Promise<void> {
  patchModel(path, { current: { status: 'loading', file, since: Date.now() }, selected: null, compare: { status: 'none' } });
  const r = await call('profiles.open', { path: file });
  // A later open wins.
  const now = get().byModel[path]?.current;
  if (now?.status !== 'loading' || now.file !== file) return;
  patchModel(path, { current: r.ok ? { status: 'ready', profile: r.value } : { status: 'error', file, code: r.code, message: r.message } });
}

export function closeProfile(path: string): void {
  patchModel(path, { current: { status: 'none' }, selected: null });
}

export function toggleTick(path: string, file: string): void {
  patchModel(path, (m) => {
    if (m.ticked.includes(file)) return { ticked: m.ticked.filter((f) => f !== file) };
    return { ticked: [...m.ticked, file].slice(-2) };
  });
}

/** Open the two ticked profiles (A: the older, B: the newer) and show their diff. */
export async function diffTicked(path: string): Promise<void> {
  const m = get().byModel[path] ?? EMPTY_MODEL_PROFILES;
  if (m.ticked.length !== 2) return;
  const order = get().list.entries.map((e) => e.file);
  // The list is newest first: A is the one further down.
  const [x, y] = m.ticked as [string, string];
  const files: [string, string] = order.indexOf(x) >= order.indexOf(y) ? [x, y] : [y, x];
  patchModel(path, { compare: { status: 'loading', files } });
  const [ra, rb] = await Promise.all(files.map((f) => call('profiles.open', { path: f })));
  const failed = !ra!.ok ? ra! : !rb!.ok ? rb! : null;
  if (failed && !failed.ok) patchModel(path, { compare: { status: 'error', code: failed.code, message: failed.message } });
  else if (ra!.ok && rb!.ok) patchModel(path, { compare: { status: 'ready', a: ra!.value, b: rb!.value } });
}

export function closeDiff(path: string): void {
  patchModel(path, { compare: { status: 'none' } });
}

export async function loadProfiles(): Promise<void> {
  set((s) => ({ list: { ...s.list, status: 'loading' } }));
  const r = await call('profiles.list', {});
  set((s) => ({ list: r.ok ? { status: 'ready', entries: r.value, message: null } : { status: 'error', entries: s.list.entries, message: r.message } }));
}

let eventsInstalled = false;

function installEvents(): void {
  if (eventsInstalled) return;
  eventsInstalled = true;
  bridge().on('models.progress', ({ path, phase, done, total }) => {
    const m = get().byModel[path];
    if (m?.capture.status !== 'running') return;
    patchModel(path, { capture: { ...m.capture, phase, done, total } });
  });
}

/** Test hook: forget everything (a new bridge, a new project). */
export function resetProfiles(): void {
  eventsInstalled = false;
  set({ byModel: {}, settings: {}, list: { status: 'idle', entries: [], message: null } });
}

/** Show a profile in a model tab's Profile view (the side bar opens the tab first). */
export function showProfileIn(modelPath: string, file: string): void {
  setView(modelPath, 'profile');
  void openProfile(modelPath, file);
}
