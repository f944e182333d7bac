/**
 * `lathe nb run <in.ipynb> [-o out.ipynb] [--python PATH] [--timeout S] [--allow-errors] [--record-timing]`:
 * execute a notebook headless in a fresh Lathe session (core/notebooks/headless.ts) and write the result.
 *
 * - Output: `-o FILE`, `-o -` for stdout; by default `<name>.out.ipynb` next to the input (the input is
 *   never overwritten unless `-o` names it).
 * - Progress goes to stderr, one line per code cell: `[3/12] ok 0.2 s`.
 * - Exit codes: 0 every cell ran (errors included, with --allow-errors); 1 a cell failed or timed out,
 *   or Python could not start or crashed (the notebook is still written, with the error, up to the failed
 *   cell); 2 a usage error, or an input that can't be read or is not a valid notebook (nothing written);
 *   130 interrupted by Ctrl-C (nothing written).
 */
import { promises as fs } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { joinSource, parseNotebook, serializeNotebook } from '../common/notebook/ipynb';
import type { Notebook } from '../common/notebook/nbformat';
import { formatSeconds, runNotebook, type CellReport } from '../core/notebooks/headless';
import { pickDefaultInterpreter } from '../core/sessions/interpreter-service';
import { discoverInterpreters, probeInterpreter } from '../core/sessions/interpreters';
import { atomicWrite } from '../core/workspace/atomic-write';

export const NB_HELP = `Usage: lathe nb run <notebook.ipynb> [options]

Runs every code cell of the notebook, in order, in a fresh Python session, and
writes the notebook with its outputs (as "jupyter nbconvert --execute" does).

Options:
  -o, --output FILE   Where to write the executed notebook ("-" for stdout).
                      Default: <name>.out.ipynb next to the input.
  --python PATH       The interpreter (default: the one Lathe picks for the
                      current folder: its .venv, conda, python3 on PATH…).
  --timeout S         Interrupt a cell that runs longer than S seconds, and fail.
  --allow-errors      Keep going after a cell raises; exit 0 if all cells ran.
  --record-timing     Write each cell's start and end times in its metadata
                      ("execution", as nbclient does). Off by default.
  -h, --help          Show this help.

Exit status: 0 done; 1 a cell failed or timed out, or Python failed (the
notebook is written up to the failed cell); 2 bad arguments or an invalid
notebook (nothing is written); 130 interrupted.
`;

export interface NbRunIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Whether stderr is a terminal (colours in tracebacks are kept only then). */
  readonly stderrIsTty: boolean;
  readonly cwd: string;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal?: AbortSignal;
}

/** `lathe nb <args>`. The pty host entry is the built `pty-host.js` (next to the CLI in out/main/). */
export async function nbCommand(args: string[], ptyHostEntry: string, io: NbRunIo = processIo()): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    (sub === undefined ? io.stderr : io.stdout)(NB_HELP);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'run') {
    io.stderr(`lathe nb: unknown command "${sub}". Run "lathe nb --help".\n`);
    return 2;
  }
  return nbRun(rest, ptyHostEntry, io);
}

