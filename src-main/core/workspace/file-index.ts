import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import type { FindFilesResult } from '../../common/contract';
import { fuzzyFilter } from '../../common/fuzzy';
import { isInside } from './confine';
import { absPath, childPath, type Excluder } from './tree';

export const DEFAULT_FILE_LIMIT = 200_000;
/** Files seen between two yields to the event loop, so other calls keep being served during a walk. */
const YIELD_EVERY = 2000;
const MAX_AGE_MS = 30_000;

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Every file under `root`, as project-relative POSIX paths, breadth first (shallow files first).
 * Excluded names and paths are skipped, symlinked folders are not followed (no cycles, no escaping the
 * project), symlinked files are included when they lead inside the project. Unreadable folders are skipped.
 */
export async function walkFiles(root: string, isExcluded: Excluder, limit = DEFAULT_FILE_LIMIT): Promise<{ files: string[]; truncated: boolean }> {
  const files: string[] = [];
  const queue: string[] = [''];
  let seen = 0;
  for (let next = 0; next < queue.length; next++) {
    const dir = queue[next] ?? '';
    let dirents: Dirent[];
    try {
      dirents = await fs.readdir(absPath(root, dir), { withFileTypes: true });
    } catch {
      continue;
    }
    for (const d of dirents) {
      const rel = childPath(dir, d.name);
      if (isExcluded(d.name, rel)) continue;
      if (d.isDirectory()) queue.push(rel);
      else if (d.isFile() || (d.isSymbolicLink() && (await isFileInside(root, absPath(root, rel))))) {
        if (files.length >= limit) return { files, truncated: true };
        files.push(rel);
      }
      if (++seen % YIELD_EVERY === 0) await yieldToEventLoop();
    }
  }
  return { files, truncated: false };
}

/** A symlink to a file inside the project (one leading outside could not be opened anyway). */
async function isFileInside(root: string, link: string): Promise<boolean> {
  try {
    const target = await fs.realpath(link);
    return isInside(root, target) && (await fs.stat(target)).isFile();
  } catch {
    return false; // dangling, or a loop
  }
}

interface Snapshot {
  readonly files: string[];
  readonly truncated: boolean;
  readonly at: number;
}

/**
 * The project's file list for Go to File, walked on first use and cached until invalidated (on
 * folder changes and exclude changes) or older than 30 s (changes in folders nobody watches).
 */
export class FileIndex {
  private snapshot: Snapshot | null = null;
  private walking: Promise<Snapshot> | null = null;
  /** Bumped on invalidate(), so a walk that started before it does not fill the cache with stale data. */
  private generation = 0;

  constructor(
    private readonly root: string,
    private readonly excluder: () => Excluder,
    private readonly limit = DEFAULT_FILE_LIMIT,
    private readonly maxAgeMs = MAX_AGE_MS,
  ) {}

  invalidate(): void {
    this.generation++;
    this.snapshot = null;
    this.walking = null;
  }

  async find(query: string, limit: number): Promise<FindFilesResult> {
    const { files, truncated } = await this.files();
    const matches = fuzzyFilter(query, files, (f) => f, limit).map((m) => ({ path: m.item, score: m.score, positions: m.positions }));
    return { matches, total: files.length, truncated };
  }

  private async files(): Promise<Snapshot> {
    if (this.snapshot && Date.now() - this.snapshot.at < this.maxAgeMs) return this.snapshot;
    this.walking ??= this.walk(this.generation);
    return this.walking;
  }

  private async walk(generation: number): Promise<Snapshot> {
    try {
      const snapshot = { ...(await walkFiles(this.root, this.excluder(), this.limit)), at: Date.now() };
      if (this.generation === generation) this.snapshot = snapshot;
      return snapshot;
    } finally {
      if (this.generation === generation) this.walking = null;
    }
  }
}
