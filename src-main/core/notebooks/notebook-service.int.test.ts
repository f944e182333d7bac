/**
 * The notebook service on real files in a temp project, with a real Python session (/usr/bin/python3
 * through the pty host) for bind/execute/runs, and Jupyter's own `nbformat` (same interpreter) as the judge
 * of what is written.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NotebookFile, RunOutput } from '../../common/contract';
import { parseNotebook } from '../../common/notebook/ipynb';
import type { NbCodeCell, NbOutput, Notebook } from '../../common/notebook/nbformat';
import { appendOutputs } from '../../common/notebook/outputs';
import type { Result } from '../../common/result';
import { PTY_HOST } from '../../../test/children';
import { EventHub } from '../event-hub';
import { resourcesDir } from '../resources';
import { SessionService } from '../sessions/session-service';
import { WorkspaceService } from '../workspace/workspace-service';
import { NotebookService, RECOVERY_KEY } from './notebook-service';

const PYTHON = '/usr/bin/python3';

function canImport(modules: string[]): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${modules.join(', ')}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const hasNbformat = existsSync(PYTHON) && canImport(['nbformat']);
const hasStack = existsSync(PYTHON) && canImport(['IPython', 'pandas', 'matplotlib']);
if (!hasNbformat) console.warn(`[skip] ${PYTHON} with nbformat is missing: run scripts/setup-system.sh (Jupyter's validation checks are skipped)`);
if (!hasStack) console.warn(`[skip] ${PYTHON} with IPython, pandas and matplotlib is missing: run scripts/setup-system.sh (notebook execution tests are skipped)`);

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

/** Jupyter's verdict on a file: null when valid, else its message. Also checks nbformat writes the same bytes. */
function jupyterCheck(path: string): { error: string | null; sameBytes: boolean } {
  const script = [
    'import sys, json, nbformat',
    'path = sys.argv[1]',
    'text = open(path, encoding="utf-8").read()',
    'try:',
    '    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)',
    '    nbformat.validate(nb)',
    '    err = None',
    'except Exception as e:',
    '    err = "%s: %s" % (type(e).__name__, str(e)[:500])',
    '    nb = None',
    'same = nb is not None and nbformat.writes(nb) + "\\n" == text',
    'print(json.dumps({"error": err, "sameBytes": same}))',
  ].join('\n');
  return JSON.parse(execFileSync(PYTHON, ['-c', script, path], { encoding: 'utf8', timeout: 60_000 }).trim()) as { error: string | null; sameBytes: boolean };
}

const NOTEBOOK_TEXT = `{
 "cells": [
  {
   "cell_type": "markdown",
   "id": "intro",
   "metadata": {},
   "source": [
    "# Title\\n",
    "Some *text*."
   ]
  },
  {
   "cell_type": "code",
   "execution_count": 1,
   "id": "first",
   "metadata": {"tags": ["keep"]},
   "outputs": [
    {
     "name": "stdout",
     "output_type": "stream",
     "text": [
      "hi\\n"
     ]
    }
   ],
   "source": [
    "print('hi')"
   ]
  }
 ],
 "metadata": {
  "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
  "language_info": {"name": "python", "version": "3.11.2"},
  "custom": {"kept": [1, 2, 3]}
 },
 "nbformat": 4,
 "nbformat_minor": 5
}
`;

interface Env {
  base: string;
  root: string;
  userDir: string;
  hub: EventHub;
  workspace: WorkspaceService;
  sessions: SessionService;
  notebooks: NotebookService;
}

async function makeEnv(): Promise<Env> {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'lathe-nb-')));
  const root = join(base, 'project');
  const userDir = join(base, 'user');
  await fs.mkdir(join(root, 'sub'), { recursive: true });
  const hub = new EventHub();
  const workspace = new WorkspaceService({ hub, excludes: () => [] });
  value(await workspace.open(root));
  const python = join(resourcesDir(), 'python');
  const sessions = new SessionService({
    hub,
    ptyHostEntry: PTY_HOST,
    driver: join(python, 'lathe_driver.py'),
    pythonPath: python,
    projectRoot: () => root,
    defaultPython: async () => PYTHON,
  });
  const notebooks = new NotebookService({
    workspace,
    sessions,
    userDir,
    pythonVersion: async (p) => (p === PYTHON || p === undefined ? '3.11.2-probed' : null),
  });
  return { base, root, userDir, hub, workspace, sessions, notebooks };
}

