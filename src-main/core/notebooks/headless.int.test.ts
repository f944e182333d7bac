/**
 * The headless runner (`lathe nb run`) on real notebooks in a real Python (/usr/bin/python3 through the pty
 * host), and against Jupyter's own `jupyter nbconvert --to notebook --execute` on the same interpreter:
 * the same notebook must give the same text outputs, cell by cell.
 * The built CLI (out/main/cli.js, from `npx electron-vite build`) is run once too, where it is built.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, promises as fs, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newCellId, parseNotebook, serializeNotebook } from '../../common/notebook/ipynb';
import type { NbCell, NbCodeCell, NbOutput, Notebook } from '../../common/notebook/nbformat';
import { PTY_HOST } from '../../../test/children';
import { runNotebook, type CellReport, type HeadlessOptions } from './headless';

const run = promisify(execFile);
const PYTHON = '/usr/bin/python3';
const NBCONVERT = '/usr/bin/jupyter-nbconvert';
const CLI = resolve(__dirname, '..', '..', '..', 'out', 'main', 'cli.js');

function canImport(modules: string[]): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const hasStack = existsSync(PYTHON) && canImport(['IPython', 'pandas', 'matplotlib']);
const hasJupyter = hasStack && existsSync(NBCONVERT) && canImport(['nbconvert', 'nbclient', 'ipykernel']);
if (!hasStack) console.warn(`[skip] ${PYTHON} with IPython, pandas and matplotlib is missing: run scripts/setup-system.sh`);
if (hasStack && !hasJupyter) console.warn(`[skip] ${NBCONVERT} (Debian's nbconvert, nbclient, ipykernel) is missing: the comparison with Jupyter is skipped`);

function cliState(): string | null {
  if (!existsSync(CLI)) return `${CLI} is not built: run "npx electron-vite build"`;
  try {
    const help = execFileSync(process.execPath, [CLI, '--help'], { encoding: 'utf8', timeout: 30_000 });
    return help.includes('lathe nb run') ? null : `${CLI} is an older build without "nb run": run "npx electron-vite build"`;
  } catch (e) {
    return `${CLI} does not run: ${(e as Error).message}`;
  }
}
const cliProblem = hasJupyter ? cliState() : 'skipped with the Jupyter comparison';
if (hasJupyter && cliProblem) console.warn(`[skip] the built CLI: ${cliProblem}`);

function code(source: string, extra: Partial<NbCodeCell> = {}): NbCodeCell {
  return { cell_type: 'code', id: newCellId(), source, metadata: {}, outputs: [], execution_count: null, ...extra };
}

function markdown(source: string): NbCell {
  return { cell_type: 'markdown', id: newCellId(), source, metadata: {} };
}

function notebook(cells: NbCell[]): Notebook {
  return {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
      language_info: { name: 'python' },
    },
    cells,
  };
}

let dir: string;
beforeAll(() => {
  dir = realpathSync(mkdtempSync(join(tmpdir(), 'lathe-nb-run-')));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function options(extra: Partial<HeadlessOptions> = {}): HeadlessOptions {
  return { python: PYTHON, ptyHostEntry: PTY_HOST, cwd: dir, ...extra };
}

const joined = (v: unknown) => (Array.isArray(v) ? v.join('') : String(v ?? ''));
const outputsAt = (nb: Notebook, i: number): NbOutput[] => {
  const cell = nb.cells[i];
  return cell?.cell_type === 'code' ? cell.outputs : [];
};
const streamText = (outs: NbOutput[], name = 'stdout') =>
  outs
    .filter((o) => o.output_type === 'stream' && o.name === name)
    .map((o) => (o.output_type === 'stream' ? joined(o.text) : ''))
    .join('');
const plain = (o: NbOutput | undefined) => (o && (o.output_type === 'execute_result' || o.output_type === 'display_data') ? joined(o.data['text/plain']) : undefined);

/** Processes (other than this one) whose working folder is `folder` (Linux: /proc/<pid>/cwd). */
function processesIn(folder: string): number[] {
  if (!existsSync('/proc/self/cwd')) return [];
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
    .filter((pid) => {
      try {
        return readlinkSync(`/proc/${pid}/cwd`) === folder;
      } catch {
        return false;
      }
    })
    .map(Number);
}

