/**
 * Unsaved notebook edits after a crash (issue 8): `lathe serve` is killed with SIGKILL while a notebook has
 * unsaved edits; a new server on the same project and settings directory offers them back ("Restore
 * unsaved changes"), and the user's file is untouched (same bytes, same inode, same mtime) through every
 * kill, until the user saves.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, mod, skipUnless, test, type Lathe } from './fixtures';

test.setTimeout(180_000);

/** A notebook as Jupyter writes it (sorted keys, indent 1, trailing newline). */
const ORIGINAL = `${JSON.stringify(
  {
    cells: [
      { cell_type: 'markdown', id: 'intro', metadata: {}, source: ['# Draft\n', '\n', 'Kept as Jupyter wrote it.'] },
      { cell_type: 'code', execution_count: 1, id: 'first', metadata: {}, outputs: [{ name: 'stdout', output_type: 'stream', text: ['1\n'] }], source: 'first = 1\nprint(first)' },
    ],
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  },
  null,
  1,
)}\n`;

const cells = (page: Page) => page.getByTestId('notebook-cell');
const banner = (page: Page) => page.getByTestId('recovery-banner');
const tab = (page: Page) => page.locator('.tab[data-path="draft.ipynb"]');

/** The file as it is on disk: bytes, inode and mtime. */
function fileState(lathe: Lathe) {
  const st = statSync(lathe.path('draft.ipynb'));
  return { bytes: readFileSync(lathe.path('draft.ipynb')).toString('base64'), ino: st.ino, mtimeMs: st.mtimeMs };
}

/** The texts of the recovery copies in the settings directory. */
function recoveryCopies(lathe: Lathe): string[] {
  const dir = join(lathe.userDir, 'recovery');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.ipynb'))
    .map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** The pids of `lathe serve` for this project and of its children. */
function serverProcesses(lathe: Lathe): number[] {
  const run = (args: string[]) => {
    try {
      return execFileSync(args[0]!, args.slice(1), { encoding: 'utf8' }).split(/\s+/).filter(Boolean).map(Number);
    } catch {
      return []; // pgrep and ps exit 1 when nothing matches
    }
  };
  const servers = run(['pgrep', '-f', `lathe.js serve ${lathe.dir} `]);
  return [...servers, ...servers.flatMap((pid) => run(['ps', '-o', 'pid=', '--ppid', String(pid)]))];
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGKILL the server, start a new one, and check that the old one and its children are gone. */
async function crashAndRestart(lathe: Lathe): Promise<void> {
  const before = serverProcesses(lathe);
  expect(before.length, 'the running lathe serve was found').toBeGreaterThan(0);
  await lathe.restartServer({ kill: 'SIGKILL' });
  await expect.poll(() => before.filter(alive), { timeout: 15_000, message: 'processes of the killed server still alive' }).toEqual([]);
}

/** The notebook's tab is back after a restart (the workbench state is kept in the settings directory), or open it. */
async function showDraft(page: Page): Promise<'restored' | 'opened'> {
  await expect(page.getByTestId('workbench')).toBeVisible();
  if ((await tab(page).count()) === 0) {
    await page.locator('.tree-row[data-path="draft.ipynb"]').click();
    await expect(tab(page)).toHaveAttribute('aria-selected', 'true');
    return 'opened';
  }
  if ((await tab(page).getAttribute('aria-selected')) !== 'true') await tab(page).click();
  return 'restored';
}

test('after a killed server, a restart offers the unsaved notebook edits, and the file is untouched until saved', async ({ lathe }) => {
  skipUnless(lathe.url !== null, 'kills and restarts `lathe serve`: the "web" project runs it');
  const { page } = lathe;
  lathe.write('draft.ipynb', ORIGINAL);
  const original = fileState(lathe);

  // Edit: a new code cell below the first, and a changed markdown cell; nothing saved.
  await page.locator('.tree-row[data-path="draft.ipynb"]').click();
  await expect(page.getByTestId('notebook-editor')).toBeVisible();
  await expect(cells(page)).toHaveCount(2);
  await cells(page).nth(1).locator('.nb-prompt').click();
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await expect.poll(() => cells(page).nth(2).locator('.monaco-editor').evaluate((e) => e.contains(document.activeElement)), { timeout: 30_000 }).toBe(true);
  await page.keyboard.type('recovered = 42');
  await page.keyboard.press('Escape');
  await expect(tab(page)).toHaveAttribute('data-dirty', 'true');
  // The autosave (about a second after the last edit) writes the recovery copy, never the file.
  await expect.poll(() => recoveryCopies(lathe).some((t) => t.includes('recovered = 42')), { timeout: 15_000 }).toBe(true);
  expect(fileState(lathe)).toEqual(original);

  // Kill 1: SIGKILL with the edits unsaved. The new server offers them; the file is the original, byte for byte.
  await crashAndRestart(lathe);
  const how = await showDraft(page);
  console.log(`[recovery] after SIGKILL and a restart, the notebook's tab was ${how === 'restored' ? 'restored with the workbench' : 'not restored: opened from the explorer'}`);
  await expect(banner(page)).toContainText('Restore unsaved changes from');
  await expect(cells(page)).toHaveCount(2); // the file's content, until the user chooses
  expect(fileState(lathe)).toEqual(original);

  // Kill 2, with the offer on screen and nothing chosen: it is offered again.
  await crashAndRestart(lathe);
  await showDraft(page);
  await expect(banner(page)).toContainText('Restore unsaved changes from');
  expect(fileState(lathe)).toEqual(original);

  // Restore: the edits are back, unsaved.
  await banner(page).getByRole('button', { name: 'Restore' }).click();
  await expect(banner(page)).toHaveCount(0);
  await expect(cells(page)).toHaveCount(3);
  await expect(cells(page).nth(2)).toContainText('recovered = 42');
  await expect(tab(page)).toHaveAttribute('data-dirty', 'true');
  expect(fileState(lathe)).toEqual(original);

  // Kill 3, right after Restore (before any save): the file is still the original, the edits still offered.
  await crashAndRestart(lathe);
  await showDraft(page);
  await expect(banner(page)).toContainText('Restore unsaved changes from');
  expect(fileState(lathe)).toEqual(original);
  await banner(page).getByRole('button', { name: 'Restore' }).click();
  await expect(cells(page)).toHaveCount(3);
  await expect(cells(page).nth(2)).toContainText('recovered = 42');

  // Save: now the file has the edits, the recovery copy is gone, and a restart offers nothing.
  await page.getByTestId('notebook-cells').focus();
  await page.keyboard.press(`${mod}+S`);
  await expect(tab(page)).toHaveAttribute('data-dirty', 'false');
  const saved = JSON.parse(lathe.read('draft.ipynb')) as { cells: { source: string | string[] }[] };
  expect(saved.cells.map((c) => (Array.isArray(c.source) ? c.source.join('') : c.source))).toEqual(['# Draft\n\nKept as Jupyter wrote it.', 'first = 1\nprint(first)', 'recovered = 42']);
  await expect.poll(() => recoveryCopies(lathe)).toEqual([]);
  await lathe.restartServer();
  await showDraft(page);
  await expect(cells(page)).toHaveCount(3);
  await expect(banner(page)).toHaveCount(0);
});
