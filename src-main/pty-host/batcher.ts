import type { OscItem } from '../common/osc';

/** Output batching: about 16 ms or 200 KB of text, whichever comes first; driver markers go out at once. */
export const BATCH_MS = 16;
export const BATCH_CHARS = 200 * 1024;

/**
 * Collects parsed items and hands them to `flush` in order. Adjacent text of the same stream is merged.
 * A marker (run start/end, input request…) flushes on the next turn of the event loop, so a trivial run's
 * round trip is not held up by the text timer.
 */
export class Batcher {
  private items: OscItem[] = [];
  private chars = 0;
  private timer: NodeJS.Timeout | null = null;
  private immediate: NodeJS.Immediate | null = null;

  constructor(private readonly flushTo: (items: OscItem[]) => void) {}

  add(items: readonly OscItem[]): void {
    let urgent = false;
    for (const item of items) {
      const last = this.items[this.items.length - 1];
      if (item.k === 'text') {
        this.chars += item.text.length;
        if (last?.k === 'text' && last.stream === item.stream) {
          this.items[this.items.length - 1] = { k: 'text', stream: item.stream, text: last.text + item.text };
          continue;
        }
      } else {
        urgent = true;
      }
      this.items.push(item);
    }
    if (this.items.length === 0) return;
    if (this.chars >= BATCH_CHARS) this.flush();
    else if (urgent) this.immediate ??= setImmediate(() => this.flush());
    else this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.chars = 0;
    this.flushTo(items);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
    this.items = [];
  }
}
