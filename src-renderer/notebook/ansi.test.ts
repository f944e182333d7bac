import { describe, expect, it } from 'vitest';
import { ansiToHtml, hasAnsi, stripAnsi } from './ansi';

describe('ANSI', () => {
  it('turns colours into theme classes and escapes the text', () => {
    const html = ansiToHtml('\x1b[0;31mValueError\x1b[0m: <script>alert(1)</script> & "x"');
    expect(html).toContain('class="ansi-red-fg"');
    expect(html).toContain('ValueError');
    expect(html).toContain('&lt;script&gt;');
    expect(html).not.toContain('<script>');
  });

  it('keeps no colour state from one text to the next', () => {
    ansiToHtml('\x1b[31mred, never reset');
    expect(ansiToHtml('plain')).toBe('plain');
  });

  it('opens terminal hyperlinks (OSC 8) in a new window, and drops those that are not http(s)', () => {
    const html = ansiToHtml('see \x1b]8;;https://example.com/?a=1&b=2\x1b\\docs\x1b]8;;\x1b\\ or \x1b]8;;javascript:alert(1)\x1b\\this\x1b]8;;\x1b\\.');
    expect(html).toBe('see <a target="_blank" rel="noopener noreferrer" href="https://example.com/?a=1&amp;b=2">docs</a> or .');
  });

  it('strips escape sequences', () => {
    const text = '\x1b[1;32mok\x1b[0m \x1b]8;;https://x\x07link\x1b]8;;\x07';
    expect(stripAnsi(text)).toBe('ok link');
    expect(hasAnsi(text)).toBe(true);
    expect(hasAnsi('plain')).toBe(false);
  });
});
