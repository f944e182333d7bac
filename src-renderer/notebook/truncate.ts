/**
 * Very long text outputs are shown cut (the head), with "Show all" and "Save to file"; the notebook
 * keeps all of it. Pure.
 */
export const MAX_LINES = 2000;
export const MAX_CHARS = 1_000_000;

/** Beyond this many characters, the lines of a cut text are not counted (it streams: that would cost each batch). */
export const COUNT_LINES_UP_TO = 4 * MAX_CHARS;

export interface Truncated {
  /** What to show: all of it, or the head. */
  readonly text: string;
  readonly truncated: boolean;
  /** Lines in the whole text; null when it is too long to count at each update (see COUNT_LINES_UP_TO). */
  readonly totalLines: number | null;
  readonly totalChars: number;
  readonly shownLines: number;
}

function countLines(text: string): number {
  if (text === '') return 0;
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < text.length - 1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The first `maxLines` lines and at most `maxChars` characters of `text`. */
export function truncateText(text: string, limits: { maxLines?: number; maxChars?: number } = {}): Truncated {
  const maxLines = limits.maxLines ?? MAX_LINES;
  const maxChars = limits.maxChars ?? MAX_CHARS;
  // The end of the `maxLines`-th line, if there are more lines than that.
  let cut = -1;
  let seen = 0;
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
    seen++;
    if (seen === maxLines) {
      if (i < text.length - 1) cut = i + 1;
      break;
    }
    if (i > maxChars) break;
  }
  if (cut < 0 && text.length <= maxChars) {
    return { text, truncated: false, totalLines: countLines(text), totalChars: text.length, shownLines: countLines(text) };
  }
  let end = cut < 0 ? maxChars : Math.min(cut, maxChars);
  // Never split a surrogate pair.
  if (end > 0 && end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end -= 1;
  const head = text.slice(0, end);
  return { text: head, truncated: true, totalLines: text.length <= COUNT_LINES_UP_TO ? countLines(text) : null, totalChars: text.length, shownLines: countLines(head) };
}
