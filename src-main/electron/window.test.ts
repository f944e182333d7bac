import { describe, expect, it, vi } from 'vitest';

// The real 'electron' module cannot load outside Electron; these tests use only the pure parts.
vi.mock('electron', () => ({}));

const { CONTENT_SECURITY_POLICY, appEntry, isAppUrl, isTrustedFrame } = await import('./window');

const fileEntry = { kind: 'file', path: '/opt/lathe/out/renderer/index.html', url: 'file:///opt/lathe/out/renderer/index.html' } as const;
const devEntry = { kind: 'dev', url: 'http://localhost:5173' } as const;

describe('window trust', () => {
  it('the built entry is out/renderer/index.html as a file URL; ELECTRON_RENDERER_URL selects the dev server', () => {
    const entry = appEntry({});
    expect(entry.kind).toBe('file');
    expect(entry.url).toMatch(/^file:\/\/.*\/renderer\/index\.html$/);
    expect(appEntry({ ELECTRON_RENDERER_URL: 'http://localhost:5173' })).toEqual(devEntry);
  });

  it('accepts the app page only', () => {
    expect(isAppUrl('file:///opt/lathe/out/renderer/index.html', fileEntry)).toBe(true);
    expect(isAppUrl('file:///opt/lathe/out/renderer/index.html#/settings?x=1', fileEntry)).toBe(true);
    expect(isAppUrl('file:///opt/lathe/out/renderer/other.html', fileEntry)).toBe(false);
    expect(isAppUrl('file:///home/u/project/index.html', fileEntry)).toBe(false);
    expect(isAppUrl('https://evil.example/', fileEntry)).toBe(false);
    expect(isAppUrl('not a url', fileEntry)).toBe(false);
    expect(isAppUrl('http://localhost:5173/src/main.tsx', devEntry)).toBe(true);
    expect(isAppUrl('http://localhost:5174/', devEntry)).toBe(false);
    expect(isAppUrl('file:///opt/lathe/out/renderer/index.html', devEntry)).toBe(false);
  });

  it('trusts only the main frame showing the app page', () => {
    const main = { url: fileEntry.url, parent: null };
    expect(isTrustedFrame(main, fileEntry)).toBe(true);
    expect(isTrustedFrame({ url: fileEntry.url, parent: main } as never, fileEntry)).toBe(false);
    expect(isTrustedFrame({ url: 'https://evil.example/', parent: null }, fileEntry)).toBe(false);
    expect(isTrustedFrame(null, fileEntry)).toBe(false);
    const destroyed = {
      get url(): string {
        throw new Error('Render frame was disposed');
      },
      parent: null,
    };
    expect(isTrustedFrame(destroyed, fileEntry)).toBe(false);
  });

  it('has the strict CSP', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self' data:; " +
        "worker-src 'self' blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
});