describe.skipIf(!hasStack)('headless notebook runs (IPython, /usr/bin/python3)', () => {
  it('runs prints, expressions, a DataFrame, a plot, a display update and %timeit, clearing old outputs', async () => {
    const stale: NbOutput = { output_type: 'stream', name: 'stdout', text: 'stale\n' };
    const nb = notebook([
      markdown('# A notebook'),
      code('print("hello")\nprint("world")', { outputs: [stale], execution_count: 7, metadata: { execution: { 'iopub.status.busy': '2020-01-01T00:00:00Z' } } }),
      code('x = 20\nx + 22'),
      code('   \n', { outputs: [stale] }),
      code('import pandas as pd\npd.DataFrame({"a": [1, 2], "b": ["x", "y"]})'),
      code('%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()'),
      code('from IPython.display import display, update_display\ndisplay("first", display_id="x")\nupdate_display("second", display_id="x")'),
      code('update_display("third", display_id="x")\nprint("updated from another cell")'),
      code('%timeit -n 5 -r 2 sum(range(100))'),
    ]);
    const before = serializeNotebook(nb);
    const cells: CellReport[] = [];
    const result = await runNotebook(nb, options({ onCell: (r) => cells.push(r) }));
    expect(serializeNotebook(nb)).toBe(before); // the input is not modified
    expect(result.failure).toBeNull();
    expect(result.ok).toBe(true);
    expect(result.python.ipython).toBe(true);
    expect(cells.map((c) => [c.ordinal, c.total, c.status])).toEqual([1, 2, 3, 4, 5, 6, 7].map((n) => [n, 7, 'ok']));
    expect(cells.map((c) => c.index)).toEqual([1, 2, 4, 5, 6, 7, 8]);

    const out = result.notebook;
    expect(streamText(outputsAt(out, 1))).toBe('hello\nworld\n');
    expect((out.cells[1] as NbCodeCell).execution_count).toBe(1);
    expect(out.cells[1]?.metadata.execution).toBeUndefined();
    expect(plain(outputsAt(out, 2)[0])).toBe('42');
    expect(outputsAt(out, 2)[0]).toMatchObject({ output_type: 'execute_result', execution_count: 2 });
    // A blank cell is not run; its old outputs are cleared all the same.
    expect(outputsAt(out, 3)).toEqual([]);
    expect((out.cells[3] as NbCodeCell).execution_count).toBeNull();
    const df = outputsAt(out, 4)[0];
    expect(df?.output_type === 'execute_result' && joined(df.data['text/html'])).toContain('<table');
    const png = outputsAt(out, 5).find((o) => o.output_type === 'display_data');
    expect(png?.output_type === 'display_data' && Buffer.from(joined(png.data['image/png']), 'base64').subarray(1, 4).toString()).toBe('PNG');
    // The display was updated in its own cell, then from the next one, as nbclient does.
    expect(outputsAt(out, 6).map(plain)).toEqual(["'third'"]);
    expect(streamText(outputsAt(out, 7))).toBe('updated from another cell\n');
    expect(outputsAt(out, 7).some((o) => o.output_type === 'display_data')).toBe(false);
    expect(streamText(outputsAt(out, 8))).toMatch(/per loop/);
    expect(out.metadata.language_info).toMatchObject({ name: 'python', version: result.python.version });
    // The executed notebook is a valid file.
    expect(parseNotebook(serializeNotebook(out)).ok).toBe(true);
  });

  it('stops at the first error (the rest not run, without outputs); with allowErrors runs to the end', async () => {
    const nb = notebook([code('a = 1\nprint("one")'), code('1 / 0'), code('print("three")'), code('a + 1')]);
    const stopped = await runNotebook(nb, options());
    expect(stopped.ok).toBe(false);
    expect(stopped.failure).toMatchObject({ cellIndex: 1, status: 'error' });
    expect(stopped.failure?.message).toContain('ZeroDivisionError');
    expect(stopped.cells.map((c) => c.status)).toEqual(['ok', 'error']);
    expect(outputsAt(stopped.notebook, 1).find((o) => o.output_type === 'error')).toMatchObject({ ename: 'ZeroDivisionError' });
    expect(outputsAt(stopped.notebook, 2)).toEqual([]);
    expect((stopped.notebook.cells[2] as NbCodeCell).execution_count).toBeNull();

    const allowed = await runNotebook(nb, options({ allowErrors: true }));
    expect(allowed.ok).toBe(true);
    expect(allowed.failure).toBeNull();
    expect(allowed.cells.map((c) => c.status)).toEqual(['ok', 'error', 'ok', 'ok']);
    expect(streamText(outputsAt(allowed.notebook, 2))).toBe('three\n');
    expect(plain(outputsAt(allowed.notebook, 3)[0])).toBe('2');
    expect(allowed.notebook.cells.map((c) => (c as NbCodeCell).execution_count)).toEqual([1, 2, 3, 4]);
  });

  it('interrupts a cell past its timeout, fails, and leaves no Python behind', async () => {
    const nb = notebook([code('import time\ntime.sleep(60)'), code('print("never")')]);
    const t0 = Date.now();
    const result = await runNotebook(nb, options({ timeoutMs: 1500, allowErrors: true }));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(result.ok).toBe(false);
    expect(result.failure).toMatchObject({ cellIndex: 0, status: 'timeout' });
    expect(result.failure?.message).toMatch(/longer than 1\.5 s/);
    expect(outputsAt(result.notebook, 0).find((o) => o.output_type === 'error')).toMatchObject({ ename: 'KeyboardInterrupt' });
    expect(outputsAt(result.notebook, 1)).toEqual([]);
    expect(processesIn(dir)).toEqual([]);
  });

  it('kills a cell that ignores the interrupt', async () => {
    const nb = notebook([code('import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\ntime.sleep(60)')]);
    const t0 = Date.now();
    const result = await runNotebook(nb, options({ timeoutMs: 500, interruptGraceMs: 500 }));
    expect(Date.now() - t0).toBeLessThan(15_000);
    expect(result.failure).toMatchObject({ cellIndex: 0, status: 'timeout' });
  });

  it('gives input() end-of-file instead of waiting for a terminal', async () => {
    const nb = notebook([code('try:\n    input("name? ")\nexcept EOFError:\n    print("EOF")')]);
    const result = await runNotebook(nb, options({ timeoutMs: 20_000 }));
    expect(result.failure).toBeNull();
    expect(streamText(outputsAt(result.notebook, 0))).toContain('EOF');
  });

  it('stops when aborted (Ctrl-C in the CLI)', async () => {
    const controller = new AbortController();
    const nb = notebook([code('import time\ntime.sleep(60)')]);
    const pending = runNotebook(nb, options({ signal: controller.signal, onReady: () => setTimeout(() => controller.abort(), 300) }));
    const result = await pending;
    expect(result.failure?.status).toBe('cancelled');
  });

  it('runs in plain Python too (a venv without IPython): prints, values, display()', async () => {
    const venv = join(dir, 'plain-venv');
    execFileSync(PYTHON, ['-m', 'venv', '--without-pip', venv], { timeout: 60_000 });
    const nb = notebook([code('print("plain")'), code('6 * 7'), code('display("shown")\n"last"'), code('import IPython')]);
    const result = await runNotebook(nb, options({ python: join(venv, 'bin', 'python'), allowErrors: true }));
    expect(result.python.ipython).toBe(false);
    expect(streamText(outputsAt(result.notebook, 0))).toBe('plain\n');
    expect(plain(outputsAt(result.notebook, 1)[0])).toBe('42');
    expect(outputsAt(result.notebook, 2).map((o) => `${o.output_type}: ${plain(o)}`)).toEqual(["display_data: 'shown'", "execute_result: 'last'"]);
    expect(result.cells.map((c) => c.status)).toEqual(['ok', 'ok', 'ok', 'error']);
    expect(result.cells[3]?.error?.ename).toBe('ModuleNotFoundError');
    expect(result.notebook.cells.map((c) => (c as NbCodeCell).execution_count)).toEqual([1, 2, 3, 4]);
  });

  it('writes nbclient’s timing metadata only when asked', async () => {
    const result = await runNotebook(notebook([code('import time\ntime.sleep(0.05)')]), options({ recordTiming: true }));
    const timing = result.notebook.cells[0]?.metadata.execution as Record<string, string>;
    expect(Object.keys(timing).sort()).toEqual(['iopub.execute_input', 'iopub.status.busy', 'iopub.status.idle', 'shell.execute_reply']);
    const busy = Date.parse(timing['iopub.status.busy']!);
    const idle = Date.parse(timing['iopub.status.idle']!);
    expect(idle - busy).toBeGreaterThanOrEqual(40);
    expect(timing['iopub.status.busy']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('reports an interpreter that can’t start', async () => {
    const result = await runNotebook(notebook([code('1')]), options({ python: join(dir, 'no-python') }));
    expect(result.ok).toBe(false);
    expect(result.failure?.status).toBe('start-failed');
  });
});

// --- against Jupyter ------------------------------------------------------------------------------------

/** A notebook whose outputs are the same on every run: no timings, no addresses, no randomness. */
function deterministic(): Notebook {
  return notebook([
    markdown('Deterministic outputs only.'),
    code('print("hello")'),
    code('1 + 1'),
    code('import sys\nprint("to stderr", file=sys.stderr)\nprint("to stdout")'),
    code('x = [i * i for i in range(5)]\nx'),
    code(''),
    code('for i in range(3):\n    print(i, end=" ")\nprint()'),
    code('print("a\\rb")\nprint("progress 10%\\rprogress 100%")'),
    code('from IPython.display import display\ndisplay({"a": 1})\n"after the display"'),
    code('import pandas as pd\ndf = pd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})\ndf'),
    code('def f(n):\n    """Doc."""\n    return n * 2\nf(21)'),
    code('print("no newline at the end", end="")'),
    code('None'),
    code('y = 5'),
    code('"text with a \\"quote\\" and unicode: ✓"'),
    code('raise ValueError("a deterministic error")'),
    code('print("after the error")'),
  ]);
}

/** Per code cell: [execution_count, stdout, stderr, text/plain of each result and display, error name: value]. */
function digest(nb: Notebook) {
  return nb.cells
    .filter((c): c is NbCodeCell => c.cell_type === 'code')
    .map((c) => ({
      count: c.execution_count,
      stdout: streamText(c.outputs, 'stdout'),
      stderr: streamText(c.outputs, 'stderr'),
      plain: c.outputs.filter((o) => o.output_type !== 'stream' && o.output_type !== 'error').map((o) => `${o.output_type}: ${plain(o)}`),
      error: c.outputs.filter((o) => o.output_type === 'error').map((o) => (o.output_type === 'error' ? `${o.ename}: ${o.evalue}` : '')),
    }));
}

describe.skipIf(!hasJupyter)('lathe nb run against jupyter nbconvert --execute (same interpreter)', () => {
  let input: string;
  let jupyter: Notebook;

  beforeAll(async () => {
    input = join(dir, 'deterministic.ipynb');
    await fs.writeFile(input, serializeNotebook(deterministic()));
    const out = join(dir, 'deterministic.jupyter.ipynb');
    await run(NBCONVERT, ['--to', 'notebook', '--execute', '--allow-errors', '--output', out, input], {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      timeout: 120_000,
    });
    const parsed = parseNotebook(await fs.readFile(out, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    jupyter = parsed.value;
  }, 150_000);

  it('gives the same text outputs, cell by cell (headless function)', async () => {
    const parsed = parseNotebook(await fs.readFile(input, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const lathe = await runNotebook(parsed.value, options({ allowErrors: true }));
    expect(lathe.ok).toBe(true);
    const mine = digest(lathe.notebook);
    const theirs = digest(jupyter);
    // Not a vacuous comparison: Jupyter did run the cells.
    expect(theirs[0]).toMatchObject({ count: 1, stdout: 'hello\n' });
    expect(theirs.find((c) => c.stdout.includes('progress'))?.stdout).toBe('b\nprogress 100%\n');
    expect(mine).toHaveLength(theirs.length);
    for (const [i, cell] of theirs.entries()) expect(mine[i], `code cell ${i + 1}`).toEqual(cell);
  });

  it.skipIf(cliProblem !== null)('gives the same text outputs through the built CLI, with progress on stderr', async () => {
    const out = join(dir, 'deterministic.lathe.ipynb');
    const r = await run(process.execPath, [CLI, 'nb', 'run', input, '-o', out, '--python', PYTHON, '--allow-errors'], { timeout: 120_000 }).catch(
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(r.stderr).toMatch(/\[1\/15\] ok \d/);
    expect(r.stderr).toMatch(/\[14\/15\] error .*ValueError: a deterministic error/);
    expect(r.stderr).toMatch(/wrote /);
    expect('code' in r ? r.code : 0).toBe(0);
    const parsed = parseNotebook(await fs.readFile(out, 'utf8'));
    if (!parsed.ok) throw new Error(parsed.message);
    const mine = digest(parsed.value);
    for (const [i, cell] of digest(jupyter).entries()) expect(mine[i], `code cell ${i + 1}`).toEqual(cell);
  });

  it.skipIf(cliProblem !== null)('through the CLI: exit 1 at the first error (notebook written), exit 2 for an invalid notebook', async () => {
    const out = join(dir, 'stopped.ipynb');
    const failed = await run(process.execPath, [CLI, 'nb', 'run', input, '-o', out, '--python', PYTHON], { timeout: 120_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('ValueError: a deterministic error');
    expect(failed.stderr).toMatch(/14 of 15 cells run in /);
    const written = parseNotebook(await fs.readFile(out, 'utf8'));
    expect(written.ok).toBe(true);

    const broken = join(dir, 'broken.ipynb');
    await fs.writeFile(broken, '{"nbformat": 4, "cells": [');
    const invalid = await run(process.execPath, [CLI, 'nb', 'run', broken], { timeout: 60_000 }).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(invalid.code).toBe(2);
    expect(invalid.stderr).toMatch(/broken\.ipynb is not a valid notebook/);
    expect(existsSync(join(dir, 'broken.out.ipynb'))).toBe(false);
  });
});