async function disposeEnv(env: Env): Promise<void> {
  await env.sessions.dispose();
  await env.workspace.dispose();
  rmSync(env.base, { recursive: true, force: true });
}

describe('notebook files', () => {
  let env: Env;
  const file = (rel: string) => join(env.root, rel);

  beforeEach(async () => {
    env = await makeEnv();
    await fs.writeFile(file('a.ipynb'), NOTEBOOK_TEXT);
  });
  afterEach(() => disposeEnv(env));

  it('opens a notebook with the workspace’s version, unknown fields kept', async () => {
    const opened = value(await env.notebooks.open('./a.ipynb'));
    expect(opened.path).toBe('a.ipynb');
    expect(opened.version).toBe(value(await env.workspace.read('a.ipynb')).version);
    expect(opened.recovery).toBeNull();
    expect(opened.session).toBeNull();
    expect(opened.notebook.cells).toHaveLength(2);
    expect(opened.notebook.metadata.custom).toEqual({ kept: [1, 2, 3] });
    expect(opened.notebook.cells[1]?.metadata).toEqual({ tags: ['keep'] });
  });

  it('refuses missing files, folders and paths outside the project', async () => {
    expect(await env.notebooks.open('missing.ipynb')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    expect(await env.notebooks.open('sub')).toMatchObject({ ok: false, code: 'IS_A_DIRECTORY' });
    expect(await env.notebooks.open('../outside.ipynb')).toMatchObject({ ok: false, code: 'OUTSIDE_PROJECT' });
    await fs.writeFile(join(env.base, 'outside.ipynb'), NOTEBOOK_TEXT);
    await fs.symlink(join(env.base, 'outside.ipynb'), file('link.ipynb'));
    expect(await env.notebooks.open('link.ipynb')).toMatchObject({ ok: false, code: 'OUTSIDE_PROJECT' });
    expect(await env.notebooks.save('../outside.ipynb', value(await env.notebooks.open('a.ipynb')).notebook, null)).toMatchObject({
      ok: false,
      code: 'OUTSIDE_PROJECT',
    });
    expect(await env.notebooks.autosave('/etc/x.ipynb', value(await env.notebooks.open('a.ipynb')).notebook)).toMatchObject({
      ok: false,
      code: 'OUTSIDE_PROJECT',
    });
  });

  it('refuses truncated and invalid JSON with the parser’s reason, and leaves the file as it was', async () => {
    const cases: Record<string, string> = {
      'truncated.ipynb': NOTEBOOK_TEXT.slice(0, NOTEBOOK_TEXT.length / 2),
      'not-json.ipynb': 'this is not JSON\n',
      'empty.ipynb': '',
      'array.ipynb': '[1, 2, 3]\n',
      'v3.ipynb': JSON.stringify({ nbformat: 3, nbformat_minor: 0, metadata: {}, worksheets: [] }),
      'no-cells.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {} }),
      'bad-cell.ipynb': JSON.stringify({ nbformat: 4, nbformat_minor: 5, metadata: {}, cells: [{ cell_type: 'code', source: 42 }] }),
    };
    for (const [name, text] of Object.entries(cases)) {
      await fs.writeFile(file(name), text);
      const r = await env.notebooks.open(name);
      expect(r.ok, name).toBe(false);
      if (r.ok) continue;
      expect(r.code, name).toBe('NOTEBOOK_INVALID');
      expect(r.message, name).toContain(name);
      expect(r.message.length, name).toBeGreaterThan(`"${name}" is not a valid notebook: `.length);
      expect(await fs.readFile(file(name), 'utf8'), name).toBe(text);
    }
  });

  it('saves Jupyter’s way: nbformat validates it and writes the very same bytes', async () => {
    const opened = value(await env.notebooks.open('a.ipynb'));
    const nb = structuredClone(opened.notebook);
    const cell = nb.cells[1] as NbCodeCell;
    cell.source = 'x = 1\nprint("π ≈ 3.14159")\nx';
    cell.outputs = [
      { output_type: 'stream', name: 'stdout', text: 'π ≈ 3.14159\n' },
      { output_type: 'execute_result', execution_count: 2, data: { 'text/plain': '1' }, metadata: {} },
    ];
    cell.execution_count = 2;
    const written = value(await env.notebooks.save('a.ipynb', nb, opened.version));
    const text = await fs.readFile(file('a.ipynb'), 'utf8');
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).toContain('\n "cells": [\n');
    expect(text).toContain('"π ≈ 3.14159\\n"');
    expect(written.size).toBe(Buffer.byteLength(text));
    const reopened = value(await env.notebooks.open('a.ipynb'));
    expect(reopened.version).toBe(written.version);
    expect((reopened.notebook.cells[1] as NbCodeCell).outputs).toHaveLength(2);
    expect(reopened.notebook.metadata.custom).toEqual({ kept: [1, 2, 3] });
    if (hasNbformat) expect(jupyterCheck(file('a.ipynb'))).toEqual({ error: null, sameBytes: true });
  });

  it('detects a change on disk since the notebook was opened (CONFLICT), and writes nothing', async () => {
    const opened = value(await env.notebooks.open('a.ipynb'));
    const outside = NOTEBOOK_TEXT.replace("print('hi')", "print('changed outside')");
    await fs.writeFile(file('a.ipynb'), outside);
    const r = await env.notebooks.save('a.ipynb', opened.notebook, opened.version);
    expect(r).toMatchObject({ ok: false, code: 'CONFLICT' });
    expect(await fs.readFile(file('a.ipynb'), 'utf8')).toBe(outside);
    // A save with the fresh version goes through.
    const fresh = value(await env.notebooks.open('a.ipynb'));
    value(await env.notebooks.save('a.ipynb', opened.notebook, fresh.version));
    // Deleted meanwhile: a conflict too.
    await fs.rm(file('a.ipynb'));
    expect(await env.notebooks.save('a.ipynb', opened.notebook, fresh.version)).toMatchObject({ ok: false, code: 'CONFLICT' });
  });

  it('never writes an invalid notebook object', async () => {
    const before = await fs.readFile(file('a.ipynb'));
    const opened = value(await env.notebooks.open('a.ipynb'));
    const bad: unknown[] = [
      { ...opened.notebook, cells: 'nope' },
      { ...opened.notebook, nbformat: 3 },
      { ...opened.notebook, cells: [{ cell_type: 'code', source: 'x', metadata: {}, outputs: [{ output_type: 'bogus' }], execution_count: null }] },
      { metadata: {} },
    ];
    for (const nb of bad) {
      const r = await env.notebooks.save('a.ipynb', nb as Notebook, opened.version);
      expect(r, JSON.stringify(nb).slice(0, 80)).toMatchObject({ ok: false, code: 'NOTEBOOK_INVALID' });
      expect(await env.notebooks.autosave('a.ipynb', nb as Notebook)).toMatchObject({ ok: false, code: 'NOTEBOOK_INVALID' });
    }
    expect(Buffer.compare(await fs.readFile(file('a.ipynb')), before)).toBe(0);
    expect(existsSync(join(env.userDir, 'recovery'))).toBe(false);
  });

  it('creates a valid nbformat 4.5 notebook with the interpreter’s version, and refuses to replace a file', async () => {
    const created = value(await env.notebooks.create('sub/new.ipynb', PYTHON));
    expect(created.path).toBe('sub/new.ipynb');
    expect(created.notebook.nbformat).toBe(4);
    expect(created.notebook.nbformat_minor).toBe(5);
    expect(created.notebook.metadata.language_info?.version).toBe('3.11.2-probed');
    expect(created.notebook.metadata.kernelspec?.name).toBeTruthy();
    expect(created.recovery).toBeNull();
    const opened = value(await env.notebooks.open('sub/new.ipynb'));
    expect(opened.version).toBe(created.version);
    expect(opened.notebook).toEqual(created.notebook);
    if (hasNbformat) expect(jupyterCheck(file('sub/new.ipynb'))).toEqual({ error: null, sameBytes: true });

    const before = await fs.readFile(file('a.ipynb'));
    expect(await env.notebooks.create('a.ipynb')).toMatchObject({ ok: false, code: 'ALREADY_EXISTS' });
    expect(Buffer.compare(await fs.readFile(file('a.ipynb')), before)).toBe(0);
    expect(await env.notebooks.create('nowhere/x.ipynb')).toMatchObject({ ok: false, code: 'NOT_FOUND' });
    // Without an interpreter's version: still valid, just no version.
    const plain = value(await env.notebooks.create('plain.ipynb', '/no/such/python'));
    expect(plain.notebook.metadata.language_info?.version).toBeUndefined();
    if (hasNbformat) expect(jupyterCheck(file('plain.ipynb')).error).toBeNull();
  });

  it('keeps unsaved edits in a recovery copy, never in the user’s file, and drops it on save', async () => {
    const before = await fs.readFile(file('a.ipynb'));
    const opened = value(await env.notebooks.open('a.ipynb'));
    const edited = structuredClone(opened.notebook);
    edited.cells.push({ cell_type: 'code', id: 'added', source: 'y = 2', metadata: {}, outputs: [], execution_count: null });
    value(await env.notebooks.autosave('a.ipynb', edited));
    expect(Buffer.compare(await fs.readFile(file('a.ipynb')), before)).toBe(0);

    // The recovery copy is a notebook any Jupyter opens, with Lathe's header in its metadata.
    const copies = await fs.readdir(join(env.userDir, 'recovery'));
    expect(copies).toHaveLength(1);
    expect(copies[0]).toMatch(/^[0-9a-f]{20}\.ipynb$/);
    const copyPath = join(env.userDir, 'recovery', copies[0]!);
    const copy = value(parseNotebook(await fs.readFile(copyPath, 'utf8')));
    expect(copy.metadata[RECOVERY_KEY]).toMatchObject({ root: env.root, path: 'a.ipynb' });
    if (hasNbformat) expect(jupyterCheck(copyPath).error).toBeNull();

    // A reopened tab is offered the edits, without the header.
    const again = value(await env.notebooks.open('a.ipynb'));
    expect(again.recovery).not.toBeNull();
    expect(again.recovery?.notebook.cells).toHaveLength(3);
    expect(again.recovery?.notebook.metadata[RECOVERY_KEY]).toBeUndefined();
    expect(again.recovery?.notebook.metadata.custom).toEqual({ kept: [1, 2, 3] });
    expect(again.recovery?.savedAt).toBeGreaterThan(0);

    // Saving the file drops the copy.
    value(await env.notebooks.save('a.ipynb', again.recovery!.notebook, again.version));
    expect(await fs.readdir(join(env.userDir, 'recovery'))).toEqual([]);
    const saved = value(await env.notebooks.open('a.ipynb'));
    expect(saved.recovery).toBeNull();
    expect(saved.notebook.cells).toHaveLength(3);
  });

  it('offers a recovery copy only when it is newer than the file and differs from it; discardRecovery drops it', async () => {
    const opened = value(await env.notebooks.open('a.ipynb'));
    // The same content as the file: nothing to recover.
    value(await env.notebooks.autosave('a.ipynb', opened.notebook));
    expect(value(await env.notebooks.open('a.ipynb')).recovery).toBeNull();

    const edited = structuredClone(opened.notebook);
    edited.cells.pop();
    value(await env.notebooks.autosave('a.ipynb', edited));
    expect(value(await env.notebooks.open('a.ipynb')).recovery?.notebook.cells).toHaveLength(1);
    // The file changed afterwards (outside Lathe): the copy is older than the file, so it is not offered.
    const later = new Date(Date.now() + 60_000);
    await fs.utimes(file('a.ipynb'), later, later);
    expect(value(await env.notebooks.open('a.ipynb')).recovery).toBeNull();

    // Another spelling of the same path is the same copy.
    value(await env.notebooks.autosave('sub/../a.ipynb', edited));
    expect(await fs.readdir(join(env.userDir, 'recovery'))).toHaveLength(1);
    value(await env.notebooks.discardRecovery('./a.ipynb'));
    expect(await fs.readdir(join(env.userDir, 'recovery'))).toEqual([]);
    value(await env.notebooks.discardRecovery('never-saved.ipynb'));
  });

  it('serialises autosaves and saves: a save issued after an autosave leaves no copy behind', async () => {
    const opened = value(await env.notebooks.open('a.ipynb'));
    const edited = structuredClone(opened.notebook);
    edited.cells.pop();
    const pending = [env.notebooks.autosave('a.ipynb', edited), env.notebooks.save('a.ipynb', edited, opened.version)];
    const [autosaved, saved] = await Promise.all(pending);
    expect(autosaved?.ok).toBe(true);
    expect(saved?.ok).toBe(true);
    expect(await fs.readdir(join(env.userDir, 'recovery'))).toEqual([]);
  });

  it('needs an open project', async () => {
    await env.workspace.close();
    expect(await env.notebooks.open('a.ipynb')).toMatchObject({ ok: false, code: 'NO_PROJECT' });
  });
});

