/**
 * The workbench around the editor: encodings kept, large files refused safely, big folders stay
 * virtualised, keyboard-only use, themes, resizable panes and user keybindings.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, mod, test } from './fixtures';
import type { Page } from '@playwright/test';

function skipInElectron(host: string, reason: string): void {
  if (host !== 'electron') return;
  console.log(`[electron] skipped "${test.info().title}": ${reason}`);
  test.skip(true, reason);
}

const row = (page: Page, path: string) => page.locator(`.tree-row[data-path="${path}"]`);
const tab = (page: Page, path: string) => page.locator(`.tab[data-path="${path}"]`);

test('a windows-1252 file is detected, edited and saved back in windows-1252', async ({ lathe }) => {
  const { page } = lathe;
  // "café crème, naïve" in windows-1252: é=0xE9, è=0xE8, ï=0xEF.
  writeFileSync(lathe.path('legacy.txt'), Buffer.from('caf\xe9 cr\xe8me, na\xefve\n', 'latin1'));
  await row(page, 'legacy.txt').click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('café crème, naïve');
  await expect(page.locator('.status-bar')).toContainText(/Windows 1252|ISO-8859-1/);
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.press(`${mod}+End`);
  await page.keyboard.type('déjà vu\n');
  await page.keyboard.press(`${mod}+S`);
  await expect(tab(page, 'legacy.txt')).toHaveAttribute('data-dirty', 'false');
  expect(readFileSync(lathe.path('legacy.txt')).toString('latin1')).toBe('caf\xe9 cr\xe8me, na\xefve\nd\xe9j\xe0 vu\n');
});

test('a file over 20 MB opens read-only with a notice, and is never overwritten', async ({ lathe }) => {
  const { page } = lathe;
  const line = 'step,loss,accuracy\n'.padEnd(64, '#') + '\n';
  const big = line.repeat(Math.ceil((21 * 1024 * 1024) / line.length));
  writeFileSync(lathe.path('metrics.csv'), big);
  await row(page, 'metrics.csv').click();
  await expect(page.getByTestId('editor-notice')).toContainText(/read-only/i);
  await expect(tab(page, 'metrics.csv')).toContainText('RO');
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.type('oops');
  await page.keyboard.press(`${mod}+S`);
  await expect(page.locator('.status-bar')).toContainText(/read-only/i);
  expect(readFileSync(lathe.path('metrics.csv'), 'utf8').length).toBe(big.length);
});

test('a folder of 20,000 files stays virtualised and scrolls to its end', async ({ lathe }) => {
  const { page } = lathe;
  mkdirSync(lathe.path('dataset'));
  for (let i = 0; i < 20_000; i++) writeFileSync(lathe.path(`dataset/sample_${String(i).padStart(5, '0')}.npy`), '');
  await row(page, 'dataset').click();
  await expect(row(page, 'dataset/sample_00000.npy')).toBeVisible();
  expect(await page.locator('.tree-row').count()).toBeLessThan(120);
  // The folder arrives in pages after the first screenful: keep scrolling to the end until the last one shows.
  await expect
    .poll(async () => {
      await page.getByTestId('file-tree').evaluate((el) => (el.scrollTop = el.scrollHeight));
      return row(page, 'dataset/sample_19999.npy').count();
    })
    .toBe(1);
  expect(await page.locator('.tree-row').count()).toBeLessThan(120);
});

test('keyboard only: explorer arrows, open, palette, quick open, close tab', async ({ lathe }) => {
  const { page } = lathe;
  await page.keyboard.press(`${mod}+Shift+E`);
  await expect(page.getByTestId('file-tree')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(row(page, 'assets')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('ArrowDown'); // configs
  await page.keyboard.press('ArrowRight'); // expand configs
  await expect(row(page, 'configs/train.yaml')).toBeVisible();
  await page.keyboard.press('ArrowDown'); // configs/train.yaml
  await page.keyboard.press('Enter');
  await expect(tab(page, 'configs/train.yaml')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.status-bar')).toContainText('yaml');
  await page.keyboard.press(`${mod}+P`);
  await page.keyboard.type('pyproject');
  await page.keyboard.press('Enter');
  await expect(tab(page, 'pyproject.toml')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.status-bar')).toContainText('toml');
  await page.keyboard.press('Alt+W');
  await expect(tab(page, 'pyproject.toml')).toHaveCount(0);
  await expect(tab(page, 'configs/train.yaml')).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press(`${mod}+B`);
  await expect(page.getByTestId('file-tree')).toHaveCount(0);
  await page.keyboard.press(`${mod}+B`);
  await expect(page.getByTestId('file-tree')).toBeVisible();
});

test.describe('with a dark OS', () => {
  test.use({ colorScheme: 'dark' });

  test('the theme follows the OS by default and toggles from the status bar', async ({ lathe, host }) => {
    skipInElectron(host, 'Playwright emulates the OS colour scheme in browser contexts only');
    const { page } = lathe;
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await page.getByRole('button', { name: 'Toggle theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
    await expect.poll(() => readFileSync(`${lathe.userDir}/settings.json`, 'utf8')).toContain('"workbench.theme": "light"');
  });
});

test('panes resize by dragging and by keys, and the layout is restored after a reload', async ({ lathe }) => {
  const { page } = lathe;
  const sidebar = page.getByRole('complementary', { name: 'Explorer' });
  const before = (await sidebar.boundingBox())!.width;
  const splitter = page.getByRole('separator', { name: 'Resize side bar' });
  const box = (await splitter.boundingBox())!;
  await page.mouse.move(box.x + 1, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(box.x + 121, box.y + box.height / 2, { steps: 5 });
  await page.mouse.up();
  await expect.poll(async () => (await sidebar.boundingBox())!.width).toBeGreaterThan(before + 100);
  await splitter.focus();
  await page.keyboard.press('ArrowLeft');
  const width = (await sidebar.boundingBox())!.width;
  await page.keyboard.press(`${mod}+J`);
  await expect(page.getByRole('region', { name: 'Panel' })).toBeVisible();
  await page.waitForTimeout(600);
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.getByRole('region', { name: 'Panel' })).toBeVisible();
  await expect.poll(async () => Math.round((await sidebar.boundingBox())!.width)).toBe(Math.round(width));
});

test('user keybindings from keybindings.json apply on save', async ({ lathe }) => {
  const { page } = lathe;
  await page.keyboard.press(`${mod}+Shift+P`);
  await page.keyboard.type('keyboard shortcuts');
  await page.keyboard.press('Enter');
  await expect(tab(page, 'user:keybindings.json')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('Lathe keybindings');
  // Write the file as another editor would: Lathe validates it and applies it at once.
  writeFileSync(`${lathe.userDir}/keybindings.json`, '[{ "key": "ctrl+k", "command": "view.togglePanel" }, { "key": "nonsense", "command": "x" }]');
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('ctrl+k');
  await page.getByTestId('file-tree').focus();
  await page.keyboard.press(`${mod}+K`);
  await expect(page.getByRole('region', { name: 'Panel' })).toBeVisible();
  await expect(page.locator('.output-log')).toContainText('keybindings.json');
});

test('the status bar shows the git branch, and follows a checkout', async ({ lathe }) => {
  const { page } = lathe;
  await expect(page.getByTestId('status-project')).toBeVisible();
  await expect(page.getByTestId('status-branch')).toHaveCount(0);
  execFileSync('git', ['init', '-q', '-b', 'experiment'], { cwd: lathe.dir });
  await expect(page.getByTestId('status-branch')).toHaveText('experiment');
  execFileSync('git', ['checkout', '-q', '-b', 'fp16-export'], { cwd: lathe.dir });
  await expect(page.getByTestId('status-branch')).toHaveText('fp16-export');
});

test('closing the page with unsaved edits asks first', async ({ lathe, host }) => {
  skipInElectron(host, "Electron turns beforeunload into a native dialog (will-prevent-unload), which Playwright can't answer");
  const { page } = lathe;
  await row(page, 'train.py').click();
  await page.locator('.monaco-editor .view-lines').click();
  await page.keyboard.type('# unsaved');
  await expect(tab(page, 'train.py')).toHaveAttribute('data-dirty', 'true');
  const asked = page.waitForEvent('dialog');
  await page.close({ runBeforeUnload: true });
  const dialog = await asked;
  expect(dialog.type()).toBe('beforeunload');
  await dialog.dismiss();
  expect(page.isClosed()).toBe(false);
  expect(lathe.read('train.py')).not.toContain('# unsaved');
});
