/**
 * The Electron transport: one `ipcMain.handle` per contract method and one channel per event, both named
 * by `ipcChannel`. Every call is checked twice before it reaches the core: the sender must be the app's
 * own main frame, and the arguments must match the contract (shared with the server via `dispatch`).
 */
import { ipcMain, type BrowserWindow, type WebContents, type WebFrameMain } from 'electron';
import { ipcChannel, methodNames, type Handlers } from '../common/contract';
import { dispatch } from '../common/dispatch';
import { toDisposable, type Disposable } from '../common/disposable';
import { err, type Result } from '../common/result';
import type { EventHub } from '../core/event-hub';
import { OutputRouting } from '../core/sessions/output-routing';

/** Which sessions' output each page needs (see OutputRouting); a page loaded anew starts afresh. */
const routings = new WeakMap<WebContents, OutputRouting>();

function routingOf(contents: WebContents): OutputRouting {
  let routing = routings.get(contents);
  if (!routing) {
    routing = new OutputRouting();
    routings.set(contents, routing);
    contents.on('did-navigate', () => routings.set(contents, new OutputRouting()));
  }
  return routing;
}

function describeFrame(frame: WebFrameMain | null): string {
  try {
    return frame ? `${frame.parent ? 'subframe' : 'main frame'} ${frame.url}` : 'a destroyed frame';
  } catch {
    return 'a destroyed frame';
  }
}

export function registerIpc(handlers: Handlers, isTrustedSender: (frame: WebFrameMain | null) => boolean): Disposable {
  for (const name of methodNames) {
    ipcMain.handle(ipcChannel(name), async (event, args: unknown): Promise<Result<unknown>> => {
      let frame: WebFrameMain | null;
      try {
        frame = event.senderFrame;
      } catch {
        frame = null; // a frame destroyed mid-call
      }
      if (!isTrustedSender(frame)) {
        console.warn(`[lathe] refused ${name} from untrusted sender: ${describeFrame(frame)}`);
        return err('PERMISSION_DENIED', `${name}: this page may not call Lathe`);
      }
      // (`sender` is always there in Electron; the unit tests' stand-in events have none.)
      const routed = (event.sender as WebContents | undefined) ? routingOf(event.sender).call(name, args) : null;
      const result = await dispatch(handlers, name, args);
      routed?.(result);
      return result;
    });
  }
  return toDisposable(() => {
    for (const name of methodNames) ipcMain.removeHandler(ipcChannel(name));
  });
}

/** Core events → every window's page, on `ipcChannel(event)`. */
export function forwardEvents(hub: EventHub, getWindows: () => BrowserWindow[]): Disposable {
  return hub.subscribe((event, payload) => {
    const channel = ipcChannel(event);
    for (const win of getWindows()) {
      if (win.isDestroyed() || win.webContents.isDestroyed()) continue;
      if (!routingOf(win.webContents).wants(event, payload)) continue;
      win.webContents.send(channel, payload);
    }
  });
}
