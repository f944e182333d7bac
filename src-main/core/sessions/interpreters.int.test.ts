import { execFileSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverInterpreters, probeInterpreter } from './interpreters';
import { missing } from '../../../test/skip';

// Real processes, no mocks. What this machine has (pyenv versions, /usr/bin/python3's packages) is
// checked conditionally; a missing piece skips its assertions with a printed reason.

const windows = process.platform === 'win32';

function pythonVersion(python: string): string | null {
  try {
    return execFileSync(python, ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).trim();
  } catch {
    return null;
  }
}

const python3OnPath = windows ? null : pythonVersion('python3');
const systemPython = !windows && existsSync('/usr/bin/python3') ? pythonVersion('/usr/bin/python3') : null;
// Each prints why once, when it skips.
const noPathPython = missing(python3OnPath === null && 'no working python3 on PATH: the tests that need one are skipped');
const noSystemPython = missing(systemPython === null && '/usr/bin/python3 is not installed (scripts/setup-system.sh installs it): its tests are skipped');
const posixOnly = missing(windows && 'these tests use POSIX shell scripts: skipped on Windows');

/** ~/.pyenv/versions/2.7* (its bin/python), if this machine has one. */
function pyenv27(): string | null {
  const versions = join(process.env.PYENV_ROOT || join(homedir(), '.pyenv'), 'versions');
  try {
    const v = readdirSync(versions).find((name) => name.startsWith('2.7'));
    return v !== undefined && existsSync(join(versions, v, 'bin', 'python')) ? join(versions, v, 'bin', 'python') : null;
  } catch {
    return null;
  }
}

let base: string;

beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'lathe-interp-'));
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function script(name: string, body: string, mode = 0o755): Promise<string> {
  const file = join(base, name);
  await fs.writeFile(file, body);
  await fs.chmod(file, mode);
  return file;
}

describe('discoverInterpreters', () => {
  it.skipIf(noPathPython)("finds the project's .venv first, labelled `.venv`, with its version", async () => {
    const project = join(base, 'project');
    await fs.mkdir(project);
    execFileSync('python3', ['-m', 'venv', '--without-pip', join(project, '.venv')]);
    const expected = pythonVersion(join(project, '.venv', 'bin', 'python'));

    const t0 = Date.now();
    const list = await discoverInterpreters({ projectRoot: project });
    console.log(`discovery (this machine's home and PATH): ${list.length} interpreters in ${Date.now() - t0} ms`);

    const first = list[0];
    expect(first).toMatchObject({
      path: join(project, '.venv', 'bin', 'python'),
      source: 'venv',
      label: '.venv',
      version: expected,
      problem: null,
    });
    // The venv links to its base python, but has its own prefix: both stay.
    expect(list.filter((i) => i.source === 'venv')).toHaveLength(1);
    expect(list.length).toBeGreaterThan(1);
  });

  it.skipIf(noSystemPython)('finds /usr/bin/python3 with its modules', async () => {
    const home = join(base, 'home');
    await fs.mkdir(home);
    const list = await discoverInterpreters({ projectRoot: null, home, env: { PATH: join(base, 'empty-bin') } });
    const system = list.find((i) => i.path === '/usr/bin/python3');
    expect(system).toMatchObject({ source: 'system', label: '/usr/bin/python3', version: systemPython, problem: null });

    const missing = (['numpy', 'torch', 'IPython', 'onnx'] as const).filter((m) => !hasModule('/usr/bin/python3', m));
    if (missing.length > 0) {
      console.log(`skipping the module checks: /usr/bin/python3 lacks ${missing.join(', ')}`);
      return;
    }
    expect(system?.modules).toEqual({ numpy: true, torch: true, IPython: true, onnx: true });
  });

  it.skipIf(noSystemPython)('finds python3 on PATH, and lists an interpreter found twice once', async () => {
    const home = join(base, 'home');
    const bin = join(base, 'bin');
    await fs.mkdir(home);
    await fs.mkdir(bin);
    await fs.symlink('/usr/bin/python3', join(bin, 'python3'));

    const list = await discoverInterpreters({ projectRoot: null, home, env: { PATH: `${join(base, 'nothing')}:${bin}:/usr/bin` } });
    const onPath = list.filter((i) => i.source === 'path');
    expect(onPath).toHaveLength(1);
    expect(onPath[0]).toMatchObject({ path: join(bin, 'python3'), label: 'python3 (PATH)', version: systemPython, problem: null });
    // It is /usr/bin/python3: the earlier (PATH) entry is kept, the system one dropped.
    expect(list.find((i) => i.source === 'system')).toBeUndefined();
    expect(list.filter((i) => i.version === systemPython && i.problem === null)).toHaveLength(1);
  });

  it.skipIf(noPathPython)("finds python3 on this machine's PATH (maybe merged with the pyenv or system entry it is)", async () => {
    const list = await discoverInterpreters({ projectRoot: null });
    expect(list.some((i) => i.version === python3OnPath && i.problem === null)).toBe(true);
    expect(new Set(list.map((i) => i.path)).size).toBe(list.length);
  });

  it.skipIf(posixOnly)('keeps a broken project venv first, and broken others last, without waiting for slow ones', async () => {
    const project = join(base, 'project');
    await fs.mkdir(join(project, '.venv', 'bin'), { recursive: true });
    await fs.symlink(join(base, 'gone', 'python3'), join(project, '.venv', 'bin', 'python'));
    const pyenvRoot = join(base, 'pyenv');
    await fs.mkdir(join(pyenvRoot, 'versions', '3.99.0', 'bin'), { recursive: true });
    await script(join('pyenv', 'versions', '3.99.0', 'bin', 'python'), '#!/bin/sh\nexec sleep 10\n');

    const t0 = Date.now();
    const list = await discoverInterpreters({
      projectRoot: project,
      home: join(base, 'home'),
      env: { PATH: '/usr/bin:/bin', PYENV_ROOT: pyenvRoot },
      timeoutMs: 500,
    });
    expect(Date.now() - t0).toBeLessThan(4000);

    expect(list[0]).toMatchObject({ source: 'venv', label: '.venv', version: null });
    expect(list[0]?.problem).toMatch(/^Broken link: .*points to .*gone.*python3, which does not exist$/);
    const last = list[list.length - 1];
    expect(last).toMatchObject({ source: 'pyenv', label: 'pyenv 3.99.0', problem: 'It did not answer within 0.5 s' });
  });
});

