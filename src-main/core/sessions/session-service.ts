/**
 * Python sessions: the core's side of the REPL. Each session is a Python process in a pty, run by the
 * supervised pty host. This service owns everything that must outlive a UI reload:
 * - the run queue (one run at a time; an error or an interrupt aborts the runs queued behind it, as
 *   Jupyter does),
 * - each run's state, outputs and timing (`execute()` returns a future: `done` plus streamed outputs),
 * - the bounded scrollback that re-attaching views replay,
 * - the views' acknowledgements, which pause the pty when the slowest view falls behind,
 * - the last variables snapshot.
 */
import { randomUUID } from 'node:crypto';
import { constants as fsConstants, promises as fs } from 'node:fs';
import { delimiter, isAbsolute, relative, resolve } from 'node:path';
import type {
  RunInfo,
  RunOutput,
  SessionAttachment,
  SessionInfo,
  SessionState,
  VariablesView,
} from '../../common/contract';
import type { Disposable } from '../../common/disposable';
import type { OscItem } from '../../common/osc';
import type { FromPtyHost, ToPtyHost } from '../../common/protocols/pty';
import type { ControlMessage, DriverMessage } from '../../common/protocols/repl';
import { err, ok, type Result } from '../../common/result';
import type { EventHub } from '../event-hub';
import type { GradStore } from '../grads/grad-store';
import { Supervisor } from '../supervisor';
import { Scrollback } from './scrollback';
import { Viewers } from './viewers';

/** How long a session may take from spawn to the driver's hello. */
export const START_TIMEOUT_MS = 30_000;
const HISTORY_MAX = 500;
const CAPTURED_MAX = 200;
const DEFAULT_COLS = 120;
const DEFAULT_ROWS = 30;

export interface SessionServiceOptions {
  readonly hub: EventHub;
  /** The built pty host entry (out/main/pty-host.js). */
  readonly ptyHostEntry: string;
  /** resources/python/lathe_driver.py, absolute. */
  readonly driver: string;
  /** Where `lathe.watch`'s samples go (kept per session, streamed as `grads.batch`). */
  readonly grads?: GradStore;
  /** Prepended to PYTHONPATH in every session (resources/python: the `lathe` helper package). */
  readonly pythonPath: string;
  /** The open project's root (the default cwd), or null. */
  readonly projectRoot: () => string | null;
  /** The interpreter for a session started without one. */
  readonly defaultPython: () => Promise<string | null>;
}

export type OutputListener = (outputs: readonly RunOutput[]) => void;

/** A run's future, as in Jupyter: `done` resolves when it ends; outputs stream in as they come. */
export interface Execution {
  readonly runId: string;
  readonly done: Promise<RunInfo>;
  /** Every output so far (only when started with `capture`). Adjacent stream text is merged. */
  readonly outputs: readonly RunOutput[];
  onOutput(listener: OutputListener): Disposable;
}

export interface ExecuteOptions {
  readonly origin?: RunInfo['origin'];
  /** Keep and publish the run's outputs (notebooks); terminal-only runs leave it off. */
  readonly capture?: boolean;
  /** Show the source in the terminal after the prompt. */
  readonly echo?: boolean;
  /** Run under cProfile: the run's outputs get a `PROFILE_MIME` display (no profiler otherwise). */
  readonly profile?: boolean;
}

interface Run {
  info: RunInfo;
  /** The id in the driver's markers: the run id, or the driver's own (t1, t2…) for a typed line. */
  readonly driverId: string;
  readonly code: string;
  readonly capture: boolean;
  readonly echo: boolean;
  readonly profile: boolean;
  readonly outputs: RunOutput[];
  readonly listeners: Set<OutputListener>;
  readonly resolve: (info: RunInfo) => void;
  readonly done: Promise<RunInfo>;
}

interface Session {
  info: SessionInfo;
  /** Runs started with `capture` (queued, running, and the last CAPTURED_MAX done), for re-attaching. */
  readonly captured: Map<string, Run>;
  readonly queue: Run[];
  /** Sent to the driver, not started yet. */
  sent: Run | null;
  /** Started (its `start` marker came). */
  current: Run | null;
  readonly history: RunInfo[];
  readonly scrollback: Scrollback;
  readonly viewers: Viewers;
  vars: VariablesView;
  ready: { promise: Promise<Result<SessionInfo>>; resolve: (r: Result<SessionInfo>) => void } | null;
  startTimer: NodeJS.Timeout | null;
  flowTimer: NodeJS.Timeout | null;
  cols: number;
  rows: number;
  /** Set by stop(): the exit is expected and the session is removed. */
  stopping: boolean;
  /** Set by restart(): spawn again once the old process is gone. */
  restartAfterExit: boolean;
  terminalRuns: number;
}

