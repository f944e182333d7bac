/**
 * The open project: every file operation the renderer can ask for, confined to the project folder,
 * plus the live signals about it (outside changes, git branch). Host-agnostic: Electron and the
 * server both call it through the contract's handlers.
 */
import { createHash } from 'node:crypto';
import { promises as fs, watch, type FSWatcher, type Stats } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute } from 'node:path';
import { LIST_PAGE_MAX, type ArgsOf, type DirListing, type EntryKind, type FileContent, type FindFilesResult, type ProjectInfo, type WriteResult } from '../../common/contract';
import type { Disposable } from '../../common/disposable';
import { err, ok, type Result } from '../../common/result';
import type { EventHub } from '../event-hub';
import { atomicWrite } from './atomic-write';
import { resolveInProject, type ProjectPath } from './confine';
import { DirWatcher, type ChangeBatch } from './dir-watcher';
import { FileIndex } from './file-index';
import { describePath, fsFailure, hasErrno } from './fs-errors';
import { findGitDir, readHeadBranch } from './git';
import { decodeForEditor, encodeFromEditor, formatSize, MAX_EDITABLE_BYTES, PREVIEW_BYTES } from './text-codec';
import { listDirectory, makeExcluder, type Excluder } from './tree';

export interface WorkspaceServiceOptions {
  readonly hub: EventHub;
  /** The current `files.exclude` patterns. */
  readonly excludes: () => readonly string[];
}

/** git rewrites HEAD via HEAD.lock + rename: wait for the burst to settle before reading it. */
const BRANCH_DEBOUNCE_MS = 50;
const READ_CHUNK_BYTES = 64 * 1024;

interface Project {
  info: ProjectInfo;
  /** Sorted snapshots of big folders being paged through, by folder; dropped when the folder changes. */
  readonly listings: Map<string, DirListing>;
  readonly watcher: DirWatcher;
  readonly index: FileIndex;
  gitDir: string | null;
  gitWatcher: FSWatcher | null;
  branchTimer: NodeJS.Timeout | null;
}

const noProject = () => err('NO_PROJECT', 'Open a folder first');

/** Content version of an editable file: a hash of its bytes, so a touch without a change is no conflict. */
function contentVersion(bytes: Uint8Array): string {
  return createHash('sha1').update(bytes).digest('hex').slice(0, 16);
}

function parentOf(rel: string): string {
  const slash = rel.lastIndexOf('/');
  return slash === -1 ? '' : rel.slice(0, slash);
}

export class WorkspaceService implements Disposable {
  private project: Project | null = null;
  /** open/close/dispose run one at a time, so two clients opening folders at once cannot interleave. */
  private lifecycle: Promise<unknown> = Promise.resolve();
  /** Mutations run one at a time, so two saves cannot both pass the version check and then both write. */
  private mutations: Promise<unknown> = Promise.resolve();
  private excluderCache: { readonly key: string; readonly excluder: Excluder } | null = null;
  private listingGeneration = 0;

  constructor(private readonly opts: WorkspaceServiceOptions) {}

  current(): ProjectInfo | null {
    return this.project?.info ?? null;
  }

  open(root: string): Promise<Result<ProjectInfo>> {
    return this.serial('lifecycle', () => this.openNow(root));
  }

  close(): Promise<void> {
    return this.serial('lifecycle', async () => {
      if (!this.project) return;
      this.closeProject(this.project);
      this.opts.hub.emit('workspace.opened', null);
    });
  }

  dispose(): Promise<void> {
    return this.serial('lifecycle', async () => {
      if (this.project) this.closeProject(this.project);
    });
  }

  /**
   * A page of a folder's sorted listing. The first page reads and sorts the folder; later pages of the
   * same generation come from that snapshot, until the folder changes on disk.
   */
  async list(rel: string, offset = 0, limit = LIST_PAGE_MAX): Promise<Result<DirListing>> {
    const p = this.project;
    if (!p) return noProject();
    const at = await resolveInProject(p.info.root, rel);
    if (!at.ok) return at;
    let snapshot = offset > 0 ? p.listings.get(at.value.rel) : undefined;
    if (!snapshot) {
      const listing = await listDirectory(p.info.root, at.value.rel, this.excluder());
      if (!listing.ok) return listing;
      if (p !== this.project) return listing;
      // Watch what the user looks at, so outside changes show up there.
      p.watcher.watchDir(at.value.abs, at.value.rel);
      snapshot = { ...listing.value, generation: ++this.listingGeneration };
      // Only big folders are worth keeping for their later pages.
      if (snapshot.total > limit) p.listings.set(at.value.rel, snapshot);
      else p.listings.delete(at.value.rel);
    }
    return ok({ ...snapshot, offset, entries: snapshot.entries.slice(offset, offset + limit) });
  }

