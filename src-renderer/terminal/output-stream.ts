/**
 * The terminal view's side of a session's output stream. Pure (timers are injected).
 *
 * - `StreamCursor` places live `sessions.data` chunks after the attachment's scrollback: `seq` is a
 *   chunk's character offset in the session's whole output, so a chunk already covered by the scrollback
 *   is dropped and one that overlaps it is cut.
 * - `AckScheduler` acknowledges what xterm has *parsed* (from `write`'s callback), batched: at most every
 *   `intervalMs`, or at once when `batchChars` have been parsed since the last ack. The pty host pauses
 *   the process when a viewer falls too far behind, so a big print can never flood the renderer.
 */

export class StreamCursor {
  constructor(private seq: number) {}

  /** Offset just after the last character accepted. */
  get position(): number {
    return this.seq;
  }

  /** The part of a chunk not seen yet, or null when there is none. */
  accept(seq: number, data: string): string | null {
    const end = seq + data.length;
    if (end <= this.seq) return null;
    // A gap (seq > position) means output was dropped upstream; show what came, from where it is.
    const fresh = seq < this.seq ? data.slice(this.seq - seq) : data;
    this.seq = end;
    return fresh;
  }
}

export interface Timers {
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

const realTimers: Timers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class AckScheduler {
  private parsedUpTo = -1;
  private acked = -1;
  private sinceAck = 0;
  private timer: unknown = null;
  private disposed = false;

  constructor(
    private readonly send: (seq: number) => void,
    private readonly options: { intervalMs: number; batchChars: number } = { intervalMs: 50, batchChars: 100_000 },
    private readonly timers: Timers = realTimers,
  ) {}

  /** xterm parsed output up to `seq` (the end offset of a written chunk), `chars` characters of it new. */
  parsed(seq: number, chars: number): void {
    if (this.disposed || seq <= this.parsedUpTo) return;
    this.parsedUpTo = seq;
    this.sinceAck += chars;
    if (this.sinceAck >= this.options.batchChars) this.flush();
    else this.timer ??= this.timers.set(() => {
      this.timer = null;
      this.flush();
    }, this.options.intervalMs);
  }

  flush(): void {
    if (this.timer !== null) {
      this.timers.clear(this.timer);
      this.timer = null;
    }
    if (this.disposed || this.parsedUpTo <= this.acked) return;
    this.acked = this.parsedUpTo;
    this.sinceAck = 0;
    this.send(this.acked);
  }

  dispose(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.disposed = true;
  }
}
