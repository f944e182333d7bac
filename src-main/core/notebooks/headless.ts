/**
 * Running a whole notebook without a UI (`lathe nb run`), as `jupyter nbconvert --to notebook --execute`
 * does, but in a Lathe session: a fresh Python in a pty through the pty host and the REPL driver.
 *
 * What it does to the notebook (a copy; the caller's object is untouched):
 * - every code cell's outputs and execution_count are cleared first, so a cell that is not run (after a
 *   failure) never shows stale outputs from an older run;
 * - code cells run in order, one at a time; cells whose source is only whitespace are skipped (as
 *   nbclient skips them) and markdown/raw cells are left alone;
 * - outputs are built with `appendOutputs` (stream merging, `\r`, display updates in the cell); as in
 *   nbclient, a display update, or a new display with an id already shown, also updates the outputs with
 *   that id in earlier cells;
 * - `execution_count` is the run's `In [n]` (1, 2, 3… in a fresh session, as nbclient numbers them);
 * - `metadata.execution` (nbclient's timestamps) is removed from every cell that runs, so a re-run never
 *   keeps stale times; with `recordTiming` it is written with nbclient's four keys instead;
 * - `metadata.language_info` gets ipykernel's fields (name, version of the session's Python, mimetype,
 *   file_extension, codemirror_mode, pygments_lexer, nbconvert_exporter), as nbclient writes them; other
 *   fields there are kept.
 *
 * Failures: an error stops the run unless `allowErrors` (the remaining cells are not run, and keep no
 * outputs). A cell running longer than `timeoutMs` is interrupted (SIGINT); if it has not stopped
 * `interruptGraceMs` later the session is killed. A timeout, a crash of the process, or `signal` being
 * aborted always stop the run. The Python process is always stopped before this returns.
 *
 * `input()` in a cell reads end-of-file (the driver's input request is answered with Ctrl-D), so it raises
 * EOFError instead of waiting for a terminal no one watches.
 */
import { join } from 'node:path';
import type { RunInfo, RunOutput } from '../../common/contract';
import { joinSource, newNotebook } from '../../common/notebook/ipynb';
import type { NbCell, NbCodeCell, NbOutput, Notebook } from '../../common/notebook/nbformat';
import { appendOutputs } from '../../common/notebook/outputs';
import { EventHub } from '../event-hub';
import { resourcesDir } from '../resources';
import { SessionService } from '../sessions/session-service';

export interface HeadlessOptions {
  readonly python: string;
  /** The built pty host (out/main/pty-host.js). */
  readonly ptyHostEntry: string;
  /** The session's working folder: the notebook's folder, as nbconvert does. */
  readonly cwd: string;
  /** Per cell, from the moment it starts; null or undefined: no limit. */
  readonly timeoutMs?: number | null;
  /** After an interrupt for a timeout (or an abort), how long the cell may take to stop before the process is killed. */
  readonly interruptGraceMs?: number;
  readonly allowErrors?: boolean;
  /** Write nbclient's `metadata.execution` timestamps on each cell that runs. */
  readonly recordTiming?: boolean;
  /** Called when the session is ready, before the first cell. */
  readonly onReady?: (info: { readonly version: string | null; readonly ipython: boolean; readonly startMs: number; readonly cells: number }) => void;
  /** Called after each code cell that was run (or found not runnable). */
  readonly onCell?: (report: CellReport) => void;
  /** Abort: the running cell is interrupted and the run stops (status 'cancelled'). */
  readonly signal?: AbortSignal;
}

export type CellStatus = 'ok' | 'error' | 'interrupted' | 'timeout' | 'crashed' | 'aborted' | 'cancelled';

export interface CellReport {
  /** Index in `notebook.cells`. */
  readonly index: number;
  /** 1-based position among the code cells that run (what `[3/12]` shows). */
  readonly ordinal: number;
  readonly total: number;
  readonly status: CellStatus;
  /** From the execute call to the end of the run, in ms. */
  readonly wallMs: number;
  /** The driver's own measure of the run (null when it never ran). */
  readonly durationMs: number | null;
  readonly count: number | null;
  readonly error: { readonly ename: string; readonly evalue: string } | null;
}

export interface HeadlessResult {
  /** The executed notebook (a copy of the input with outputs filled). */
  readonly notebook: Notebook;
  /** True when every cell ran, and ran without an error (or errors were allowed). */
  readonly ok: boolean;
  /** Why the run stopped early or failed, in words; null when ok. */
  readonly failure: { readonly cellIndex: number | null; readonly status: CellStatus | 'start-failed'; readonly message: string } | null;
  readonly cells: readonly CellReport[];
  readonly python: { readonly path: string; readonly version: string | null; readonly ipython: boolean };
  /** Session start (spawn → driver ready), ms. */
  readonly startMs: number;
  /** The cells (first execute → last done), ms. */
  readonly runMs: number;
}

const DEFAULT_GRACE_MS = 5000;

