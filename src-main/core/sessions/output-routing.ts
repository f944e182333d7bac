/**
 * Which sessions' terminal output one client needs.
 *
 * Every chunk a session prints is a `sessions.data` event, and the hub fans events out to every client.
 * A client only needs the output of the sessions it shows in a terminal view: it replays the rest from the
 * scrollback when it attaches. Flow control (acks) paces only the viewed sessions, so without this a
 * page showing one session would receive everything that 8 sessions print flat out, unpaced: its socket
 * backs up until the server drops it as too slow, and the page spends its time parsing output it throws
 * away.
 *
 * A transport keeps one `OutputRouting` per client, tells it about each call the client makes (before it
 * reaches the core, then with its result), and forwards a `sessions.data` event only when `wants` says
 * so. Output is forwarded from the moment an attach is asked for (the view drops what its scrollback
 * already holds), and for as long as the client has not detached, even if the core forgot the viewer (the
 * view then attaches again, and must not miss what came meanwhile).
 */
import type { EventName, Events } from '../../common/contract';
import type { Result } from '../../common/result';

export class OutputRouting {
  /** The client's viewers: viewer id → session id. */
  private readonly viewers = new Map<string, string>();
  /** Attach calls in flight, per session id. */
  private readonly attaching = new Map<string, number>();

  /** A call from the client, before it is dispatched. Returns what to do with its result. */
  call(method: string, args: unknown): (result: Result<unknown>) => void {
    const a = (args ?? {}) as { id?: unknown; viewerId?: unknown };
    if (method === 'sessions.attach' && typeof a.id === 'string') {
      const session = a.id;
      this.attaching.set(session, (this.attaching.get(session) ?? 0) + 1);
      return (result) => {
        const left = (this.attaching.get(session) ?? 1) - 1;
        if (left > 0) this.attaching.set(session, left);
        else this.attaching.delete(session);
        if (result.ok) this.viewers.set((result.value as { viewerId: string }).viewerId, session);
      };
    }
    if (method === 'sessions.detach' && typeof a.viewerId === 'string') this.viewers.delete(a.viewerId);
    return noop;
  }

  /** Whether to forward this event to the client. */
  wants<E extends EventName>(event: E, payload: Events[E]): boolean {
    if (event === 'sessions.removed') {
      const { id } = payload as Events['sessions.removed'];
      for (const [viewer, session] of this.viewers) if (session === id) this.viewers.delete(viewer);
      return true;
    }
    if (event !== 'sessions.data') return true;
    const { id } = payload as Events['sessions.data'];
    if (this.attaching.has(id)) return true;
    for (const session of this.viewers.values()) if (session === id) return true;
    return false;
  }
}

const noop = (): void => undefined;
