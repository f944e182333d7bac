import { describe, expect, it } from 'vitest';
import { codeToRun, dedent } from './run-code';

const sel = (startLine: number, startColumn: number, endLine: number, endColumn: number) => ({ startLine, startColumn, endLine, endColumn });

describe('codeToRun: selection', () => {
  const text = 'import math\n\ndef f(x):\n    y = x + 1\n    return y\n\nprint(f(1))\n';

  it('runs a non-empty selection as it is', () => {
    const r = codeToRun(text, sel(7, 1, 7, 12), 7);
    expect(r).toMatchObject({ code: 'print(f(1))', kind: 'selection', startLine: 7, endLine: 7, nextLine: 8 });
  });

  it('takes part of a line', () => {
    expect(codeToRun(text, sel(7, 7, 7, 11), 7).code).toBe('f(1)');
  });

  it('dedents a block selected inside a function', () => {
    expect(codeToRun(text, sel(4, 1, 5, 13), 5).code).toBe('y = x + 1\nreturn y');
  });

  it('a selection ending at column 1 does not count that line', () => {
    const r = codeToRun(text, sel(3, 1, 6, 1), 6);
    expect(r.code).toBe('def f(x):\n    y = x + 1\n    return y');
    expect(r.endLine).toBe(5);
    expect(r.nextLine).toBe(6);
  });

  it('normalises a backwards selection', () => {
    expect(codeToRun(text, sel(7, 12, 7, 1), 7).code).toBe('print(f(1))');
  });

  it('an empty selection is the cursor, not a selection', () => {
    expect(codeToRun(text, sel(1, 3, 1, 3), 1)).toMatchObject({ code: 'import math', kind: 'line' });
  });
});

describe('codeToRun: lines (no cell markers)', () => {
  const text = 'x = 41\n\nx + 1';

  it('runs the cursor line and advances to the next', () => {
    expect(codeToRun(text, null, 1)).toEqual({ code: 'x = 41', startLine: 1, endLine: 1, nextLine: 2, kind: 'line', codeLine: 1 });
  });

  it('a blank line runs nothing but still advances', () => {
    expect(codeToRun(text, null, 2)).toMatchObject({ code: '', nextLine: 3 });
  });

  it('never advances past the last line', () => {
    expect(codeToRun(text, null, 3)).toMatchObject({ code: 'x + 1', nextLine: 3 });
    expect(codeToRun(text, null, 99)).toMatchObject({ code: 'x + 1', startLine: 3 });
  });

  it('handles CRLF text', () => {
    expect(codeToRun('a = 1\r\nb = 2\r\n', null, 2).code).toBe('b = 2');
  });
});

describe('codeToRun: # %% cells', () => {
  const text = [
    'import numpy as np', // 1
    '', // 2
    '# %% load', // 3
    'x = np.arange(3)', // 4
    'y = x * 2', // 5
    '', // 6
    '#%%', // 7
    'print(y)', // 8
    '  # %% indented marker', // 9
    'z = 1', // 10
  ].join('\n');

  it('runs the cell around the cursor, without its marker or trailing blank lines', () => {
    expect(codeToRun(text, null, 5)).toEqual({ code: 'x = np.arange(3)\ny = x * 2', startLine: 4, endLine: 6, nextLine: 8, kind: 'cell', codeLine: 4 });
  });

  it('the marker line belongs to the cell below it', () => {
    expect(codeToRun(text, null, 3).code).toBe('x = np.arange(3)\ny = x * 2');
  });

  it('lines above the first marker are a cell', () => {
    expect(codeToRun(text, null, 1)).toMatchObject({ code: 'import numpy as np', startLine: 1, endLine: 2, nextLine: 4 });
  });

  it('markers may be indented and need no space', () => {
    expect(codeToRun(text, null, 8)).toMatchObject({ code: 'print(y)', nextLine: 10 });
  });

  it('the last cell runs to the end and advance stays inside it', () => {
    expect(codeToRun(text, null, 10)).toMatchObject({ code: 'z = 1', startLine: 10, endLine: 10, nextLine: 10 });
  });

  it('an empty cell runs nothing', () => {
    expect(codeToRun('# %%\n# %%\nprint(1)', null, 1)).toMatchObject({ code: '', nextLine: 3 });
  });

  it('says which file line the code starts at, past leading blank lines (profiles map their lines back)', () => {
    const cells = ['# %%', '', '', 'def f():', '    return 1', '# %%', 'g = 2'].join('\n');
    expect(codeToRun(cells, null, 5)).toMatchObject({ code: 'def f():\n    return 1', startLine: 2, codeLine: 4 });
    expect(codeToRun(cells, sel(2, 1, 5, 13), 5)).toMatchObject({ code: 'def f():\n    return 1', startLine: 2, codeLine: 4 });
    expect(codeToRun(cells, null, 7)).toMatchObject({ code: 'g = 2', codeLine: 7 });
  });

  it('a selection wins over the cell', () => {
    expect(codeToRun(text, sel(4, 1, 4, 17), 4)).toMatchObject({ code: 'x = np.arange(3)', kind: 'selection' });
  });

  it('"%%" inside a string or a later comment is not a marker', () => {
    expect(codeToRun('a = "# %%"\nb = 1  # %%\n', null, 2)).toMatchObject({ code: 'b = 1  # %%', kind: 'line' });
  });
});

describe('dedent', () => {
  it('removes the shared indentation and keeps the rest', () => {
    expect(dedent('    if x:\n        y()\n\n    z()')).toBe('if x:\n    y()\n\nz()');
  });
  it('leaves code without shared indentation alone', () => {
    expect(dedent('f(\n    1)')).toBe('f(\n    1)');
  });
  it('does not mix tabs and spaces', () => {
    expect(dedent('\tx\n    y')).toBe('\tx\n    y');
  });
});