/** Run every code cell of `input` in a fresh session (see the header). Never throws for a failing notebook. */
export async function runNotebook(input: Notebook, opts: HeadlessOptions): Promise<HeadlessResult> {
  const notebook = structuredClone(input);
  for (const cell of notebook.cells) {
    if (cell.cell_type !== 'code') continue;
    cell.outputs = [];
    cell.execution_count = null;
  }
  const toRun = notebook.cells
    .map((cell, index) => ({ cell, index }))
    .filter((c): c is { cell: NbCodeCell; index: number } => c.cell.cell_type === 'code' && joinSource(c.cell.source).trim() !== '');

  const hub = new EventHub();
  const python = join(resourcesDir(), 'python');
  const sessions = new SessionService({
    hub,
    ptyHostEntry: opts.ptyHostEntry,
    driver: join(python, 'lathe_driver.py'),
    pythonPath: python,
    projectRoot: () => opts.cwd,
    defaultPython: async () => opts.python,
  });
  const reports: CellReport[] = [];
  const pythonInfo = { path: opts.python, version: null as string | null, ipython: false };
  const finish = (failure: HeadlessResult['failure'], startMs: number, runMs: number): HeadlessResult => ({
    notebook,
    ok: failure === null,
    failure,
    cells: reports,
    python: pythonInfo,
    startMs,
    runMs,
  });

  let sessionId: string | null = null;
  try {
    const t0 = performance.now();
    const started = await sessions.start({ python: opts.python, name: 'nb run' });
    if (!started.ok) return finish({ cellIndex: null, status: 'start-failed', message: started.message }, 0, 0);
    sessionId = started.value.id;
    const id = sessionId;
    const cancelled = abortPromise(opts.signal);
    const ready = await Promise.race([sessions.whenReady(id), cancelled.promise.then(() => null)]);
    const startMs = performance.now() - t0;
    if (ready === null) return finish({ cellIndex: null, status: 'cancelled', message: 'Cancelled before the session was ready' }, startMs, 0);
    if (!ready.ok) return finish({ cellIndex: null, status: 'start-failed', message: ready.message }, startMs, 0);
    pythonInfo.version = ready.value.version;
    pythonInfo.ipython = ready.value.ipython;
    if (ready.value.version) setLanguageInfo(notebook, ready.value.version);
    opts.onReady?.({ version: ready.value.version, ipython: ready.value.ipython, startMs, cells: toRun.length });

    // No one can type into this terminal: input() and pdb read end-of-file.
    const inputs = hub.subscribe((event, payload) => {
      if (event === 'sessions.inputRequest' && (payload as { sessionId: string }).sessionId === id) sessions.input(id, '\x04');
    });
    const displays = new DisplayIndex();
    const tRun = performance.now();
    let failure: HeadlessResult['failure'] = null;
    try {
      for (const [i, { cell, index }] of toRun.entries()) {
        if (opts.signal?.aborted) {
          failure = { cellIndex: index, status: 'cancelled', message: `cancelled before cell ${i + 1} of ${toRun.length}` };
          break;
        }
        const outcome = await runCell(sessions, id, joinSource(cell.source), opts, cancelled.promise);
        const { info, outputs, status } = outcome;
        cell.outputs = displays.apply(index, outputs, notebook.cells);
        cell.execution_count = info?.count ?? null;
        setTiming(cell, opts.recordTiming ? outcome : null);
        const report: CellReport = {
          index,
          ordinal: i + 1,
          total: toRun.length,
          status,
          wallMs: outcome.wallMs,
          durationMs: info?.durationMs ?? null,
          count: info?.count ?? null,
          error: info?.error ?? null,
        };
        reports.push(report);
        opts.onCell?.(report);
        if (status === 'ok' || (status === 'error' && opts.allowErrors)) continue;
        failure = { cellIndex: index, status, message: describeFailure(report, opts.timeoutMs ?? null) };
        break;
      }
    } finally {
      inputs.dispose();
    }
    // With allowed errors, a notebook that ran to the end is ok; its reports say which cells raised.
    return finish(failure, startMs, performance.now() - tRun);
  } finally {
    if (sessionId) await sessions.stop(sessionId);
    await sessions.dispose();
  }
}

interface CellOutcome {
  readonly info: RunInfo | null;
  readonly outputs: readonly RunOutput[];
  readonly status: CellStatus;
  readonly wallMs: number;
  /** Epoch ms: when the run started in the driver, and when it ended. */
  readonly startedAt: number | null;
  readonly endedAt: number;
}