export class SessionService implements Disposable {
  private readonly sessions = new Map<string, Session>();
  /** Started with the first session, so a project that never runs Python never forks it. */
  private supervisor: Supervisor<ToPtyHost, FromPtyHost> | null = null;
  private readonly exitWaiters = new Map<string, Array<() => void>>();
  private disposed = false;
  private counter = 0;

  constructor(private readonly options: SessionServiceOptions) {}

  private get host(): Supervisor<ToPtyHost, FromPtyHost> {
    this.supervisor ??= new Supervisor<ToPtyHost, FromPtyHost>({
      name: 'pty host',
      entry: this.options.ptyHostEntry,
      onMessage: (msg) => this.onHostMessage(msg),
      onExit: () => this.onHostExit(),
      onState: (state, restarts, message) => {
        this.options.hub.emit('sessions.host', { state, restarts, message });
        if (message) this.options.hub.emit('app.message', { level: state === 'failed' ? 'error' : 'warning', text: message });
      },
    });
    return this.supervisor;
  }

  /**
   * The user asked to try again after the pty host crashed too often in a row and was left stopped. Sessions
   * were all ended by the crashes; new ones can start once it runs.
   */
  restartHost(): void {
    if (this.supervisor?.state === 'failed') this.supervisor.retry();
  }

  /** For tests: the pty host's process (null before the first session). */
  get hostProcess() {
    return this.supervisor?.process ?? null;
  }

  // --- queries ---------------------------------------------------------------------------------------

  list(): SessionInfo[] {
    return [...this.sessions.values()].map((s) => s.info);
  }

  get(id: string): Result<SessionInfo> {
    const s = this.sessions.get(id);
    return s ? ok(s.info) : notFound(id);
  }

  history(id: string): Result<readonly RunInfo[]> {
    const s = this.sessions.get(id);
    return s ? ok([...s.history]) : notFound(id);
  }

  variables(id: string): Result<VariablesView> {
    const s = this.sessions.get(id);
    return s ? ok(s.vars) : notFound(id);
  }

  /** A captured run's state and outputs so far (null when unknown or forgotten): for re-attaching views. */
  runSnapshot(id: string, runId: string): { info: RunInfo; outputs: readonly RunOutput[] } | null {
    const run = this.sessions.get(id)?.captured.get(runId);
    return run ? { info: run.info, outputs: [...run.outputs] } : null;
  }

  /** Resolves when the session is ready (idle after start), or failed to start. */
  whenReady(id: string): Promise<Result<SessionInfo>> {
    const s = this.sessions.get(id);
    if (!s) return Promise.resolve(notFound(id));
    if (s.ready) return s.ready.promise;
    if (s.info.state === 'dead') return Promise.resolve(err('SESSION_DEAD', s.info.exit?.message ?? 'The session has ended'));
    return Promise.resolve(ok(s.info));
  }

  // --- lifecycle ---------------------------------------------------------------------------------------

  async start(opts: { name?: string; python?: string; cwd?: string }): Promise<Result<SessionInfo>> {
    if (this.disposed) return err('UNAVAILABLE', 'Lathe is shutting down');
    if (this.supervisor?.state === 'failed') {
      return err('UNAVAILABLE', 'Python sessions are unavailable: the pty host crashed too often in a row and Lathe stopped restarting it. Choose "Restart" on the terminal banner to try again.');
    }
    const python = opts.python ?? (await this.options.defaultPython());
    if (!python) {
      return err('PYTHON_NOT_FOUND', 'No Python interpreter was found. Install Python 3, or choose one with "Select Interpreter" → Browse….');
    }
    const usable = await checkExecutable(python);
    if (!usable.ok) return usable;
    const root = this.options.projectRoot();
    const cwd = await workingFolder(root, opts.cwd);
    if (!cwd.ok) return cwd;
    const id = `s${++this.counter}-${randomUUID().slice(0, 8)}`;
    const session: Session = {
      info: {
        id,
        name: opts.name ?? this.nextName(),
        python,
        version: null,
        ipython: false,
        cwd: cwd.value,
        state: 'starting',
        pid: null,
        currentRun: null,
        queued: 0,
        interruptedAt: null,
        exit: null,
        startedAt: Date.now(),
      },
      captured: new Map(),
      queue: [],
      sent: null,
      current: null,
      history: [],
      scrollback: new Scrollback(),
      viewers: new Viewers((paused) => this.host.send({ t: paused ? 'pause' : 'resume', session: id })),
      vars: { snapshot: null, stale: false, at: null },
      ready: null,
      startTimer: null,
      flowTimer: null,
      cols: DEFAULT_COLS,
      rows: DEFAULT_ROWS,
      stopping: false,
      restartAfterExit: false,
      terminalRuns: 0,
    };
    this.sessions.set(id, session);
    this.spawn(session);
    return ok(session.info);
  }

