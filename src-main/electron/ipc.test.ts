import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ipcChannel, methodNames, type Handlers } from '../common/contract';
import { ok } from '../common/result';
import { EventHub } from '../core/event-hub';

type Listener = (event: { senderFrame: unknown }, args: unknown) => Promise<unknown>;
const registered = new Map<string, Listener>();

// The real 'electron' module cannot load outside Electron: stand in for ipcMain.
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, listener: Listener) => {
      if (registered.has(channel)) throw new Error(`second handler for ${channel}`);
      registered.set(channel, listener);
    },
    removeHandler: (channel: string) => registered.delete(channel),
  },
}));

const { forwardEvents, registerIpc } = await import('./ipc');

function fakeHandlers() {
  const calls: Array<[string, unknown]> = [];
  const handlers = Object.fromEntries(
    methodNames.map((name) => [
      name,
      async (args: unknown) => {
        calls.push([name, args]);
        return ok(`${name} done`);
      },
    ]),
  ) as unknown as Handlers;
  return { handlers, calls };
}

const trusted = { url: 'file:///app/index.html', parent: null };
const isTrusted = (frame: unknown) => frame === trusted;

beforeEach(() => registered.clear());

describe('registerIpc', () => {
  it('registers one channel per method and removes them on dispose', () => {
    const d = registerIpc(fakeHandlers().handlers, isTrusted);
    expect([...registered.keys()].sort()).toEqual(methodNames.map(ipcChannel).sort());
    void d.dispose();
    expect(registered.size).toBe(0);
  });

  it('calls the handler with validated arguments for a trusted sender', async () => {
    const { handlers, calls } = fakeHandlers();
    registerIpc(handlers, isTrusted);
    const r = await registered.get(ipcChannel('workspace.read'))!({ senderFrame: trusted }, { path: 'a.py' });
    expect(r).toEqual({ ok: true, value: 'workspace.read done' });
    expect(calls).toEqual([['workspace.read', { path: 'a.py' }]]);
  });

  it('refuses untrusted senders without calling the handler', async () => {
    const { handlers, calls } = fakeHandlers();
    registerIpc(handlers, isTrusted);
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    for (const frame of [null, { url: 'https://evil.example/', parent: null }]) {
      const r = await registered.get(ipcChannel('workspace.read'))!({ senderFrame: frame }, { path: 'a.py' });
      expect(r).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
    }
    expect(calls).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(2);
    warn.mockRestore();
  });

  it('answers INVALID_ARGUMENT for malformed arguments', async () => {
    const { handlers, calls } = fakeHandlers();
    registerIpc(handlers, isTrusted);
    const r = await registered.get(ipcChannel('workspace.read'))!({ senderFrame: trusted }, { path: 42 });
    expect(r).toMatchObject({ ok: false, code: 'INVALID_ARGUMENT' });
    expect(calls).toEqual([]);
  });
});

describe('forwardEvents', () => {
  it('sends each hub event to every live window on its channel', () => {
    const hub = new EventHub();
    const sent: Array<[string, string, unknown]> = [];
    const win = (id: string, destroyed = false) => ({
      isDestroyed: () => destroyed,
      webContents: Object.assign(new EventEmitter(), {
        isDestroyed: () => false,
        send: (channel: string, payload: unknown) => sent.push([id, channel, payload]),
      }),
    });
    const windows = [win('a'), win('b', true)];
    const d = forwardEvents(hub, () => windows as never);
    hub.emit('app.command', { command: 'file.save' });
    expect(sent).toEqual([['a', 'lathe:app.command', { command: 'file.save' }]]);
    void d.dispose();
    hub.emit('app.command', { command: 'x' });
    expect(sent).toHaveLength(1);
  });
});
