import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// app-protocol imports only types from 'electron'; the mock guards against that ever changing silently.
vi.mock('electron', () => ({}));

const {
  APP_INDEX_URL,
  APP_SCHEME_REGISTRATION,
  appResponseHeaders,
  contentTypeFor,
  createAppProtocolHandler,
  handleAppProtocol,
  isAppOrigin,
  registerAppSchemePrivileges,
  resolveAppPath,
} = await import('./app-protocol');

const CSP = "default-src 'self'; script-src 'self'";
const root = mkdtempSync(join(tmpdir(), 'lathe-app-protocol-'));
const renderer = join(root, 'renderer');
mkdirSync(join(renderer, 'assets', 'nested'), { recursive: true });
writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Lathe</title>');
writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'export const x = 1;');
writeFileSync(join(renderer, 'assets', 'editor.worker-xyz.js'), 'self.onmessage = () => {};');
writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}');
writeFileSync(join(renderer, 'assets', 'nested', 'codicon.ttf'), 'ttf');
writeFileSync(join(renderer, 'assets', 'a file.svg'), '<svg/>');
writeFileSync(join(root, 'secret.txt'), 'secret'); // beside the renderer folder: must never be served
afterAll(() => rmSync(root, { recursive: true, force: true }));

const inside = (file: string) => file.startsWith(resolve(renderer) + sep);

describe('app:// scheme registration', () => {
  it('is standard, secure, fetch-capable and code-cached; never CSP-bypassing or CORS-open', () => {
    expect(APP_SCHEME_REGISTRATION).toEqual({
      scheme: 'app',
      privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
    });
    const calls: unknown[] = [];
    registerAppSchemePrivileges({ registerSchemesAsPrivileged: (schemes) => calls.push(schemes) });
    expect(calls).toEqual([[APP_SCHEME_REGISTRATION]]);
  });

  it('handles the scheme once per session protocol', () => {
    const handled = new Map<string, unknown>();
    const protocol = {
      isProtocolHandled: (s: string) => handled.has(s),
      handle: (s: string, h: unknown) => void handled.set(s, h),
    };
    handleAppProtocol(protocol, { root: renderer, csp: CSP });
    const first = handled.get('app');
    handleAppProtocol(protocol, { root: renderer, csp: CSP });
    expect(handled.get('app')).toBe(first);
    expect(typeof first).toBe('function');
  });
});

describe('isAppOrigin', () => {
  it('is exactly app://lathe', () => {
    expect(isAppOrigin(APP_INDEX_URL)).toBe(true);
    expect(isAppOrigin('app://lathe')).toBe(true);
    expect(isAppOrigin('app://lathe/assets/x.js?v=1#h')).toBe(true);
    expect(isAppOrigin('app://lathe2/')).toBe(false);
    expect(isAppOrigin('app://user:pw@lathe/')).toBe(false);
    expect(isAppOrigin('app://lathe:1/')).toBe(false);
    expect(isAppOrigin('apps://lathe/')).toBe(false);
    expect(isAppOrigin('file:///lathe/index.html')).toBe(false);
    expect(isAppOrigin('')).toBe(false);
  });
});

