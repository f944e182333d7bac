import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveInProject } from './confine';

let base: string;
let root: string;
let outside: string;

beforeAll(async () => {
  base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-confine-')));
  root = join(base, 'project');
  outside = join(base, 'outside');
  await fs.mkdir(join(root, 'a'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(join(root, 'a', 'b.txt'), 'inside');
  await fs.writeFile(join(outside, 'secret.txt'), 'secret');
  await fs.symlink(join(root, 'a'), join(root, 'inside-dir-link'));
  await fs.symlink('a/b.txt', join(root, 'inside-file-link'));
  await fs.symlink(join(outside, 'secret.txt'), join(root, 'out-file-link'));
  await fs.symlink(outside, join(root, 'out-dir-link'));
  await fs.symlink('../../outside', join(root, 'a', 'relative-out-link'));
  await fs.symlink(join(outside, 'not-yet'), join(root, 'dangling-out'));
  await fs.symlink(join(root, 'a', 'not-yet'), join(root, 'dangling-in'));
});

afterAll(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function expectOutside(rel: string, mode?: 'follow' | 'nofollow'): Promise<string> {
  const r = await resolveInProject(root, rel, mode);
  if (r.ok) throw new Error(`${JSON.stringify(rel)} was accepted as ${r.value.abs}`);
  expect(r.code).toBe('OUTSIDE_PROJECT');
  return r.message;
}

async function expectInside(rel: string, expectedRel: string, mode?: 'follow' | 'nofollow'): Promise<string> {
  const r = await resolveInProject(root, rel, mode);
  if (!r.ok) throw new Error(`${JSON.stringify(rel)} was refused: ${r.message}`);
  expect(r.value.rel).toBe(expectedRel);
  return r.value.abs;
}

describe('resolveInProject', () => {
  it('resolves the root and normalises relative paths', async () => {
    expect(await expectInside('', '')).toBe(root);
    expect(await expectInside('.', '')).toBe(root);
    expect(await expectInside('./a/', 'a')).toBe(join(root, 'a'));
    expect(await expectInside('a//b.txt', 'a/b.txt')).toBe(join(root, 'a', 'b.txt'));
    expect(await expectInside('a/../a/b.txt', 'a/b.txt')).toBe(join(root, 'a', 'b.txt'));
  });

  it('accepts paths that do not exist yet', async () => {
    expect(await expectInside('a/new/deeper.txt', 'a/new/deeper.txt')).toBe(join(root, 'a', 'new', 'deeper.txt'));
  });

  it('refuses .. escapes', async () => {
    expect(await expectOutside('..')).toBe('".." is outside the project');
    expect(await expectOutside('../x')).toBe('"../x" is outside the project');
    await expectOutside('a/../../b');
    await expectOutside('a/../../project/a');
  });

  it('refuses absolute paths of every platform', async () => {
    expect(await expectOutside(join(root, 'a'))).toContain('is outside the project');
    await expectOutside('/etc/passwd');
    await expectOutside('C:\\Windows\\win.ini');
    await expectOutside('c:/x');
    await expectOutside('\\\\server\\share\\x');
  });

  it('refuses NUL bytes', async () => {
    expect(await expectOutside('a/b\0.txt')).toContain('NUL');
  });

  it('refuses a symlink to a file outside the project', async () => {
    expect(await expectOutside('out-file-link')).toContain('symbolic link');
  });

  it('refuses a symlink to a folder outside, and anything under it (existing or not)', async () => {
    await expectOutside('out-dir-link');
    await expectOutside('out-dir-link/secret.txt');
    await expectOutside('out-dir-link/new/child.txt');
    await expectOutside('a/relative-out-link/secret.txt');
  });

  it('refuses a dangling symlink whose target would be outside, and paths under it', async () => {
    await expectOutside('dangling-out');
    await expectOutside('dangling-out/child.txt');
  });

  it('allows symlinks that stay within the project', async () => {
    expect(await expectInside('inside-file-link', 'inside-file-link')).toBe(join(root, 'inside-file-link'));
    expect(await expectInside('inside-dir-link/b.txt', 'inside-dir-link/b.txt')).toBe(join(root, 'inside-dir-link', 'b.txt'));
    await expectInside('dangling-in', 'dangling-in');
  });

  it('in nofollow mode checks only the folders leading to the path', async () => {
    expect(await expectInside('out-dir-link', 'out-dir-link', 'nofollow')).toBe(join(root, 'out-dir-link'));
    await expectInside('out-file-link', 'out-file-link', 'nofollow');
    await expectOutside('out-dir-link/secret.txt', 'nofollow');
    await expectOutside('../x', 'nofollow');
  });

  it('reports a symlink loop as an I/O error', async () => {
    await fs.symlink('loop-b', join(root, 'loop-a'));
    await fs.symlink('loop-a', join(root, 'loop-b'));
    const r = await resolveInProject(root, 'loop-a/x');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.code).toBe('IO_ERROR');
  });
});
