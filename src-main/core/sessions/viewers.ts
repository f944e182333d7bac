/**
 * Flow control for one session: the terminal views attached to it acknowledge what they have parsed, and
 * the pty is paused while the slowest live view is more than HIGH characters behind (resumed under LOW).
 * A view that stops acknowledging (its tab closed without detaching) expires, so output never stalls
 * for a view that is gone, and a session with no view is never paused.
 */
import { randomUUID } from 'node:crypto';

export const FLOW_HIGH = 1_000_000;
export const FLOW_LOW = 250_000;
export const VIEWER_EXPIRY_MS = 5_000;

interface Viewer {
  acked: number;
  lastAckAt: number;
}

export class Viewers {
  private readonly viewers = new Map<string, Viewer>();
  private paused = false;

  constructor(
    private readonly setPaused: (paused: boolean) => void,
    private readonly now: () => number = Date.now,
  ) {}

  get count(): number {
    return this.viewers.size;
  }

  has(viewerId: string): boolean {
    return this.viewers.has(viewerId);
  }

  attach(seq: number): string {
    const id = randomUUID();
    this.viewers.set(id, { acked: seq, lastAckAt: this.now() });
    return id;
  }

  detach(viewerId: string, total: number): void {
    this.viewers.delete(viewerId);
    this.update(total);
  }

  ack(viewerId: string, seq: number, total: number): boolean {
    const viewer = this.viewers.get(viewerId);
    if (!viewer) return false;
    viewer.acked = Math.max(viewer.acked, Math.min(seq, total));
    viewer.lastAckAt = this.now();
    this.update(total);
    return true;
  }

  /** Call after output was appended (total grew), and periodically while paused. */
  update(total: number): void {
    const now = this.now();
    for (const [id, v] of this.viewers) {
      if (v.acked < total && now - v.lastAckAt > VIEWER_EXPIRY_MS) this.viewers.delete(id);
    }
    let lag = 0;
    for (const v of this.viewers.values()) lag = Math.max(lag, total - v.acked);
    if (!this.paused && lag > FLOW_HIGH) {
      this.paused = true;
      this.setPaused(true);
    } else if (this.paused && lag < FLOW_LOW) {
      this.paused = false;
      this.setPaused(false);
    }
  }

  get isPaused(): boolean {
    return this.paused;
  }

  clear(): void {
    this.viewers.clear();
    if (this.paused) {
      this.paused = false;
      this.setPaused(false);
    }
  }
}