  /** Kill the process tree and forget the session. */
  async stop(id: string): Promise<Result<void>> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    s.stopping = true;
    if (s.info.state !== 'dead') {
      const gone = this.waitExit(id);
      this.host.send({ t: 'kill', session: id });
      await Promise.race([gone, delay(3000)]);
    }
    this.finishRuns(s, 'aborted', null);
    this.clearTimers(s);
    s.viewers.clear();
    this.sessions.delete(id);
    this.options.hub.emit('sessions.removed', { id });
    this.options.grads?.forget(id);
    return ok();
  }

  /** Kill the process tree (if alive) and start the same interpreter again, in the same session. */
  async restart(id: string): Promise<Result<SessionInfo>> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    if (s.info.state !== 'dead') {
      s.restartAfterExit = true;
      const gone = this.waitExit(id);
      this.host.send({ t: 'kill', session: id });
      await Promise.race([gone, delay(3000)]);
      if (this.sessions.get(id) !== s) return notFound(id);
      if (s.restartAfterExit) {
        // The exit never came (the pty host is down): start anyway.
        s.restartAfterExit = false;
        this.respawn(s);
      }
    } else {
      this.respawn(s);
    }
    return ok(s.info);
  }

  rename(id: string, name: string): Result<SessionInfo> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    this.update(s, { name });
    return ok(s.info);
  }

  // --- running code ------------------------------------------------------------------------------------

  execute(id: string, code: string, opts: ExecuteOptions = {}): Result<Execution> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    if (s.info.state === 'dead') {
      return err('SESSION_DEAD', `${s.info.exit?.message ?? 'The session has ended'}. Restart it to run code.`);
    }
    const run = this.newRun(s, {
      code,
      origin: opts.origin ?? 'api',
      capture: opts.capture ?? false,
      echo: opts.echo ?? true,
      profile: opts.profile ?? false,
      state: 'queued',
    });
    s.queue.push(run);
    if (run.capture) {
      s.captured.set(run.info.runId, run);
      for (const old of s.captured.keys()) {
        if (s.captured.size <= CAPTURED_MAX) break;
        if (s.captured.get(old)?.info.state === 'done') s.captured.delete(old);
      }
    }
    this.publishRun(s, run);
    this.pump(s);
    this.update(s, {});
    return ok(execution(run));
  }

  /** SIGINT to the running code; the runs queued behind it are aborted. */
  interrupt(id: string): Result<void> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    if (s.info.state === 'dead') return err('SESSION_DEAD', 'The session has ended');
    for (const run of s.queue.splice(0)) this.finish(s, run, 'aborted', null);
    this.host.send({ t: 'interrupt', session: id });
    if (s.current || s.sent) this.update(s, { interruptedAt: s.info.interruptedAt ?? Date.now() });
    else this.update(s, {});
    return ok();
  }

  input(id: string, data: string): Result<void> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    if (s.info.state !== 'dead') this.host.send({ t: 'input', session: id, data });
    return ok();
  }

  resize(id: string, cols: number, rows: number): Result<void> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    s.cols = cols;
    s.rows = rows;
    if (s.info.state !== 'dead') this.host.send({ t: 'resize', session: id, cols, rows });
    return ok();
  }

  /** Ask the driver for a fresh variables snapshot (sent when it is idle). */
  refreshVariables(id: string): Result<VariablesView> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    if (s.info.state === 'idle') this.host.send({ t: 'control', session: id, message: { op: 'vars' } });
    return ok(s.vars);
  }

  // --- views -------------------------------------------------------------------------------------------

  attach(id: string): Result<SessionAttachment> {
    const s = this.sessions.get(id);
    if (!s) return notFound(id);
    const { text, seq } = s.scrollback.snapshot();
    const viewerId = s.viewers.attach(seq);
    return ok({ viewerId, session: s.info, scrollback: text, seq });
  }

  detach(viewerId: string): Result<void> {
    for (const s of this.sessions.values()) {
      if (s.viewers.has(viewerId)) s.viewers.detach(viewerId, s.scrollback.total);
    }
    return ok();
  }

  ack(viewerId: string, seq: number): Result<void> {
    for (const s of this.sessions.values()) {
      if (s.viewers.ack(viewerId, seq, s.scrollback.total)) return ok();
    }
    return err('NOT_FOUND', 'This terminal view is no longer attached; attach again');
  }

  // --- the pty host ------------------------------------------------------------------------------------

  private spawn(s: Session): void {
    let resolve!: (r: Result<SessionInfo>) => void;
    const promise = new Promise<Result<SessionInfo>>((r) => (resolve = r));
    s.ready = { promise, resolve };
    s.startTimer = setTimeout(() => {
      this.host.send({ t: 'kill', session: s.info.id });
      this.die(s, null, null, `Python did not start within ${START_TIMEOUT_MS / 1000} s`);
    }, START_TIMEOUT_MS);
    const sent = this.host.send({
      t: 'spawn',
      session: s.info.id,
      python: s.info.python,
      driver: this.options.driver,
      cwd: s.info.cwd,
      cols: s.cols,
      rows: s.rows,
      env: { PYTHONPATH: joinPath(this.options.pythonPath, process.env.PYTHONPATH) },
    });
    if (!sent) this.die(s, null, null, 'The pty host is not running');
  }

  private respawn(s: Session): void {
    this.append(s, `\r\n\x1b[2m─── Restarting ${s.info.name} ───\x1b[0m\r\n`);
    s.vars = { snapshot: null, stale: false, at: null };
    this.options.hub.emit('sessions.variables', { sessionId: s.info.id, view: s.vars });
    this.update(s, { state: 'starting', version: null, pid: null, exit: null, interruptedAt: null, startedAt: Date.now() });
    this.spawn(s);
  }

  private onHostMessage(msg: FromPtyHost): void {
    if (msg.t === 'host-ready') return;
    const s = this.sessions.get(msg.session);
    if (!s) return;
    switch (msg.t) {
      case 'spawned':
        this.update(s, { pid: msg.pid });
        return;
      case 'spawn-failed':
        this.die(s, null, null, `Could not start ${s.info.python}: ${msg.message}`);
        return;
      case 'connected':
        return;
      case 'items':
        for (const item of msg.items) this.onItem(s, item);
        s.viewers.update(s.scrollback.total);
        this.watchFlow(s);
        return;
      case 'exit':
        this.onExit(s, msg.code, msg.signal);
        return;
    }
  }

  private onItem(s: Session, item: OscItem): void {
    if (item.k === 'text') {
      this.append(s, item.text);
      const run = s.current;
      if (run?.capture && item.stream !== 'terminal') {
        this.output(run, [{ type: 'stream', name: item.stream, text: item.text.replace(/\r\n/g, '\n') }]);
      }
      return;
    }
    if (item.k === 'malformed') {
      console.error(`[lathe] session ${s.info.id}: ${item.reason}`);
      return;
    }
    this.onMessage(s, item.msg);
  }

  private onMessage(s: Session, m: DriverMessage): void {
    switch (m.t) {
      case 'hello': {
        if (s.startTimer) clearTimeout(s.startTimer);
        s.startTimer = null;
        this.update(s, { state: 'idle', version: m.version, ipython: m.ipython, pid: m.pid, cwd: m.cwd });
        s.ready?.resolve(ok(s.info));
        s.ready = null;
        this.pump(s);
        return;
      }
      case 'start': {
        let run: Run;
        if (m.origin === 'terminal') {
          // The driver names lines typed at its prompt (t1, t2…) and starts again from t1 after a restart,
          // so the run id Lathe shows adds a session-wide counter.
          s.terminalRuns += 1;
          run = this.newRun(
            s,
            { code: m.code ?? '', origin: 'terminal', capture: false, echo: false, profile: false, state: 'running' },
            { driverId: m.id, runId: `${m.id}.${s.terminalRuns}` },
          );
        } else if (s.sent && s.sent.driverId === m.id) {
          run = s.sent;
          s.sent = null;
        } else {
          console.error(`[lathe] session ${s.info.id}: start of an unknown run ${m.id}`);
          return;
        }
        s.current = run;
        run.info = { ...run.info, state: 'running', count: m.count, startedAt: Date.now() };
        this.publishRun(s, run);
        this.markVarsStale(s, true);
        this.update(s, { state: 'busy', currentRun: run.info.runId });
        return;
      }
      case 'result':
        if (s.current?.capture) this.output(s.current, [{ type: 'execute_result', count: m.count, data: m.data, metadata: m.metadata }]);
        return;
      case 'display':
        if (s.current?.capture) {
          this.output(s.current, [
            { type: 'display_data', data: m.data, metadata: m.metadata, displayId: m.displayId, update: m.update },
          ]);
        }
        return;
      case 'error': {
        const run = s.current;
        if (!run) return;
        run.info = { ...run.info, error: { ename: m.ename, evalue: m.evalue } };
        if (run.capture) this.output(run, [{ type: 'error', ename: m.ename, evalue: m.evalue, traceback: m.traceback }]);
        return;
      }
      case 'input':
        this.options.hub.emit('sessions.inputRequest', {
          sessionId: s.info.id,
          runId: s.current?.info.runId ?? m.id,
          prompt: m.prompt,
          password: m.password,
        });
        return;
      case 'end': {
        const run = s.current;
        if (!run || run.driverId !== m.id) {
          console.error(`[lathe] session ${s.info.id}: end of an unknown run ${m.id}`);
          return;
        }
        s.current = null;
        run.info = { ...run.info, count: m.count, durationMs: m.durationMs };
        this.finish(s, run, m.status, null);
        if (m.status !== 'ok') for (const queued of s.queue.splice(0)) this.finish(s, queued, 'aborted', null);
        // Control runs ask for variables themselves; a line typed in the terminal does not.
        if (run.info.origin === 'terminal') this.host.send({ t: 'control', session: s.info.id, message: { op: 'vars' } });
        this.pump(s);
        this.update(s, { state: s.sent ? 'busy' : 'idle', currentRun: null, interruptedAt: null });
        return;
      }
      case 'vars': {
        s.vars = { snapshot: { vars: m.vars, truncated: m.truncated, elapsedMs: m.elapsedMs }, stale: s.current !== null, at: Date.now() };
        this.options.hub.emit('sessions.variables', { sessionId: s.info.id, view: s.vars });
        return;
      }
      case 'stream':
        return;
      case 'grads':
      case 'grads-watch':
      case 'grads-unwatch':
      case 'grads-nan':
      case 'scalar':
        this.options.grads?.add(s.info.id, m);
        return;
    }
  }

  private onExit(s: Session, code: number | null, signal: number | null): void {
    this.resolveExitWaiters(s.info.id);
    if (s.stopping) return;
    if (s.restartAfterExit) {
      s.restartAfterExit = false;
      this.finishRuns(s, 'aborted', null);
      this.respawn(s);
      return;
    }
    this.die(s, code, signal, exitMessage(code, signal));
  }

  private onHostExit(): void {
    for (const s of this.sessions.values()) {
      this.resolveExitWaiters(s.info.id);
      if (s.stopping || s.info.state === 'dead') continue;
      if (s.restartAfterExit) continue; // restart() spawns again after its wait
      this.die(s, null, null, 'The pty host stopped unexpectedly, taking this session with it');
    }
  }

  /** The session ended: mark it dead, fail what was running, abort what was queued. */
  private die(s: Session, code: number | null, signal: number | null, message: string): void {
    if (s.info.state === 'dead') return;
    this.clearTimers(s);
    this.finishRuns(s, 'crashed', message);
    s.viewers.clear();
    this.append(s, `\r\n\x1b[31m${message}\x1b[0m\r\n`);
    this.update(s, { state: 'dead', currentRun: null, queued: 0, interruptedAt: null, exit: { code, signal, message } });
    this.markVarsStale(s, false);
    s.ready?.resolve(err('SESSION_DEAD', message));
    s.ready = null;
  }

  private finishRuns(s: Session, status: 'aborted' | 'crashed', message: string | null): void {
    const running = s.current ?? s.sent;
    s.current = null;
    s.sent = null;
    if (running) this.finish(s, running, status === 'crashed' ? 'crashed' : 'aborted', message);
    for (const run of s.queue.splice(0)) this.finish(s, run, 'aborted', null);
  }

  private pump(s: Session): void {
    if (s.info.state === 'starting' || s.info.state === 'dead') return;
    if (s.sent || s.current) return;
    const run = s.queue.shift();
    if (!run) return;
    s.sent = run;
    const message: ControlMessage = { op: 'run', id: run.info.runId, code: Buffer.from(run.code, 'utf8').toString('base64'), echo: run.echo, vars: true };
    this.host.send({ t: 'control', session: s.info.id, message: run.profile ? { ...message, profile: true } : message });
    this.update(s, { state: 'busy' });
  }

  // --- runs --------------------------------------------------------------------------------------------

  private newRun(
    s: Session,
    o: { code: string; origin: RunInfo['origin']; capture: boolean; echo: boolean; profile: boolean; state: RunInfo['state'] },
    ids?: { driverId: string; runId: string },
  ): Run {
    let resolve!: (info: RunInfo) => void;
    const done = new Promise<RunInfo>((r) => (resolve = r));
    const runId = ids?.runId ?? randomUUID();
    return {
      info: {
        sessionId: s.info.id,
        runId,
        state: o.state,
        status: null,
        count: null,
        durationMs: null,
        summary: summarise(o.code),
        origin: o.origin,
        queuedAt: Date.now(),
        startedAt: null,
        error: null,
      },
      driverId: ids?.driverId ?? runId,
      code: o.code,
      capture: o.capture,
      echo: o.echo,
      profile: o.profile,
      outputs: [],
      listeners: new Set(),
      resolve,
      done,
    };
  }

  private finish(s: Session, run: Run, status: NonNullable<RunInfo['status']>, message: string | null): void {
    if (run.info.state === 'done') return;
    const error =
      run.info.error ??
      (status === 'crashed' ? { ename: 'SessionDied', evalue: message ?? 'The Python process ended' } : null) ??
      (status === 'aborted' ? { ename: 'Aborted', evalue: 'Not run: an earlier run failed or was interrupted' } : null);
    run.info = { ...run.info, state: 'done', status, error };
    if (status === 'crashed' && run.capture) {
      this.output(run, [{ type: 'error', ename: 'SessionDied', evalue: message ?? 'The Python process ended', traceback: [] }]);
    }
    s.history.push(run.info);
    if (s.history.length > HISTORY_MAX) s.history.splice(0, s.history.length - HISTORY_MAX);
    this.publishRun(s, run);
    run.resolve(run.info);
  }

  private output(run: Run, outputs: RunOutput[]): void {
    for (const o of outputs) {
      const last = run.outputs[run.outputs.length - 1];
      if (o.type === 'stream' && last?.type === 'stream' && last.name === o.name) {
        run.outputs[run.outputs.length - 1] = { ...last, text: last.text + o.text };
      } else {
        run.outputs.push(o);
      }
    }
    for (const listener of run.listeners) listener(outputs);
    this.options.hub.emit('sessions.output', { sessionId: run.info.sessionId, runId: run.info.runId, outputs });
  }

  private publishRun(s: Session, run: Run): void {
    this.options.hub.emit('sessions.run', run.info);
    if (run.info.state === 'queued') this.update(s, {});
  }

  // --- helpers -----------------------------------------------------------------------------------------

  private append(s: Session, text: string): void {
    const seq = s.scrollback.append(text);
    this.options.hub.emit('sessions.data', { id: s.info.id, seq, data: text });
  }

  /** While the pty is paused, check now and then for views that went away without detaching. */
  private watchFlow(s: Session): void {
    if (!s.viewers.isPaused || s.flowTimer) return;
    s.flowTimer = setInterval(() => {
      s.viewers.update(s.scrollback.total);
      if (!s.viewers.isPaused && s.flowTimer) {
        clearInterval(s.flowTimer);
        s.flowTimer = null;
      }
    }, 1000);
  }

  private markVarsStale(s: Session, stale: boolean): void {
    if (s.vars.stale === stale) return;
    s.vars = { ...s.vars, stale };
    this.options.hub.emit('sessions.variables', { sessionId: s.info.id, view: s.vars });
  }

  /** Applies a change and announces it, unless nothing changed. */
  private update(s: Session, patch: Partial<Omit<SessionInfo, 'id'>> & { state?: SessionState }): void {
    const next: SessionInfo = { ...s.info, ...patch, queued: s.queue.length };
    const changed = (Object.keys(next) as Array<keyof SessionInfo>).some((k) => next[k] !== s.info[k]);
    s.info = next;
    if (changed && this.sessions.get(s.info.id) === s) this.options.hub.emit('sessions.changed', s.info);
  }

  private clearTimers(s: Session): void {
    if (s.startTimer) clearTimeout(s.startTimer);
    if (s.flowTimer) clearInterval(s.flowTimer);
    s.startTimer = null;
    s.flowTimer = null;
  }

  private waitExit(id: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.exitWaiters.get(id) ?? [];
      list.push(resolve);
      this.exitWaiters.set(id, list);
    });
  }

  private resolveExitWaiters(id: string): void {
    for (const resolve of this.exitWaiters.get(id) ?? []) resolve();
    this.exitWaiters.delete(id);
  }

  private nextName(): string {
    const names = new Set([...this.sessions.values()].map((s) => s.info.name));
    for (let n = 1; ; n++) if (!names.has(`Python ${n}`)) return `Python ${n}`;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.sessions.values()) {
      this.clearTimers(s);
      s.stopping = true;
      this.supervisor?.send({ t: 'kill', session: s.info.id });
    }
    // The pty host kills what is left when its channel closes.
    await this.supervisor?.dispose();
  }
}