  async read(rel: string): Promise<Result<FileContent>> {
    const p = this.project;
    if (!p) return noProject();
    const at = await resolveInProject(p.info.root, rel);
    if (!at.ok) return at;
    const { abs, rel: path } = at.value;

    let handle: FileHandle;
    try {
      // Checked before opening: opening a FIFO for reading would block until someone writes to it.
      const regular = notRegularFile(await fs.stat(abs), path);
      if (regular) return regular;
      handle = await fs.open(abs, 'r');
    } catch (e) {
      return fsFailure(e, path);
    }
    let stat: Stats;
    let bytes: Buffer;
    try {
      stat = await handle.stat();
      bytes = await readUpTo(handle, stat.size > MAX_EDITABLE_BYTES ? PREVIEW_BYTES : MAX_EDITABLE_BYTES + 1, stat.size);
    } catch (e) {
      return fsFailure(e, path);
    } finally {
      await handle.close();
    }

    // Reading MAX + 1 bytes also catches a file that grew past the limit since it was stat'ed.
    const size = stat.size > MAX_EDITABLE_BYTES || bytes.length > MAX_EDITABLE_BYTES ? Math.max(stat.size, bytes.length) : bytes.length;
    const editable = size <= MAX_EDITABLE_BYTES;
    const decoded = decodeForEditor(bytes, size);
    if (p === this.project) p.watcher.watchDir(dirname(abs), parentOf(path));
    return ok({
      path,
      ...decoded,
      size,
      // Too-large files are never hashed whole: size and time are enough to notice a change in a read-only view.
      version: editable ? contentVersion(bytes) : `${size}:${stat.mtimeMs}`,
    });
  }

  write(args: ArgsOf<'workspace.write'>): Promise<Result<WriteResult>> {
    return this.mutate(async (p) => {
      const at = await resolveInProject(p.info.root, args.path);
      if (!at.ok) return at;
      const { abs, rel } = at.value;

      const encoded = encodeFromEditor(args.text, args.encoding, args.bom, args.eol);
      if (!encoded.ok) return encoded;
      const bytes = encoded.value;
      if (bytes.length > MAX_EDITABLE_BYTES) {
        return err('READ_ONLY', `${describePath(rel)} would be ${formatSize(bytes.length)}, over the ${formatSize(MAX_EDITABLE_BYTES)} editing limit`);
      }

      const current = await currentVersion(abs, rel);
      if (!current.ok) return current;
      if (args.expectedVersion === null && current.value !== null) {
        return err('CONFLICT', `${describePath(rel)} already exists on disk`);
      }
      if (args.expectedVersion !== null && current.value !== args.expectedVersion) {
        const what = current.value === null ? 'was deleted' : 'changed';
        return err('CONFLICT', `${describePath(rel)} ${what} on disk since you opened it`);
      }

      try {
        await atomicWrite(abs, bytes);
      } catch (e) {
        return fsFailure(e, rel);
      }
      if (current.value === null) p.index.invalidate();
      return ok({ version: contentVersion(bytes), size: bytes.length });
    });
  }

  create(rel: string, kind: EntryKind): Promise<Result<void>> {
    return this.mutate(async (p) => {
      const at = await resolveInProject(p.info.root, rel);
      if (!at.ok) return at;
      const { abs, rel: path } = at.value;
      if (path === '') return err('INVALID_ARGUMENT', 'Give a name for the new file or folder');
      try {
        // Exclusive: never truncate or replace something that appeared meanwhile.
        if (kind === 'file') await fs.writeFile(abs, '', { flag: 'wx' });
        else await fs.mkdir(abs);
        p.index.invalidate();
        return ok();
      } catch (e) {
        if (hasErrno(e, 'ENOENT')) {
          return err('NOT_FOUND', `Can't create ${describePath(path)}: the folder "${parentOf(path)}" does not exist`);
        }
        return fsFailure(e, path);
      }
    });
  }

