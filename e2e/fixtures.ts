/**
 * The `lathe` fixture: a real project folder on disk, a private settings directory, and Lathe itself:
 * `lathe serve` driven in Chromium (project "web"), or the built Electron app (project "electron").
 */
import { _electron, test as base, expect, type Browser, type Dialog, type Page } from '@playwright/test';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

export interface LatheOptions {
  host: 'web' | 'electron';
}

export interface Lathe {
  readonly page: Page;
  /** The project folder (real path). */
  readonly dir: string;
  readonly userDir: string;
  /** The server's URL with its token (web only). */
  readonly url: string | null;
  /** Path of a file in the project. */
  path(rel: string): string;
  write(rel: string, content: string | Buffer): void;
  read(rel: string): string;
  /**
   * Web only: stop `lathe serve` with `kill` (SIGTERM by default; SIGKILL as a crash), wait for it to exit,
   * start a new one on the same project and settings directory, and open the page on it (accepting the
   * browser's "leave the page?"). Returns the new URL, which `url` then gives.
   */
  restartServer(options?: { kill?: NodeJS.Signals }): Promise<string>;
}

const REPO = resolve(__dirname, '..');
const CLI = join(REPO, 'bin', 'lathe.js');

/** Electron's binary is fetched on first run from a host these machines can't reach. */
export function electronBinary(): string | null {
  try {
    const pkg = join(REPO, 'node_modules', 'electron');
    const rel = readFileSync(join(pkg, 'path.txt'), 'utf8').trim();
    const bin = join(pkg, 'dist', rel);
    return existsSync(bin) ? bin : null;
  } catch {
    return null;
  }
}

/** A small but real project: Python, JSON, TOML, nested folders, an excluded folder. */
export function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lathe-e2e-'));
  const files: Record<string, string | Buffer> = {
    'train.py': 'import math\n\n\ndef lr(step):\n    return 0.1 * math.exp(-step / 100)\n',
    'README.md': '# Demo project\n\nA project for the end-to-end tests.\n',
    'pyproject.toml': '[project]\nname = "demo"\nversion = "0.1.0"\n',
    'src/model/net.py': 'class Net:\n    pass\n',
    'src/model/__init__.py': '',
    'src/data/loader.py': 'def load():\n    return []\n',
    'configs/train.yaml': 'epochs: 10\nlr: 0.001\n',
    'notes/windows.txt': 'line one\r\nline two\r\n',
    'assets/logo.png': Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex'),
    'node_modules/pkg/index.js': 'module.exports = 1;\n',
  };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), content);
  }
  return dir;
}

async function startServer(dir: string | null, userDir: string): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [CLI, 'serve', ...(dir ? [dir] : []), '--port', '0'], {
    env: { ...process.env, LATHE_USER_DIR: userDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`lathe serve printed no URL:\n${out}`)), 15_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[0]);
      }
    });
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`lathe serve exited with ${code}:\n${out}`)));
  });
  return { url, child };
}