function execution(run: Run): Execution {
  return {
    runId: run.info.runId,
    done: run.done,
    outputs: run.outputs,
    onOutput(listener) {
      run.listeners.add(listener);
      return { dispose: () => void run.listeners.delete(listener) };
    },
  };
}

function notFound(id: string) {
  return err('SESSION_NOT_FOUND', `There is no session ${JSON.stringify(id)}; it may have been stopped`);
}

function summarise(code: string): string {
  const first = code.split('\n').find((l) => l.trim().length > 0) ?? '';
  return first.length > 200 ? `${first.slice(0, 199)}…` : first;
}

const SIGNALS: Record<number, string> = { 2: 'SIGINT', 6: 'SIGABRT', 7: 'SIGBUS', 8: 'SIGFPE', 9: 'SIGKILL', 11: 'SIGSEGV', 15: 'SIGTERM' };

/** The exit, in words a person understands. */
export function exitMessage(code: number | null, signal: number | null): string {
  if (signal) {
    const name = SIGNALS[signal] ?? `signal ${signal}`;
    if (signal === 11 || signal === 7) return `Python crashed (${name}): a fault in native code, e.g. a C extension`;
    if (signal === 9) return `Python was killed (${name}), possibly by the out-of-memory killer`;
    if (signal === 6) return `Python aborted (${name})`;
    return `Python was stopped by ${name}`;
  }
  return `Python exited with status ${code ?? 'unknown'}`;
}

async function checkExecutable(path: string): Promise<Result<void>> {
  try {
    await fs.access(path, fsConstants.X_OK);
    return ok();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err('PYTHON_NOT_FOUND', code === 'ENOENT' ? `No interpreter at ${path}: the file does not exist` : `${path} can't be run (${code})`);
  }
}

/** A session's folder: the project root, or a folder inside it (`cwd` is project-relative). */
async function workingFolder(root: string | null, cwd: string | undefined): Promise<Result<string>> {
  const base = root ?? process.cwd();
  if (cwd === undefined || cwd === '') return ok(base);
  const folder = resolve(base, cwd);
  const rel = relative(base, folder);
  if (isAbsolute(cwd) || rel.startsWith('..') || isAbsolute(rel)) {
    return err('OUTSIDE_PROJECT', `The session's folder must be inside the project: ${cwd}`);
  }
  try {
    if (!(await fs.stat(folder)).isDirectory()) return err('NOT_A_DIRECTORY', `${cwd} is not a folder`);
  } catch {
    return err('NOT_FOUND', `There is no folder ${cwd} in the project`);
  }
  return ok(folder);
}

function joinPath(first: string, rest: string | undefined): string {
  return rest ? `${first}${delimiter}${rest}` : first;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
