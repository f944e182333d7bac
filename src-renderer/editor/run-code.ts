/**
 * What Shift+Enter / Ctrl+Enter run from a Python editor. Pure.
 *
 * - A non-empty selection runs as it is (dedented, so a block selected inside a function still runs).
 * - Otherwise, in a file with `# %%` markers, the cell around the cursor runs: from the line after the
 *   marker above the cursor (or the file's start) to the line before the next marker (or the file's end).
 * - Otherwise the cursor's line runs.
 *
 * `nextLine` is where "run and advance" puts the cursor: the first line of the next cell, or the line
 * after what ran. Lines are 1-based, as in Monaco.
 */

export interface Selection {
  readonly startLine: number;
  readonly startColumn: number;
  readonly endLine: number;
  readonly endColumn: number;
}

export interface CodeToRun {
  /** The source to run; '' when there is nothing to run (an empty cell, a blank line). */
  readonly code: string;
  /** The lines the code came from (inclusive). */
  readonly startLine: number;
  readonly endLine: number;
  /** Where the cursor goes after "run and advance" (never past the last line). */
  readonly nextLine: number;
  readonly kind: 'selection' | 'cell' | 'line';
  /** The file's line that `code`'s first line came from (blank lines trimmed at the start shift it): a profile's or traceback's line n of the code is line `codeLine + n - 1` of the file. */
  readonly codeLine: number;
}

export const CELL_MARKER = /^\s*#\s*%%/;

function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

/** Remove the indentation every non-blank line shares (Python's textwrap.dedent, tabs and spaces alike). */
export function dedent(code: string): string {
  const lines = code.split('\n');
  let common: string | null = null;
  for (const line of lines) {
    if (line.trim() === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (common === null) common = indent;
    else {
      let i = 0;
      while (i < common.length && i < indent.length && common[i] === indent[i]) i++;
      common = common.slice(0, i);
    }
    if (common === '') return code;
  }
  if (!common) return code;
  const cut = common.length;
  return lines.map((line) => (line.trim() === '' ? line.replace(/^[ \t]*/, '') : line.slice(cut))).join('\n');
}

/** Blank lines at the start (trimBlankLines drops them). */
function leadingBlank(lines: readonly string[]): number {
  let n = 0;
  while (n < lines.length && lines[n]!.trim() === '') n++;
  return n === lines.length ? 0 : n;
}

/** Drop blank lines at the start and the end (they would only make the echo longer). */
function trimBlankLines(lines: readonly string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start]!.trim() === '') start++;
  while (end > start && lines[end - 1]!.trim() === '') end--;
  return lines.slice(start, end);
}

function isEmpty(selection: Selection | null | undefined): selection is null | undefined {
  return !selection || (selection.startLine === selection.endLine && selection.startColumn === selection.endColumn);
}

export function codeToRun(text: string, selection: Selection | null | undefined, cursorLine: number): CodeToRun {
  const lines = splitLines(text);
  const last = lines.length;
  const clamp = (line: number) => Math.max(1, Math.min(last, line));

  if (!isEmpty(selection)) {
    // Normalise a selection made backwards.
    const forward =
      selection.startLine < selection.endLine || (selection.startLine === selection.endLine && selection.startColumn <= selection.endColumn);
    const s = forward ? selection : { startLine: selection.endLine, startColumn: selection.endColumn, endLine: selection.startLine, endColumn: selection.startColumn };
    const startLine = clamp(s.startLine);
    const endLine = clamp(s.endLine);
    const picked = lines.slice(startLine - 1, endLine);
    if (picked.length > 0) {
      picked[picked.length - 1] = picked[picked.length - 1]!.slice(0, s.endColumn - 1);
      picked[0] = picked[0]!.slice(s.startColumn - 1);
    }
    // A selection ending at column 1 of a line takes nothing from it: that line did not run.
    const lastLine = endLine > startLine && s.endColumn === 1 ? endLine - 1 : endLine;
    return {
      code: dedent(trimBlankLines(picked).join('\n')),
      startLine,
      endLine: lastLine,
      nextLine: clamp(lastLine + 1),
      kind: 'selection',
      codeLine: startLine + leadingBlank(picked),
    };
  }

  const cursor = clamp(cursorLine);
  const markers: number[] = [];
  lines.forEach((line, i) => {
    if (CELL_MARKER.test(line)) markers.push(i + 1);
  });

  if (markers.length === 0) {
    return { code: lines[cursor - 1]!.trim(), startLine: cursor, endLine: cursor, nextLine: clamp(cursor + 1), kind: 'line', codeLine: cursor };
  }

  // The cell's marker is the last one at or above the cursor; above the first marker is a cell too.
  const above = markers.filter((m) => m <= cursor);
  const marker = above.length > 0 ? above[above.length - 1]! : 0;
  const next = markers.find((m) => m > cursor) ?? last + 1;
  const startLine = marker + 1;
  const endLine = next - 1;
  const cellLines = startLine <= endLine ? lines.slice(startLine - 1, endLine) : [];
  const code = trimBlankLines(cellLines).join('\n');
  // Run and advance lands on the next cell's first line (past its marker).
  const nextLine = next <= last ? clamp(next + 1) : clamp(endLine);
  const first = Math.min(startLine, last);
  return { code, startLine: first, endLine: Math.max(Math.min(endLine, last), 1), nextLine, kind: 'cell', codeLine: first + leadingBlank(cellLines) };
}
