/**
 * The main window and the web-contents hardening every window gets: sandboxed renderer with context
 * isolation, a strict CSP, no navigation away from the app, no new windows (http(s) links open in the
 * user's browser), no webviews, no permissions beyond the clipboard for the app itself.
 *
 * A build is served on `app://lathe` (app-protocol.ts) from out/renderer, never from `file://`; in dev
 * (ELECTRON_RENDERER_URL) the page comes from the dev server.
 */
import { join } from 'node:path';
import {
  BrowserWindow,
  dialog,
  nativeTheme,
  session,
  shell,
  type Session,
  type WebContents,
  type WebFrameMain,
} from 'electron';
import { contentSecurityPolicy } from '../common/csp';
import { APP_INDEX_URL, handleAppProtocol, isAppOrigin } from './app-protocol';

/**
 * The app's CSP: a header on every `app://lathe` response (set by the scheme's handler, and again by
 * `secureSession`). The renderer's index.html carries a <meta> copy for server mode; both apply.
 */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/**
 * The dev server (electron-vite dev) needs Vite's inline React-refresh preamble and its HMR socket.
 * Only used when ELECTRON_RENDERER_URL is set, never in a build.
 */
export const DEV_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
  "script-src 'self'",
  "script-src 'self' 'unsafe-inline'",
).replace("connect-src 'self'", "connect-src 'self' ws: wss:");

/** Where the renderer comes from: the built renderer folder served on `app://lathe`, or the dev server. */
export type AppEntry =
  | { readonly kind: 'app'; readonly root: string; readonly url: string }
  | { readonly kind: 'dev'; readonly url: string };

/** Built layout: out/main/main.js, out/preload/preload.js, out/renderer/index.html. */
const OUT_MAIN_DIR = __dirname;

export function preloadPath(): string {
  return join(OUT_MAIN_DIR, '..', 'preload', 'preload.js');
}

/** The built renderer (out/renderer): the only folder `app://lathe` serves. */
export function rendererRoot(): string {
  return join(OUT_MAIN_DIR, '..', 'renderer');
}

export function appEntry(env: NodeJS.ProcessEnv = process.env): AppEntry {
  const dev = env.ELECTRON_RENDERER_URL;
  if (dev) return { kind: 'dev', url: dev };
  return { kind: 'app', root: rendererRoot(), url: APP_INDEX_URL };
}

/**
 * True when `url` (or a bare origin) is on the app's own origin: exactly `app://lathe` for a build, the dev
 * server's origin in dev. Nothing else, `file:` included, is the app.
 */
export function isAppUrl(url: string, entry: AppEntry): boolean {
  if (entry.kind === 'app') return isAppOrigin(url);
  let u: URL;
  let app: URL;
  try {
    u = new URL(url);
    app = new URL(entry.url);
  } catch {
    return false;
  }
  return u.origin === app.origin && (u.protocol === 'http:' || u.protocol === 'https:');
}

/**
 * The IPC trust check: only a main frame showing the app's own page may call the core. Subframes (an
 * iframe of a previewed document, say) and anything navigated elsewhere may not.
 */
export function isTrustedFrame(
  frame: Pick<WebFrameMain, 'url' | 'parent'> | null | undefined,
  entry: AppEntry = appEntry(),
): boolean {
  if (!frame) return false;
  try {
    if (frame.parent !== null) return false;
    return isAppUrl(frame.url, entry);
  } catch {
    return false; // a destroyed frame throws on access
  }
}

export function isTrustedSender(frame: WebFrameMain | null): boolean {
  return isTrustedFrame(frame);
}

/**
 * The canonical form of an http(s) URL, or null for anything else (file:, javascript:, custom schemes, junk).
 * The OS gets this `href`, never the page's raw string: what was checked is exactly what is opened, with no
 * second parser (the OS's URL handler) reading stray whitespace or backslashes differently.
 */
function webUrl(url: string): string | null {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : null;
  } catch {
    return null;
  }
}