  rename(from: string, to: string): Promise<Result<void>> {
    return this.mutate(async (p) => {
      const source = await resolveInProject(p.info.root, from, 'nofollow');
      if (!source.ok) return source;
      const target = await resolveInProject(p.info.root, to, 'nofollow');
      if (!target.ok) return target;
      const a = source.value;
      const b = target.value;
      if (a.rel === '' || b.rel === '') return err('INVALID_ARGUMENT', "The project folder itself can't be renamed or replaced");
      if (a.rel === b.rel) return ok();
      if (b.rel.startsWith(`${a.rel}/`)) return err('INVALID_ARGUMENT', `Can't move ${describePath(a.rel)} into itself`);

      let sourceStat: Stats;
      try {
        sourceStat = await fs.lstat(a.abs);
      } catch (e) {
        return fsFailure(e, a.rel);
      }
      const clash = await existingOther(b, sourceStat, a.rel);
      if (!clash.ok) return clash;
      try {
        await fs.rename(a.abs, b.abs);
        p.index.invalidate();
        return ok();
      } catch (e) {
        if (hasErrno(e, 'ENOENT')) {
          return err('NOT_FOUND', `Can't move ${describePath(a.rel)} to ${describePath(b.rel)}: the folder "${parentOf(b.rel)}" does not exist`);
        }
        return fsFailure(e, b.rel);
      }
    });
  }

  delete(rel: string): Promise<Result<void>> {
    return this.mutate(async (p) => {
      // A symlink is deleted itself, never what it points to, so the link's target may be anywhere.
      const at = await resolveInProject(p.info.root, rel, 'nofollow');
      if (!at.ok) return at;
      const { abs, rel: path } = at.value;
      if (path === '') return err('INVALID_ARGUMENT', "The project folder itself can't be deleted");
      try {
        await fs.lstat(abs);
        await fs.rm(abs, { recursive: true });
        p.index.invalidate();
        return ok();
      } catch (e) {
        return fsFailure(e, path);
      }
    });
  }

  async findFiles(query: string, limit: number): Promise<Result<FindFilesResult>> {
    const p = this.project;
    if (!p) return noProject();
    return ok(await p.index.find(query, limit));
  }

  excludesChanged(): void {
    this.project?.index.invalidate();
    this.project?.listings.clear();
  }

  // -------------------------------------------------------------------------------------------------

  private async openNow(root: string): Promise<Result<ProjectInfo>> {
    if (!isAbsolute(root)) return err('INVALID_ARGUMENT', `"${root}" is not an absolute folder path`);
    let real: string;
    try {
      real = await fs.realpath(root);
      if (!(await fs.stat(real)).isDirectory()) return err('NOT_A_DIRECTORY', `"${root}" is a file, not a folder`);
    } catch (e) {
      return fsFailure(e, root);
    }
    if (this.project?.info.root === real) return ok(this.project.info);

    const gitDir = await findGitDir(real);
    const branch = gitDir ? await readHeadBranch(gitDir) : null;
    if (this.project) this.closeProject(this.project);

    const info: ProjectInfo = { root: real, name: basename(real) || real, branch };
    const project: Project = {
      info,
      listings: new Map(),
      watcher: new DirWatcher((batch) => this.onChanges(project, batch)),
      index: new FileIndex(real, () => this.excluder()),
      gitDir: null,
      gitWatcher: null,
      branchTimer: null,
    };
    this.project = project;
    this.watchGit(project, gitDir);
    this.opts.hub.emit('workspace.opened', info);
    return ok(info);
  }

  private closeProject(p: Project): void {
    p.watcher.dispose();
    p.gitWatcher?.close();
    if (p.branchTimer) clearTimeout(p.branchTimer);
    if (this.project === p) this.project = null;
  }

  private onChanges(p: Project, batch: ChangeBatch): void {
    if (p !== this.project) return;
    if (batch.dirs.length > 0) p.index.invalidate();
    for (const dir of batch.dirs) p.listings.delete(dir);
    this.opts.hub.emit('workspace.changed', batch);
    // `git init` (or a clone) in the project root: start following its branch.
    if (batch.files.includes('.git')) void this.refreshGit(p);
  }

  /** Follow the repository's HEAD: fs.watch on the git dir, since git replaces HEAD by renaming. */
  private watchGit(p: Project, gitDir: string | null): void {
    p.gitWatcher?.close();
    p.gitWatcher = null;
    p.gitDir = gitDir;
    if (!gitDir) return;
    try {
      const watcher = watch(gitDir, { persistent: false }, (_event, filename) => {
        if (filename === null || filename === 'HEAD') this.scheduleBranchCheck(p);
      });
      watcher.on('error', () => {
        watcher.close();
        if (p.gitWatcher === watcher) p.gitWatcher = null;
      });
      p.gitWatcher = watcher;
    } catch {
      // Unwatchable (gone, or out of watches): the branch shown just won't update live.
    }
  }

