import { describe, expect, it } from 'vitest';
import { findFileLinks, linksOnRow, projectPathOf, type BufferLike } from './links';

describe('findFileLinks', () => {
  it('finds a Python traceback frame', () => {
    const text = '  File "/home/me/proj/train.py", line 12, in <module>';
    const [link] = findFileLinks(text);
    expect(link).toMatchObject({ path: '/home/me/proj/train.py', line: 12, column: null });
    expect(text.slice(link!.start, link!.end)).toBe('File "/home/me/proj/train.py", line 12');
  });

  it('skips frames that are not files', () => {
    expect(findFileLinks('  File "<stdin>", line 1, in <module>')).toEqual([]);
    expect(findFileLinks('  File "<ipython-input-3-abc>", line 1')).toEqual([]);
  });

  it('finds IPython frames and path:line[:col]', () => {
    expect(findFileLinks('File /tmp/p/model.py:7, in forward(self, x)')).toMatchObject([{ path: '/tmp/p/model.py', line: 7 }]);
    expect(findFileLinks('src/data/loader.py:3:5: E501 line too long')).toMatchObject([{ path: 'src/data/loader.py', line: 3, column: 5 }]);
    expect(findFileLinks('see ./train.py:10 and ../x.yaml:2')).toMatchObject([
      { path: './train.py', line: 10 },
      { path: '../x.yaml', line: 2 },
    ]);
  });

  it('ignores URLs, bare words and unknown extensions', () => {
    expect(findFileLinks('http://example.com:8080/a.py:3')).toEqual([]);
    expect(findFileLinks('time 12:30, ratio 1.5:1')).toEqual([]);
    expect(findFileLinks('model.onnx:3')).toEqual([]);
  });

  it('reports ranges in order and does not double-count a frame', () => {
    const text = 'a.py:1 File "b.py", line 2 c.py:3';
    expect(findFileLinks(text).map((l) => l.path)).toEqual(['a.py', 'b.py', 'c.py']);
  });
});

describe('projectPathOf', () => {
  const root = '/home/me/proj';
  it('maps absolute paths inside the project', () => {
    expect(projectPathOf('/home/me/proj/src/net.py', root, root)).toBe('src/net.py');
    expect(projectPathOf('/home/me/proj/./src/../train.py', root, root)).toBe('train.py');
  });
  it('resolves relative paths from the session cwd', () => {
    expect(projectPathOf('net.py', root, '/home/me/proj/src')).toBe('src/net.py');
    expect(projectPathOf('../train.py', root, '/home/me/proj/src')).toBe('train.py');
    expect(projectPathOf('train.py', root, 'src')).toBe('src/train.py');
  });
  it('refuses paths outside the project', () => {
    expect(projectPathOf('/usr/lib/python3/dist-packages/torch/nn.py', root, root)).toBeNull();
    expect(projectPathOf('/home/me/project2/a.py', root, root)).toBeNull();
    expect(projectPathOf('../other/a.py', root, root)).toBeNull();
    expect(projectPathOf('~/a.py', root, root)).toBeNull();
  });
});

describe('linksOnRow', () => {
  // A fake xterm buffer: rows of `cols` cells; a CJK character takes two cells (the second has width 0).
  function buffer(rows: string[][], wrapped: boolean[]): BufferLike {
    return {
      length: rows.length,
      getLine: (y) =>
        rows[y] && {
          isWrapped: wrapped[y]!,
          length: rows[y]!.length,
          getCell: (x) => {
            const ch = rows[y]![x];
            if (ch === undefined) return undefined;
            return { getChars: () => (ch === '\0' ? '' : ch), getWidth: () => (ch === '\0' ? 0 : 1) };
          },
        },
    };
  }
  const cellsOf = (s: string, cols: number): string[][] => {
    const out: string[][] = [];
    for (let i = 0; i < s.length; i += cols) out.push([...s.slice(i, i + cols).padEnd(cols, ' ')]);
    return out;
  };

  it('finds a link that wraps onto the next row, from either row', () => {
    const rows = cellsOf('  File "/p/src/model.py", line 7, in f', 20);
    const b = buffer(rows, rows.map((_, i) => i > 0));
    const [fromFirst] = linksOnRow(b, 0);
    expect(fromFirst!.link).toMatchObject({ path: '/p/src/model.py', line: 7 });
    expect(fromFirst!.start).toEqual({ x: 3, y: 1 });
    expect(fromFirst!.end).toEqual({ x: 12, y: 2 }); // the link's last character, '7', is at index 31: row 2, column 12
    expect(linksOnRow(b, 1)).toHaveLength(1);
    expect(linksOnRow(b, 2)).toHaveLength(0);
  });

  it('maps past wide characters to the right cells', () => {
    const row = ['中', '\0', ' ', ...'a.py:3'];
    const [hit] = linksOnRow(buffer([row], [false]), 0);
    expect(hit!.start).toEqual({ x: 4, y: 1 });
    expect(hit!.end).toEqual({ x: 9, y: 1 });
  });
});
