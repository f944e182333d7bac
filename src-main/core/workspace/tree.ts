import type { Dirent } from 'node:fs';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import type { DirEntry, DirListing, EntryKind } from '../../common/contract';
import { ok, type Result } from '../../common/result';
import { fsFailure } from './fs-errors';
import { sweepStaleTemps } from './atomic-write';

/** True when an entry (its name, and its project-relative POSIX path) is hidden by `files.exclude`. */
export type Excluder = (name: string, relPath: string) => boolean;

/** How many symlinks are stat'ed at once (each needs a syscall to learn file vs folder). */
const STAT_CONCURRENCY = 64;

export function makeExcluder(patterns: readonly string[]): Excluder {
  if (patterns.length === 0) return () => false;
  // Most patterns are plain names (".git", "node_modules"): a Set answers those without a regex.
  // The rest compile into one regex. Paths are always POSIX here, whatever the host OS. This runs for
  // every entry of every listing (100k of them in a big folder), so it is kept cheap.
  const names = new Set(patterns.filter((p) => !/[*?[\]{}()!+@/\\]/.test(p)));
  const globs = patterns.filter((p) => !names.has(p));
  const sources = globs.map((p) => picomatch.makeRe(p, { dot: true, windows: false }).source);
  const glob = sources.length > 0 ? new RegExp(sources.map((src) => `(?:${src})`).join('|')) : null;
  return (name, relPath) => names.has(name) || (glob !== null && (glob.test(name) || (relPath !== name && glob.test(relPath))));
}

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/** Folders first, then natural, case-insensitive order (`file2` before `file10`); exact name breaks ties. */
export function compareEntries(a: DirEntry, b: DirEntry): number {
  if (a.kind !== b.kind) return a.kind === 'directory' ? -1 : 1;
  return collator.compare(a.name, b.name) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
}

export function childPath(parentRel: string, name: string): string {
  return parentRel === '' ? name : `${parentRel}/${name}`;
}

export function absPath(root: string, rel: string): string {
  return rel === '' ? root : join(root, ...rel.split('/'));
}

/**
 * List one folder. `rel` must already be confined and normalised (see resolveInProject).
 * Only symlinks (and entries whose type the filesystem does not report) are stat'ed, so a folder with
 * 100k files costs one readdir. A dangling symlink is listed as a file.
 */
export async function listDirectory(root: string, rel: string, isExcluded: Excluder): Promise<Result<DirListing>> {
  const abs = absPath(root, rel);
  let dirents: Dirent[];
  try {
    dirents = await fs.readdir(abs, { withFileTypes: true });
  } catch (e) {
    return fsFailure(e, rel);
  }

  const entries: DirEntry[] = [];
  const unresolved: { name: string; path: string; symlink: boolean }[] = [];
  let excluded = 0;
  for (const d of dirents) {
    const path = childPath(rel, d.name);
    if (isExcluded(d.name, path)) {
      excluded++;
    } else if (d.isDirectory()) {
      entries.push({ name: d.name, path, kind: 'directory', symlink: false });
    } else if (d.isSymbolicLink() || !(d.isFile() || d.isFIFO() || d.isSocket() || d.isCharacterDevice() || d.isBlockDevice())) {
      unresolved.push({ name: d.name, path, symlink: d.isSymbolicLink() });
    } else {
      entries.push({ name: d.name, path, kind: 'file', symlink: false });
    }
  }

  for (let i = 0; i < unresolved.length; i += STAT_CONCURRENCY) {
    const batch = unresolved.slice(i, i + STAT_CONCURRENCY);
    const kinds = await Promise.all(batch.map((u) => kindOf(join(abs, u.name))));
    batch.forEach((u, j) => entries.push({ ...u, kind: kinds[j] ?? 'file' }));
  }

  // Saves killed mid-way leave hidden temp files behind: the listing has their names, so sweep them now.
  const temps = dirents.filter((d) => d.name.startsWith('.lathe-tmp-')).map((d) => d.name);
  if (temps.length > 0) void sweepStaleTemps(abs, temps);

  entries.sort(compareEntries);
  return ok({ path: rel, entries, excluded, offset: 0, total: entries.length, generation: 0 });
}

async function kindOf(abs: string): Promise<EntryKind> {
  try {
    return (await fs.stat(abs)).isDirectory() ? 'directory' : 'file';
  } catch {
    // Dangling link, loop, or vanished since readdir: show it as a file the user can inspect or delete.
    return 'file';
  }
}
