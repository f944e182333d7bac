/**
 * What `lathe.watch` sent, kept per session in the core (so a reloaded page gets it all back), and
 * streamed to the renderer in batches (about every 100 ms) rather than one event per step.
 */
import type { Disposable } from '../../common/disposable';
import { GRAD_STEPS_KEPT, type GradBatch, type GradHistory, type GradMarker, type GradNan, type GradScalar, type GradStep, type GradWatch } from '../../common/protocols/grads';
import type { EventHub } from '../event-hub';

interface SessionGrads {
  readonly watches: Map<string, GradWatch & { active: boolean }>;
  readonly steps: Map<string, GradStep[]>;
  readonly nans: GradNan[];
  readonly scalars: GradScalar[];
  dropped: number;
  pending: { watches: GradWatch[]; steps: GradStep[]; nans: GradNan[]; scalars: GradScalar[]; unwatched: string[] } | null;
}

const BATCH_MS = 100;
const SCALARS_KEPT = 100_000;

export class GradStore implements Disposable {
  private readonly sessions = new Map<string, SessionGrads>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly hub: EventHub) {}

  /** A marker from a session's driver. */
  add(sessionId: string, m: GradMarker): void {
    const g = this.of(sessionId);
    const pending = (g.pending ??= { watches: [], steps: [], nans: [], scalars: [], unwatched: [] });
    switch (m.t) {
      case 'grads-watch': {
        const { t: _t, ...watch } = m;
        g.watches.set(watch.watch, { ...watch, active: true });
        g.steps.set(watch.watch, g.steps.get(watch.watch) ?? []);
        pending.watches.push(watch);
        break;
      }
      case 'grads-unwatch': {
        const w = g.watches.get(m.watch);
        if (w) w.active = false;
        pending.unwatched.push(m.watch);
        break;
      }
      case 'grads': {
        const { t: _t, ...step } = m;
        const list = g.steps.get(step.watch) ?? [];
        list.push(step);
        if (list.length > GRAD_STEPS_KEPT) {
          list.splice(0, list.length - GRAD_STEPS_KEPT);
          g.dropped += 1;
        }
        g.steps.set(step.watch, list);
        pending.steps.push(step);
        break;
      }
      case 'grads-nan': {
        const { t: _t, ...nan } = m;
        g.nans.push(nan);
        pending.nans.push(nan);
        break;
      }
      case 'scalar': {
        const { t: _t, ...scalar } = m;
        g.scalars.push(scalar);
        if (g.scalars.length > SCALARS_KEPT) g.scalars.splice(0, g.scalars.length - SCALARS_KEPT);
        pending.scalars.push(scalar);
        break;
      }
    }
    this.timer ??= setTimeout(() => this.flush(), BATCH_MS);
  }

  /** Everything kept for a session (empty when it never watched anything). */
  history(sessionId: string): GradHistory {
    const g = this.sessions.get(sessionId);
    if (!g) return { sessionId, watches: [], steps: [], nans: [], scalars: [], dropped: 0 };
    return {
      sessionId,
      watches: [...g.watches.values()].map((w) => ({ ...w })),
      steps: [...g.steps.values()].flat(),
      nans: [...g.nans],
      scalars: [...g.scalars],
      dropped: g.dropped,
    };
  }

  /** The session is gone: forget what it sent. */
  forget(sessionId: string): void {
    this.sessions.delete(sessionId);
  }

  private of(sessionId: string): SessionGrads {
    let g = this.sessions.get(sessionId);
    if (!g) {
      g = { watches: new Map(), steps: new Map(), nans: [], scalars: [], dropped: 0, pending: null };
      this.sessions.set(sessionId, g);
    }
    return g;
  }

  private flush(): void {
    this.timer = null;
    for (const [sessionId, g] of this.sessions) {
      const p = g.pending;
      if (!p) continue;
      g.pending = null;
      const batch: GradBatch = { sessionId, ...p };
      this.hub.emit('grads.batch', batch);
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.flush();
  }
}

/** The markers this store takes. */
export function isGradMarker(m: { t: string }): m is GradMarker {
  return m.t === 'grads' || m.t === 'grads-watch' || m.t === 'grads-unwatch' || m.t === 'grads-nan' || m.t === 'scalar';
}
