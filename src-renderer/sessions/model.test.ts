import { describe, expect, it } from 'vitest';
import type { Interpreter, RunInfo, SessionInfo } from '../../src-main/common/contract';
import { applyRun, applyVariables, currentInterpreter, EMPTY_SESSIONS, interpreterTitle, interruptStuck, removeSession, replaceSessions, RUNS_KEPT, upsertSession, type SessionsState } from './model';

const session = (id: string, patch: Partial<SessionInfo> = {}): SessionInfo => ({
  id,
  name: `Python ${id}`,
  python: '/usr/bin/python3',
  version: '3.11.2',
  ipython: true,
  cwd: '/p',
  state: 'idle',
  pid: 1,
  currentRun: null,
  queued: 0,
  interruptedAt: null,
  exit: null,
  startedAt: 0,
  ...patch,
});

const run = (sessionId: string, runId: string, patch: Partial<RunInfo> = {}): RunInfo => ({
  sessionId,
  runId,
  state: 'queued',
  status: null,
  count: null,
  durationMs: null,
  summary: 'x',
  origin: 'editor',
  queuedAt: 0,
  startedAt: null,
  error: null,
  ...patch,
});

const apply = (s: SessionsState, patch: Partial<SessionsState>): SessionsState => ({ ...s, ...patch });

describe('sessions model', () => {
  it('the first session becomes active; later ones do not take over', () => {
    let s = apply(EMPTY_SESSIONS, upsertSession(EMPTY_SESSIONS, session('a')));
    expect(s.activeId).toBe('a');
    s = apply(s, upsertSession(s, session('b')));
    expect(s.activeId).toBe('a');
    s = apply(s, upsertSession(s, session('a', { state: 'busy' })));
    expect(s.sessions.map((x) => [x.id, x.state])).toEqual([
      ['a', 'busy'],
      ['b', 'idle'],
    ]);
  });

  it('removing the active session activates its neighbour and drops its runs and variables', () => {
    let s: SessionsState = { ...EMPTY_SESSIONS, sessions: [session('a'), session('b'), session('c')], activeId: 'b' };
    s = apply(s, applyRun(s, run('b', 'r1')));
    s = apply(s, applyVariables(s, 'b', { snapshot: null, stale: false, at: 1 }));
    s = apply(s, removeSession(s, 'b'));
    expect(s.activeId).toBe('c');
    expect(s.runs.has('b')).toBe(false);
    expect(s.variables.has('b')).toBe(false);
    s = apply(s, removeSession(s, 'c'));
    expect(s.activeId).toBe('a');
    s = apply(s, removeSession(s, 'a'));
    expect(s.activeId).toBeNull();
    expect(removeSession(s, 'zzz')).toEqual({});
  });

  it('a full list keeps the active session when it still exists', () => {
    let s: SessionsState = { ...EMPTY_SESSIONS, sessions: [session('a'), session('b')], activeId: 'a' };
    s = apply(s, applyRun(s, run('b', 'r1')));
    s = apply(s, replaceSessions(s, [session('a'), session('c')]));
    expect(s.activeId).toBe('a');
    expect(s.runs.has('b')).toBe(false);
    s = apply(s, replaceSessions(s, [session('c'), session('d')]));
    expect(s.activeId).toBe('d');
  });

  it('keeps the last runs per session, updated in place', () => {
    let s = EMPTY_SESSIONS;
    for (let i = 0; i < RUNS_KEPT + 5; i++) s = apply(s, applyRun(s, run('a', `r${i}`)));
    expect(s.runs.get('a')).toHaveLength(RUNS_KEPT);
    expect(s.runs.get('a')![0]!.runId).toBe('r5');
    s = apply(s, applyRun(s, run('a', `r${RUNS_KEPT + 4}`, { state: 'done', status: 'ok' })));
    expect(s.runs.get('a')).toHaveLength(RUNS_KEPT);
    expect(s.runs.get('a')!.at(-1)).toMatchObject({ state: 'done', status: 'ok' });
  });

  it('an older variables view does not replace a newer one', () => {
    let s = apply(EMPTY_SESSIONS, applyVariables(EMPTY_SESSIONS, 'a', { snapshot: null, stale: true, at: 20 }));
    expect(applyVariables(s, 'a', { snapshot: null, stale: false, at: 10 })).toEqual({});
    s = apply(s, applyVariables(s, 'a', { snapshot: null, stale: false, at: 30 }));
    expect(s.variables.get('a')!.stale).toBe(false);
  });

  it('an interrupt is stuck after the grace period, only while busy', () => {
    expect(interruptStuck(session('a', { state: 'busy', interruptedAt: 1000 }), 5999)).toBe(false);
    expect(interruptStuck(session('a', { state: 'busy', interruptedAt: 1000 }), 6000)).toBe(true);
    expect(interruptStuck(session('a', { state: 'idle', interruptedAt: 1000 }), 60_000)).toBe(false);
    expect(interruptStuck(session('a', { state: 'busy' }), 60_000)).toBe(false);
    expect(interruptStuck(undefined, 0)).toBe(false);
  });
});

describe('interpreters', () => {
  const interp = (path: string, patch: Partial<Interpreter> = {}): Interpreter => ({
    path,
    source: 'venv',
    label: '.venv',
    version: '3.11.2',
    modules: { numpy: true, torch: false, IPython: true, onnx: false },
    problem: null,
    ...patch,
  });

  it("shows the chosen interpreter, else the working one the core would pick", () => {
    const interpreters = [
      interp('/broken', { problem: 'timed out', version: null }),
      interp('/usr/bin/python3', { source: 'system' }),
      interp('/a', { source: 'path' }),
      interp('/b', { source: 'pyenv' }),
    ];
    expect(currentInterpreter({ interpreters, selectedInterpreter: '/b' })?.path).toBe('/b');
    expect(currentInterpreter({ interpreters, selectedInterpreter: null })?.path).toBe('/a');
    expect(currentInterpreter({ interpreters: [...interpreters, interp('/p/.venv/bin/python')], selectedInterpreter: null })?.path).toBe('/p/.venv/bin/python');
    expect(currentInterpreter({ interpreters: null, selectedInterpreter: null })).toBeNull();
  });

  it('titles an interpreter by version and label', () => {
    expect(interpreterTitle(interp('/a'))).toBe('3.11.2 (.venv)');
    expect(interpreterTitle(interp('/a', { version: null, label: '/opt/py' }))).toBe('/opt/py');
  });
});
