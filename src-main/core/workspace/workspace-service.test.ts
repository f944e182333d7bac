import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EventName, Events } from '../../common/contract';
import type { Result } from '../../common/result';
import { DEFAULT_EXCLUDES } from '../../common/settings-schema';
import { EventHub } from '../event-hub';
import { MAX_EDITABLE_BYTES } from './text-codec';
import { WorkspaceService } from './workspace-service';

type Recorded = { [E in EventName]: { event: E; payload: Events[E] } }[EventName];

let base: string;
let root: string;
let outside: string;
let hub: EventHub;
let events: Recorded[];
let excludes: readonly string[];
let service: WorkspaceService;

beforeEach(async () => {
  base = await fs.realpath(await fs.mkdtemp(join(tmpdir(), 'lathe-ws-')));
  root = join(base, 'project');
  outside = join(base, 'outside');
  await fs.mkdir(join(root, 'src'), { recursive: true });
  await fs.mkdir(outside);
  await fs.writeFile(join(root, 'src', 'main.py'), 'print("hi")\n');
  await fs.writeFile(join(outside, 'secret.txt'), 'secret');
  await fs.symlink(outside, join(root, 'out-dir-link'));
  await fs.symlink(join(outside, 'secret.txt'), join(root, 'out-file-link'));
  hub = new EventHub();
  events = [];
  hub.subscribe((event, payload) => events.push({ event, payload } as Recorded));
  excludes = DEFAULT_EXCLUDES;
  service = new WorkspaceService({ hub, excludes: () => excludes });
});

afterEach(async () => {
  await service.dispose();
  await fs.rm(base, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitForEvent<E extends EventName>(event: E, matches: (payload: Events[E]) => boolean, timeoutMs = 1000): Promise<Events[E]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = events.find((e) => e.event === event && matches(e.payload as Events[E]));
    if (found) return found.payload as Events[E];
    if (Date.now() > deadline) throw new Error(`no ${event} event within ${timeoutMs} ms; got ${JSON.stringify(events)}`);
    await sleep(10);
  }
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function expectFailure(r: Result<unknown>, code: string): string {
  if (r.ok) throw new Error(`expected ${code}, got success`);
  expect(r.code).toBe(code);
  return r.message;
}

const gitEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('GIT_')));
const git = (cwd: string, ...args: string[]) => execFileSync('git', ['-c', 'init.defaultBranch=main', ...args], { cwd, stdio: 'pipe', env: gitEnv });

const writeArgs = (path: string, text: string, expectedVersion: string | null) =>
  ({ path, text, encoding: 'utf8', bom: false, eol: '\n', expectedVersion }) as const;

describe('without a project', () => {
  it('answers NO_PROJECT everywhere', async () => {
    expect(service.current()).toBeNull();
    const results = await Promise.all([
      service.list(''),
      service.read('a'),
      service.write(writeArgs('a', '', null)),
      service.create('a', 'file'),
      service.rename('a', 'b'),
      service.delete('a'),
      service.findFiles('a', 10),
    ]);
    for (const r of results) expect(r).toEqual({ ok: false, code: 'NO_PROJECT', message: 'Open a folder first' });
  });
});

describe('open / close', () => {
  it('opens the realpath of a folder and announces it once', async () => {
    await fs.symlink(root, join(base, 'via-link'));
    const info = value(await service.open(join(base, 'via-link')));
    expect(info).toEqual({ root, name: 'project', branch: null });
    expect(service.current()).toEqual(info);
    expect(events).toEqual([{ event: 'workspace.opened', payload: info }]);

    expect(value(await service.open(root))).toBe(info);
    expect(events).toHaveLength(1);
  });

  it('refuses relative, missing and file paths', async () => {
    expectFailure(await service.open('project'), 'INVALID_ARGUMENT');
    expect(expectFailure(await service.open(join(base, 'missing')), 'NOT_FOUND')).toContain('does not exist');
    expectFailure(await service.open(join(root, 'src', 'main.py')), 'NOT_A_DIRECTORY');
    expect(events).toEqual([]);
  });

  it('closes, announcing null once', async () => {
    value(await service.open(root));
    await service.close();
    await service.close();
    expect(service.current()).toBeNull();
    expect(events.map((e) => e.payload)).toEqual([expect.objectContaining({ root }), null]);
    expectFailure(await service.list(''), 'NO_PROJECT');
  });

  it('stops watching the previous project when another is opened', async () => {
    const other = join(base, 'other');
    await fs.mkdir(other);
    value(await service.open(root));
    value(await service.list(''));
    value(await service.open(other));
    events = [];
    await fs.writeFile(join(root, 'late.txt'), '');
    await sleep(300);
    expect(events).toEqual([]);
  });
});

