import type { EventName, Events } from '../common/contract';
import type { Disposable } from '../common/disposable';

export type EventListener = <E extends EventName>(event: E, payload: Events[E]) => void;

/** Core → transports: every event any service emits, fanned out to every connected client. */
export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<E extends EventName>(event: E, payload: Events[E]): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event, payload);
      } catch (e) {
        // A broken listener (e.g. a closed socket) must not stop the others.
        console.error(`[lathe] event listener for ${event} threw`, e);
      }
    }
  }

  subscribe(listener: EventListener): Disposable {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }
}
