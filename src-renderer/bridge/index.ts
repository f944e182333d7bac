/**
 * The renderer's one door to the core. Electron's preload puts `window.lathe` in place; without it we
 * are in server mode and talk over the socket. No component knows which.
 */
import type { ArgsOf, Bridge, EventName, Events, MethodName, PreloadApi, ValueOf } from '../../src-main/common/contract';
import type { Result } from '../../src-main/common/result';
import { createSocketBridge } from './socket-bridge';

declare global {
  interface Window {
    lathe?: PreloadApi;
  }
}

export interface AppBridge extends Bridge {
  onConnection(listener: (connected: boolean) => void): () => void;
  /** Number of calls in flight, for the progress indicator. */
  onBusy(listener: (inFlight: number) => void): () => void;
}

function fromPreload(api: PreloadApi): Bridge {
  return {
    call: <M extends MethodName>(method: M, args: ArgsOf<M>) =>
      (api[method] as (a: ArgsOf<M>) => Promise<Result<ValueOf<M>>>)(args),
    on: <E extends EventName>(event: E, listener: (payload: Events[E]) => void) => api.on(event, listener),
  };
}

export function createBridge(): AppBridge {
  let onConnection: AppBridge['onConnection'] = (listener) => {
    listener(true);
    return () => undefined;
  };
  let inner: Bridge;
  if (window.lathe) {
    inner = fromPreload(window.lathe);
  } else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = createSocketBridge(`${scheme}://${location.host}/ws`);
    onConnection = socket.onConnection;
    inner = socket;
  }
  let inFlight = 0;
  const busyListeners = new Set<(n: number) => void>();
  const setBusy = (delta: number) => {
    inFlight += delta;
    for (const l of busyListeners) l(inFlight);
  };
  return {
    async call(method, args) {
      setBusy(1);
      try {
        return await inner.call(method, args);
      } finally {
        setBusy(-1);
      }
    },
    on: inner.on,
    onConnection,
    onBusy(listener) {
      busyListeners.add(listener);
      return () => void busyListeners.delete(listener);
    },
  };
}
