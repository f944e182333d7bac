/**
 * Finding and probing Python interpreters, with no configuration.
 *
 * Probing runs `<python> resources/python/lathe_probe.py`, spawned asynchronously in its own process
 * group, which is killed after a timeout (default 5 s). The environment is the caller's minus PYTHONHOME
 * and PYTHONSTARTUP (PYTHONPATH still counts, as it will in a session). The probe prints one JSON line:
 * version, sys.executable, sys.prefix and which of numpy/torch/IPython/onnx can be imported (found, not
 * imported). Whatever goes wrong (no such file, not executable, not Python, no answer in time, older
 * than 3.8) becomes `problem`, a sentence for the user; probing never throws for those.
 *
 * Candidates, in priority order:
 *   1. the project's `.venv`, then `venv` (bin/python; Scripts\python.exe on Windows). A venv folder
 *      without a usable python is still listed, so the user sees why the project's venv is broken;
 *   2. conda: the active env (CONDA_PREFIX), then the envs in ~/.conda/environments.txt, then
 *      ~/{miniconda3,anaconda3,miniforge3}/envs/* and those installs' base;
 *   3. pyenv: $PYENV_ROOT (or ~/.pyenv)/versions/<name>/bin/python, newest version first;
 *   4. the first `python3` on PATH (`python.exe` on Windows);
 *   5. /usr/bin/python3 (not on Windows).
 * Paths are listed once each (the same path found twice keeps its first place).
 *
 * After probing, duplicates are dropped: two candidates are the same interpreter when realpath(the
 * sys.executable they report) and sys.prefix both match. A venv's python links to its base python but
 * has its own prefix, so it stays separate; a pyenv shim or `python3` on PATH that is really
 * /usr/bin/python3 or a pyenv version collapses into the earlier entry, whose label and source are kept.
 * Candidates whose probe failed are compared by the realpath of their own path.
 *
 * Order of the result: project venvs first, working or not (their problem is the one the user must see);
 * then the working interpreters in priority order; then the other broken ones (old pyenv versions, dead
 * conda envs), kept so the user can see why they are not offered, but last.
 */
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import { type Readable } from 'node:stream';
import { basename, delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import type { Interpreter } from '../../common/contract';
import { resourcesDir } from '../resources';

export const DEFAULT_PROBE_TIMEOUT_MS = 5000;
/** The oldest Python Lathe supports. */
export const MIN_PYTHON: readonly [number, number] = [3, 8];
const PROBE_CONCURRENCY = 8;

export interface ProbeOptions {
  timeoutMs?: number;
  source?: Interpreter['source'];
  label?: string;
  /** The environment the interpreter runs in (PYTHONHOME and PYTHONSTARTUP are removed); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface DiscoverOptions {
  projectRoot: string | null;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  home?: string;
}

/** A place a Python may be, before it is probed. */
export interface Candidate {
  readonly path: string;
  readonly source: Interpreter['source'];
  readonly label: string;
}

/** A probed candidate and its identity for de-duplication. */
export interface Probed {
  readonly interpreter: Interpreter;
  readonly key: string;
}

const NO_MODULES: Interpreter['modules'] = { numpy: false, torch: false, IPython: false, onnx: false };

/** Probe one interpreter (a path, or a bare command name looked up on PATH). Never throws for a bad interpreter. */
export async function probeInterpreter(path: string, opts: ProbeOptions = {}): Promise<Interpreter> {
  return (await probe(path, opts)).interpreter;
}

/** Every interpreter found for `projectRoot` (see the header for the order and de-duplication rules). */
export async function discoverInterpreters(opts: DiscoverOptions): Promise<Interpreter[]> {
  const env = opts.env ?? process.env;
  const candidates = await listCandidates({ projectRoot: opts.projectRoot, env, home: opts.home ?? homedir() });
  const probed = await mapBounded(candidates, PROBE_CONCURRENCY, (c) =>
    probe(c.path, { source: c.source, label: c.label, env, timeoutMs: opts.timeoutMs }),
  );
  return mergeProbed(probed);
}

/** Drop duplicates (same key: the first is kept) and order the list (see the header). Pure. */
export function mergeProbed(probed: readonly Probed[]): Interpreter[] {
  const seen = new Set<string>();
  const unique: Interpreter[] = [];
  for (const p of probed) {
    if (seen.has(p.key)) continue;
    seen.add(p.key);
    unique.push(p.interpreter);
  }
  return [
    ...unique.filter((i) => i.source === 'venv' || i.source === 'custom'),
    ...unique.filter((i) => i.source !== 'venv' && i.source !== 'custom' && i.problem === null),
    ...unique.filter((i) => i.source !== 'venv' && i.source !== 'custom' && i.problem !== null),
  ];
}

// ---------------------------------------------------------------------------------------------------------
// Candidates

/** The candidates, in priority order, each path once. Only reads the file system; runs nothing. */
export async function listCandidates(opts: {
  projectRoot: string | null;
  env: NodeJS.ProcessEnv;
  home: string;
  platform?: NodeJS.Platform;
}): Promise<Candidate[]> {
  const { env, home } = opts;
  const windows = (opts.platform ?? process.platform) === 'win32';
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (path: string, source: Interpreter['source'], label: string): void => {
    const abs = resolve(path);
    if (seen.has(abs)) return;
    seen.add(abs);
    out.push({ path: abs, source, label });
  };
  const pythonIn = (prefix: string): string => (windows ? join(prefix, 'python.exe') : join(prefix, 'bin', 'python'));

  // 1. The project's venvs: listed when the folder exists, even when its python is missing or dangling.
  if (opts.projectRoot !== null) {
    for (const name of ['.venv', 'venv']) {
      const dir = join(opts.projectRoot, name);
      if (!(await isDir(dir))) continue;
      add(windows ? join(dir, 'Scripts', 'python.exe') : join(dir, 'bin', 'python'), 'venv', name);
    }
  }

  // 2. conda: the active env, the registered envs, then the usual installs' envs and base.
  const condaPrefixes: string[] = [];
  if (env.CONDA_PREFIX) condaPrefixes.push(env.CONDA_PREFIX);
  condaPrefixes.push(...(await readLines(join(home, '.conda', 'environments.txt'))));
  for (const install of ['miniconda3', 'anaconda3', 'miniforge3']) {
    const root = join(home, install);
    condaPrefixes.push(...(await subdirs(join(root, 'envs'))).sort().map((e) => join(root, 'envs', e)));
    condaPrefixes.push(root);
  }
  for (const prefix of condaPrefixes) {
    if (!isAbsolute(prefix)) continue;
    const python = pythonIn(prefix);
    if (await isFile(python)) add(python, 'conda', await condaLabel(prefix));
  }

  // 3. pyenv versions, newest first.
  const pyenvRoot = env.PYENV_ROOT || join(home, '.pyenv');
  const versions = (await subdirs(join(pyenvRoot, 'versions'))).sort(compareVersionsDescending);
  for (const v of versions) {
    const python = windows ? join(pyenvRoot, 'versions', v, 'python.exe') : join(pyenvRoot, 'versions', v, 'bin', 'python');
    if (await isFile(python)) add(python, 'pyenv', `pyenv ${v}`);
  }

  // 4. The first python3 on PATH.
  const onPath = await findOnPath(windows ? 'python.exe' : 'python3', env, windows);
  if (onPath !== null) add(onPath, 'path', 'python3 (PATH)');

  // 5. The system's.
  if (!windows && (await isFile('/usr/bin/python3'))) add('/usr/bin/python3', 'system', '/usr/bin/python3');

  return out;
}

/**
 * `conda: <name>` for `<install>/envs/<name>`; `conda: base` for an install's root (it holds `condabin/` or
 * `envs/`); any other prefix (an env made with `--prefix`) is named by its folder.
 */
async function condaLabel(prefix: string): Promise<string> {
  if (basename(dirname(prefix)) === 'envs') return `conda: ${basename(prefix)}`;
  const isBase = (await isDir(join(prefix, 'condabin'))) || (await isDir(join(prefix, 'envs')));
  return isBase ? 'conda: base' : `conda: ${basename(prefix)}`;
}

/** Newest first: numeric parts compare as numbers (3.10 > 3.9), other names after, alphabetically. */
function compareVersionsDescending(a: string, b: string): number {
  const num = (s: string): number[] | null => (/^\d+(\.\d+)*$/.test(s) ? s.split('.').map(Number) : null);
  const na = num(a);
  const nb = num(b);
  if (na && nb) {
    for (let i = 0; i < Math.max(na.length, nb.length); i++) {
      const d = (nb[i] ?? 0) - (na[i] ?? 0);
      if (d !== 0) return d;
    }
    return 0;
  }
  if (na) return -1;
  if (nb) return 1;
  return a.localeCompare(b);
}

/** The first executable file named `name` in env.PATH's absolute entries; null if none. */
async function findOnPath(name: string, env: NodeJS.ProcessEnv, windows: boolean): Promise<string | null> {
  const pathVar = env.PATH ?? env.Path ?? '';
  for (const dir of pathVar.split(windows ? ';' : delimiter)) {
    if (!dir || !isAbsolute(dir)) continue;
    const file = join(dir, name);
    if ((await isFile(file)) && (windows || (await isExecutable(file)))) return file;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Probing

interface ProbeAnswer {
  version: string;
  executable: string;
  prefix: string;
  modules: Record<string, unknown>;
}

async function probe(rawPath: string, opts: ProbeOptions): Promise<Probed> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const env = opts.env ?? process.env;
  const path =
    !rawPath.includes('/') && !rawPath.includes('\\') && rawPath !== ''
      ? ((await findOnPath(rawPath, env, process.platform === 'win32')) ?? resolve(rawPath))
      : resolve(rawPath);
  const source = opts.source ?? 'custom';
  const label = opts.label ?? path;
  const fail = async (problem: string, version: string | null = null): Promise<Probed> => ({
    interpreter: { path, source, label, version, modules: NO_MODULES, problem },
    key: `failed:${await realpathOr(path)}`,
  });

  const before = await checkRunnable(path);
  if (before !== null) return fail(before);

  let probeScript: string;
  try {
    probeScript = join(resourcesDir(), 'python', 'lathe_probe.py');
  } catch (e) {
    return fail(`Lathe cannot probe interpreters: ${(e as Error).message}`);
  }

  const childEnv: NodeJS.ProcessEnv = { ...env };
  delete childEnv.PYTHONHOME;
  delete childEnv.PYTHONSTARTUP;
  const run = await runWithTimeout(path, [probeScript], childEnv, timeoutMs);

  if (run.kind === 'timeout') return fail(`It did not answer within ${formatSeconds(timeoutMs)}`);
  if (run.kind === 'spawn-error') return fail(spawnProblem(run.error, path));
  const answer = parseProbeOutput(run.stdout);
  if (answer === null) {
    if (run.exitCode !== 0 || run.signal !== null) {
      const how = run.signal !== null ? `killed by ${run.signal}` : `exit code ${run.exitCode}`;
      const said = lastLine(run.stderr) || lastLine(run.stdout);
      return fail(`This is not a Python interpreter, or it is broken (${how}${said ? `: ${said}` : ''})`);
    }
    const said = lastLine(run.stdout) || lastLine(run.stderr);
    return fail(`This is not a Python interpreter (${said ? `it printed "${said}"` : 'it printed nothing'})`);
  }

  const modules: Interpreter['modules'] = {
    numpy: answer.modules.numpy === true,
    torch: answer.modules.torch === true,
    IPython: answer.modules.IPython === true,
    onnx: answer.modules.onnx === true,
  };
  const key = `${await realpathOr(answer.executable || path)}\0${answer.prefix}`;
  return {
    interpreter: { path, source, label, version: answer.version, modules, problem: versionProblem(answer.version) },
    key,
  };
}

/** Null when `version` is supported, else why not. */
export function versionProblem(version: string): string | null {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return null;
  return `Python ${version} is too old: Lathe needs Python ${MIN_PYTHON[0]}.${MIN_PYTHON[1]} or newer`;
}

/** The probe's JSON line (the last line that parses as one), or null. */
export function parseProbeOutput(stdout: string): ProbeAnswer | null {
  const lines = stdout.split(/\r?\n/).reverse();
  for (const line of lines) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    let v: unknown;
    try {
      v = JSON.parse(t);
    } catch {
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    const o = v as Record<string, unknown>;
    if (typeof o.version !== 'string' || !/^\d+\.\d+/.test(o.version)) continue;
    return {
      version: o.version,
      executable: typeof o.executable === 'string' ? o.executable : '',
      prefix: typeof o.prefix === 'string' ? o.prefix : '',
      modules: typeof o.modules === 'object' && o.modules !== null ? (o.modules as Record<string, unknown>) : {},
    };
  }
  return null;
}

/** Why `path` cannot be run, checked before running it; null when it looks runnable. */
async function checkRunnable(path: string): Promise<string | null> {
  let link;
  try {
    link = await fs.lstat(path);
  } catch {
    return `No such file: ${path}`;
  }
  let stat;
  try {
    stat = await fs.stat(path);
  } catch {
    const target = link.isSymbolicLink() ? await fs.readlink(path).catch(() => null) : null;
    return target !== null
      ? `Broken link: ${path} points to ${target}, which does not exist`
      : `No such file: ${path}`;
  }
  if (stat.isDirectory()) return `This is a folder, not a program: ${path}`;
  if (!stat.isFile()) return `This is not a program: ${path}`;
  if (process.platform !== 'win32' && !(await isExecutable(path))) return `This file is not executable: ${path}`;
  return null;
}

function spawnProblem(error: NodeJS.ErrnoException, path: string): string {
  switch (error.code) {
    case 'ENOENT':
      return `No such file: ${path}`;
    case 'EACCES':
      return `This file is not executable: ${path}`;
    case 'ENOEXEC':
      return `This is not a Python interpreter (it is not a program the system can run)`;
    default:
      return `It could not be started (${error.message})`;
  }
}

type RunResult =
  | { kind: 'done'; stdout: string; stderr: string; exitCode: number | null; signal: NodeJS.Signals | null }
  | { kind: 'timeout' }
  | { kind: 'spawn-error'; error: NodeJS.ErrnoException };

/**
 * Run `file args`, gathering its output (the first MAX_OUTPUT bytes of each stream). `spawn` rather
 * than `execFile`, because execFile cannot start the child in its own process group: on timeout the
 * whole group is killed (a wrapper script's children, e.g. a shell's `sleep`, would otherwise live on
 * holding the pipes), and the answer is given at once, without waiting for the pipes to close.
 */
function runWithTimeout(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunResult> {
  const windows = process.platform === 'win32';
  return new Promise<RunResult>((resolveRun) => {
    let settled = false;
    const settle = (r: RunResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolveRun(r);
    };
    const child = spawn(file, args, { env, stdio: ['ignore', 'pipe', 'pipe'], windowsHide: true, detached: !windows });
    const stdout = collect(child.stdout);
    const stderr = collect(child.stderr);
    child.on('error', (error: NodeJS.ErrnoException) => settle({ kind: 'spawn-error', error }));
    child.on('close', (exitCode, signal) => settle({ kind: 'done', stdout: stdout(), stderr: stderr(), exitCode, signal }));
    const timer = setTimeout(() => {
      killTree(child.pid, windows, () => child.kill('SIGKILL'));
      settle({ kind: 'timeout' });
    }, timeoutMs);
  });
}

const MAX_OUTPUT = 1024 * 1024;

/** Gather a stream's text, up to MAX_OUTPUT bytes (the rest is read and dropped). */
function collect(stream: Readable | null): () => string {
  const chunks: Buffer[] = [];
  let size = 0;
  stream?.on('data', (chunk: Buffer) => {
    if (size >= MAX_OUTPUT) return;
    chunks.push(chunk);
    size += chunk.length;
  });
  return () => Buffer.concat(chunks).subarray(0, MAX_OUTPUT).toString('utf8');
}

function killTree(pid: number | undefined, windows: boolean, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    if (windows) fallback();
    else process.kill(-pid, 'SIGKILL');
  } catch {
    try {
      fallback();
    } catch {
      // already gone
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Small helpers

function formatSeconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(s < 1 ? 2 : 1).replace(/0+$/, '')} s`;
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
  const last = lines[lines.length - 1] ?? '';
  return last.length > 200 ? `${last.slice(0, 200)}…` : last;
}

async function realpathOr(path: string): Promise<string> {
  try {
    return await fs.realpath(path);
  } catch {
    return resolve(path);
  }
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDir(path: string): Promise<boolean> {
  try {
    return (await fs.stat(path)).isDirectory();
  } catch {
    return false;
  }
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await fs.access(path, 1 /* X_OK */);
    return true;
  } catch {
    return false;
  }
}

async function subdirs(dir: string): Promise<string[]> {
  try {
    const entries = await fs.readdir(dir, { withFileTypes: true });
    const out: string[] = [];
    for (const e of entries) {
      if (e.isDirectory() || (e.isSymbolicLink() && (await isDir(join(dir, e.name))))) out.push(e.name);
    }
    return out;
  } catch {
    return [];
  }
}

async function readLines(file: string): Promise<string[]> {
  try {
    return (await fs.readFile(file, 'utf8'))
      .split(/\r?\n/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
  } catch {
    return [];
  }
}

/** `fn` over `items` with at most `limit` at a time; results in the items' order. */
async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
