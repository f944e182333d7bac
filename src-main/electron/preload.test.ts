import { EventEmitter } from 'node:events';
import { describe, expect, it, vi } from 'vitest';
import { eventNames, ipcChannel, methodNames } from '../common/contract';

const exposed = new Map<string, unknown>();
const invoked: Array<[string, unknown]> = [];
const renderer = new EventEmitter();

// The real 'electron' module cannot load outside Electron: stand in for contextBridge and ipcRenderer.
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (channel: string, args: unknown) => {
      invoked.push([channel, args]);
      return { ok: true, value: channel };
    },
    on: (channel: string, listener: (...a: unknown[]) => void) => renderer.on(channel, listener),
    removeListener: (channel: string, listener: (...a: unknown[]) => void) => renderer.removeListener(channel, listener),
  },
}));

await import('./preload');
const api = exposed.get('lathe') as Record<string, unknown> & {
  on: (event: string, listener: (payload: unknown) => void) => () => void;
};

describe('preload', () => {
  it('exposes only window.lathe: one function per method, plus on; never ipcRenderer', () => {
    expect([...exposed.keys()]).toEqual(['lathe']);
    expect(Object.keys(api).sort()).toEqual([...methodNames, 'on'].sort());
    for (const value of Object.values(api)) expect(typeof value).toBe('function');
    expect(Object.isFrozen(api)).toBe(true);
  });

  it('invokes each method on its channel', async () => {
    for (const name of methodNames) {
      const r = await (api[name] as (a: unknown) => Promise<unknown>)({ x: 1 });
      expect(r).toEqual({ ok: true, value: ipcChannel(name) });
    }
    expect(invoked.map(([c]) => c)).toEqual(methodNames.map(ipcChannel));
  });

  it('delivers the payload only, for known events, until unsubscribed', () => {
    for (const event of eventNames) {
      const got: unknown[][] = [];
      const off = api.on(event, (...args: unknown[]) => got.push(args));
      renderer.emit(ipcChannel(event), { sender: 'ipcRenderer!' }, { hello: event });
      expect(got).toEqual([[{ hello: event }]]);
      off();
      off();
      renderer.emit(ipcChannel(event), {}, { again: true });
      expect(got).toHaveLength(1);
      expect(renderer.listenerCount(ipcChannel(event))).toBe(0);
    }
  });

  it('refuses unknown events and non-function listeners', () => {
    expect(() => api.on('app.info', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on('__proto__', () => undefined)).toThrow(/unknown event/);
    expect(() => api.on('app.command', 'nope' as never)).toThrow(/function/);
  });
});