  private scheduleBranchCheck(p: Project): void {
    if (p.branchTimer) return;
    p.branchTimer = setTimeout(() => {
      p.branchTimer = null;
      void this.checkBranch(p);
    }, BRANCH_DEBOUNCE_MS);
  }

  private async checkBranch(p: Project): Promise<void> {
    const branch = p.gitDir ? await readHeadBranch(p.gitDir) : null;
    if (p !== this.project || branch === p.info.branch) return;
    p.info = { ...p.info, branch };
    this.opts.hub.emit('workspace.branch', { branch });
  }

  private async refreshGit(p: Project): Promise<void> {
    const gitDir = await findGitDir(p.info.root);
    if (p !== this.project) return;
    if (gitDir !== p.gitDir) this.watchGit(p, gitDir);
    await this.checkBranch(p);
  }

  private excluder(): Excluder {
    const patterns = this.opts.excludes();
    const key = JSON.stringify(patterns);
    if (this.excluderCache?.key !== key) this.excluderCache = { key, excluder: makeExcluder(patterns) };
    return this.excluderCache.excluder;
  }

  /**
   * Run a mutation on the open project. Mutations that change the set of files invalidate the file
   * index themselves: the folder they touch may not be watched.
   */
  private mutate<T>(fn: (p: Project) => Promise<Result<T>>): Promise<Result<T>> {
    return this.serial('mutations', async () => {
      const p = this.project;
      return p ? fn(p) : noProject();
    });
  }

  private serial<T>(queue: 'lifecycle' | 'mutations', fn: () => Promise<T>): Promise<T> {
    const run = this[queue].then(fn, fn);
    this[queue] = run.catch(() => undefined);
    return run;
  }
}

function notRegularFile(stat: Stats, rel: string): Result<never> | null {
  if (stat.isDirectory()) return err('IS_A_DIRECTORY', `${describePath(rel)} is a folder`);
  if (!stat.isFile()) return err('INVALID_ARGUMENT', `${describePath(rel)} is not a regular file (a device, socket or pipe) and can't be opened`);
  return null;
}

/** Up to `max` bytes from the start; the first read is sized to the expected size (one read for most files). */
async function readUpTo(handle: FileHandle, max: number, expected: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  let want = Math.min(max, expected + 1);
  while (total < max) {
    const buffer = Buffer.allocUnsafe(Math.max(1, Math.min(want, max - total)));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, total);
    if (bytesRead === 0) break;
    chunks.push(buffer.subarray(0, bytesRead));
    total += bytesRead;
    want = READ_CHUNK_BYTES;
  }
  return Buffer.concat(chunks, total);
}

/** The version of the file now on disk (null: there is none), or why it can't be written. */
async function currentVersion(abs: string, rel: string): Promise<Result<string | null>> {
  let stat: Stats;
  try {
    stat = await fs.stat(abs);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return ok(null);
    return fsFailure(e, rel);
  }
  const regular = notRegularFile(stat, rel);
  if (regular) return regular;
  if (stat.size > MAX_EDITABLE_BYTES) {
    return err('READ_ONLY', `${describePath(rel)} is ${formatSize(stat.size)}, over the ${formatSize(MAX_EDITABLE_BYTES)} editing limit: it is read-only`);
  }
  try {
    return ok(contentVersion(await fs.readFile(abs)));
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return ok(null);
    return fsFailure(e, rel);
  }
}

/**
 * ALREADY_EXISTS when `target` exists and is not the source itself. It is the source itself in a
 * case-only rename on a case-insensitive filesystem (`readme.md` → `README.md`).
 */
async function existingOther(target: ProjectPath, source: Stats, sourceRel: string): Promise<Result<void>> {
  let existing: Stats;
  try {
    existing = await fs.lstat(target.abs);
  } catch (e) {
    if (hasErrno(e, 'ENOENT')) return ok();
    return fsFailure(e, target.rel);
  }
  const sameEntry = existing.dev === source.dev && existing.ino === source.ino && target.rel.toLowerCase() === sourceRel.toLowerCase();
  return sameEntry ? ok() : err('ALREADY_EXISTS', `${describePath(target.rel)} already exists`);
}