function openExternally(url: string): void {
  const href = webUrl(url);
  if (href === null) return; // never hand file:, javascript:, custom schemes to the OS
  shell.openExternal(href).catch((e: unknown) => console.error(`[lathe] could not open ${href}`, e));
}

const hardened = new WeakSet<WebContents>();

/** No navigation away from the app, no new windows, no webviews. Idempotent. */
export function hardenWebContents(contents: WebContents): void {
  if (hardened.has(contents)) return;
  hardened.add(contents);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openExternally(url);
    return { action: 'deny' };
  });
  contents.on('will-navigate', (event) => {
    const target = event.url;
    if (target === contents.getURL()) return; // a reload
    event.preventDefault();
    openExternally(target);
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, appEntry())) event.preventDefault();
  });
}

const sessionsSecured = new WeakSet<Session>();

/**
 * CSP on every response, no permissions except the clipboard for the app's own origin, no device access.
 * For a build, also serves out/renderer on `app://` in this session. After `app` is ready. Idempotent.
 */
export function secureSession(ses: Session, entry: AppEntry = appEntry()): void {
  if (sessionsSecured.has(ses)) return;
  sessionsSecured.add(ses);
  const policy = entry.kind === 'dev' ? DEV_CONTENT_SECURITY_POLICY : CONTENT_SECURITY_POLICY;
  ses.webRequest.onHeadersReceived((details, callback) => {
    const headers: Record<string, string | string[]> = { ...(details.responseHeaders ?? {}) };
    for (const key of Object.keys(headers)) {
      if (key.toLowerCase() === 'content-security-policy') delete headers[key];
    }
    headers['Content-Security-Policy'] = [policy];
    callback({ responseHeaders: headers });
  });
  // The requesting frame's own URL/origin decides, not the window's: a cross-origin subframe gets nothing.
  const clipboard = new Set(['clipboard-read', 'clipboard-sanitized-write']);
  ses.setPermissionRequestHandler((_contents, permission, callback, details) => {
    callback(clipboard.has(permission) && isAppUrl(details.requestingUrl, entry));
  });
  ses.setPermissionCheckHandler((contents, permission, requestingOrigin) => {
    return clipboard.has(permission) && contents !== null && isAppUrl(requestingOrigin, entry);
  });
  ses.setDevicePermissionHandler(() => false);
  if (entry.kind === 'app') handleAppProtocol(ses.protocol, { root: entry.root, csp: CONTENT_SECURITY_POLICY });
}

export interface MainWindowOptions {
  readonly width?: number;
  readonly height?: number;
}

/** Asks before a page with unsaved changes (its `beforeunload` returned a value) is closed or reloaded. */
function confirmUnload(win: BrowserWindow): void {
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'warning',
      buttons: ['Close Anyway', 'Cancel'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'You have unsaved changes. Close anyway?',
      detail: 'Your unsaved changes will be lost.',
      noLink: true,
    });
    // preventDefault ignores the page's beforeunload: the close (or reload) goes ahead.
    if (choice === 0) event.preventDefault();
  });
}

export function createMainWindow(opts: MainWindowOptions = {}): BrowserWindow {
  const entry = appEntry();
  secureSession(session.defaultSession, entry);
  const win = new BrowserWindow({
    width: opts.width ?? 1280,
    height: opts.height ?? 820,
    minWidth: 640,
    minHeight: 400,
    show: false,
    title: 'Lathe',
    // The renderer's own background colours (ui/styles.css), so the window shows no flash before it paints.
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#1b1d23' : '#ffffff',
    webPreferences: {
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
      preload: preloadPath(),
    },
  });
  hardenWebContents(win.webContents);
  confirmUnload(win);
  win.once('ready-to-show', () => win.show());
  const loaded = win.loadURL(entry.url);
  loaded.catch((e: unknown) => console.error('[lathe] the window could not load the app', e));
  return win;
}