export async function nbRun(args: string[], ptyHostEntry: string, io: NbRunIo = processIo()): Promise<number> {
  const fail = (message: string) => {
    io.stderr(`lathe nb run: ${message}\n`);
    return 2;
  };
  let parsed;
  try {
    parsed = parseArgs({
      args,
      allowPositionals: true,
      options: {
        output: { type: 'string', short: 'o' },
        python: { type: 'string' },
        timeout: { type: 'string' },
        'allow-errors': { type: 'boolean' },
        'record-timing': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    return fail(`${(e as Error).message}. Run "lathe nb --help".`);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io.stdout(NB_HELP);
    return 0;
  }
  if (positionals.length !== 1) return fail(positionals.length === 0 ? 'which notebook? Usage: lathe nb run <notebook.ipynb> [-o out.ipynb]' : `one notebook at a time (got ${positionals.length})`);
  let timeoutMs: number | null = null;
  if (values.timeout !== undefined) {
    const s = Number(values.timeout);
    if (!Number.isFinite(s) || s <= 0) return fail(`--timeout must be a number of seconds above 0 (got "${values.timeout}")`);
    timeoutMs = s * 1000;
  }

  const input = resolve(io.cwd, positionals[0]!);
  const output = values.output === undefined ? defaultOutput(input) : values.output === '-' ? '-' : resolve(io.cwd, values.output);
  let text: string;
  try {
    text = await fs.readFile(input, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? `${positionals[0]} does not exist` : code === 'EISDIR' ? `${positionals[0]} is a folder` : `can't read ${positionals[0]}: ${(e as Error).message}`);
  }
  const notebook = parseNotebook(text);
  if (!notebook.ok) return fail(`${positionals[0]} is not a valid notebook: ${notebook.message}`);

  const python = await choosePython(values.python, io.cwd);
  if (!python.ok) return fail(python.message);

  const shown = positionals[0]!;
  const result = await runNotebook(notebook.value, {
    python: python.path,
    ptyHostEntry,
    cwd: dirname(input),
    timeoutMs,
    allowErrors: values['allow-errors'] ?? false,
    recordTiming: values['record-timing'] ?? false,
    signal: io.signal,
    onReady: ({ version, ipython, startMs, cells }) =>
      io.stderr(
        `lathe nb run: ${shown}: ${cells} code cell${cells === 1 ? '' : 's'}, ${python.path} (Python ${version ?? '?'}, ${ipython ? 'IPython' : 'plain Python'}), ready in ${formatSeconds(startMs)}\n`,
      ),
    onCell: (r) => io.stderr(progressLine(r)),
  });

  if (result.failure?.status === 'cancelled') {
    io.stderr(`lathe nb run: interrupted; nothing written\n`);
    return 130;
  }
  if (result.failure?.status === 'start-failed') {
    io.stderr(`lathe nb run: Python did not start: ${result.failure.message}\n`);
    return 1;
  }
  if (result.failure && result.failure.cellIndex !== null) {
    const cell = result.notebook.cells[result.failure.cellIndex];
    const error = cell?.cell_type === 'code' ? cell.outputs.find((o) => o.output_type === 'error') : undefined;
    if (error?.output_type === 'error' && error.traceback.length > 0) {
      const tb = error.traceback.join('\n');
      io.stderr(`\n${io.stderrIsTty ? tb : stripAnsi(tb)}\n\n`);
    }
    io.stderr(`lathe nb run: ${result.failure.message}\n`);
  }

  const written = await writeOutput(result.notebook, output, io);
  if (!written.ok) {
    io.stderr(`lathe nb run: could not write ${output}: ${written.message}\n`);
    return 1;
  }
  const total = countCodeCells(result.notebook);
  const attempted = result.cells.length;
  const errors = result.cells.filter((c) => c.status === 'error').length;
  const where = output === '-' ? 'stdout' : relativeOrAbsolute(io.cwd, output);
  io.stderr(
    `lathe nb run: ${attempted === total ? `${total} cell${total === 1 ? '' : 's'}` : `${attempted} of ${total} cells`} run in ${formatSeconds(result.runMs)}` +
      ` (session start ${formatSeconds(result.startMs)})${errors > 0 ? `, ${errors} with errors` : ''}; wrote ${where}\n`,
  );
  return result.ok ? 0 : 1;
}

/** `<dir>/<stem>.out.ipynb` (`analysis.ipynb` → `analysis.out.ipynb`). */
export function defaultOutput(input: string): string {
  const ext = extname(input);
  const stem = basename(input, ext === '.ipynb' ? ext : '');
  return join(dirname(input), `${stem}.out.ipynb`);
}

function progressLine(r: CellReport): string {
  const head = `[${r.ordinal}/${r.total}] ${r.status === 'ok' ? 'ok' : r.status} ${formatSeconds(r.wallMs)}`;
  const detail = (r.status === 'error' || r.status === 'crashed') && r.error ? `: ${r.error.ename}: ${firstLine(r.error.evalue)}` : '';
  return `${head}${detail}\n`;
}

function firstLine(text: string): string {
  const line = text.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

async function choosePython(given: string | undefined, cwd: string): Promise<{ ok: true; path: string } | { ok: false; message: string }> {
  if (given !== undefined) {
    const probed = await probeInterpreter(given);
    if (probed.problem) return { ok: false, message: `--python ${given}: ${probed.problem}` };
    return { ok: true, path: probed.path };
  }
  const found = pickDefaultInterpreter(await discoverInterpreters({ projectRoot: cwd }));
  if (!found) return { ok: false, message: 'no Python interpreter was found; install Python 3 or pass --python PATH' };
  return { ok: true, path: found };
}

async function writeOutput(notebook: Notebook, output: string, io: NbRunIo): Promise<{ ok: true } | { ok: false; message: string }> {
  const text = serializeNotebook(notebook);
  if (output === '-') {
    io.stdout(text);
    return { ok: true };
  }
  try {
    await atomicWrite(output, text);
    return { ok: true };
  } catch (e) {
    return { ok: false, message: (e as Error).message };
  }
}

function countCodeCells(nb: Notebook): number {
  return nb.cells.filter((c) => c.cell_type === 'code' && joinSource(c.source).trim() !== '').length;
}

function relativeOrAbsolute(cwd: string, path: string): string {
  return path.startsWith(`${cwd}/`) ? path.slice(cwd.length + 1) : path;
}

// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '');

function processIo(): NbRunIo {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    stdout: (t) => void process.stdout.write(t),
    stderr: (t) => void process.stderr.write(t),
    stderrIsTty: process.stderr.isTTY === true,
    cwd: process.cwd(),
    signal: controller.signal,
  };
}
