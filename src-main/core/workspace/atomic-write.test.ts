import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDES } from '../../common/settings-defaults';
import { atomicWrite, sweepStaleTemps } from './atomic-write';
import { listDirectory, makeExcluder } from './tree';

let dir: string;

beforeEach(async () => {
  dir = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-atomic-')));
});

afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

const leftovers = async (folder = dir) => (await fs.readdir(folder)).filter((name) => name.startsWith('.lathe-tmp-'));

describe('atomicWrite', () => {
  it('replaces the content of an existing file', async () => {
    const target = join(dir, 'a.txt');
    await fs.writeFile(target, 'old content that is longer');
    await atomicWrite(target, 'new');
    expect(await fs.readFile(target, 'utf8')).toBe('new');
    expect(await leftovers()).toEqual([]);
  });

  it('creates a new file, from bytes', async () => {
    const target = join(dir, 'new.bin');
    await atomicWrite(target, new Uint8Array([0, 1, 2, 255]));
    expect([...(await fs.readFile(target))]).toEqual([0, 1, 2, 255]);
  });

  it('keeps the permission bits', async (ctx) => {
    if (process.platform === 'win32') {
      console.warn('[skipped] "keeps the permission bits": Windows files have no POSIX mode bits');
      ctx.skip();
    }
    const target = join(dir, 'run.sh');
    await fs.writeFile(target, '#!/bin/sh\n');
    await fs.chmod(target, 0o751);
    await atomicWrite(target, '#!/bin/sh\necho hi\n');
    expect((await fs.stat(target)).mode & 0o777).toBe(0o751);
  });

  it('writes through a symlink, keeping the link', async () => {
    await fs.mkdir(join(dir, 'real'));
    const real = join(dir, 'real', 'target.txt');
    await fs.writeFile(real, 'before');
    const link = join(dir, 'link.txt');
    await fs.symlink(real, link);
    await atomicWrite(link, 'after');
    expect((await fs.lstat(link)).isSymbolicLink()).toBe(true);
    expect(await fs.readFile(real, 'utf8')).toBe('after');
    expect(await leftovers()).toEqual([]);
    expect(await leftovers(join(dir, 'real'))).toEqual([]);
  });

  it('leaves no temp file behind after many writes', async () => {
    const target = join(dir, 'busy.txt');
    for (let i = 0; i < 20; i++) await atomicWrite(target, `version ${i}`);
    expect(await fs.readFile(target, 'utf8')).toBe('version 19');
    expect(await fs.readdir(dir)).toEqual(['busy.txt']);
  });

  it('fails without leaving anything when the target cannot be replaced', async () => {
    const target = join(dir, 'a-folder');
    await fs.mkdir(target);
    await expect(atomicWrite(target, 'x')).rejects.toMatchObject({ code: expect.stringMatching(/^E/) });
    expect(await leftovers()).toEqual([]);
    expect((await fs.stat(target)).isDirectory()).toBe(true);
  });

  it('fails when the folder does not exist', async () => {
    await expect(atomicWrite(join(dir, 'missing', 'a.txt'), 'x')).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

describe('sweepStaleTemps', () => {
  it("removes only the temp files of saves whose process is gone, once they are ten minutes old", async () => {
    const dead = spawnSync('true').pid!; // exited: its pid names no process now
    const old = new Date(Date.now() - 20 * 60_000);
    const names = {
      staleDead: `.lathe-tmp-a.txt.${dead}.0123abcd`,
      freshDead: `.lathe-tmp-b.txt.${dead}.0123abcd`,
      oldButMine: `.lathe-tmp-c.txt.${process.pid}.0123abcd`,
      notOurs: `.lathe-tmp-notes.txt`,
    };
    for (const name of Object.values(names)) await fs.writeFile(join(dir, name), 'partial');
    for (const name of [names.staleDead, names.oldButMine, names.notOurs]) await fs.utimes(join(dir, name), old, old);
    expect(await sweepStaleTemps(dir, [...Object.values(names), 'missing-file'])).toBe(1);
    expect((await fs.readdir(dir)).sort()).toEqual([names.freshDead, names.oldButMine, names.notOurs].sort());
  });

  it('runs when a folder is listed', async () => {
    const dead = spawnSync('true').pid!;
    const name = `.lathe-tmp-model.onnx.${dead}.89abcdef`;
    await fs.writeFile(join(dir, name), 'partial');
    const old = new Date(Date.now() - 20 * 60_000);
    await fs.utimes(join(dir, name), old, old);
    const listed = await listDirectory(dir, '', makeExcluder(DEFAULT_EXCLUDES));
    expect(listed.ok && listed.value.excluded).toBe(1);
    await expect.poll(() => fs.readdir(dir)).toEqual([]);
  });
});
