import { watch, type FSWatcher, type WatchEventType } from 'node:fs';
import { basename } from 'node:path';
import type { Disposable } from '../../common/disposable';
import { childPath } from './tree';

export interface ChangeBatch {
  /** Folders whose listing may have changed (project-relative). */
  readonly dirs: string[];
  /** Children that were created, deleted, renamed or modified (project-relative). */
  readonly files: string[];
}

interface Watched {
  readonly watcher: FSWatcher;
  readonly name: string;
}

/**
 * Watches the folders the user has looked at, one non-recursive `fs.watch` each: cheap on every OS,
 * unlike recursive watching of a tree with node_modules in it. At most `maxDirs` folders are watched;
 * beyond that the least recently listed ones are dropped (the tree still works, just not live there).
 *
 * A watch follows the folder's inode, so when a watched folder is deleted or replaced its watch goes
 * stale silently. Whenever an event names a watched folder (from its parent, or from itself), that watch
 * is dropped and the folder reported in `dirs`: whoever shows it lists it again, which watches it anew.
 */
export class DirWatcher implements Disposable {
  /** rel → watch, least recently used first. */
  private readonly watched = new Map<string, Watched>();
  private readonly pendingDirs = new Set<string>();
  private readonly pendingFiles = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private disposed = false;

  constructor(
    private readonly onChange: (batch: ChangeBatch) => void,
    private readonly debounceMs = 75,
    private readonly maxDirs = 4000,
  ) {}

  get size(): number {
    return this.watched.size;
  }

  isWatching(rel: string): boolean {
    return this.watched.has(rel);
  }

  watchDir(abs: string, rel: string): void {
    if (this.disposed) return;
    const existing = this.watched.get(rel);
    if (existing) {
      this.watched.delete(rel);
      this.watched.set(rel, existing);
      return;
    }
    let watcher: FSWatcher;
    try {
      watcher = watch(abs, { persistent: false }, (event, filename) => this.record(rel, event, filename));
    } catch {
      // Gone already, or the OS limit on watches is reached: nothing to do but not watch it.
      return;
    }
    watcher.on('error', () => this.unwatchDir(rel));
    this.watched.set(rel, { watcher, name: basename(abs) });
    for (const oldest of this.watched.keys()) {
      if (this.watched.size <= this.maxDirs) break;
      this.unwatchDir(oldest);
    }
  }

  unwatchDir(rel: string): void {
    const entry = this.watched.get(rel);
    if (!entry) return;
    this.watched.delete(rel);
    entry.watcher.close();
  }

  dispose(): void {
    this.disposed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    for (const rel of [...this.watched.keys()]) this.unwatchDir(rel);
    this.pendingDirs.clear();
    this.pendingFiles.clear();
  }

  private record(rel: string, event: WatchEventType, filename: string | null): void {
    if (this.disposed) return;
    if (event === 'rename' || filename === null) this.pendingDirs.add(rel);
    if (filename !== null) {
      const child = childPath(rel, filename);
      this.pendingFiles.add(child);
      if (event === 'rename') {
        if (filename === this.watched.get(rel)?.name) this.unwatchDir(rel);
        if (this.watched.has(child)) {
          this.unwatchDir(child);
          this.pendingDirs.add(child);
        }
      }
    }
    this.timer ??= setTimeout(() => this.flush(), this.debounceMs);
  }

  private flush(): void {
    this.timer = null;
    const batch: ChangeBatch = { dirs: [...this.pendingDirs], files: [...this.pendingFiles] };
    this.pendingDirs.clear();
    this.pendingFiles.clear();
    if (this.disposed || (batch.dirs.length === 0 && batch.files.length === 0)) return;
    try {
      this.onChange(batch);
    } catch (e) {
      // A throwing listener must not take the watcher (or the host) down.
      console.error('[lathe] workspace change listener threw', e);
    }
  }
}