describe('resolveAppPath', () => {
  it('maps / (and the bare origin) to index.html', () => {
    expect(resolveAppPath('app://lathe/', renderer)).toBe(resolve(renderer, 'index.html'));
    expect(resolveAppPath('app://lathe', renderer)).toBe(resolve(renderer, 'index.html'));
    expect(resolveAppPath('app://lathe/index.html', renderer)).toBe(resolve(renderer, 'index.html'));
  });

  it('resolves nested asset paths, decoding escapes within a segment', () => {
    expect(resolveAppPath('app://lathe/assets/index-abc.js', renderer)).toBe(resolve(renderer, 'assets', 'index-abc.js'));
    expect(resolveAppPath('app://lathe/assets/nested/codicon.ttf', renderer)).toBe(resolve(renderer, 'assets', 'nested', 'codicon.ttf'));
    expect(resolveAppPath('app://lathe/assets/a%20file.svg', renderer)).toBe(resolve(renderer, 'assets', 'a file.svg'));
  });

  it('ignores the query string and hash', () => {
    expect(resolveAppPath('app://lathe/assets/index-abc.js?v=3&worker_file&type=module', renderer)).toBe(resolve(renderer, 'assets', 'index-abc.js'));
    expect(resolveAppPath('app://lathe/index.html?x=1#/settings', renderer)).toBe(resolve(renderer, 'index.html'));
    expect(resolveAppPath('app://lathe/?x=../../secret.txt', renderer)).toBe(resolve(renderer, 'index.html'));
  });

  it('refuses encoded traversal, encoded separators, backslashes, absolute and drive paths', () => {
    for (const url of [
      'app://lathe/%2e%2e%2fsecret.txt',
      'app://lathe/%2E%2E%2Fsecret.txt',
      'app://lathe/..%2fsecret.txt',
      'app://lathe/assets/..%2f..%2fsecret.txt',
      'app://lathe/.%2e%2fsecret.txt',
      'app://lathe/%2fetc%2fpasswd',
      'app://lathe//etc/passwd',
      'app://lathe/assets//index-abc.js',
      'app://lathe/..\\secret.txt',
      'app://lathe/assets%5c..%5c..%5csecret.txt',
      'app://lathe/%5cetc%5cpasswd',
      'app://lathe/C:/Windows/win.ini',
      'app://lathe/C%3a%5cWindows%5cwin.ini',
      'app://lathe/index.html%00.js',
      'app://lathe/%E0%A4%A', // malformed escape
      'app://lathe/assets/', // a folder, not a file
      'app://lathe/nul',
      'app://lathe/CON.txt',
    ]) {
      expect(resolveAppPath(url, renderer), url).toBeNull();
    }
  });

  it('never leaves the root, even where the URL parser itself collapses dot segments', () => {
    // WHATWG parsing (Node's and Chromium's) collapses these before the handler sees them: they may name a
    // (missing) file inside the root, never one outside it.
    for (const url of ['app://lathe/../secret.txt', 'app://lathe/%2e%2e/secret.txt', 'app://lathe/assets/../../../secret.txt', 'app://lathe/./%2e/../secret.txt']) {
      const file = resolveAppPath(url, renderer);
      expect(file === null || inside(file), `${url} → ${file}`).toBe(true);
      expect(file).not.toBe(resolve(root, 'secret.txt'));
    }
  });

  it('refuses other hosts and schemes', () => {
    expect(resolveAppPath('app://other/index.html', renderer)).toBeNull();
    expect(resolveAppPath('app://lathe.evil.example/index.html', renderer)).toBeNull();
    expect(resolveAppPath('app://lathe:99/index.html', renderer)).toBeNull();
    expect(resolveAppPath('file:///index.html', renderer)).toBeNull();
    expect(resolveAppPath('https://lathe/index.html', renderer)).toBeNull();
    expect(resolveAppPath('not a url', renderer)).toBeNull();
  });
});

describe('content types and headers', () => {
  it('maps the build’s extensions', () => {
    expect(contentTypeFor('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeFor('a.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.mjs')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeFor('a.CSS')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.svg')).toBe('image/svg+xml');
    expect(contentTypeFor('a.png')).toBe('image/png');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.ttf')).toBe('font/ttf');
    expect(contentTypeFor('a.json')).toBe('application/json; charset=utf-8');
    expect(contentTypeFor('a.wasm')).toBe('application/wasm');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
    expect(contentTypeFor('Makefile')).toBe('application/octet-stream');
  });

  it('every response carries the CSP and nosniff', () => {
    expect(appResponseHeaders(CSP, 'text/html; charset=utf-8')).toEqual({
      'Content-Type': 'text/html; charset=utf-8',
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
    });
  });
});

describe('the protocol handler', () => {
  const handler = createAppProtocolHandler({ root: renderer, csp: CSP });

  it('serves index.html for / with its type, the CSP and nosniff', async () => {
    const res = await handler(new Request('app://lathe/'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Lathe</title>');
  });

  it('serves module scripts and workers as JavaScript', async () => {
    for (const path of ['assets/index-abc.js', 'assets/editor.worker-xyz.js?worker_file&type=module']) {
      const res = await handler(new Request(`app://lathe/${path}`));
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('content-security-policy')).toBe(CSP);
    }
    const css = await handler(new Request('app://lathe/assets/index-abc.css'));
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    expect(await css.text()).toBe('body{}');
  });

  it('answers 404, with the CSP, for anything outside the folder, missing, or a folder', async () => {
    for (const url of [
      'app://lathe/..%2fsecret.txt',
      'app://lathe/%2e%2e%2fsecret.txt',
      'app://lathe/%2e%2e/secret.txt',
      'app://lathe/missing.js',
      'app://lathe/assets',
      'app://other/index.html',
    ]) {
      const res = await handler(new Request(url));
      expect(res.status, url).toBe(404);
      expect(res.headers.get('content-security-policy')).toBe(CSP);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).not.toContain('secret');
    }
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await handler(new Request('app://lathe/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
    expect(head.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await head.text()).toBe('');
    const post = await handler(new Request('app://lathe/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect(post.headers.get('content-security-policy')).toBe(CSP);
  });

  it('reads only the resolved file', async () => {
    const reads: string[] = [];
    const h = createAppProtocolHandler({
      root: renderer,
      csp: CSP,
      readFile: async (path) => {
        reads.push(path);
        return new TextEncoder().encode('x');
      },
    });
    await h(new Request('app://lathe/assets/nested/codicon.ttf?v=2'));
    await h(new Request('app://lathe/..%2f..%2fetc%2fpasswd'));
    expect(reads).toEqual([resolve(renderer, 'assets', 'nested', 'codicon.ttf')]);
  });
});