describe('probeInterpreter', () => {
  it.skipIf(noSystemPython)('reads the version and modules of a working interpreter', async () => {
    const i = await probeInterpreter('/usr/bin/python3');
    expect(i).toMatchObject({ path: '/usr/bin/python3', source: 'custom', label: '/usr/bin/python3', version: systemPython, problem: null });
  });

  it('says a pyenv Python 2.7 is too old', async (ctx) => {
    const py27 = pyenv27();
    if (py27 === null) {
      console.warn('[skip] "says a pyenv Python 2.7 is too old": this machine has no ~/.pyenv/versions/2.7*');
      ctx.skip();
      return;
    }
    const i = await probeInterpreter(py27, { source: 'pyenv', label: 'pyenv 2.7' });
    expect(i.version).toMatch(/^2\.7\.\d+$/);
    expect(i.problem).toBe(`Python ${i.version} is too old: Lathe needs Python 3.8 or newer`);
    expect(i).toMatchObject({ source: 'pyenv', label: 'pyenv 2.7' });
  });

  it('explains a missing file', async () => {
    const missing = join(base, 'no-such-python');
    const i = await probeInterpreter(missing);
    expect(i).toMatchObject({ path: missing, version: null, problem: `No such file: ${missing}` });
    expect(i.modules).toEqual({ numpy: false, torch: false, IPython: false, onnx: false });
  });

  it.skipIf(posixOnly)('explains a text file, a folder and a program that is not Python', async () => {
    const text = await script('notes.txt', 'just some text\n', 0o644);
    expect((await probeInterpreter(text)).problem).toBe(`This file is not executable: ${text}`);
    expect((await probeInterpreter(base)).problem).toBe(`This is a folder, not a program: ${base}`);
    expect((await probeInterpreter('/bin/true')).problem).toBe('This is not a Python interpreter (it printed nothing)');

    const echo = await script('fake-python', '#!/bin/sh\necho "hello from sh"\n');
    expect((await probeInterpreter(echo)).problem).toBe('This is not a Python interpreter (it printed "hello from sh")');
    const failing = await script('failing-python', '#!/bin/sh\necho "boom" >&2\nexit 3\n');
    expect((await probeInterpreter(failing)).problem).toBe('This is not a Python interpreter, or it is broken (exit code 3: boom)');
  });

  it.skipIf(posixOnly)('gives up on an interpreter that does not answer, quickly, and kills its children too', async () => {
    const pidFile = join(base, 'sleep.pid');
    const sleeper = await script('sleepy-python', `#!/bin/sh\nsleep 10 &\necho $! > '${pidFile}'\nwait\n`);
    const t0 = Date.now();
    const i = await probeInterpreter(sleeper, { timeoutMs: 300 });
    const took = Date.now() - t0;
    expect(i).toMatchObject({ version: null, problem: 'It did not answer within 0.3 s' });
    expect(took).toBeLessThan(2000);

    const sleepPid = Number((await fs.readFile(pidFile, 'utf8')).trim());
    await expect.poll(() => isRunning(sleepPid), { timeout: 2000 }).toBe(false);
  });

  it.skipIf(noPathPython)('looks a bare command name up on PATH', async () => {
    const i = await probeInterpreter('python3');
    expect(i.path).not.toBe('python3');
    expect(i).toMatchObject({ version: python3OnPath, problem: null });
  });
});

function hasModule(python: string, module: string): boolean {
  try {
    execFileSync(python, ['-c', `import importlib.util, sys; sys.exit(0 if importlib.util.find_spec(${JSON.stringify(module)}) else 1)`]);
    return true;
  } catch {
    return false;
  }
}

/** Whether `pid` is a live process (a zombie waiting to be reaped is not). */
function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}
