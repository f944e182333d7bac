/**
 * A static check over the BUILT Electron main process and preload (out/main, out/preload), the code that
 * would ship, since Electron itself can't start on these machines: the window's hardening, navigation and
 * new windows denied, every IPC handler behind the sender check, no ipcRenderer exposed, and a production
 * CSP without 'unsafe-eval'. `npm test` builds before vitest; run alone without a build, it skips and says so.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { missing } from '../../test/skip';

const OUT = resolve(__dirname, '..', '..', 'out');
const MAIN = join(OUT, 'main', 'main.js');
const PRELOAD = join(OUT, 'preload', 'preload.js');
const built = existsSync(MAIN) && existsSync(PRELOAD);

/** Every built file of the main process (the entry and its chunks). */
function mainSources(): { file: string; text: string }[] {
  const chunks = join(OUT, 'main', 'chunks');
  const files = [MAIN, ...(existsSync(chunks) ? readdirSync(chunks).filter((f) => f.endsWith('.js')).map((f) => join(chunks, f)) : [])];
  return files.map((file) => ({ file, text: readFileSync(file, 'utf8') }));
}

describe.skipIf(missing(built ? null : 'out/main and out/preload are not built (npm test builds them first: npx electron-vite build)'))('the built Electron app', () => {
  const main = built ? readFileSync(MAIN, 'utf8') : '';
  const preload = built ? readFileSync(PRELOAD, 'utf8') : '';

  it('makes its window with contextIsolation, sandbox, webSecurity and no node integration', () => {
    const prefs = /webPreferences:\s*\{([^}]*)\}/.exec(main)?.[1] ?? '';
    expect(prefs).toMatch(/contextIsolation:\s*true/);
    expect(prefs).toMatch(/sandbox:\s*true/);
    expect(prefs).toMatch(/nodeIntegration:\s*false/);
    expect(prefs).toMatch(/webSecurity:\s*true/);
    for (const { file, text } of mainSources()) {
      expect(text, file).not.toMatch(/contextIsolation:\s*false|sandbox:\s*false|nodeIntegration:\s*true|webSecurity:\s*false|allowRunningInsecureContent:\s*true/);
    }
  });

  it('denies new windows and navigation away from the app, and webviews', () => {
    expect(main).toMatch(/setWindowOpenHandler\([^)]*\)\s*=>\s*\{[^}]*return\s*\{\s*action:\s*"deny"\s*\}/s);
    expect(main).toMatch(/on\("will-navigate",\s*\(event\)\s*=>\s*\{[\s\S]{0,200}event\.preventDefault\(\)/);
    expect(main).toMatch(/on\("will-attach-webview",\s*\(event\)\s*=>\s*event\.preventDefault\(\)\)/);
  });

  it('registers every IPC handler in one place, behind the sender check', () => {
    const handles = mainSources().flatMap(({ text }) => [...text.matchAll(/ipcMain\.handle\(/g)]);
    expect(handles).toHaveLength(1); // the loop over the contract's methods
    const loop = /ipcMain\.handle\([\s\S]{0,400}/.exec(main)?.[0] ?? '';
    expect(loop).toMatch(/isTrustedSender\(frame\)/);
    expect(main).not.toMatch(/ipcMain\.on\(/);
  });

  it('exposes named verbs only: never ipcRenderer', () => {
    const exposed = [...preload.matchAll(/exposeInMainWorld\(/g)];
    expect(exposed).toHaveLength(1);
    expect(preload).toContain('exposeInMainWorld("lathe", buildPreloadApi(electron.ipcRenderer))');
    // buildPreloadApi's verbs call invoke/on/removeListener; the object itself never leaves.
    expect(preload).not.toMatch(/exposeInMainWorld\([^,]+,\s*(electron\.)?ipcRenderer\s*\)/);
    expect(preload).not.toMatch(/ipcRenderer:\s/);
  });

  it('ships a Content-Security-Policy without unsafe-eval, with scripts from the app only', () => {
    const chunk = mainSources().find(({ text }) => text.includes('function contentSecurityPolicy'));
    expect(chunk, 'the CSP chunk').toBeDefined();
    const { contentSecurityPolicy } = createRequire(__filename)(chunk!.file) as { contentSecurityPolicy: () => string };
    const csp = contentSecurityPolicy();
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/default-src 'self'/);
    expect(csp).toMatch(/object-src 'none'|default-src 'self'/);
  });
});
