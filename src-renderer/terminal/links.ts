/**
 * File links in terminal output: Python's `File "path", line 12` (tracebacks, warnings), IPython's
 * `File /path.py:12, in f()` and the usual `path.py:12[:3]`. Pure; the terminal view maps the text
 * ranges back to cells and opens what resolves inside the project.
 */

export interface FileLink {
  /** Range in the text, end exclusive. */
  readonly start: number;
  readonly end: number;
  /** The path as written. */
  readonly path: string;
  readonly line: number;
  readonly column: number | null;
}

const PYTHON_FRAME = /File "([^"\n]+)", line (\d+)/g;
const EXTENSIONS = 'py|pyi|pyx|ipynb|json|ya?ml|toml|cfg|ini|txt|md|csv|sh|c|cc|cpp|h|hpp|cu';
// A path ending in a known extension, then :line and maybe :column. Not preceded by a path or URL
// character (so `http://host.py:80` or `x/y.py` inside a longer word is not half-taken).
const PATH_LINE = new RegExp(`(?<![\\w./~:-])((?:~|\\.{1,2})?/?(?:[\\w.@+-]+/)*[\\w.@+-]*\\.(?:${EXTENSIONS})):(\\d+)(?::(\\d+))?(?![\\w])`, 'g');

export function findFileLinks(text: string): FileLink[] {
  const links: FileLink[] = [];
  for (const m of text.matchAll(PYTHON_FRAME)) {
    const path = m[1]!;
    if (path.startsWith('<')) continue; // <stdin>, <string>, <ipython-input-…>
    links.push({ start: m.index, end: m.index + m[0].length, path, line: Number(m[2]), column: null });
  }
  for (const m of text.matchAll(PATH_LINE)) {
    const start = m.index;
    if (links.some((l) => start < l.end && start + m[0].length > l.start)) continue;
    links.push({ start, end: start + m[0].length, path: m[1]!, line: Number(m[2]), column: m[3] ? Number(m[3]) : null });
  }
  return links.sort((a, b) => a.start - b.start);
}

/** Normalise a POSIX path: collapse `.`, `..` and repeated slashes. */
function normalize(path: string): string {
  const absolute = path.startsWith('/');
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length > 0 && out[out.length - 1] !== '..') out.pop();
      else if (!absolute) out.push('..');
    } else out.push(part);
  }
  return (absolute ? '/' : '') + out.join('/');
}

/**
 * The project-relative path a link points to, or null when it is outside the project (or can't be
 * placed: `~`). Relative paths are taken from the session's working directory.
 */
export function projectPathOf(path: string, root: string, cwd: string): string | null {
  if (path.startsWith('~')) return null;
  const base = normalize(root);
  const full = normalize(path.startsWith('/') ? path : `${cwd.startsWith('/') ? cwd : `${base}/${cwd}`}/${path}`);
  if (!full.startsWith(base + '/')) return null;
  return full.slice(base.length + 1);
}

// --- from terminal rows to text and back -------------------------------------------------------------

/** The slice of xterm's buffer API the link finder reads (structural, so it can be tested without xterm). */
export interface CellLike {
  getChars(): string;
  getWidth(): number;
}
export interface LineLike {
  readonly isWrapped: boolean;
  readonly length: number;
  getCell(x: number): CellLike | undefined;
}
export interface BufferLike {
  readonly length: number;
  getLine(y: number): LineLike | undefined;
}

/** A buffer position as xterm's link ranges take it: 1-based column and row. */
export interface CellPosition {
  readonly x: number;
  readonly y: number;
}

/**
 * The logical line around buffer row `row` (0-based): the rows a long line wrapped onto, joined, with
 * the cell of every character (wide characters take two cells but one character).
 */
export function logicalLine(buffer: BufferLike, row: number): { text: string; cells: CellPosition[] } {
  let first = row;
  while (first > 0 && buffer.getLine(first)?.isWrapped) first--;
  let last = row;
  while (last + 1 < buffer.length && buffer.getLine(last + 1)?.isWrapped) last++;
  let text = '';
  const cells: CellPosition[] = [];
  for (let y = first; y <= last; y++) {
    const line = buffer.getLine(y);
    if (!line) break;
    for (let x = 0; x < line.length; x++) {
      const cell = line.getCell(x);
      if (!cell || cell.getWidth() === 0) continue;
      const chars = cell.getChars() || ' ';
      text += chars;
      for (let i = 0; i < chars.length; i++) cells.push({ x: x + 1, y: y + 1 });
    }
  }
  return { text, cells };
}

/** File links on buffer row `row` (0-based), with their cell ranges (1-based, end inclusive). */
export function linksOnRow(buffer: BufferLike, row: number): { link: FileLink; start: CellPosition; end: CellPosition }[] {
  const { text, cells } = logicalLine(buffer, row);
  return findFileLinks(text)
    .map((link) => ({ link, start: cells[link.start]!, end: cells[link.end - 1]! }))
    .filter(({ start, end }) => start && end && start.y <= row + 1 && end.y >= row + 1);
}
