import { describe, expect, it } from 'vitest';
import { truncateText } from './truncate';

describe('truncateText', () => {
  it('keeps short text whole', () => {
    expect(truncateText('a\nb\n')).toEqual({ text: 'a\nb\n', truncated: false, totalLines: 2, totalChars: 4, shownLines: 2 });
    expect(truncateText('')).toMatchObject({ truncated: false, totalLines: 0 });
  });

  it('cuts after the line limit, and counts the lines of the whole', () => {
    const text = Array.from({ length: 5000 }, (_, i) => `line ${i}`).join('\n') + '\n';
    const t = truncateText(text);
    expect(t.truncated).toBe(true);
    expect(t.shownLines).toBe(2000);
    expect(t.totalLines).toBe(5000);
    expect(t.text.endsWith('line 1999\n')).toBe(true);
    expect(truncateText(text, { maxLines: 5000 }).truncated).toBe(false);
    // Exactly at the limit, with or without a final newline: nothing is cut.
    expect(truncateText('1\n2\n3\n', { maxLines: 3 }).truncated).toBe(false);
    expect(truncateText('1\n2\n3', { maxLines: 3 }).truncated).toBe(false);
  });

  it('cuts a huge line at the character limit, never inside a surrogate pair', () => {
    const t = truncateText('x'.repeat(3_000_000));
    expect(t).toMatchObject({ truncated: true, totalLines: 1, totalChars: 3_000_000 });
    expect(t.text.length).toBe(1_000_000);
    const emoji = 'a' + '😀'.repeat(10);
    const cut = truncateText(emoji, { maxChars: 4 });
    expect(cut.text).toBe('a😀');
  });
});