async function runCell(sessions: SessionService, id: string, code: string, opts: HeadlessOptions, cancelled: Promise<void>): Promise<CellOutcome> {
  const t0 = performance.now();
  const execution = sessions.execute(id, code, { capture: true, origin: 'notebook', echo: false });
  if (!execution.ok) {
    // The session died between cells.
    return { info: null, outputs: [{ type: 'error', ename: 'SessionDied', evalue: execution.message, traceback: [] }], status: 'crashed', wallMs: 0, startedAt: null, endedAt: Date.now() };
  }
  const { done } = execution.value;
  let stop: 'timeout' | 'cancelled' | null = null;
  const limit = opts.timeoutMs ?? null;
  let timer: NodeJS.Timeout | null = null;
  const timedOut = limit === null ? new Promise<never>(() => {}) : new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), limit)));
  const first = await Promise.race([done, timedOut, cancelled.then(() => 'cancelled' as const)]);
  if (timer) clearTimeout(timer);
  let info: RunInfo;
  if (first === 'timeout' || first === 'cancelled') {
    stop = first;
    sessions.interrupt(id);
    const grace = opts.interruptGraceMs ?? DEFAULT_GRACE_MS;
    const stopped = await Promise.race([done, delay(grace).then(() => null)]);
    if (stopped === null) await sessions.stop(id);
    info = await done;
  } else {
    info = first;
  }
  // Ctrl-C in a terminal also reaches the pty host (same process group), which may end the session
  // before the abort is seen here: still a cancel, not a crash.
  const status: CellStatus = opts.signal?.aborted ? 'cancelled' : (stop ?? info.status ?? 'aborted');
  return {
    info,
    outputs: execution.value.outputs,
    status,
    wallMs: performance.now() - t0,
    startedAt: info.startedAt,
    endedAt: Date.now(),
  };
}

/**
 * Display ids across the notebook, as nbclient keeps them: a `display_data` (or update) with a display id
 * already shown replaces that output's data and metadata wherever it is, in this cell or an earlier one.
 */
class DisplayIndex {
  /** display id → cells (indices) holding an output with it. */
  private readonly where = new Map<string, Set<number>>();

  apply(cellIndex: number, add: readonly RunOutput[], cells: NbCell[]): NbOutput[] {
    // A new display with an id already shown also updates the earlier ones (then is added itself).
    const seen = new Set(this.where.keys());
    const expanded: RunOutput[] = [];
    for (const o of add) {
      if (o.type === 'display_data' && o.displayId && !o.update && seen.has(o.displayId)) expanded.push({ ...o, update: true });
      if (o.type === 'display_data' && o.displayId) seen.add(o.displayId);
      expanded.push(o);
    }
    for (const o of expanded) {
      if (o.type !== 'display_data' || !o.displayId || !o.update) continue;
      for (const other of this.where.get(o.displayId) ?? []) {
        const cell = cells[other];
        if (other === cellIndex || cell?.cell_type !== 'code') continue;
        cell.outputs = appendOutputs(cell.outputs, [o]);
      }
    }
    const outputs = appendOutputs([], expanded);
    for (const out of outputs) {
      const displayId = out.output_type === 'display_data' ? out.transient?.display_id : undefined;
      if (!displayId) continue;
      const cellsWith = this.where.get(displayId) ?? new Set<number>();
      cellsWith.add(cellIndex);
      this.where.set(displayId, cellsWith);
    }
    return outputs;
  }
}

/** `language_info` as ipykernel reports it (what nbclient writes), with the session's version; other fields kept. */
function setLanguageInfo(notebook: Notebook, version: string): void {
  const jupyter = newNotebook({ pythonVersion: version }).metadata.language_info;
  notebook.metadata.language_info = { ...(notebook.metadata.language_info ?? {}), ...jupyter, name: 'python', version };
}

/** nbclient's `metadata.execution` keys, or none (a stale one is removed). */
function setTiming(cell: NbCodeCell, outcome: CellOutcome | null): void {
  const { execution: _stale, ...rest } = cell.metadata;
  void _stale;
  cell.metadata = rest;
  if (!outcome || outcome.startedAt === null) return;
  const start = new Date(outcome.startedAt).toISOString();
  const end = new Date(outcome.endedAt).toISOString();
  cell.metadata.execution = {
    'iopub.execute_input': start,
    'iopub.status.busy': start,
    'iopub.status.idle': end,
    'shell.execute_reply': end,
  };
}

function describeFailure(r: CellReport, timeoutMs: number | null): string {
  const where = `cell ${r.ordinal} of ${r.total} (cell #${r.index + 1} in the notebook)`;
  switch (r.status) {
    case 'timeout':
      return `${where} ran longer than ${(timeoutMs ?? 0) / 1000} s and was interrupted`;
    case 'cancelled':
      return `cancelled while running ${where}`;
    case 'crashed':
      return `Python ended while running ${where}: ${r.error?.evalue ?? 'the process died'}`;
    case 'interrupted':
      return `${where} was interrupted`;
    case 'aborted':
      return `${where} was not run: ${r.error?.evalue ?? 'the session stopped'}`;
    default:
      return `${where} raised ${r.error ? `${r.error.ename}: ${r.error.evalue}` : 'an error'}`;
  }
}

/** `0.21 s`, `3.40 s`, `12.3 s`: the progress lines' durations. */
export function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return s >= 10 ? `${s.toFixed(1)} s` : `${s.toFixed(2)} s`;
}

function abortPromise(signal: AbortSignal | undefined): { promise: Promise<void> } {
  if (!signal) return { promise: new Promise<void>(() => {}) };
  if (signal.aborted) return { promise: Promise.resolve() };
  return { promise: new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true })) };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
