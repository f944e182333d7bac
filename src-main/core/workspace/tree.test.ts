import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DirEntry } from '../../common/contract';
import { DEFAULT_EXCLUDES } from '../../common/settings-schema';
import { compareEntries, listDirectory, makeExcluder } from './tree';

let root: string;

beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-tree-')));
});

afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

const entry = (name: string, kind: DirEntry['kind'] = 'file'): DirEntry => ({ name, path: name, kind, symlink: false });

async function touch(...rels: string[]): Promise<void> {
  for (const rel of rels) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), '');
  }
}

describe('compareEntries', () => {
  it('puts folders first, then sorts naturally and case-insensitively', () => {
    const sorted = [entry('file10'), entry('b'), entry('src', 'directory'), entry('File2'), entry('a'), entry('Docs', 'directory'), entry('file1')].sort(compareEntries);
    expect(sorted.map((e) => e.name)).toEqual(['Docs', 'src', 'a', 'b', 'file1', 'File2', 'file10']);
  });

  it('orders names that differ only in case by exact name, so the order is stable', () => {
    expect([entry('readme'), entry('README'), entry('Readme')].sort(compareEntries).map((e) => e.name)).toEqual(['README', 'Readme', 'readme']);
  });
});

describe('makeExcluder', () => {
  it('matches the default excludes against entry names at any depth', () => {
    const isExcluded = makeExcluder(DEFAULT_EXCLUDES);
    expect(isExcluded('.git', '.git')).toBe(true);
    expect(isExcluded('node_modules', 'packages/app/node_modules')).toBe(true);
    expect(isExcluded('.lathe-tmp-main.py.123.abcd', 'src/.lathe-tmp-main.py.123.abcd')).toBe(true);
    expect(isExcluded('.github', '.github')).toBe(false);
    expect(isExcluded('src', 'src')).toBe(false);
  });

  it('matches name globs and path globs', () => {
    const isExcluded = makeExcluder(['*.log', 'data/raw/**']);
    expect(isExcluded('train.log', 'logs/train.log')).toBe(true);
    expect(isExcluded('a.csv', 'data/raw/a.csv')).toBe(true);
    expect(isExcluded('a.csv', 'data/clean/a.csv')).toBe(false);
    expect(isExcluded('.hidden.log', '.hidden.log')).toBe(true);
  });

  it('excludes nothing without patterns', () => {
    expect(makeExcluder([])('.git', '.git')).toBe(false);
  });
});

describe('listDirectory', () => {
  it('lists a folder sorted, with project-relative paths', async () => {
    await touch('src/b.ts', 'src/a10.ts', 'src/a9.ts', 'src/lib/x.ts');
    const r = await listDirectory(root, 'src', makeExcluder([]));
    expect(r).toEqual({
      ok: true,
      value: {
        path: 'src',
        excluded: 0,
        offset: 0,
        total: 4,
        generation: 0,
        entries: [
          { name: 'lib', path: 'src/lib', kind: 'directory', symlink: false },
          { name: 'a9.ts', path: 'src/a9.ts', kind: 'file', symlink: false },
          { name: 'a10.ts', path: 'src/a10.ts', kind: 'file', symlink: false },
          { name: 'b.ts', path: 'src/b.ts', kind: 'file', symlink: false },
        ],
      },
    });
  });

  it('hides excluded entries and counts them', async () => {
    await touch('.git/HEAD', 'node_modules/x/index.js', 'train.log', 'main.py', 'data/raw/a.csv', 'data/clean/b.csv');
    const isExcluded = makeExcluder([...DEFAULT_EXCLUDES, '*.log', 'data/raw/**']);
    const top = await listDirectory(root, '', isExcluded);
    expect(top.ok && top.value.entries.map((e) => e.name)).toEqual(['data', 'main.py']);
    expect(top.ok && top.value.excluded).toBe(3);
    const data = await listDirectory(root, 'data', isExcluded);
    expect(data.ok && data.value.entries.map((e) => e.path)).toEqual(['data/clean']);
    expect(data.ok && data.value.excluded).toBe(1);
  });

  it('resolves symlinks to learn file or folder, and shows dangling ones as files', async () => {
    await touch('real/file.txt');
    await fs.symlink(join(root, 'real'), join(root, 'dir-link'));
    await fs.symlink('real/file.txt', join(root, 'file-link'));
    await fs.symlink('nowhere', join(root, 'dangling'));
    const r = await listDirectory(root, '', makeExcluder([]));
    expect(r.ok && r.value.entries).toEqual([
      { name: 'dir-link', path: 'dir-link', kind: 'directory', symlink: true },
      { name: 'real', path: 'real', kind: 'directory', symlink: false },
      { name: 'dangling', path: 'dangling', kind: 'file', symlink: true },
      { name: 'file-link', path: 'file-link', kind: 'file', symlink: true },
    ]);
  });

  it('reports a missing folder and a file in words', async () => {
    await touch('a.txt');
    expect(await listDirectory(root, 'missing', makeExcluder([]))).toEqual({ ok: false, code: 'NOT_FOUND', message: '"missing" does not exist' });
    const notDir = await listDirectory(root, 'a.txt', makeExcluder([]));
    expect(notDir).toMatchObject({ ok: false, code: 'NOT_A_DIRECTORY' });
    expect(!notDir.ok && notDir.message).toContain('"a.txt" is not a folder');
  });

  it('reports a folder it may not read', async (ctx) => {
    if (process.getuid?.() === 0 || process.platform === 'win32') {
      // chmod cannot lock root out of a folder, and Windows has no mode bits: the errno mapping itself
      // is covered in fs-errors.test.ts.
      console.warn('[skipped] "reports a folder it may not read": running as root (or on Windows), a folder cannot be made unreadable');
      ctx.skip();
    }
    await fs.mkdir(join(root, 'locked'), { mode: 0o000 });
    expect(await listDirectory(root, 'locked', makeExcluder([]))).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    await fs.chmod(join(root, 'locked'), 0o755);
  });

  it('lists 20k files, sorted naturally', async () => {
    const dir = join(root, 'many');
    await fs.mkdir(dir);
    for (let i = 0; i < 20_000; i += 500) {
      await Promise.all(Array.from({ length: 500 }, (_, j) => fs.writeFile(join(dir, `f${i + j}.txt`), '')));
    }
    const r = await listDirectory(root, 'many', makeExcluder(DEFAULT_EXCLUDES));
    expect(r.ok && r.value.entries.length).toBe(20_000);
    expect(r.ok && r.value.entries[1]?.name).toBe('f1.txt');
  });
});
