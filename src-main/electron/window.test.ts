import { EventEmitter } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// The real 'electron' module cannot load outside Electron: these stand-ins record what the window code asks of it.
const electron = vi.hoisted(() => {
  const created: Array<{ options: Record<string, unknown>; loaded: string[] }> = [];
  const opened: string[] = [];
  return { created, opened };
});

vi.mock('electron', async () => {
  const { EventEmitter: Emitter } = await import('node:events');
  class FakeContents extends Emitter {
    url = '';
    windowOpenHandler: ((d: { url: string }) => unknown) | null = null;
    setWindowOpenHandler(h: (d: { url: string }) => unknown) {
      this.windowOpenHandler = h;
    }
    getURL() {
      return this.url;
    }
  }
  class FakeBrowserWindow extends Emitter {
    webContents = new FakeContents();
    loaded: string[] = [];
    constructor(options: Record<string, unknown>) {
      super();
      electron.created.push({ options, loaded: this.loaded });
    }
    loadURL(url: string) {
      this.loaded.push(url);
      return Promise.resolve();
    }
    loadFile(path: string) {
      this.loaded.push(`loadFile:${path}`);
      return Promise.resolve();
    }
    show() {}
  }
  return {
    BrowserWindow: FakeBrowserWindow,
    dialog: { showMessageBoxSync: () => 1 },
    nativeTheme: { shouldUseDarkColors: true },
    session: { defaultSession: fakeSession() },
    shell: {
      openExternal: async (url: string) => {
        electron.opened.push(url);
      },
    },
  };
});

type PermissionRequest = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: { requestingUrl: string; isMainFrame: boolean }) => void;
type PermissionCheck = (contents: unknown, permission: string, requestingOrigin: string, details: { isMainFrame: boolean }) => boolean;

type HeadersListener = (details: { responseHeaders?: Record<string, string[]> }, callback: (response: unknown) => void) => void;
type ProtocolHandler = (request: Request) => Promise<Response>;
interface FakeSession {
  handled: Map<string, ProtocolHandler>;
  headersListener: HeadersListener | null;
  permissionRequest: PermissionRequest | null;
  permissionCheck: PermissionCheck | null;
  devicePermission: ((details: unknown) => boolean) | null;
  webRequest: { onHeadersReceived(listener: HeadersListener): void };
  setPermissionRequestHandler(h: PermissionRequest): void;
  setPermissionCheckHandler(h: PermissionCheck): void;
  setDevicePermissionHandler(h: (details: unknown) => boolean): void;
  protocol: { isProtocolHandled(scheme: string): boolean; handle(scheme: string, handler: ProtocolHandler): void };
}

function fakeSession(): FakeSession {
  const handled = new Map<string, ProtocolHandler>();
  const ses: FakeSession = {
    handled,
    headersListener: null,
    permissionRequest: null,
    permissionCheck: null,
    devicePermission: null,
    webRequest: {
      onHeadersReceived(listener) {
        ses.headersListener = listener;
      },
    },
    setPermissionRequestHandler(h) {
      ses.permissionRequest = h;
    },
    setPermissionCheckHandler(h) {
      ses.permissionCheck = h;
    },
    setDevicePermissionHandler(h) {
      ses.devicePermission = h;
    },
    protocol: {
      isProtocolHandled: (scheme) => handled.has(scheme),
      handle(scheme, handler) {
        if (handled.has(scheme)) throw new Error(`${scheme} handled twice`);
        handled.set(scheme, handler);
      },
    },
  };
  return ses;
}

const { CONTENT_SECURITY_POLICY, appEntry, createMainWindow, hardenWebContents, isAppUrl, isTrustedFrame, secureSession } = await import('./window');

const appEntryFixture = { kind: 'app', root: '/opt/lathe/out/renderer', url: 'app://lathe/index.html' } as const;
const devEntry = { kind: 'dev', url: 'http://localhost:5173' } as const;

beforeEach(() => {
  electron.created.length = 0;
  electron.opened.length = 0;
});

