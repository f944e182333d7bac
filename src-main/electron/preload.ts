/**
 * The sandboxed preload: exposes `window.lathe` (a `PreloadApi`) and nothing else. One function per
 * contract method (`ipcRenderer.invoke` on its channel) and `on(event, listener)` for known events only.
 * `ipcRenderer` itself, and the IPC event objects that carry it, never reach the page.
 *
 * Sandboxed preloads can only require `electron` (and a few Node built-ins), and this file is bundled:
 * it imports names from `contract-names` only, so zod and the schemas stay out of the bundle.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventName, Events, PreloadApi } from '../common/contract';
import { ipcChannel, isKnownEventName, methodNameList } from '../common/contract-names';

type IpcLike = Pick<typeof ipcRenderer, 'invoke' | 'on' | 'removeListener'>;

export function buildPreloadApi(ipc: IpcLike): PreloadApi {
  const api: Record<string, unknown> = {};
  for (const name of methodNameList) {
    const channel = ipcChannel(name);
    api[name] = (args: unknown) => ipc.invoke(channel, args);
  }
  api.on = <E extends EventName>(event: E, listener: (payload: Events[E]) => void): (() => void) => {
    if (!isKnownEventName(event)) throw new TypeError(`window.lathe.on: unknown event ${JSON.stringify(String(event))}`);
    if (typeof listener !== 'function') throw new TypeError('window.lathe.on: the listener must be a function');
    const channel = ipcChannel(event);
    // Only the payload crosses: the IpcRendererEvent (which holds `sender`, i.e. ipcRenderer) does not.
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload as Events[E]);
    ipc.on(channel, forward);
    let subscribed = true;
    return () => {
      if (!subscribed) return;
      subscribed = false;
      ipc.removeListener(channel, forward);
    };
  };
  return Object.freeze(api) as unknown as PreloadApi;
}

contextBridge.exposeInMainWorld('lathe', buildPreloadApi(ipcRenderer));
