import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Interpreter } from '../../common/contract';
import { findResourcesFrom, resourcesDir } from '../resources';
import { listCandidates, mergeProbed, parseProbeOutput, versionProblem, type Probed } from './interpreters';
import { missing } from '../../../test/skip';

// The parts that run nothing: candidate listing over a fake home (stub files only), merging, parsing.

let base: string;
let home: string;

beforeEach(async () => {
  base = await fs.mkdtemp(join(tmpdir(), 'lathe-cand-'));
  home = join(base, 'home');
  await fs.mkdir(home);
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function stub(path: string, mode = 0o755): Promise<string> {
  await fs.mkdir(dirname(path), { recursive: true });
  await fs.writeFile(path, '#!/bin/sh\nexit 0\n');
  await fs.chmod(path, mode);
  return path;
}

describe.skipIf(missing(process.platform === 'win32' && 'listCandidates tests use POSIX stub scripts and folder layouts'))('listCandidates', () => {
  it('lists venvs, conda, pyenv, PATH and the system python, in that order', async () => {
    const project = join(base, 'project');
    await stub(join(project, 'venv', 'bin', 'python'));
    await stub(join(project, '.venv', 'bin', 'python'));
    // conda: an active env outside the usual installs, one registered env, and a miniconda3 install.
    const active = join(base, 'elsewhere', 'myenv');
    await stub(join(active, 'bin', 'python'));
    const registered = join(home, 'miniconda3', 'envs', 'torch');
    await stub(join(registered, 'bin', 'python'));
    await fs.mkdir(join(home, '.conda'), { recursive: true });
    await fs.writeFile(join(home, '.conda', 'environments.txt'), `${registered}\n${active}\n\n`);
    await stub(join(home, 'miniconda3', 'envs', 'aaa', 'bin', 'python'));
    await stub(join(home, 'miniconda3', 'bin', 'python'));
    await fs.mkdir(join(home, 'miniconda3', 'condabin'));
    await fs.mkdir(join(home, 'miniforge3', 'envs', 'empty'), { recursive: true }); // no python: not listed
    // pyenv: newest first; a version without bin/python is skipped.
    for (const v of ['3.9.18', '3.10.13', '2.7.18', 'mambaforge']) await stub(join(home, '.pyenv', 'versions', v, 'bin', 'python'));
    await fs.mkdir(join(home, '.pyenv', 'versions', '3.12.0'), { recursive: true });
    // PATH: a non-executable python3 first (skipped), a relative entry (skipped), then the real one.
    await stub(join(base, 'bin1', 'python3'), 0o644);
    await stub(join(base, 'bin2', 'python3'));

    const list = await listCandidates({
      projectRoot: project,
      home,
      env: { CONDA_PREFIX: active, PATH: [join(base, 'bin1'), 'relative/bin', join(base, 'bin2')].join(':') },
      platform: 'linux',
    });
    const rows = list.map((c) => [c.source, c.label, c.path.startsWith(base) ? c.path.slice(base.length) : c.path]);
    const expected: [Interpreter['source'], string, string][] = [
      ['venv', '.venv', '/project/.venv/bin/python'],
      ['venv', 'venv', '/project/venv/bin/python'],
      ['conda', 'conda: myenv', '/elsewhere/myenv/bin/python'],
      ['conda', 'conda: torch', '/home/miniconda3/envs/torch/bin/python'],
      ['conda', 'conda: aaa', '/home/miniconda3/envs/aaa/bin/python'],
      ['conda', 'conda: base', '/home/miniconda3/bin/python'],
      ['pyenv', 'pyenv 3.10.13', '/home/.pyenv/versions/3.10.13/bin/python'],
      ['pyenv', 'pyenv 3.9.18', '/home/.pyenv/versions/3.9.18/bin/python'],
      ['pyenv', 'pyenv 2.7.18', '/home/.pyenv/versions/2.7.18/bin/python'],
      ['pyenv', 'pyenv mambaforge', '/home/.pyenv/versions/mambaforge/bin/python'],
      ['path', 'python3 (PATH)', '/bin2/python3'],
    ];
    // /usr/bin/python3 comes last when this machine has one.
    expect(rows.slice(0, expected.length)).toEqual(expected);
    expect(rows.slice(expected.length)).toEqual(
      (await fs.stat('/usr/bin/python3').then(() => true, () => false)) ? [['system', '/usr/bin/python3', '/usr/bin/python3']] : [],
    );
  });

  it("lists a project venv whose python is missing, so its problem can be shown; honours PYENV_ROOT", async () => {
    const project = join(base, 'project');
    await fs.mkdir(join(project, '.venv'), { recursive: true });
    const pyenvRoot = join(base, 'elsewhere-pyenv');
    await stub(join(pyenvRoot, 'versions', '3.11.7', 'bin', 'python'));
    await stub(join(home, '.pyenv', 'versions', '3.8.18', 'bin', 'python')); // not the root in use

    const list = await listCandidates({ projectRoot: project, home, env: { PYENV_ROOT: pyenvRoot, PATH: '' }, platform: 'linux' });
    expect(list[0]).toEqual({ source: 'venv', label: '.venv', path: join(project, '.venv', 'bin', 'python') });
    expect(list.filter((c) => c.source === 'pyenv')).toEqual([
      { source: 'pyenv', label: 'pyenv 3.11.7', path: join(pyenvRoot, 'versions', '3.11.7', 'bin', 'python') },
    ]);
  });

  it('uses the Windows layout there', async () => {
    const project = join(base, 'project');
    await stub(join(project, '.venv', 'Scripts', 'python.exe'));
    await stub(join(home, 'anaconda3', 'python.exe'));
    await fs.mkdir(join(home, 'anaconda3', 'envs'));
    const list = await listCandidates({ projectRoot: project, home, env: { Path: '' }, platform: 'win32' });
    expect(list.filter((c) => c.source !== 'system')).toEqual([
      { source: 'venv', label: '.venv', path: join(project, '.venv', 'Scripts', 'python.exe') },
      { source: 'conda', label: 'conda: base', path: join(home, 'anaconda3', 'python.exe') },
    ]);
  });

  it('lists a path found twice once, at its first place', async () => {
    const env = join(home, 'miniconda3', 'envs', 'x');
    await stub(join(env, 'bin', 'python'));
    await fs.mkdir(join(home, '.conda'));
    await fs.writeFile(join(home, '.conda', 'environments.txt'), `${env}\n`);
    const list = await listCandidates({ projectRoot: null, home, env: { CONDA_PREFIX: env, PATH: '' }, platform: 'linux' });
    expect(list.filter((c) => c.source === 'conda')).toEqual([{ source: 'conda', label: 'conda: x', path: join(env, 'bin', 'python') }]);
  });
});

function probed(label: string, source: Interpreter['source'], key: string, problem: string | null = null): Probed {
  return {
    key,
    interpreter: { path: `/p/${label}`, label, source, version: '3.11.0', problem, modules: { numpy: false, torch: false, IPython: false, onnx: false } },
  };
}

describe('mergeProbed', () => {
  it('keeps the first of the same interpreter, venvs first, then working ones, then broken ones', () => {
    const merged = mergeProbed([
      probed('.venv', 'venv', 'a', 'Broken link'),
      probed('conda: old', 'conda', 'b', 'too old'),
      probed('pyenv 3.11.7', 'pyenv', 'c'),
      probed('python3 (PATH)', 'path', 'c'),
      probed('pyenv 2.7.18', 'pyenv', 'd', 'too old'),
      probed('/usr/bin/python3', 'system', 'e'),
    ]);
    expect(merged.map((i) => i.label)).toEqual(['.venv', 'pyenv 3.11.7', '/usr/bin/python3', 'conda: old', 'pyenv 2.7.18']);
  });
});

describe('parseProbeOutput', () => {
  it('takes the probe line, ignoring other output', () => {
    const line = JSON.stringify({ version: '3.12.1', executable: '/x/python', prefix: '/x', modules: { numpy: true } });
    expect(parseProbeOutput(`some banner\n${line}\n`)).toEqual({ version: '3.12.1', executable: '/x/python', prefix: '/x', modules: { numpy: true } });
    expect(parseProbeOutput('')).toBeNull();
    expect(parseProbeOutput('{"not": "a probe"}\n{broken')).toBeNull();
  });
});

describe('versionProblem', () => {
  it('accepts 3.8 and newer', () => {
    expect(versionProblem('3.8.0')).toBeNull();
    expect(versionProblem('3.13.0')).toBeNull();
    expect(versionProblem('4.0.0')).toBeNull();
    expect(versionProblem('3.7.16')).toBe('Python 3.7.16 is too old: Lathe needs Python 3.8 or newer');
    expect(versionProblem('2.7.18')).toBe('Python 2.7.18 is too old: Lathe needs Python 3.8 or newer');
  });
});

describe('resourcesDir', () => {
  it('finds resources/python above this folder, or takes LATHE_RESOURCES_DIR', async () => {
    const dir = resourcesDir({});
    await expect(fs.stat(join(dir, 'python', 'lathe_probe.py'))).resolves.toBeTruthy();
    expect(resourcesDir({ LATHE_RESOURCES_DIR: base })).toBe(base);
    expect(findResourcesFrom(join(dir, '..', 'out', 'main'))).toBe(dir);
    expect(findResourcesFrom(base)).toBeNull();
  });
});
