import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_EXCLUDES } from '../../common/settings-schema';
import { FileIndex, walkFiles } from './file-index';
import { makeExcluder } from './tree';

let base: string;
let root: string;

beforeEach(async () => {
  base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-index-')));
  root = join(base, 'project');
  await fs.mkdir(root);
});

afterEach(async () => {
  await fs.rm(base, { recursive: true, force: true });
});

async function touch(...rels: string[]): Promise<void> {
  for (const rel of rels) {
    await fs.mkdir(join(root, rel, '..'), { recursive: true });
    await fs.writeFile(join(root, rel), '');
  }
}

describe('walkFiles', () => {
  it('walks breadth first, skipping excluded names and paths', async () => {
    await touch('z.txt', 'src/deep/x.py', 'src/main.py', '.git/HEAD', 'node_modules/p/index.js', 'data/raw/a.csv', 'data/b.csv', 'run.log');
    const { files, truncated } = await walkFiles(root, makeExcluder([...DEFAULT_EXCLUDES, '*.log', 'data/raw/**']));
    expect(truncated).toBe(false);
    expect(files.slice(0, 1)).toEqual(['z.txt']);
    expect(files.indexOf('src/main.py')).toBeLessThan(files.indexOf('src/deep/x.py'));
    expect([...files].sort()).toEqual(['data/b.csv', 'src/deep/x.py', 'src/main.py', 'z.txt']);
  });

  it('includes symlinked files inside the project but does not follow symlinked folders', async () => {
    await touch('real/a.txt');
    await fs.mkdir(join(base, 'outside'));
    await fs.writeFile(join(base, 'outside', 'secret.txt'), '');
    await fs.symlink(join(base, 'outside'), join(root, 'out-link'));
    await fs.symlink(join(base, 'outside', 'secret.txt'), join(root, 'out-file-link'));
    await fs.symlink(join(root, 'real'), join(root, 'loop-link'));
    await fs.symlink('real/a.txt', join(root, 'file-link'));
    await fs.symlink('nowhere', join(root, 'dangling'));
    const { files } = await walkFiles(root, makeExcluder([]));
    expect([...files].sort()).toEqual(['file-link', 'real/a.txt']);
  });

  it('stops at the limit and says so', async () => {
    await touch('a', 'b', 'c', 'd/e');
    expect(await walkFiles(root, makeExcluder([]), 3)).toMatchObject({ truncated: true });
    expect((await walkFiles(root, makeExcluder([]), 3)).files).toHaveLength(3);
    expect(await walkFiles(root, makeExcluder([]), 4)).toMatchObject({ truncated: false });
  });

  it('walks thousands of files while staying responsive', async () => {
    for (let d = 0; d < 10; d++) {
      await Promise.all(Array.from({ length: 500 }, (_, i) => touch(`d${d}/f${i}.txt`)));
    }
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const { files } = await walkFiles(root, makeExcluder([]));
    clearInterval(timer);
    expect(files).toHaveLength(5000);
    expect(ticks).toBeGreaterThan(0);
  });
});

describe('FileIndex', () => {
  it('finds files fuzzily, best first, with the total considered', async () => {
    await touch('src/workspace/workspace-service.ts', 'src/other.ts', 'README.md');
    const index = new FileIndex(root, () => makeExcluder([]));
    const r = await index.find('wsserv', 10);
    expect(r.matches.map((m) => m.path)).toEqual(['src/workspace/workspace-service.ts']);
    expect(r.matches[0]?.positions).toHaveLength(6);
    expect(r.total).toBe(3);
    expect(r.truncated).toBe(false);
  });

  it('caches the walk until invalidated, and shares one walk between concurrent calls', async () => {
    await touch('a.ts');
    let walks = 0;
    const index = new FileIndex(root, () => {
      walks++;
      return makeExcluder([]);
    });
    const [first, second] = await Promise.all([index.find('', 10), index.find('', 10)]);
    expect(walks).toBe(1);
    expect(first.total).toBe(1);
    expect(second.total).toBe(1);

    await touch('b.ts');
    expect((await index.find('', 10)).total).toBe(1);
    index.invalidate();
    expect((await index.find('', 10)).total).toBe(2);
    expect(walks).toBe(2);
  });

  it('walks again once the cache is older than its maximum age', async () => {
    await touch('a.ts');
    const index = new FileIndex(root, () => makeExcluder([]), 100, 0);
    expect((await index.find('', 10)).total).toBe(1);
    await touch('b.ts');
    expect((await index.find('', 10)).total).toBe(2);
  });

  it('reports truncation at its file limit', async () => {
    await touch('a', 'b', 'c');
    const index = new FileIndex(root, () => makeExcluder([]), 2);
    expect(await index.find('', 10)).toMatchObject({ total: 2, truncated: true });
  });

  it('uses the excludes current at walk time', async () => {
    await touch('a.log', 'b.ts');
    let patterns: string[] = [];
    const index = new FileIndex(root, () => makeExcluder(patterns));
    expect((await index.find('', 10)).total).toBe(2);
    patterns = ['*.log'];
    index.invalidate();
    expect((await index.find('', 10)).matches.map((m) => m.path)).toEqual(['b.ts']);
  });
});
