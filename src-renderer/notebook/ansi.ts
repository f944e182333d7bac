/**
 * ANSI-coloured text (IPython's tracebacks, coloured stream output) as HTML: escaped text in spans whose
 * classes take the theme's terminal colours (`--ansi-*` in styles.css); 256 and true colours come as
 * inline styles. ansi_up escapes every character of the text itself, and keeps only http(s) hyperlinks.
 */
import { AnsiUp } from 'ansi_up';

export function ansiToHtml(text: string): string {
  // ansi_up keeps colour state between calls: one converter per text.
  const converter = new AnsiUp();
  converter.use_classes = true;
  converter.escape_html = true;
  // Terminal hyperlinks (OSC 8, http/https only) open in a new window: never in place of Lathe's own page.
  // (The text is escaped, so the only `<a href="` in the result is ansi_up's own.)
  return converter.ansi_to_html(text).replaceAll('<a href="', '<a target="_blank" rel="noopener noreferrer" href="');
}

// eslint-disable-next-line no-control-regex -- escape sequences are control characters
const ANSI_SEQUENCE = /\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)/g;

/** The text without its escape sequences (for saving to a file, copying). */
export function stripAnsi(text: string): string {
  return text.replace(ANSI_SEQUENCE, '');
}

/** Whether the text has any escape sequence at all (plain text skips the converter). */
export function hasAnsi(text: string): boolean {
  return text.includes('\x1b');
}
