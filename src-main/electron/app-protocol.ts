/**
 * The `app://lathe` scheme: how a built renderer (out/renderer) reaches the window instead of `file://`.
 *
 * Under `file://` the page has an opaque origin, Chromium refuses its module workers (Monaco's), and a CSP
 * set through `webRequest` is not reliably applied. A privileged standard + secure scheme gives the page a
 * real origin (`app://lathe`) that is same-origin with its own scripts and workers, and every response
 * here carries the CSP and `nosniff` itself.
 *
 * This module is pure apart from reading files: Electron's `protocol` comes in as a parameter (types only
 * are imported), so URL → file resolution, content types and headers are unit-tested without Electron.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import type { CustomScheme, Protocol } from 'electron';

export const APP_SCHEME = 'app';
export const APP_HOST = 'lathe';
/** The renderer's origin. Node's URL reports `null` as the origin of a non-special scheme: compare parts instead. */
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_INDEX_URL = `${APP_ORIGIN}/index.html`;

/**
 * standard: relative URLs resolve and the page gets a tuple origin (module scripts and workers need one);
 * secure: a secure context, like https; supportFetchAPI: fetch() and module loads may use the scheme;
 * codeCache: V8's code cache for the bundle (needs standard). Deliberately not bypassCSP (the CSP must hold)
 * nor corsEnabled (that would let other origins read these responses; same-origin loads need no CORS).
 */
export const APP_SCHEME_REGISTRATION: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before `app` is ready, once. */
export function registerAppSchemePrivileges(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_REGISTRATION]);
}

/** True when `url` is on exactly `app://lathe` (any path, query or hash): no other host, port or credentials. */
export function isAppOrigin(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST && u.username === '' && u.password === '';
}

/** Windows device names open devices, not files, in any folder. */
const WINDOWS_DEVICE = /^(con|prn|aux|nul|com\d|lpt\d|conin\$|conout\$)(\..*)?$/i;

/**
 * The file under `root` that an `app://lathe/...` URL names, or null when it names none: another scheme or
 * host, a malformed escape, or any segment that is empty, `.`/`..`, or decodes to a separator, a drive
 * colon or NUL (so `%2e%2e%2f`, `..%2f`, `%5c`, `//etc` and `C:` never reach the file system). `/` is
 * index.html; the query and hash are ignored. The result is checked once more to lie inside `root`.
 */
export function resolveAppPath(url: string, root: string): string | null {
  if (!isAppOrigin(url)) return null;
  const { pathname } = new URL(url);
  const path = pathname === '' || pathname === '/' ? '/index.html' : pathname;
  if (!path.startsWith('/')) return null;
  const segments: string[] = [];
  for (const raw of path.slice(1).split('/')) {
    let segment: string;
    try {
      segment = decodeURIComponent(raw);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..') return null;
    if (/[/\\:\0]/.test(segment) || WINDOWS_DEVICE.test(segment)) return null;
    segments.push(segment);
  }
  const base = resolve(root);
  const file = resolve(base, ...segments);
  const rel = relative(base, file);
  if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return null;
  return file;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

/** By extension; anything unknown is an opaque download (with nosniff, never executed as script). */
export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/** The headers of every response on the scheme, errors included. */
export function appResponseHeaders(csp: string, contentType: string): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
  };
}

export interface AppProtocolOptions {
  /** The built renderer folder (out/renderer). Nothing outside it is served. */
  readonly root: string;
  /** The Content-Security-Policy header on every response. */
  readonly csp: string;
  /** For tests; node:fs by default (which Electron extends to asar archives). */
  readonly readFile?: (path: string) => Promise<Uint8Array>;
}

export type AppProtocolHandler = (request: Request) => Promise<Response>;

export function createAppProtocolHandler(options: AppProtocolOptions): AppProtocolHandler {
  const read = options.readFile ?? ((path: string) => readFile(path));
  const plain = (status: number, text: string, extra: Record<string, string> = {}) =>
    new Response(text, { status, headers: { ...appResponseHeaders(options.csp, 'text/plain; charset=utf-8'), ...extra } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return plain(405, 'Method Not Allowed', { Allow: 'GET, HEAD' });
    const file = resolveAppPath(request.url, options.root);
    if (file === null) return plain(404, 'Not Found');
    let body: Uint8Array;
    try {
      body = await read(file); // a folder (EISDIR) or a missing file is simply not found
    } catch {
      return plain(404, 'Not Found');
    }
    const headers = appResponseHeaders(options.csp, contentTypeFor(file));
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers });
  };
}

/**
 * Serves `options.root` on `app://` through `protocol` (a session's: `ses.protocol`). After `app` is ready.
 * Idempotent: a scheme already handled on that session is left as it is.
 */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle' | 'isProtocolHandled'>, options: AppProtocolOptions): void {
  if (protocol.isProtocolHandled(APP_SCHEME)) return;
  protocol.handle(APP_SCHEME, createAppProtocolHandler(options));
}
