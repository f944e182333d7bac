/**
 * The renderer's picture of the project's Python sessions, as plain data, and the pure updates the
 * core's events make to it. `sessions.ts` wires these to the bridge.
 */
import type { Events, Interpreter, RunInfo, SessionInfo, VariablesView } from '../../src-main/common/contract';

/** Runs kept per session (newest last). */
export const RUNS_KEPT = 200;

export interface SessionsState {
  /** Sessions in start order. */
  readonly sessions: readonly SessionInfo[];
  readonly activeId: string | null;
  readonly runs: ReadonlyMap<string, readonly RunInfo[]>;
  readonly variables: ReadonlyMap<string, VariablesView>;
  /** The pty host process; null until it reported. */
  readonly host: Events['sessions.host'] | null;
  /** The project's interpreters; null until listed. */
  readonly interpreters: readonly Interpreter[] | null;
  /** The project's chosen interpreter path; null for the core's default. */
  readonly selectedInterpreter: string | null;
  readonly interpretersLoading: boolean;
}

export const EMPTY_SESSIONS: SessionsState = {
  sessions: [],
  activeId: null,
  runs: new Map(),
  variables: new Map(),
  host: null,
  interpreters: null,
  selectedInterpreter: null,
  interpretersLoading: false,
};

/** A new session becomes active when none is; the active one stays otherwise. */
export function upsertSession(s: SessionsState, info: SessionInfo): Partial<SessionsState> {
  const i = s.sessions.findIndex((x) => x.id === info.id);
  const sessions = i < 0 ? [...s.sessions, info] : s.sessions.map((x) => (x.id === info.id ? info : x));
  const activeValid = s.activeId !== null && sessions.some((x) => x.id === s.activeId);
  return { sessions, activeId: activeValid ? s.activeId : info.id };
}

/** The full list from `sessions.list` (a boot or a reconnect): keep the active one when it still exists. */
export function replaceSessions(s: SessionsState, list: readonly SessionInfo[]): Partial<SessionsState> {
  const ids = new Set(list.map((x) => x.id));
  const keep = <V,>(m: ReadonlyMap<string, V>) => new Map([...m].filter(([id]) => ids.has(id)));
  const activeId = s.activeId !== null && ids.has(s.activeId) ? s.activeId : (list[list.length - 1]?.id ?? null);
  return { sessions: list, activeId, runs: keep(s.runs), variables: keep(s.variables) };
}

/** When the active session goes, its neighbour (the next, else the previous) becomes active. */
export function removeSession(s: SessionsState, id: string): Partial<SessionsState> {
  const i = s.sessions.findIndex((x) => x.id === id);
  if (i < 0) return {};
  const sessions = s.sessions.filter((x) => x.id !== id);
  const runs = new Map(s.runs);
  runs.delete(id);
  const variables = new Map(s.variables);
  variables.delete(id);
  const activeId = s.activeId === id ? (sessions[Math.min(i, sessions.length - 1)]?.id ?? null) : s.activeId;
  return { sessions, activeId, runs, variables };
}

export function applyRun(s: SessionsState, run: RunInfo): Partial<SessionsState> {
  const list = s.runs.get(run.sessionId) ?? [];
  const i = list.findIndex((r) => r.runId === run.runId);
  const next = i < 0 ? [...list, run].slice(-RUNS_KEPT) : list.map((r) => (r.runId === run.runId ? run : r));
  return { runs: new Map(s.runs).set(run.sessionId, next) };
}

export function applyVariables(s: SessionsState, sessionId: string, view: VariablesView): Partial<SessionsState> {
  // A view older than the one shown (a slow `sessions.variables` answer) does not replace it.
  const current = s.variables.get(sessionId);
  if (current && current.at !== null && view.at !== null && view.at < current.at) return {};
  return { variables: new Map(s.variables).set(sessionId, view) };
}

/** The order in which the core picks a default interpreter (core/sessions/interpreter-service.ts). */
const DEFAULT_ORDER: readonly Interpreter['source'][] = ['venv', 'conda', 'path', 'system', 'pyenv', 'custom'];

/** The interpreter shown as the project's: the chosen one, else the working one the core would pick. */
export function currentInterpreter(s: Pick<SessionsState, 'interpreters' | 'selectedInterpreter'>): Interpreter | null {
  const list = s.interpreters ?? [];
  if (s.selectedInterpreter) return list.find((i) => i.path === s.selectedInterpreter) ?? null;
  const working = list.filter((i) => i.problem === null);
  return working.sort((a, b) => DEFAULT_ORDER.indexOf(a.source) - DEFAULT_ORDER.indexOf(b.source))[0] ?? null;
}

/** "3.11.2 (.venv)" */
export function interpreterTitle(i: Interpreter): string {
  return i.version ? `${i.version} (${i.label})` : i.label;
}

/** Whether a busy session's interrupt has gone unanswered for `graceMs`. */
export function interruptStuck(session: SessionInfo | undefined, now: number, graceMs = 5000): boolean {
  return !!session && session.state === 'busy' && session.interruptedAt !== null && now - session.interruptedAt >= graceMs;
}