// --- running cells in a bound session -------------------------------------------------------------------

/** Wait for every run of `nb` to be done; returns the notebook's runs. */
async function settle(env: Env, path: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const runs = value(await env.notebooks.runs(path));
    if (runs.length > 0 && runs.every((r) => r.run.state === 'done')) return runs;
    if (Date.now() > until) throw new Error(`runs not done in time: ${JSON.stringify(runs.map((r) => r.run.state))}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

function outputsOf(outputs: readonly RunOutput[]): NbOutput[] {
  return appendOutputs([], outputs);
}

function text(o: NbOutput | undefined, key: 'text' | 'text/plain' = 'text'): string {
  if (!o) return '';
  if (key === 'text') return o.output_type === 'stream' ? (Array.isArray(o.text) ? o.text.join('') : o.text) : '';
  if (o.output_type !== 'execute_result' && o.output_type !== 'display_data') return '';
  const v = o.data['text/plain'];
  return Array.isArray(v) ? v.join('') : String(v);
}

describe.skipIf(!hasStack)('notebook runs in a bound session (IPython, /usr/bin/python3)', () => {
  let env: Env;
  let sessionId: string;

  beforeAll(async () => {
    env = await makeEnv();
    await fs.writeFile(join(env.root, 'a.ipynb'), NOTEBOOK_TEXT);
    const started = value(await env.sessions.start({ python: PYTHON }));
    value(await env.sessions.whenReady(started.id));
    sessionId = started.id;
  }, 60_000);
  afterAll(() => disposeEnv(env));

  it('binds, and reports the bound session on open while it is alive', async () => {
    expect(await env.notebooks.bind('a.ipynb', 'no-such-session')).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
    value(await env.notebooks.bind('a.ipynb', sessionId));
    const opened: NotebookFile = value(await env.notebooks.open('a.ipynb'));
    expect(opened.session).toBe(sessionId);
  });

  it('runs cells with their outputs captured, and lists the runs for re-attaching', async () => {
    const cells: Array<[string, string]> = [
      ['c-print', 'print("hello")\nprint("world")'],
      ['c-expr', 'x = 20\nx + 22'],
      ['c-df', 'import pandas as pd\ndf = pd.DataFrame({"a": [1, 2], "b": ["x", "y"]})\ndf'],
      ['c-plot', '%matplotlib inline\nimport matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.show()'],
      ['c-display', 'from IPython.display import display, update_display\ndisplay("first", display_id="x")\nupdate_display("second", display_id="x")\nprint("after")'],
      ['c-timeit', '%timeit -n 5 -r 2 sum(range(100))'],
    ];
    for (const [cellId, code] of cells) value(await env.notebooks.execute('a.ipynb', sessionId, cellId, code));
    const runs = await settle(env, 'a.ipynb');
    expect(runs.map((r) => r.cellId)).toEqual(cells.map(([c]) => c));
    for (const r of runs) {
      expect(r.run.status, r.cellId).toBe('ok');
      expect(r.run.origin).toBe('notebook');
    }
    const by = (id: string) => outputsOf(runs.find((r) => r.cellId === id)!.outputs);

    expect(by('c-print')).toEqual([{ output_type: 'stream', name: 'stdout', text: expect.anything() }]);
    expect(text(by('c-print')[0])).toBe('hello\nworld\n');

    const expr = by('c-expr');
    expect(expr).toHaveLength(1);
    expect(expr[0]).toMatchObject({ output_type: 'execute_result', execution_count: runs[1]!.run.count });
    expect(text(expr[0], 'text/plain')).toBe('42');

    const df = by('c-df')[0];
    expect(df?.output_type).toBe('execute_result');
    if (df?.output_type === 'execute_result') {
      expect(Object.keys(df.data)).toEqual(expect.arrayContaining(['text/plain', 'text/html']));
      expect(JSON.stringify(df.data['text/html'])).toContain('<table');
    }

    const plot = by('c-plot').filter((o) => o.output_type === 'display_data');
    expect(plot).toHaveLength(1);
    if (plot[0]?.output_type === 'display_data') {
      const png = plot[0].data['image/png'];
      const b64 = Array.isArray(png) ? png.join('') : String(png);
      expect(Buffer.from(b64, 'base64').subarray(1, 4).toString()).toBe('PNG');
    }

    const display = by('c-display');
    expect(display.map((o) => o.output_type)).toEqual(['display_data', 'stream']);
    expect(text(display[0], 'text/plain')).toBe("'second'");
    expect(text(display[1])).toBe('after\n');

    expect(text(by('c-timeit')[0])).toMatch(/per loop/);
  });

  it('reports a failing cell, aborts the cells queued behind it (as Jupyter does), and keeps the runs listed', async () => {
    const path = 'sub/errors.ipynb';
    value(await env.notebooks.execute(path, sessionId, 'e1', 'print("before")'));
    value(await env.notebooks.execute(path, sessionId, 'e2', '1 / 0'));
    value(await env.notebooks.execute(path, sessionId, 'e3', 'print("never")'));
    const runs = await settle(env, path);
    expect(runs.map((r) => [r.cellId, r.run.status])).toEqual([
      ['e1', 'ok'],
      ['e2', 'error'],
      ['e3', 'aborted'],
    ]);
    const error = outputsOf(runs[1]!.outputs).find((o) => o.output_type === 'error');
    expect(error).toMatchObject({ output_type: 'error', ename: 'ZeroDivisionError' });
    expect(outputsOf(runs[2]!.outputs)).toEqual([]);
    // Another notebook's runs are its own.
    expect(value(await env.notebooks.runs('a.ipynb')).every((r) => r.cellId.startsWith('c-'))).toBe(true);
    expect(value(await env.notebooks.runs('never-run.ipynb'))).toEqual([]);
  });

  it('forgets the session once it is stopped', async () => {
    const other = value(await env.sessions.start({ python: PYTHON }));
    value(await env.sessions.whenReady(other.id));
    value(await env.notebooks.execute('b.ipynb', other.id, 'b1', '"b"'));
    await settle(env, 'b.ipynb');
    await fs.writeFile(join(env.root, 'b.ipynb'), NOTEBOOK_TEXT);
    expect(value(await env.notebooks.open('b.ipynb')).session).toBe(other.id);
    value(await env.sessions.stop(other.id));
    expect(value(await env.notebooks.open('b.ipynb')).session).toBeNull();
    expect(value(await env.notebooks.runs('b.ipynb'))).toEqual([]);
    expect(await env.notebooks.execute('b.ipynb', other.id, 'b2', '1')).toMatchObject({ ok: false, code: 'SESSION_NOT_FOUND' });
  });
});