describe('with a project', () => {
  beforeEach(async () => {
    value(await service.open(root));
    events = [];
  });

  describe('confinement', () => {
    const escapes = (): string[] => ['..', '../outside/secret.txt', join(outside, 'secret.txt'), 'out-dir-link/secret.txt', 'src/../../outside/x'];

    it('refuses paths outside the project in list, read, write, create, rename and delete', async () => {
      for (const path of escapes()) {
        expectFailure(await service.list(path), 'OUTSIDE_PROJECT');
        expectFailure(await service.read(path), 'OUTSIDE_PROJECT');
        expectFailure(await service.write(writeArgs(path, 'pwned', null)), 'OUTSIDE_PROJECT');
        expectFailure(await service.write(writeArgs(path, 'pwned', 'v')), 'OUTSIDE_PROJECT');
        expectFailure(await service.create(path, 'file'), 'OUTSIDE_PROJECT');
        expectFailure(await service.create(path, 'directory'), 'OUTSIDE_PROJECT');
        expectFailure(await service.rename('src/main.py', path), 'OUTSIDE_PROJECT');
        expectFailure(await service.rename(path, 'stolen.txt'), 'OUTSIDE_PROJECT');
        expectFailure(await service.delete(path), 'OUTSIDE_PROJECT');
      }
      expect(await fs.readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
      expect(await fs.readdir(outside)).toEqual(['secret.txt']);
      expect(await fs.readFile(join(root, 'src', 'main.py'), 'utf8')).toBe('print("hi")\n');
    });

    it('refuses to follow a symlink that leads outside, for reading and writing', async () => {
      expect(expectFailure(await service.read('out-file-link'), 'OUTSIDE_PROJECT')).toContain('symbolic link');
      expectFailure(await service.list('out-dir-link'), 'OUTSIDE_PROJECT');
      expectFailure(await service.write(writeArgs('out-file-link', 'pwned', null)), 'OUTSIDE_PROJECT');
      expectFailure(await service.create('out-dir-link/new.txt', 'file'), 'OUTSIDE_PROJECT');
      expect(await fs.readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    });

    it('deletes and renames a symlink itself, never its target', async () => {
      value(await service.rename('out-file-link', 'renamed-link'));
      expect((await fs.lstat(join(root, 'renamed-link'))).isSymbolicLink()).toBe(true);
      value(await service.delete('renamed-link'));
      value(await service.delete('out-dir-link'));
      expect(await fs.readFile(join(outside, 'secret.txt'), 'utf8')).toBe('secret');
    });
  });

  describe('list', () => {
    it('lists a folder with excluded entries counted', async () => {
      await fs.mkdir(join(root, '.git'));
      await fs.writeFile(join(root, 'run.log'), '');
      excludes = [...DEFAULT_EXCLUDES, '*.log'];
      const listing = value(await service.list(''));
      expect(listing.entries.map((e) => e.name)).toEqual(['out-dir-link', 'src', 'out-file-link']);
      expect(listing.excluded).toBe(2);
      expect(value(await service.list('./src/')).entries).toEqual([{ name: 'main.py', path: 'src/main.py', kind: 'file', symlink: false }]);
    });

    it('reports missing folders and files in words', async () => {
      expect(expectFailure(await service.list('nope'), 'NOT_FOUND')).toBe('"nope" does not exist');
      expectFailure(await service.list('src/main.py'), 'NOT_A_DIRECTORY');
    });
  });

  describe('read', () => {
    it('reads a text file with its version', async () => {
      const content = value(await service.read('src/main.py'));
      expect(content).toMatchObject({ path: 'src/main.py', kind: 'text', text: 'print("hi")\n', encoding: 'utf8', bom: false, eol: '\n', size: 12, readOnly: false, notice: null });
      expect(content.version).toMatch(/^[0-9a-f]{16}$/);
      expect(value(await service.read('src/main.py')).version).toBe(content.version);
    });

    it('refuses folders and missing files', async () => {
      expect(expectFailure(await service.read('src'), 'IS_A_DIRECTORY')).toBe('"src" is a folder');
      expect(expectFailure(await service.read('src/nope.py'), 'NOT_FOUND')).toBe('"src/nope.py" does not exist');
    });

    it('refuses a FIFO instead of blocking on it', async () => {
      try {
        execFileSync('mkfifo', [join(root, 'pipe')]);
      } catch {
        return; // no mkfifo on this OS
      }
      expectFailure(await service.read('pipe'), 'INVALID_ARGUMENT');
    });

    it('shows a binary file read-only', async () => {
      await fs.writeFile(join(root, 'image.png'), Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
      expect(value(await service.read('image.png'))).toMatchObject({ kind: 'binary', readOnly: true, size: 16 });
    });

    it('opens a 21 MB file read-only with a preview of its head, and refuses to write it', async () => {
      const big = join(root, 'big.txt');
      await fs.writeFile(big, 'line\n'.repeat(4000));
      await fs.truncate(big, 21 * 1024 * 1024); // sparse: fast to make
      const content = value(await service.read('big.txt'));
      expect(content).toMatchObject({ kind: 'too-large', readOnly: true, size: 21 * 1024 * 1024 });
      expect(content.text.startsWith('line\nline\n')).toBe(true);
      expect(content.text.length).toBe(1024 * 1024);
      expect(content.notice).toContain('21 MB');
      expect(content.version).toMatch(/^22020096:/);
      expect(expectFailure(await service.write(writeArgs('big.txt', 'x', content.version)), 'READ_ONLY')).toContain('editing limit');
    });
  });

  describe('write', () => {
    it('creates a new file when no version is expected, then saves with the returned version', async () => {
      const first = value(await service.write(writeArgs('notes.md', '# hi\n', null)));
      expect(first.size).toBe(5);
      expect(value(await service.read('notes.md')).version).toBe(first.version);
      const second = value(await service.write(writeArgs('notes.md', '# hi\nmore\n', first.version)));
      expect(second.version).not.toBe(first.version);
      expect(await fs.readFile(join(root, 'notes.md'), 'utf8')).toBe('# hi\nmore\n');
    });

    it('detects a change on disk since the file was opened', async () => {
      const { version } = value(await service.read('src/main.py'));
      await fs.writeFile(join(root, 'src', 'main.py'), 'print("changed outside")\n');
      expect(expectFailure(await service.write(writeArgs('src/main.py', 'mine', version)), 'CONFLICT')).toBe(
        '"src/main.py" changed on disk since you opened it',
      );
      expect(await fs.readFile(join(root, 'src', 'main.py'), 'utf8')).toBe('print("changed outside")\n');
    });

    it('detects a file created or deleted meanwhile', async () => {
      expect(expectFailure(await service.write(writeArgs('src/main.py', 'x', null)), 'CONFLICT')).toContain('already exists');
      const { version } = value(await service.read('src/main.py'));
      await fs.rm(join(root, 'src', 'main.py'));
      expect(expectFailure(await service.write(writeArgs('src/main.py', 'x', version)), 'CONFLICT')).toContain('was deleted');
    });

    it('lets only one of two saves from the same version through', async () => {
      const { version } = value(await service.read('src/main.py'));
      const results = await Promise.all([service.write(writeArgs('src/main.py', 'one', version)), service.write(writeArgs('src/main.py', 'two', version))]);
      expect(results.map((r) => (r.ok ? 'ok' : r.code))).toEqual(['ok', 'CONFLICT']);
      expect(await fs.readFile(join(root, 'src', 'main.py'), 'utf8')).toBe('one');
    });

    it('refuses unknown encodings, unrepresentable text and missing folders', async () => {
      expectFailure(await service.write({ ...writeArgs('a.txt', 'x', null), encoding: 'nope-8' }), 'INVALID_ARGUMENT');
      expect(expectFailure(await service.write({ ...writeArgs('a.txt', '✓', null), encoding: 'windows-1252' }), 'INVALID_ARGUMENT')).toContain('windows-1252');
      expectFailure(await service.write(writeArgs('no/such/dir.txt', 'x', null)), 'NOT_FOUND');
    });

    it('round-trips a CRLF windows-1252 file byte for byte, and keeps its format on edit', async () => {
      const original = iconv.encode('Prix : 12 € — café crème, déjà vu.\r\nÇa coûte très cher… « naïf »\r\n', 'windows-1252');
      await fs.writeFile(join(root, 'legacy.txt'), original);
      const content = value(await service.read('legacy.txt'));
      expect(content).toMatchObject({ encoding: 'windows-1252', eol: '\r\n', bom: false, readOnly: false, notice: 'Encoding: windows-1252 (kept on save)' });

      const { text, encoding, bom, eol, version } = content;
      const saved = value(await service.write({ path: 'legacy.txt', text, encoding, bom, eol, expectedVersion: version }));
      expect((await fs.readFile(join(root, 'legacy.txt'))).equals(original)).toBe(true);
      expect(saved.version).toBe(version);

      // Monaco hands back LF-joined lines; the file keeps CRLF and windows-1252.
      value(await service.write({ path: 'legacy.txt', text: text.replaceAll('\r\n', '\n') + 'Über\n', encoding, bom, eol, expectedVersion: saved.version }));
      expect((await fs.readFile(join(root, 'legacy.txt'))).equals(Buffer.concat([original, iconv.encode('Über\r\n', 'windows-1252')]))).toBe(true);
    });

    it('writes through a symlink inside the project, keeping the link', async () => {
      await fs.symlink('src/main.py', join(root, 'main-link'));
      const { version } = value(await service.read('main-link'));
      value(await service.write(writeArgs('main-link', 'via link\n', version)));
      expect((await fs.lstat(join(root, 'main-link'))).isSymbolicLink()).toBe(true);
      expect(await fs.readFile(join(root, 'src', 'main.py'), 'utf8')).toBe('via link\n');
    });

    it('refuses text that would exceed the editing limit', async () => {
      expectFailure(await service.write(writeArgs('huge.txt', 'x'.repeat(MAX_EDITABLE_BYTES + 1), null)), 'READ_ONLY');
    });
  });

  describe('create', () => {
    it('creates empty files and folders', async () => {
      value(await service.create('src/new.py', 'file'));
      value(await service.create('docs', 'directory'));
      expect(await fs.readFile(join(root, 'src', 'new.py'), 'utf8')).toBe('');
      expect((await fs.stat(join(root, 'docs'))).isDirectory()).toBe(true);
    });

    it('never replaces what exists, and needs the parent folder', async () => {
      expect(expectFailure(await service.create('src/main.py', 'file'), 'ALREADY_EXISTS')).toBe('"src/main.py" already exists');
      expectFailure(await service.create('src', 'directory'), 'ALREADY_EXISTS');
      expect(expectFailure(await service.create('a/b/c.txt', 'file'), 'NOT_FOUND')).toBe('Can\'t create "a/b/c.txt": the folder "a/b" does not exist');
      expectFailure(await service.create('.', 'directory'), 'INVALID_ARGUMENT');
      expect(await fs.readFile(join(root, 'src', 'main.py'), 'utf8')).toBe('print("hi")\n');
    });
  });

  describe('rename', () => {
    it('renames files and folders', async () => {
      value(await service.rename('src/main.py', 'src/app.py'));
      value(await service.rename('src', 'lib'));
      expect(await fs.readFile(join(root, 'lib', 'app.py'), 'utf8')).toBe('print("hi")\n');
    });

    it('refuses to replace, to move into itself, and missing sources', async () => {
      await fs.writeFile(join(root, 'other.py'), 'other');
      expectFailure(await service.rename('src/main.py', 'other.py'), 'ALREADY_EXISTS');
      expectFailure(await service.rename('src', 'src/inner'), 'INVALID_ARGUMENT');
      expectFailure(await service.rename('nope.py', 'x.py'), 'NOT_FOUND');
      expectFailure(await service.rename('src/main.py', 'no/such/x.py'), 'NOT_FOUND');
      expectFailure(await service.rename('', 'x'), 'INVALID_ARGUMENT');
      expect(await fs.readFile(join(root, 'other.py'), 'utf8')).toBe('other');
    });
  });

  describe('delete', () => {
    it('deletes files and folders recursively', async () => {
      await fs.mkdir(join(root, 'src', 'deep', 'er'), { recursive: true });
      await fs.writeFile(join(root, 'src', 'deep', 'er', 'x'), '');
      value(await service.delete('src/main.py'));
      value(await service.delete('src'));
      await expect(fs.stat(join(root, 'src'))).rejects.toThrow();
    });

    it('refuses the project folder and missing paths', async () => {
      expectFailure(await service.delete('.'), 'INVALID_ARGUMENT');
      expectFailure(await service.delete('src/..'), 'INVALID_ARGUMENT');
      expectFailure(await service.delete('nope'), 'NOT_FOUND');
    });
  });

  describe('findFiles', () => {
    it('finds files fuzzily and honours exclude changes', async () => {
      await fs.writeFile(join(root, 'src', 'train.log'), '');
      const found = value(await service.findFiles('mainpy', 10));
      expect(found.matches.map((m) => m.path)).toEqual(['src/main.py']);
      expect(value(await service.findFiles('', 10)).total).toBe(2);

      excludes = [...DEFAULT_EXCLUDES, '*.log'];
      service.excludesChanged();
      expect(value(await service.findFiles('', 10))).toMatchObject({ total: 1, truncated: false });
    });

    it('sees its own creations, renames and deletions at once, even in folders nobody listed', async () => {
      expect(value(await service.findFiles('', 10)).total).toBe(1);
      value(await service.create('src/new.py', 'file'));
      value(await service.write(writeArgs('src/saved.py', 'x', null)));
      expect(value(await service.findFiles('', 10)).total).toBe(3);
      value(await service.rename('src/new.py', 'src/renamed.py'));
      expect(value(await service.findFiles('renamed', 10)).matches.map((m) => m.path)).toEqual(['src/renamed.py']);
      value(await service.delete('src/renamed.py'));
      expect(value(await service.findFiles('', 10)).total).toBe(2);
    });

    it('sees files created outside once their folder reports the change', async () => {
      value(await service.list('src'));
      expect(value(await service.findFiles('', 10)).total).toBe(1);
      await fs.writeFile(join(root, 'src', 'added.py'), '');
      await waitForEvent('workspace.changed', (c) => c.files.includes('src/added.py'));
      expect(value(await service.findFiles('added', 10)).matches.map((m) => m.path)).toEqual(['src/added.py']);
    });
  });

  describe('live changes', () => {
    it('reports an outside write to a listed folder within a second', async () => {
      value(await service.list(''));
      await fs.writeFile(join(root, 'from-outside.txt'), 'x');
      const change = await waitForEvent('workspace.changed', (c) => c.files.includes('from-outside.txt'), 1000);
      expect(change.dirs).toContain('');
    });

    it('reports an outside change to a file that was read', async () => {
      value(await service.read('src/main.py'));
      await fs.appendFile(join(root, 'src', 'main.py'), '# more\n');
      await waitForEvent('workspace.changed', (c) => c.files.includes('src/main.py'));
    });

    it('stops after dispose', async () => {
      value(await service.list(''));
      await service.dispose();
      await fs.writeFile(join(root, 'after.txt'), 'x');
      await sleep(300);
      expect(events).toEqual([]);
      expect(service.current()).toBeNull();
    });
  });
});

describe('git branch', () => {
  it('reports the branch on open and follows checkouts', async () => {
    git(root, 'init');
    const info = value(await service.open(root));
    expect(info.branch).toBe('main');
    git(root, 'checkout', '-b', 'feature');
    expect(await waitForEvent('workspace.branch', (b) => b.branch === 'feature', 2000)).toEqual({ branch: 'feature' });
    expect(service.current()?.branch).toBe('feature');
  });

  it('picks up a repository created after the project was opened', async () => {
    value(await service.open(root));
    value(await service.list(''));
    git(root, 'init');
    await waitForEvent('workspace.branch', (b) => b.branch === 'main', 2000);
    git(root, 'checkout', '-b', 'later');
    await waitForEvent('workspace.branch', (b) => b.branch === 'later', 2000);
  });

  it('finds the repository of a project in a subfolder', async () => {
    git(base, 'init');
    expect(value(await service.open(root)).branch).toBe('main');
  });
});

describe('big folders in pages', () => {
  it('serves later pages from one sorted snapshot; listing from the start re-reads', async () => {
    const root = await fs.mkdtemp(join(tmpdir(), 'lathe-pages-'));
    for (let i = 0; i < 2500; i++) await fs.writeFile(join(root, `f${i}.txt`), '');
    const hub = new EventHub();
    const service = new WorkspaceService({ hub, excludes: () => [] });
    try {
      expect((await service.open(root)).ok).toBe(true);
      const first = await service.list('', 0, 1000);
      if (!first.ok) throw new Error(first.message);
      expect(first.value).toMatchObject({ offset: 0, total: 2500 });
      expect(first.value.entries.map((e) => e.name).slice(0, 3)).toEqual(['f0.txt', 'f1.txt', 'f2.txt']);
      const second = await service.list('', 1000, 1000);
      const third = await service.list('', 2000, 1000);
      if (!second.ok || !third.ok) throw new Error('page failed');
      expect(second.value.generation).toBe(first.value.generation);
      expect(third.value.entries).toHaveLength(500);
      const all = [...first.value.entries, ...second.value.entries, ...third.value.entries].map((e) => e.name);
      expect(new Set(all).size).toBe(2500);
      // Listing from the start again re-reads the folder: a new generation.
      const again = await service.list('', 0, 1000);
      expect(again.ok && again.value.generation).toBeGreaterThan(first.value.generation);
    } finally {
      await service.dispose();
      await fs.rm(root, { recursive: true, force: true });
    }
  });
});
