import { describe, expect, it } from 'vitest';
import type { DirListing } from '../../src-main/common/contract';
import { joinPath, parentOf, validateName, visibleRows } from './tree-model';

const dir = (path: string, name: string) => ({ name, path, kind: 'directory' as const, symlink: false });
const file = (path: string, name: string) => ({ name, path, kind: 'file' as const, symlink: false });
const listing = (path: string, entries: DirListing['entries']): DirListing => ({ path, entries, excluded: 0, offset: 0, total: entries.length, generation: 1 });

describe('visibleRows', () => {
  const listings = new Map<string, DirListing>([
    ['', listing('', [dir('src', 'src'), dir('tests', 'tests'), file('README.md', 'README.md')])],
    ['src', listing('src', [file('src/a.py', 'a.py')])],
  ]);
  it('flattens expanded folders with depth, in listing order', () => {
    const rows = visibleRows(listings, new Set(['src']));
    expect(rows.map((r) => `${r.depth}:${r.entry.path}`)).toEqual(['0:src', '1:src/a.py', '0:tests', '0:README.md']);
  });
  it('marks an expanded folder without a listing as loading', () => {
    const rows = visibleRows(listings, new Set(['tests']));
    expect(rows.find((r) => r.entry.path === 'tests')).toMatchObject({ expanded: true, loading: true });
  });
});

describe('paths and names', () => {
  it('joins and splits', () => {
    expect(joinPath('', 'a')).toBe('a');
    expect(joinPath('a/b', 'c')).toBe('a/b/c');
    expect(parentOf('a/b/c')).toBe('a/b');
    expect(parentOf('a')).toBe('');
  });
  it('validates new names', () => {
    const siblings = [file('x.py', 'x.py')];
    expect(validateName('y.py', siblings)).toBeNull();
    expect(validateName('x.py', siblings)).toMatch(/already exists/);
    expect(validateName('x.py', siblings, 'x.py')).toBeNull();
    expect(validateName('a:b', siblings)).toMatch(/cannot contain/);
    expect(validateName('..', siblings)).toMatch(/reserved/);
    expect(validateName('pkg/mod.py', siblings)).toBeNull();
  });
});
