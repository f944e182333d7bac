import { describe, expect, it } from 'vitest';
import { fuzzyFilter, fuzzyMatch } from './fuzzy';

const rank = (query: string, candidates: string[]): string[] => fuzzyFilter(query, candidates, (c) => c, 100).map((r) => r.item);

describe('fuzzyMatch', () => {
  it('matches a subsequence case-insensitively and reports positions', () => {
    expect(fuzzyMatch('mts', 'main.ts')?.positions).toEqual([0, 5, 6]);
    expect(fuzzyMatch('MAIN', 'src/main.ts')?.positions).toEqual([4, 5, 6, 7]);
  });

  it('returns null when the query is not a subsequence', () => {
    expect(fuzzyMatch('zz', 'main.ts')).toBeNull();
    expect(fuzzyMatch('stm', 'main.ts')).toBeNull();
    expect(fuzzyMatch('main.tsx', 'main.ts')).toBeNull();
  });

  it('matches everything with score 0 for an empty query (whitespace is ignored)', () => {
    expect(fuzzyMatch('', 'anything')).toEqual({ score: 0, positions: [] });
    expect(fuzzyMatch('  ', 'anything')).toEqual({ score: 0, positions: [] });
    expect(fuzzyMatch('ma ts', 'main.ts')?.positions).toEqual([0, 1, 5, 6]);
  });

  it('prefers camelCase humps and word starts', () => {
    expect(fuzzyMatch('ws', 'WorkspaceService.ts')?.positions).toEqual([0, 9]);
    expect(fuzzyMatch('ws', 'workspace-service.ts')?.positions).toEqual([0, 10]);
  });

  it('still matches a very long query against a very long path', () => {
    const candidate = `${'segment/'.repeat(500)}end.txt`;
    const query = 'segment'.repeat(200);
    const match = fuzzyMatch(query, candidate);
    expect(match?.positions).toHaveLength(query.length);
    match?.positions.forEach((p, i) => {
      expect(candidate[p]).toBe(query[i]);
      if (i > 0) expect(p).toBeGreaterThan(match.positions[i - 1] ?? Infinity);
    });
  });

  it('lays the match over the basename rather than the folders when it can', () => {
    expect(fuzzyMatch('index', 'index/src/index.ts')?.positions).toEqual([10, 11, 12, 13, 14]);
  });
});

describe('fuzzyFilter', () => {
  it('ranks a contiguous basename match above the same letters scattered over folders', () => {
    expect(rank('fuzzy', ['src/f/u/z/z/y.ts', 'src/fuzzy/index.ts', 'src-main/common/fuzzy.ts'])).toEqual([
      'src-main/common/fuzzy.ts',
      'src/fuzzy/index.ts',
      'src/f/u/z/z/y.ts',
    ]);
  });

  it('ranks a basename match above a folder-name match', () => {
    expect(rank('contract', ['contract/other.ts', 'src-main/common/contract.ts'])[0]).toBe('src-main/common/contract.ts');
  });

  it('ranks an exact basename above a longer basename that starts with the query', () => {
    expect(rank('main', ['src/domain.ts', 'main.test.ts', 'main.ts'])).toEqual(['main.ts', 'main.test.ts', 'src/domain.ts']);
  });

  it('ranks consecutive runs above word-start hits above mid-word hits', () => {
    expect(rank('abc', ['xaxbxc.ts', 'a-b-c.ts', 'abc.ts'])).toEqual(['abc.ts', 'a-b-c.ts', 'xaxbxc.ts']);
  });

  it('finds the workspace service for "wsserv", behind the shorter path that matches segment starts', () => {
    expect(rank('wsserv', ['src/core/other.ts', 'src/workspace/workspace-service.ts', 'src/ws/server.ts'])).toEqual([
      'src/ws/server.ts',
      'src/workspace/workspace-service.ts',
    ]);
  });

  it('breaks ties by shorter candidate, then by input order', () => {
    expect(rank('mts', ['src/main.ts', 'main.ts'])).toEqual(['main.ts', 'src/main.ts']);
    expect(rank('', ['bb', 'a', 'cc'])).toEqual(['a', 'bb', 'cc']);
  });

  it('applies the limit after sorting', () => {
    const items = ['x/readme.md', 'readme.md', 'docs/readme.md'];
    expect(fuzzyFilter('readme', items, (s) => s, 1).map((r) => r.item)).toEqual(['readme.md']);
    expect(fuzzyFilter('readme', items, (s) => s, 0)).toEqual([]);
  });

  it('returns the item, its score and positions', () => {
    const [first] = fuzzyFilter('b', [{ id: 1, path: 'a/b' }], (t) => t.path, 10);
    expect(first?.item.id).toBe(1);
    expect(first?.positions).toEqual([2]);
    expect(first?.score).toBeGreaterThan(0);
  });
});
