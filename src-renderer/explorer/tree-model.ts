/**
 * The file tree as the UI draws it: loaded listings + expanded folders → a flat list of visible rows.
 * Pure, so the virtualised view stays simple and this stays tested.
 */
import type { DirEntry, DirListing } from '../../src-main/common/contract';

export interface TreeRow {
  readonly entry: DirEntry;
  readonly depth: number;
  readonly expanded: boolean;
  /** A folder that is expanded but whose listing has not arrived yet. */
  readonly loading: boolean;
}

export function visibleRows(listings: ReadonlyMap<string, DirListing>, expanded: ReadonlySet<string>, root = ''): TreeRow[] {
  const rows: TreeRow[] = [];
  const walk = (dir: string, depth: number) => {
    const listing = listings.get(dir);
    if (!listing) return;
    for (const entry of listing.entries) {
      const isDir = entry.kind === 'directory';
      const open = isDir && expanded.has(entry.path);
      rows.push({ entry, depth, expanded: open, loading: open && !listings.has(entry.path) });
      if (open) walk(entry.path, depth + 1);
    }
  };
  walk(root, 0);
  return rows;
}

export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

/** Problems with a new file or folder name, in words; null when it is fine. */
export function validateName(name: string, siblings: readonly DirEntry[], current?: string): string | null {
  const trimmed = name.trim();
  if (trimmed === '.' || trimmed === '..') return 'That name is reserved';
  if (/[\\:*?"<>|\0]/.test(trimmed)) return 'A name cannot contain \\ : * ? " < > |';
  if (trimmed.startsWith('/') || trimmed.endsWith('/')) return 'A name cannot start or end with /';
  if (trimmed.split('/').some((p) => p === '' || p === '.' || p === '..')) return 'Each part of the path needs a name';
  if (trimmed !== current && siblings.some((e) => e.name === trimmed.split('/')[0] && !trimmed.includes('/')))
    return `"${trimmed}" already exists here`;
  return null;
}
