/**
 * The foundation end to end: open a folder, browse, edit, save, outside changes, quick open, reload,
 * command palette, binary files. Real server, real files, real browser.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { expect, mod, test } from './fixtures';
import type { Page } from '@playwright/test';

const tree = (page: Page) => page.getByTestId('file-tree');
const row = (page: Page, path: string) => page.locator(`.tree-row[data-path="${path}"]`);
const tab = (page: Page, path: string) => page.locator(`.tab[data-path="${path}"]`);
const editorText = (page: Page) => page.locator('.monaco-editor .view-lines');

/** Put the caret in the editor (Monaco reads keys through EditContext or a hidden textarea). */
async function focusEditor(page: Page): Promise<void> {
  await page.locator('.monaco-editor .view-lines').click();
}

/** Click each row in turn (folders to expand them, then the file) and wait for the file's tab. */
async function openFromTree(page: Page, ...paths: string[]): Promise<void> {
  for (const path of paths) await row(page, path).click();
  await expect(tab(page, paths[paths.length - 1]!)).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.monaco-editor')).toBeVisible();
}

test.describe('without a folder', () => {
  test.use({ openProject: false });

  test('opens a folder from the welcome screen and lists it in recent projects', async ({ lathe }) => {
    const { page } = lathe;
    await expect(page.getByTestId('welcome')).toBeVisible();
    await expect(page.getByText('Folders you open appear here.')).toBeVisible();
    const input = page.getByLabel('Open a folder by its path on this machine');
    await input.fill(lathe.path('does-not-exist'));
    await input.press('Enter');
    await expect(page.getByRole('alert')).toContainText(/not found|does not exist/i);
    await input.fill(lathe.dir);
    await input.press('Enter');
    await expect(row(page, 'train.py')).toBeVisible();
    await expect(page.getByTestId('status-project')).toHaveText(lathe.dir.split('/').pop()!);
    await page.screenshot({ path: test.info().outputPath('opened.png') });
    // Close it: the welcome screen now offers it as a recent project.
    await page.keyboard.press(`${mod}+Shift+P`);
    await page.keyboard.type('close folder');
    await page.keyboard.press('Enter');
    await expect(page.getByTestId('welcome')).toBeVisible();
    await page.getByRole('button', { name: lathe.dir.split('/').pop()! }).click();
    await expect(row(page, 'train.py')).toBeVisible();
  });
});

test('browses the tree: folders first, default excludes, lazy expand', async ({ lathe }) => {
  const { page } = lathe;
  await expect(tree(page)).toBeVisible();
  const names = await page.locator('.tree-row[aria-level="1"] .tree-label').allTextContents();
  expect(names).toEqual(['assets', 'configs', 'notes', 'src', 'pyproject.toml', 'README.md', 'train.py']);
  await expect(row(page, 'node_modules')).toHaveCount(0);
  await expect(row(page, 'src/model')).toHaveCount(0);
  await row(page, 'src').click();
  await expect(row(page, 'src/model')).toBeVisible();
  await row(page, 'src/model').click();
  await expect(row(page, 'src/model/net.py')).toBeVisible();
  // Keyboard: collapse with ArrowLeft on a folder.
  await row(page, 'src/model').click();
  await expect(row(page, 'src/model/net.py')).toHaveCount(0);
});

test('edits a file, shows the dirty marker, saves with Ctrl+S to disk', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'train.py');
  await expect(editorText(page)).toContainText('def lr(step):');
  await focusEditor(page);
  await page.keyboard.press(`${mod}+End`);
  await page.keyboard.type('\nprint(lr(10))');
  await expect(tab(page, 'train.py')).toHaveAttribute('data-dirty', 'true');
  expect(lathe.read('train.py')).not.toContain('print(lr(10))');
  await page.keyboard.press(`${mod}+S`);
  await expect(tab(page, 'train.py')).toHaveAttribute('data-dirty', 'false');
  await expect.poll(() => lathe.read('train.py')).toContain('print(lr(10))');
  expect(lathe.read('train.py').startsWith('import math\n')).toBe(true);
  await page.screenshot({ path: test.info().outputPath('edited.png') });
});

test('keeps CRLF line endings on save', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'notes', 'notes/windows.txt');
  await expect(page.locator('.status-bar')).toContainText('CRLF');
  await focusEditor(page);
  await page.keyboard.press(`${mod}+End`);
  await page.keyboard.type('line three');
  await page.keyboard.press(`${mod}+S`);
  await expect(tab(page, 'notes/windows.txt')).toHaveAttribute('data-dirty', 'false');
  expect(readFileSync(lathe.path('notes/windows.txt'), 'utf8')).toBe('line one\r\nline two\r\nline three');
});

test('shows outside changes: a clean tab reloads, the tree updates', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'README.md');
  await expect(editorText(page)).toContainText('Demo project');
  lathe.write('README.md', '# Changed by git\n');
  await expect(editorText(page)).toContainText('Changed by git');
  await expect(tab(page, 'README.md')).toHaveAttribute('data-dirty', 'false');
  lathe.write('made_by_python.py', 'x = 1\n');
  await expect(row(page, 'made_by_python.py')).toBeVisible();
});

test('asks before overwriting a dirty tab changed on disk', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'README.md');
  await focusEditor(page);
  await page.keyboard.type('my edit ');
  await expect(tab(page, 'README.md')).toHaveAttribute('data-dirty', 'true');
  lathe.write('README.md', '# theirs\n');
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('changed on disk');
  await dialog.getByRole('button', { name: 'Load theirs' }).click();
  await expect(editorText(page)).toContainText('theirs');
  await expect(tab(page, 'README.md')).toHaveAttribute('data-dirty', 'false');
});

