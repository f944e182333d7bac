import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DirWatcher, type ChangeBatch } from './dir-watcher';

let root: string;
let batches: ChangeBatch[];
let watcher: DirWatcher;

beforeEach(async () => {
  root = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-watch-')));
  await fs.mkdir(join(root, 'src'));
  batches = [];
  watcher = new DirWatcher((b) => batches.push(b), 30);
});

afterEach(async () => {
  watcher.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(predicate: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out; batches so far: ${JSON.stringify(batches)}`);
    await sleep(10);
  }
}

const allDirs = () => batches.flatMap((b) => b.dirs);
const allFiles = () => batches.flatMap((b) => b.files);

describe('DirWatcher', () => {
  it('reports a new file as a listing change of its folder, with project-relative paths', async () => {
    watcher.watchDir(join(root, 'src'), 'src');
    await fs.writeFile(join(root, 'src', 'a.txt'), 'x');
    await waitFor(() => allFiles().includes('src/a.txt'));
    expect(allDirs()).toContain('src');
  });

  it('reports the project root as ""', async () => {
    watcher.watchDir(root, '');
    await fs.writeFile(join(root, 'top.txt'), 'x');
    await waitFor(() => allFiles().includes('top.txt'));
    expect(allDirs()).toContain('');
  });

  it('reports a content change as a file change only', async () => {
    await fs.writeFile(join(root, 'src', 'a.txt'), 'x');
    watcher.watchDir(join(root, 'src'), 'src');
    await fs.appendFile(join(root, 'src', 'a.txt'), 'more');
    await waitFor(() => allFiles().includes('src/a.txt'));
    expect(allDirs()).toEqual([]);
  });

  it('batches a burst of events into one report', async () => {
    watcher.dispose();
    watcher = new DirWatcher((b) => batches.push(b), 200);
    watcher.watchDir(join(root, 'src'), 'src');
    for (let i = 0; i < 20; i++) await fs.writeFile(join(root, 'src', `f${i}.txt`), 'x');
    await waitFor(() => batches.length > 0);
    await sleep(300);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.files).toHaveLength(20);
    expect(batches[0]?.dirs).toEqual(['src']);
  });

  it('keeps at most maxDirs watches, dropping the least recently listed', async () => {
    watcher.dispose();
    watcher = new DirWatcher((b) => batches.push(b), 30, 2);
    for (const d of ['a', 'b', 'c']) await fs.mkdir(join(root, d));
    watcher.watchDir(join(root, 'a'), 'a');
    watcher.watchDir(join(root, 'b'), 'b');
    watcher.watchDir(join(root, 'a'), 'a'); // a is now the most recent
    watcher.watchDir(join(root, 'c'), 'c');
    expect(watcher.size).toBe(2);
    expect(['a', 'b', 'c'].map((d) => watcher.isWatching(d))).toEqual([true, false, true]);
    await fs.writeFile(join(root, 'b', 'x'), '');
    await fs.writeFile(join(root, 'c', 'x'), '');
    await waitFor(() => allFiles().includes('c/x'));
    await sleep(100);
    expect(allFiles()).not.toContain('b/x');
  });

  it('drops the watch of a deleted folder and watches it again once re-listed', async () => {
    watcher.watchDir(root, '');
    watcher.watchDir(join(root, 'src'), 'src');
    await fs.rm(join(root, 'src'), { recursive: true });
    await waitFor(() => allDirs().includes('src'));
    expect(watcher.isWatching('src')).toBe(false);

    await fs.mkdir(join(root, 'src'));
    watcher.watchDir(join(root, 'src'), 'src');
    batches = [];
    await fs.writeFile(join(root, 'src', 'new.txt'), 'x');
    await waitFor(() => allFiles().includes('src/new.txt'));
  });

  it('ignores folders that cannot be watched', () => {
    expect(() => watcher.watchDir(join(root, 'missing'), 'missing')).not.toThrow();
    expect(watcher.isWatching('missing')).toBe(false);
  });

  it('survives a listener that throws', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    watcher.dispose();
    let calls = 0;
    watcher = new DirWatcher(() => {
      calls++;
      throw new Error('listener bug');
    }, 20);
    watcher.watchDir(join(root, 'src'), 'src');
    await fs.writeFile(join(root, 'src', 'one'), '');
    await waitFor(() => calls === 1);
    await fs.writeFile(join(root, 'src', 'two'), '');
    await waitFor(() => calls === 2);
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });

  it('reports nothing after dispose', async () => {
    watcher.watchDir(join(root, 'src'), 'src');
    watcher.dispose();
    await fs.writeFile(join(root, 'src', 'late.txt'), '');
    await sleep(150);
    expect(batches).toEqual([]);
    expect(watcher.size).toBe(0);
  });
});