export const test = base.extend<{ lathe: Lathe; openProject: boolean }, LatheOptions & { webBrowser: Browser | null }>({
  host: ['web', { option: true, scope: 'worker' }],
  // Chromium for the "web" project only: the "electron" project must not start (or need) a browser.
  webBrowser: [
    async ({ host, playwright, launchOptions }, use) => {
      if (host === 'electron') return use(null);
      const browser = await playwright.chromium.launch(launchOptions);
      await use(browser);
      await browser.close();
    },
    { scope: 'worker' },
  ],
  openProject: [true, { option: true }],
  lathe: async ({ host, openProject, webBrowser, colorScheme }, use, testInfo) => {
    const dir = makeProject();
    const userDir = mkdtempSync(join(tmpdir(), 'lathe-user-'));
    const helpers = {
      dir,
      userDir,
      path: (rel: string) => join(dir, rel),
      write: (rel: string, content: string | Buffer) => writeFileSync(join(dir, rel), content),
      read: (rel: string) => readFileSync(join(dir, rel), 'utf8'),
    };
    if (host === 'electron') {
      const bin = electronBinary();
      if (!bin) {
        const reason = 'Electron binary not installed here (it downloads on first run from a host this machine cannot reach); the same spec runs in the "web" project.';
        console.log(`[electron] skipped "${testInfo.title}": ${reason}`);
        testInfo.skip(true, reason);
        return;
      }
      const app = await _electron.launch({
        executablePath: bin,
        args: [join(REPO, 'out', 'main', 'main.js'), ...(openProject ? [dir] : [])],
        env: { ...process.env, LATHE_USER_DIR: userDir },
      });
      const page = await app.firstWindow();
      await page.waitForSelector('body[data-ready="true"]');
      const restartServer = () => Promise.reject(new Error('restartServer is for the "web" project only'));
      await use({ ...helpers, page, url: null, restartServer });
      await app.close();
    } else {
      let server = await startServer(openProject ? dir : null, userDir);
      const context = await webBrowser!.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
      const page = await context.newPage();
      const pageErrors: string[] = [];
      page.on('pageerror', (e) => pageErrors.push(e.stack ?? e.message));
      await page.goto(server.url);
      await page.waitForSelector('body[data-ready="true"]');
      const restartServer = async ({ kill = 'SIGTERM' }: { kill?: NodeJS.Signals } = {}) => {
        const old = server.child;
        if (old.exitCode === null && old.signalCode === null) {
          const exited = new Promise((done) => old.once('exit', done));
          old.kill(kill);
          await exited;
        }
        server = await startServer(openProject ? dir : null, userDir);
        const leave = (d: Dialog) => void (d.type() === 'beforeunload' ? d.accept() : undefined);
        page.on('dialog', leave);
        try {
          await page.goto(server.url);
          await page.waitForSelector('body[data-ready="true"]');
        } finally {
          page.off('dialog', leave);
        }
        return server.url;
      };
      await use({
        ...helpers,
        page,
        get url() {
          return server.url;
        },
        restartServer,
      });
      await context.close();
      // An uncaught error in the renderer fails the test that caused it, whatever it asserted.
      expect(pageErrors, 'uncaught errors in the page').toEqual([]);
      server.child.kill('SIGTERM');
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(userDir, { recursive: true, force: true });
  },
});

export { expect };

/** The platform's primary modifier in key chords (Lathe binds Ctrl on Linux/Windows). */
export const mod = 'Control';

/** Skip the current test when `ok` is false, printing why (a skipped test always says why). */
export function skipUnless(ok: boolean, reason: string): void {
  if (ok) return;
  console.log(`skipped "${test.info().title}": ${reason}`);
  test.skip(true, reason);
}

/** Debian's Python with the ML stack (scripts/setup-system.sh), which the session and notebook specs run. */
export const PYTHON = '/usr/bin/python3';

/** Whether PYTHON exists and can import `modules` (comma-separated). */
export function canImport(modules: string): boolean {
  if (!existsSync(PYTHON)) return false;
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

/** A screenshot for people to look at (not compared), when LATHE_SHOTS names a folder for them. */
export async function shot(page: Page, name: string): Promise<void> {
  const dir = process.env.LATHE_SHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.waitForTimeout(200);
  await page.screenshot({ path: `${dir}/${name}.png` });
}

/**
 * Choose /usr/bin/python3 in the status bar's interpreter picker (the choice is per project); with
 * `screenshot`, take one of the open picker first.
 */
export async function useSystemPython(page: Page, screenshot?: string): Promise<void> {
  await page.getByTestId('status-interpreter').click();
  const picker = page.getByRole('dialog', { name: 'Select Python interpreter' });
  const item = picker.locator('.quick-pick-item', { has: page.locator('.qp-detail', { hasText: new RegExp(`^${PYTHON}$`) }) });
  await item.waitFor({ timeout: 60_000 });
  if (screenshot) await shot(page, screenshot);
  await item.click();
  await expect(page.getByTestId('status-interpreter')).toContainText('3.');
}