test('quick open finds a file by fuzzy name', async ({ lathe }) => {
  const { page } = lathe;
  await expect(tree(page)).toBeVisible();
  await page.keyboard.press(`${mod}+P`);
  await page.keyboard.type('ldr');
  const first = page.locator('.quick-pick-item').first();
  await expect(first).toContainText('loader.py');
  await page.screenshot({ path: test.info().outputPath('quick-open.png') });
  await page.keyboard.press('Enter');
  await expect(tab(page, 'src/data/loader.py')).toHaveAttribute('aria-selected', 'true');
  await expect(editorText(page)).toContainText('def load');
});

test('a reload restores the open tabs, the active tab and the expanded folders', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'src', 'src/model', 'src/model/net.py');
  await row(page, 'README.md').click();
  await row(page, 'train.py').click();
  await tab(page, 'README.md').click();
  await expect(tab(page, 'README.md')).toHaveAttribute('aria-selected', 'true');
  await page.waitForTimeout(600); // the state is persisted 300 ms after the last change
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  await expect(page.locator('.tab')).toHaveCount(3);
  expect(await page.locator('.tab').evaluateAll((tabs) => tabs.map((t) => t.getAttribute('data-path')))).toEqual([
    'src/model/net.py',
    'README.md',
    'train.py',
  ]);
  await expect(tab(page, 'README.md')).toHaveAttribute('aria-selected', 'true');
  await expect(row(page, 'src/model/net.py')).toBeVisible();
});

test('the command palette lists commands with keys and runs one', async ({ lathe }) => {
  const { page } = lathe;
  await expect(tree(page)).toBeVisible();
  await page.keyboard.press(`${mod}+Shift+P`);
  const palette = page.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  await page.keyboard.type('toggle panel');
  await expect(palette.locator('.quick-pick-item').first()).toContainText('View: Toggle Panel');
  await expect(palette.locator('.quick-pick-item').first().locator('kbd')).toHaveText('Ctrl+J');
  await page.screenshot({ path: test.info().outputPath('palette.png') });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Panel' })).toBeVisible();
  await expect(page.getByRole('tab', { name: 'Output' })).toBeVisible();
});

test('a binary file opens read-only with a notice', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'assets', 'assets/logo.png');
  await expect(page.getByTestId('editor-notice')).toContainText(/binary/i);
  await expect(tab(page, 'assets/logo.png')).toContainText('RO');
  await expect(editorText(page)).toContainText('8950 4e47');
  await focusEditor(page);
  await page.keyboard.type('garbage');
  await page.keyboard.press(`${mod}+S`);
  expect(readFileSync(lathe.path('assets/logo.png')).subarray(0, 4).toString('hex')).toBe('89504e47');
  await expect(tab(page, 'assets/logo.png')).toHaveAttribute('data-dirty', 'false');
});

test('creates, renames and deletes files from the explorer, confirming the delete', async ({ lathe }) => {
  const { page } = lathe;
  await row(page, 'src').click();
  await page.getByRole('button', { name: 'New File' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox').fill('utils.py');
  await dialog.getByRole('textbox').press('Enter');
  await expect(row(page, 'src/utils.py')).toBeVisible();
  expect(existsSync(lathe.path('src/utils.py'))).toBe(true);
  await expect(tab(page, 'src/utils.py')).toHaveAttribute('aria-selected', 'true');

  await row(page, 'src/utils.py').click();
  await page.keyboard.press('F2');
  await page.getByRole('dialog').getByRole('textbox').fill('helpers.py');
  await page.keyboard.press('Enter');
  await expect(row(page, 'src/helpers.py')).toBeVisible();
  expect(existsSync(lathe.path('src/helpers.py'))).toBe(true);
  await expect(tab(page, 'src/helpers.py')).toBeVisible();

  await row(page, 'src/helpers.py').click();
  await page.keyboard.press('Delete');
  await expect(page.getByRole('dialog')).toContainText('cannot be undone');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
  await expect(row(page, 'src/helpers.py')).toHaveCount(0);
  expect(existsSync(lathe.path('src/helpers.py'))).toBe(false);
  await expect(tab(page, 'src/helpers.py')).toHaveCount(0);
});

test('closing a dirty tab asks; settings are edited as JSON and applied on save', async ({ lathe }) => {
  const { page } = lathe;
  await openFromTree(page, 'train.py');
  await focusEditor(page);
  await page.keyboard.type('# wip\n');
  await tab(page, 'train.py').getByRole('button').click();
  await expect(page.getByRole('dialog')).toContainText('Save changes to train.py?');
  await page.getByRole('dialog').getByRole('button', { name: "Don't save" }).click();
  await expect(tab(page, 'train.py')).toHaveCount(0);
  expect(lathe.read('train.py')).not.toContain('# wip');

  await page.keyboard.press(`${mod}+,`);
  await expect(tab(page, 'user:settings.json')).toHaveAttribute('aria-selected', 'true');
  await focusEditor(page);
  await page.keyboard.press(`${mod}+A`);
  await page.keyboard.press('Delete');
  await page.keyboard.type('{ "workbench.theme": "dark"');
  await page.keyboard.press(`${mod}+S`);
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
  expect(readFileSync(`${lathe.userDir}/settings.json`, 'utf8')).toContain('"workbench.theme": "dark"');
  await page.screenshot({ path: test.info().outputPath('dark.png') });
  writeFileSync(`${lathe.userDir}/settings.json`, '{ "workbench.theme": "light" }');
  await expect(page.locator('html')).toHaveAttribute('data-theme', 'light');
});