describe('window trust', () => {
  it('the built entry is app://lathe/index.html serving out/renderer; ELECTRON_RENDERER_URL selects the dev server', () => {
    const entry = appEntry({});
    expect(entry).toMatchObject({ kind: 'app', url: 'app://lathe/index.html' });
    expect(entry.kind === 'app' && entry.root).toMatch(/[\\/]renderer$/);
    expect(appEntry({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toEqual(devEntry);
  });

  it('accepts the app origin only', () => {
    expect(isAppUrl('app://lathe/index.html', appEntryFixture)).toBe(true);
    expect(isAppUrl('app://lathe/index.html#/settings?x=1', appEntryFixture)).toBe(true);
    expect(isAppUrl('app://lathe/', appEntryFixture)).toBe(true);
    expect(isAppUrl('app://lathe', appEntryFixture)).toBe(true); // a bare origin, as permission checks give it
    expect(isAppUrl('app://other/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('app://lathe.evil.example/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('app://lathe:8080/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('app://evil@lathe/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('file:///opt/lathe/out/renderer/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('file:///home/u/project/index.html', appEntryFixture)).toBe(false);
    expect(isAppUrl('https://evil.example/', appEntryFixture)).toBe(false);
    expect(isAppUrl('not a url', appEntryFixture)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.tsx', devEntry)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devEntry)).toBe(false);
    expect(isAppUrl('app://lathe/index.html', devEntry)).toBe(false);
    expect(isAppUrl('file:///opt/lathe/out/renderer/index.html', devEntry)).toBe(false);
  });

  it('trusts only the main frame showing the app', () => {
    const main = { url: appEntryFixture.url, parent: null };
    expect(isTrustedFrame(main, appEntryFixture)).toBe(true);
    expect(isTrustedFrame({ url: appEntryFixture.url, parent: main } as never, appEntryFixture)).toBe(false);
    expect(isTrustedFrame({ url: 'https://evil.example/', parent: null }, appEntryFixture)).toBe(false);
    expect(isTrustedFrame({ url: 'file:///opt/lathe/out/renderer/index.html', parent: null }, appEntryFixture)).toBe(false);
    expect(isTrustedFrame(null, appEntryFixture)).toBe(false);
    const destroyed = {
      get url(): string {
        throw new Error('Render frame was disposed');
      },
      parent: null,
    };
    expect(isTrustedFrame(destroyed, appEntryFixture)).toBe(false);
  });

  it('has the strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    );
  });
});

describe('secureSession', () => {
  it('serves app:// once, sets the CSP header and grants only the clipboard to the app origin', async () => {
    const ses = fakeSession();
    secureSession(ses as never, appEntryFixture);
    secureSession(ses as never, appEntryFixture); // idempotent
    expect([...ses.handled.keys()]).toEqual(['app']);
    const res = await ses.handled.get('app')!(new Request('app://lathe/../../etc/passwd'));
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    let headers: unknown;
    ses.headersListener!({ responseHeaders: { 'content-security-policy': ["default-src *"], 'X-Other': ['1'] } }, (r) => (headers = r));
    expect(headers).toEqual({ responseHeaders: { 'X-Other': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });

    const request = (permission: string, requestingUrl: string) => {
      let granted: boolean | undefined;
      ses.permissionRequest!({}, permission, (g) => (granted = g), { requestingUrl, isMainFrame: true });
      return granted;
    };
    expect(request('clipboard-read', 'app://lathe/index.html')).toBe(true);
    expect(request('clipboard-sanitized-write', 'app://lathe/index.html')).toBe(true);
    expect(request('media', 'app://lathe/index.html')).toBe(false);
    expect(request('notifications', 'app://lathe/index.html')).toBe(false);
    expect(request('openExternal', 'app://lathe/index.html')).toBe(false);
    expect(request('clipboard-read', 'https://evil.example/')).toBe(false);
    expect(request('clipboard-read', 'file:///opt/lathe/out/renderer/index.html')).toBe(false);

    expect(ses.permissionCheck!({}, 'clipboard-read', 'app://lathe', { isMainFrame: true })).toBe(true);
    expect(ses.permissionCheck!(null, 'clipboard-read', 'app://lathe', { isMainFrame: true })).toBe(false);
    expect(ses.permissionCheck!({}, 'clipboard-read', 'https://evil.example', { isMainFrame: false })).toBe(false);
    expect(ses.permissionCheck!({}, 'geolocation', 'app://lathe', { isMainFrame: true })).toBe(false);
    expect(ses.devicePermission!({})).toBe(false);
  });

  it('in dev the dev server is the app, and app:// is not served', () => {
    const ses = fakeSession();
    secureSession(ses as never, devEntry);
    expect(ses.handled.size).toBe(0);
    expect(ses.permissionCheck!({}, 'clipboard-read', 'http://localhost:5173', { isMainFrame: true })).toBe(true);
    expect(ses.permissionCheck!({}, 'clipboard-read', 'app://lathe', { isMainFrame: true })).toBe(false);
  });
});

describe('hardenWebContents', () => {
  function contents(url: string) {
    const c = Object.assign(new EventEmitter(), {
      openHandler: null as null | ((d: { url: string }) => { action: string }),
      setWindowOpenHandler(h: (d: { url: string }) => { action: string }) {
        c.openHandler = h;
      },
      getURL: () => url,
    });
    hardenWebContents(c as never);
    return c;
  }
  const event = (url = '') => {
    const e = { url, prevented: false, preventDefault: () => (e.prevented = true) };
    return e;
  };

  it('denies new windows (web links go to the browser, nothing else does), webviews and navigation', () => {
    const c = contents('app://lathe/index.html');
    expect(c.openHandler!({ url: 'https://docs.example/' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: 'file:///etc/passwd' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: 'app://lathe/index.html' })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual(['https://docs.example/']);
    // The OS gets the URL as checked (WHATWG-canonical), not the page's raw string.
    expect(c.openHandler!({ url: ' HTTPS:\\\\Docs.Example\\a b ' })).toEqual({ action: 'deny' });
    expect(c.openHandler!({ url: 'javascript:alert(1)' })).toEqual({ action: 'deny' });
    expect(electron.opened).toEqual(['https://docs.example/', 'https://docs.example/a%20b']);

    const webview = event();
    c.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);

    const away = event('https://evil.example/');
    c.emit('will-navigate', away);
    expect(away.prevented).toBe(true);
    const file = event('file:///opt/lathe/out/renderer/index.html');
    c.emit('will-navigate', file);
    expect(file.prevented).toBe(true);
    const reload = event('app://lathe/index.html');
    c.emit('will-navigate', reload);
    expect(reload.prevented).toBe(false);

    const redirect = event('file:///etc/passwd');
    c.emit('will-redirect', redirect);
    expect(redirect.prevented).toBe(true);
  });
});

describe('createMainWindow', () => {
  it('is sandboxed and isolated, and loads app://lathe/index.html (never file://)', () => {
    const saved = process.env.ELECTRON_RENDERER_URL;
    delete process.env.ELECTRON_RENDERER_URL;
    try {
      createMainWindow();
    } finally {
      if (saved !== undefined) process.env.ELECTRON_RENDERER_URL = saved;
    }
    const [win] = electron.created;
    expect(win?.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(win?.loaded).toEqual(['app://lathe/index.html']);
  });
});
