/**
 * A session's retained terminal output, bounded in characters. Offsets (`seq`) count every character the
 * session ever printed, so a viewer can tell replayed output from live output and never shows it twice.
 */
export const SCROLLBACK_CHARS = 1_000_000;

export class Scrollback {
  private chunks: string[] = [];
  private retained = 0;
  /** Offset of the end of the output (characters printed so far). */
  private end = 0;

  constructor(private readonly limit = SCROLLBACK_CHARS) {}

  get total(): number {
    return this.end;
  }

  append(text: string): number {
    const seq = this.end;
    this.chunks.push(text);
    this.retained += text.length;
    this.end += text.length;
    while (this.retained - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.retained -= this.chunks.shift()!.length;
    }
    if (this.chunks.length > 4096) this.chunks = [this.chunks.join('')];
    return seq;
  }

  /**
   * The retained output for a viewer to replay. When older output was dropped, the text starts at a line
   * boundary (so no escape sequence is cut in half) with attributes reset.
   */
  snapshot(): { text: string; seq: number } {
    let text = this.chunks.join('');
    if (text.length > this.limit) text = text.slice(text.length - this.limit);
    if (text.length < this.end) {
      const nl = text.indexOf('\n');
      text = `\x1b[0m${nl >= 0 ? text.slice(nl + 1) : text}`;
    }
    return { text, seq: this.end };
  }
}
