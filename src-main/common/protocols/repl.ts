/**
 * The REPL protocol between the pty host and the Python driver (`resources/python/lathe_driver.py`).
 *
 * Two channels:
 * - **Control** (pty host → driver): JSON lines over a Unix socket whose path the driver gets in the
 *   environment variable `LATHE_REPL_SOCKET` (the driver connects to it at start, then removes the
 *   variable from `os.environ` so that child processes do not inherit it). Code is never typed into the
 *   terminal: a run is one line carrying the base64 source and an id.
 * - **Markers** (driver → pty host): private OSC sequences written into the terminal output itself, so
 *   they stay in order with what the user's code prints:
 *
 *       ESC ] 7337 ; <nonce> ; <base64 of UTF-8 JSON> BEL
 *
 *   `<nonce>` is a per-session random string (`LATHE_REPL_NONCE`, also removed from `os.environ` at
 *   start). A sequence with another nonce is not a marker: it is passed through as ordinary output.
 *
 * Text between markers is terminal output. Its stream is stdout unless a `stream` marker switched it to
 * stderr or to the driver's own `terminal` text (the driver marks only switches, so stdout costs nothing
 * extra).
 */

/** OSC number Lathe's driver uses (unassigned by xterm and other terminals). */
export const REPL_OSC = 7337;

// ---------------------------------------------------------------------------------------------------
// Control: pty host → driver (one JSON object per line)
// ---------------------------------------------------------------------------------------------------

export type ControlMessage =
  /**
   * Run code. `code` is base64 of the UTF-8 source. `echo`: print the source after the prompt in the
   * terminal, as if typed. `vars`: send a `vars` snapshot after `end`. `profile`: run it under cProfile
   * and send a `display` marker with a {@link PROFILE_MIME} bundle before `end` (absent: no profiler).
   */
  | {
      readonly op: 'run';
      readonly id: string;
      readonly code: string;
      readonly echo: boolean;
      readonly vars: boolean;
      readonly profile?: boolean;
    }
  /** Send a `vars` snapshot now (the driver reads control lines only while idle). */
  | { readonly op: 'vars' };

/**
 * MIME type of a "profile cell" report (a `display` marker's bundle; nbformat keeps it as JSON):
 * {@link CellProfileReport}.
 */
export const PROFILE_MIME = 'application/vnd.lathe.profile+json';

/** One function of a profiled run, as pstats counts it (only calls made from the cell's side). */
export interface CellProfileRow {
  /** The code's name (`hot`, `<genexpr>`, `<module>`), or pstats' name of a built-in (`<built-in method builtins.sum>`). */
  readonly func: string;
  /** The file ('' for built-ins); the cell's own code has a pseudo-file such as `<In [3]>` or `<ipython-input-3-…>`. */
  readonly file: string;
  readonly line: number;
  readonly ncalls: number;
  /** Calls that were not recursive. */
  readonly primcalls: number;
  /** Seconds in the function itself. */
  readonly tottime: number;
  /** Seconds in the function and what it called. */
  readonly cumtime: number;
}

/** A call-tree node for the flame graph (built from pstats' callers data, so times are apportioned). */
export interface CellProfileNode {
  /** `<cell>` for the root; `other` for merged small callees. */
  readonly func: string;
  readonly file: string;
  readonly line: number;
  readonly cumtime: number;
  readonly tottime: number;
  readonly children: readonly CellProfileNode[];
}

export interface CellProfileReport {
  /** Seconds the cell's code ran under the profiler (the tree root's cumtime). */
  readonly totalS: number;
  /** By tottime, descending, at most 300. */
  readonly rows: readonly CellProfileRow[];
  /** Functions before the cap. */
  readonly rowsTotal: number;
  readonly tree: CellProfileNode;
  /** The cell's pseudo-file. */
  readonly cellFile: string;
  /** Why the profile may be incomplete (another profiler was active). */
  readonly problem?: string;
}

import type { GradMarker } from './grads';

// ---------------------------------------------------------------------------------------------------
// Markers: driver → pty host
// ---------------------------------------------------------------------------------------------------

