/**
 * The contract over one WebSocket (server mode). Calls are matched to results by id; events fan out to
 * listeners. The socket reconnects after a drop; calls made while it is down wait for it, and calls in
 * flight when it dropped fail with UNAVAILABLE (the core kept its state, so the UI can simply retry).
 */
import type { ArgsOf, Bridge, EventName, Events, MethodName, ServerFrame, ValueOf } from '../../src-main/common/contract';
import { err, type Result } from '../../src-main/common/result';

type Pending = (result: Result<unknown>) => void;

export interface SocketBridge extends Bridge {
  /** Called with true/false when the connection opens or drops. */
  onConnection(listener: (connected: boolean) => void): () => void;
}

export function createSocketBridge(url: string): SocketBridge {
  let socket: WebSocket | null = null;
  let nextId = 1;
  let connected = false;
  let retryMs = 250;
  const pending = new Map<number, Pending>();
  const queue: string[] = [];
  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const connectionListeners = new Set<(connected: boolean) => void>();

  const setConnected = (value: boolean) => {
    if (connected === value) return;
    connected = value;
    for (const l of connectionListeners) l(value);
  };

  function connect(): void {
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retryMs = 250;
      setConnected(true);
      for (const frame of queue.splice(0)) ws.send(frame);
    };
    ws.onmessage = (message: MessageEvent<string>) => {
      const frame = JSON.parse(message.data) as ServerFrame;
      if (frame.t === 'result') {
        const resolve = pending.get(frame.id);
        pending.delete(frame.id);
        resolve?.(frame.result);
      } else if (frame.t === 'event') {
        for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
      }
    };
    ws.onclose = () => {
      socket = null;
      setConnected(false);
      for (const [id, resolve] of pending) {
        pending.delete(id);
        resolve(err('UNAVAILABLE', 'The connection to Lathe dropped; reconnecting.'));
      }
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }
  connect();

  return {
    call<M extends MethodName>(method: M, args: ArgsOf<M>): Promise<Result<ValueOf<M>>> {
      const id = nextId++;
      const frame = JSON.stringify({ t: 'call', id, method, args });
      return new Promise((resolve) => {
        pending.set(id, resolve as Pending);
        if (socket && socket.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    on<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as (payload: unknown) => void;
      set.add(l);
      return () => void set.delete(l);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      return () => void connectionListeners.delete(listener);
    },
  };
}