/** A Jupyter MIME bundle: mime type → data (str, or JSON for application/json; images base64). */
export type MimeBundle = Readonly<Record<string, unknown>>;

export interface VariableStats {
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  readonly nan: number;
  readonly inf: number;
  /** True when the stats were computed on a sample of the elements (large arrays). */
  readonly sampled: boolean;
}

export interface VariableInfo {
  readonly name: string;
  /** Qualified type name as Python shows it: `int`, `numpy.ndarray`, `torch.Tensor`, `pandas.DataFrame`. */
  readonly type: string;
  /** A short repr, at most 200 characters. */
  readonly repr: string;
  /** Containers, strings: `len()`; null where it does not apply. */
  readonly length?: number | null;
  /** Arrays, tensors, DataFrames. */
  readonly shape?: readonly number[] | null;
  readonly dtype?: string | null;
  /** Tensors: `cpu`, `cuda:0`. */
  readonly device?: string | null;
  readonly requiresGrad?: boolean | null;
  /** Numeric arrays and tensors. */
  readonly stats?: VariableStats | null;
  /** DataFrames: column names (at most 50). */
  readonly columns?: readonly string[] | null;
}

export interface VariablesSnapshot {
  readonly vars: readonly VariableInfo[];
  /** More user variables existed than the limit (200), or the time budget (about 50 ms) ran out. */
  readonly truncated: boolean;
  readonly elapsedMs: number;
}

export type RunStatus = 'ok' | 'error' | 'interrupted';

export type StreamName = 'stdout' | 'stderr' | 'terminal';

export type DriverMessage =
  /** The driver is up and waiting for commands. */
  | {
      readonly t: 'hello';
      readonly pid: number;
      readonly version: string;
      readonly executable: string;
      readonly ipython: boolean;
      readonly cwd: string;
    }
  /**
   * A run began. `id` is the control message's id, or a driver-made id (`t1`, `t2`, …) with
   * `origin: 'terminal'` for a line the user typed at the prompt in the terminal.
   */
  | {
      readonly t: 'start';
      readonly id: string;
      readonly count: number;
      readonly origin: 'control' | 'terminal';
      /** Present for terminal runs (the typed source), absent for control runs. */
      readonly code?: string;
    }
  /**
   * Following text belongs to this stream (until the next `stream` marker). `terminal` is the driver's
   * own text (prompts, echoed source, `Out[n]:` lines, rendered tracebacks): shown in the terminal, but
   * not part of any run's outputs, which carry the same information as `result` and `error` markers.
   */
  | { readonly t: 'stream'; readonly name: StreamName }
  /** execute_result: the value of a last bare expression. */
  | {
      readonly t: 'result';
      readonly id: string;
      readonly count: number;
      readonly data: MimeBundle;
      readonly metadata: Readonly<Record<string, unknown>>;
    }
  /** display_data, or update_display_data when `update` is true. */
  | {
      readonly t: 'display';
      readonly id: string;
      readonly data: MimeBundle;
      readonly metadata: Readonly<Record<string, unknown>>;
      readonly displayId: string | null;
      readonly update: boolean;
    }
  /** An exception escaped the run; `traceback` lines carry ANSI colours. */
  | {
      readonly t: 'error';
      readonly id: string;
      readonly ename: string;
      readonly evalue: string;
      readonly traceback: readonly string[];
    }
  /** The running code is about to read a line from the terminal (`input()`, pdb). */
  | { readonly t: 'input'; readonly id: string; readonly prompt: string; readonly password: boolean }
  /** A run finished. */
  | {
      readonly t: 'end';
      readonly id: string;
      readonly status: RunStatus;
      readonly count: number;
      readonly durationMs: number;
    }
  | ({ readonly t: 'vars' } & VariablesSnapshot)
  /** Gradient health and logged scalars from `lathe.watch` / `lathe.log` (see protocols/grads.ts). */
  | GradMarker;

export type DriverMessageType = DriverMessage['t'];
