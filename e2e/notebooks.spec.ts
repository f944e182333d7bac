/**
 * Notebooks end to end: `.ipynb` files in the notebook editor behind `lathe serve`, run in a real Python
 * (Debian's /usr/bin/python3 with IPython and matplotlib), saved, and checked by Jupyter's own nbformat;
 * a hostile notebook that must run nothing and cover nothing; recovery of unsaved edits; input().
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { canImport, expect, mod, PYTHON, shot, skipUnless, test, useSystemPython } from './fixtures';

const hasPython = canImport('sys');
const hasPlotting = hasPython && canImport('matplotlib, nbformat');

// Sessions start Python (and IPython); give each test room.
test.setTimeout(180_000);

interface CellSpec {
  readonly type: 'code' | 'markdown';
  readonly source: string;
  readonly outputs?: readonly unknown[];
}

/** An nbformat 4.5 notebook as Jupyter writes it. */
function notebook(cells: readonly CellSpec[]): string {
  const nb = {
    cells: cells.map((c, i) =>
      c.type === 'code'
        ? { cell_type: 'code', execution_count: null, id: `cell-${i}`, metadata: {}, outputs: c.outputs ?? [], source: c.source }
        : { cell_type: 'markdown', id: `cell-${i}`, metadata: {}, source: c.source },
    ),
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
  return JSON.stringify(nb, null, 1) + '\n';
}

const cells = (page: Page) => page.getByTestId('notebook-cell');
const cell = (page: Page, i: number) => cells(page).nth(i);
const prompt = (c: Locator) => c.getByTestId('cell-prompt');
const cellList = (page: Page) => page.getByTestId('notebook-cells');


/** Open a notebook from the explorer, then give its cell list the keyboard (command mode, first cell). */
async function openNotebook(page: Page, path: string): Promise<void> {
  await page.locator(`.tree-row[data-path="${path}"]`).click();
  await expect(page.locator(`.tab[data-path="${path}"]`)).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('notebook-editor')).toBeVisible();
  // As for a text file, a click in the explorer leaves the keyboard there; a click on a cell's prompt takes it.
  await cell(page, 0).locator('.nb-prompt').click();
  await expect(cellList(page)).toBeFocused();
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: 'Toggle theme' }).click();
  await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
}

test('runs cells with Shift+Enter, renders markdown, and saves a notebook Jupyter reads', async ({ lathe }) => {
  skipUnless(hasPlotting, `${PYTHON} with matplotlib and nbformat is not installed (scripts/setup-system.sh installs them)`);
  const { page } = lathe;
  lathe.write(
    'analysis.ipynb',
    notebook([
      { type: 'code', source: 'print("hello from the notebook")' },
      { type: 'code', source: 'x = 6\nx * 7' },
      { type: 'code', source: 'import matplotlib.pyplot as plt\nplt.plot([1, 3, 2, 4])\nplt.title("a plot")' },
      { type: 'markdown', source: 'Some *notes*, with math: $e^{i\\pi} + 1 = 0$' },
    ]),
  );
  await useSystemPython(page);
  await openNotebook(page, 'analysis.ipynb');
  await expect(cells(page)).toHaveCount(4);
  await expect(prompt(cell(page, 0))).toHaveText('[ ]');
  // The list has the keyboard (command mode) with the first cell selected.
  await expect(cellList(page)).toBeFocused();
  await expect(cell(page, 0)).toHaveAttribute('aria-selected', 'true');

  for (let i = 0; i < 3; i++) await page.keyboard.press('Shift+Enter');
  await expect(prompt(cell(page, 0))).toHaveText('[1]', { timeout: 90_000 });
  await expect(prompt(cell(page, 1))).toHaveText('[2]', { timeout: 30_000 });
  await expect(prompt(cell(page, 2))).toHaveText('[3]', { timeout: 60_000 });
  await expect(cell(page, 0).getByTestId('cell-outputs')).toContainText('hello from the notebook');
  await expect(cell(page, 1).getByTestId('cell-outputs')).toContainText('42');
  const plot = cell(page, 2).locator('img[src^="data:image/png;base64,"]');
  await expect(plot).toBeVisible({ timeout: 30_000 });
  expect((await plot.boundingBox())!.width).toBeGreaterThan(100);
  for (let i = 0; i < 3; i++) await expect(cell(page, i).getByTestId('cell-status')).toHaveAttribute('data-status', 'done');
  await expect(cell(page, 0).getByTestId('cell-status')).toContainText(/\d+(\.\d+)? m?s/);
  // The notebook bound a session of its own, named after it.
  await expect(page.getByTestId('notebook-session')).toContainText('analysis.ipynb');
  await expect(page.locator('.tab[data-path="analysis.ipynb"]')).toHaveAttribute('data-dirty', 'true');

  // Math renders (KaTeX, bundled).
  const markdown = cell(page, 3).getByTestId('markdown-rendered');
  await expect(markdown.locator('.katex')).toBeVisible();
  // Edit the markdown cell: double-click, type, Shift+Enter renders it.
  await markdown.dblclick();
  await expect(cell(page, 3).locator('.monaco-editor')).toBeVisible();
  await page.keyboard.press(`${mod}+Home`);
  await page.keyboard.type('# Results\n\nThe **plot** above.\n\n');
  await page.keyboard.press('Shift+Enter');
  await expect(cell(page, 3).getByTestId('markdown-rendered').locator('h1')).toHaveText('Results');
  await expect(cell(page, 3).getByTestId('markdown-rendered').locator('strong')).toHaveText('plot');
  // Shift+Enter on the last cell adds a code cell below, in edit mode.
  await expect(cells(page)).toHaveCount(5);
  await page.keyboard.press('Escape');
  await expect(cellList(page)).toBeFocused();

  await shot(page, 'notebook-end-light');
  await page.keyboard.press('Home'); // the first cell, scrolled into view
  await expect(cell(page, 0)).toHaveAttribute('aria-selected', 'true');
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await shot(page, `notebook-${theme}`);
  }

  await page.keyboard.press(`${mod}+S`);
  await expect(page.locator('.tab[data-path="analysis.ipynb"]')).toHaveAttribute('data-dirty', 'false');
  // Jupyter's own validator accepts the file, which has the outputs and the counts.
  const check = [
    'import json, nbformat, sys',
    'nb = nbformat.read(sys.argv[1], 4)',
    'nbformat.validate(nb)',
    'print(json.dumps({"counts": [c.get("execution_count") for c in nb.cells], "types": [c.cell_type for c in nb.cells],',
    '  "png": any("image/png" in o.get("data", {}) for o in nb.cells[2].outputs), "md": nb.cells[3].source}))',
  ].join('\n');
  const saved = JSON.parse(execFileSync(PYTHON, ['-c', check, lathe.path('analysis.ipynb')], { encoding: 'utf8' }));
  expect(saved.counts.slice(0, 3)).toEqual([1, 2, 3]);
  expect(saved.types).toEqual(['code', 'code', 'code', 'markdown', 'code']);
  expect(saved.png).toBe(true);
  expect(saved.md).toMatch(/^# Results\n\nThe \*\*plot\*\* above\.\n\nSome \*notes\*/);
});

test('command mode: insert, delete and undo, change type, move', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('keys.ipynb', notebook([{ type: 'code', source: 'a = 1' }, { type: 'code', source: 'b = 2' }]));
  await openNotebook(page, 'keys.ipynb');
  await expect(cellList(page)).toBeFocused();
  const sources = () => cells(page).evaluateAll((els) => els.map((e) => `${e.getAttribute('data-cell-type')}:${(e.querySelector('.nb-input, .nb-markdown')?.textContent ?? '').replace(/\u00a0/g, ' ').trim()}`));
  await page.keyboard.press('b'); // insert below the first
  await expect(cells(page)).toHaveCount(3);
  await expect(cell(page, 1)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('m'); // to markdown
  await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'markdown');
  await page.keyboard.press('y'); // back to code
  await expect(cell(page, 1)).toHaveAttribute('data-cell-type', 'code');
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await expect(cells(page)).toHaveCount(2);
  await page.keyboard.press('ArrowUp');
  await expect(cell(page, 0)).toHaveAttribute('aria-selected', 'true');
  await page.keyboard.press('d');
  await page.keyboard.press('d');
  await expect.poll(sources).toEqual(['code:b = 2']);
  await page.keyboard.press('z');
  await expect.poll(sources).toEqual(['code:a = 1', 'code:b = 2']);
  await page.keyboard.press('Control+Shift+ArrowDown');
  await expect.poll(sources).toEqual(['code:b = 2', 'code:a = 1']);
  await page.keyboard.press('a');
  await expect(cells(page)).toHaveCount(3);
  await expect(cell(page, 1)).toHaveAttribute('aria-selected', 'true');
  // Enter edits the selected cell; Escape goes back to command mode.
  await page.keyboard.press('Enter');
  await expect.poll(() => cell(page, 1).locator('.monaco-editor').evaluate((e) => e.contains(document.activeElement))).toBe(true);
  await expect(cell(page, 1)).toHaveClass(/editing/);
  await page.keyboard.type('c = 3');
  await page.keyboard.press('Escape');
  await expect(cellList(page)).toBeFocused();
  await expect.poll(sources).toEqual(['code:b = 2', 'code:c = 3', 'code:a = 1']);
  await expect(page.locator('.tab[data-path="keys.ipynb"]')).toHaveAttribute('data-dirty', 'true');
});

test('unsaved edits come back after a reload (recovery copy)', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('draft.ipynb', notebook([{ type: 'code', source: 'first = 1' }]));
  await openNotebook(page, 'draft.ipynb');
  await page.keyboard.press('b');
  await page.keyboard.press('Enter');
  await expect.poll(() => cell(page, 1).locator('.monaco-editor').evaluate((e) => e.contains(document.activeElement)), { timeout: 30_000 }).toBe(true);
  await page.keyboard.type('second = 2');
  await page.keyboard.press('Escape');
  await expect(page.locator('.tab[data-path="draft.ipynb"]')).toHaveAttribute('data-dirty', 'true');
  await page.waitForTimeout(1800); // autosave after about 1 s; the tabs are saved after 300 ms
  page.on('dialog', (d) => void d.accept()); // the browser's "leave the page?" for unsaved edits
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  const banner = page.getByTestId('recovery-banner');
  await expect(banner).toContainText('Restore unsaved changes from');
  await expect(cells(page)).toHaveCount(1);
  await banner.getByRole('button', { name: 'Restore' }).click();
  await expect(cells(page)).toHaveCount(2);
  await expect(cell(page, 1)).toContainText('second = 2');
  await expect(page.locator('.tab[data-path="draft.ipynb"]')).toHaveAttribute('data-dirty', 'true');
  // The file itself was never touched.
  expect(lathe.read('draft.ipynb')).not.toContain('second');
});

test('an invalid notebook says why, is never written, and opens as text', async ({ lathe }) => {
  const { page } = lathe;
  const broken = '{"cells": [ {"cell_type": "code", "source": "x"} ], "nbformat": 4\n';
  lathe.write('broken.ipynb', broken);
  await page.locator('.tree-row[data-path="broken.ipynb"]').click();
  const view = page.getByTestId('notebook-invalid');
  await expect(view).toContainText("broken.ipynb can't be opened as a notebook");
  await shot(page, 'notebook-invalid');
  await view.getByRole('button', { name: 'Open as text' }).click();
  await expect(page.locator('.monaco-editor .view-lines')).toContainText('"cell_type"');
  expect(lathe.read('broken.ipynb')).toBe(broken);
});

test('New Notebook… creates a valid notebook and opens it', async ({ lathe }) => {
  const { page } = lathe;
  await page.keyboard.press('F1');
  await page.keyboard.type('New Notebook');
  await expect(page.locator('.quick-pick-item').first()).toContainText('Notebook: New Notebook');
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'New notebook' });
  await dialog.getByRole('textbox').fill('experiment');
  await dialog.getByRole('button', { name: 'Create' }).click();
  await expect(page.locator('.tab[data-path="experiment.ipynb"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('notebook-editor')).toBeVisible();
  await expect(page.locator('.tree-row[data-path="experiment.ipynb"]')).toBeVisible();
  const nb = JSON.parse(lathe.read('experiment.ipynb'));
  expect(nb.nbformat).toBe(4);
  if (hasPlotting) execFileSync(PYTHON, ['-c', 'import nbformat, sys; nbformat.validate(nbformat.read(sys.argv[1], 4))', lathe.path('experiment.ipynb')]);
});

test('a long output is cut, shown in full on demand, saved to a file, and folded away', async ({ lathe }) => {
  const { page } = lathe;
  const lines = Array.from({ length: 3000 }, (_, i) => `line ${i}\n`).join('');
  lathe.write('long.ipynb', notebook([{ type: 'code', source: 'for i in range(3000): print("line", i)', outputs: [{ output_type: 'stream', name: 'stdout', text: lines }] }]));
  await openNotebook(page, 'long.ipynb');
  const outputs = cell(page, 0).getByTestId('cell-outputs');
  const notice = outputs.getByTestId('output-truncated');
  await expect(notice).toContainText('Showing the first 2,000 of 3,000 lines');
  await expect(outputs).toContainText('line 1999');
  await expect(outputs).not.toContainText('line 2000');
  await notice.getByRole('button', { name: 'Save to file…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Save output to file' });
  await expect(dialog.getByRole('textbox')).toHaveValue('output.txt');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect.poll(() => (existsSync(lathe.path('output.txt')) ? lathe.read('output.txt') : '')).toBe(lines);
  await notice.getByRole('button', { name: 'Show all' }).click();
  await expect(outputs).toContainText('line 2999');
  await expect(outputs.getByTestId('output-truncated')).toHaveCount(0);
  // The gutter folds the outputs away, and back.
  await outputs.getByRole('button', { name: 'Hide outputs' }).click();
  await expect(outputs).toContainText('1 output hidden');
  await expect(outputs).not.toContainText('line 1');
  await outputs.getByRole('button', { name: 'Show outputs' }).click();
  await expect(outputs).toContainText('line 2999');
});

test('input() in a cell is answered in the box under it', async ({ lathe }) => {
  skipUnless(hasPython, `${PYTHON} is not installed`);
  const { page } = lathe;
  lathe.write('ask.ipynb', notebook([{ type: 'code', source: 'name = input("Your name? ")\nprint("hello", name)' }]));
  await useSystemPython(page);
  await openNotebook(page, 'ask.ipynb');
  await page.keyboard.press('Control+Enter');
  const box = page.getByTestId('input-request');
  await expect(box.locator('input')).toHaveAttribute('aria-label', /Your name\?/, { timeout: 90_000 });
  await expect(cell(page, 0).getByTestId('cell-outputs')).toContainText('Your name?');
  await expect(box.locator('input')).toBeFocused();
  await page.keyboard.type('Ada');
  await shot(page, 'notebook-input');
  await page.keyboard.press('Enter');
  await expect(cell(page, 0).getByTestId('cell-outputs')).toContainText('hello Ada', { timeout: 30_000 });
  await expect(box).toHaveCount(0);
  await expect(prompt(cell(page, 0))).toHaveText('[1]');
});

test('a cell still running when the page reloads keeps streaming into it', async ({ lathe }) => {
  skipUnless(hasPython, `${PYTHON} is not installed`);
  const { page } = lathe;
  // The cell ticks until the test lets it finish (a file appears), so a slow machine can't end it early.
  lathe.write(
    'slow.ipynb',
    notebook([
      {
        type: 'code',
        source: 'import os, time\ni = 0\nwhile not os.path.exists("release.txt"):\n    print("tick", i, flush=True)\n    i += 1\n    time.sleep(0.3)\n"finished"',
      },
    ]),
  );
  await useSystemPython(page);
  await openNotebook(page, 'slow.ipynb');
  await page.keyboard.press('Control+Enter');
  await expect(cell(page, 0).getByTestId('cell-outputs')).toContainText('tick 1', { timeout: 90_000 });
  await expect(cell(page, 0).getByTestId('cell-status')).toHaveAttribute('data-status', 'running');
  await expect(prompt(cell(page, 0))).toHaveText('[*]');
  await shot(page, 'notebook-running');
  page.on('dialog', (d) => void d.accept()); // "leave the page?": the notebook has unsaved outputs
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  // Re-attached: the outputs so far are back, and new ones keep streaming in.
  const outputs = cell(page, 0).getByTestId('cell-outputs');
  await expect(outputs).toContainText('tick 1');
  const seen = Number(/tick (\d+)\s*$/.exec((await outputs.textContent()) ?? '')?.[1] ?? '1');
  await expect(outputs).toContainText(`tick ${seen + 2}`, { timeout: 30_000 });
  await expect(prompt(cell(page, 0))).toHaveText('[*]');
  lathe.write('release.txt', '');
  await expect(outputs).toContainText("'finished'", { timeout: 30_000 });
  await expect(prompt(cell(page, 0))).toHaveText('[1]');
  await expect(cell(page, 0).getByTestId('cell-status')).toHaveAttribute('data-status', 'done');
});

const HOSTILE_HTML = [
  '<script>window.__pwned = "script"; alert("script")</script>',
  '<img src="x" onerror="window.__pwned = \'onerror\'; alert(\'onerror\')">',
  '<a id="js-link" href="javascript:window.__pwned=\'link\';alert(\'link\')">a javascript: link</a>',
  '<iframe src="https://example.com/frame"></iframe>',
  '<form action="https://example.com/post"><input name="q"><button>go</button></form>',
  '<svg><script>window.__pwned = "svg script"</script><circle r="5"/></svg>',
  '<img src="https://example.com/track.png">',
  '<style>@import url("https://example.com/x.css"); body, .workbench { display: none !important; } .hostile-fixed { position: fixed; inset: 0; z-index: 99999; }</style>',
  '<div class="hostile-fixed" style="position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 99999; background: rgba(255, 0, 0, 0.6)">OVERLAY</div>',
  '<p>safe text survives</p>',
].join('\n');

const HOSTILE_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" onload="alert(\'svg onload\')"><script>alert("svg")</script><circle cx="20" cy="20" r="15" fill="green"/></svg>';

const HOSTILE_MARKDOWN = [
  '# Hostile markdown',
  '<script>window.__pwned = "md script"</script>',
  '<img src="x" onerror="window.__pwned = \'md onerror\'">',
  '[click me](javascript:window.__pwned=\'md link\')',
  '<iframe src="https://example.com/md"></iframe>',
  '<div style="position: fixed; top: 0; left: 0; width: 100vw; height: 100vh; z-index: 99999; background: rgba(0, 0, 255, 0.6)">MD OVERLAY</div>',
  '<style>.workbench { display: none !important; }</style>',
].join('\n');

test('a hostile notebook runs nothing, fetches nothing and covers nothing', async ({ lathe }) => {
  const { page, url } = lathe;
  const origin = new URL(url ?? 'http://127.0.0.1').origin;
  const dialogs: string[] = [];
  const requests: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  page.on('request', (r) => {
    const u = r.url();
    if (!u.startsWith(origin) && !u.startsWith('data:') && !u.startsWith('blob:') && !u.startsWith('ws:')) requests.push(u);
  });
  lathe.write(
    'hostile.ipynb',
    notebook([
      { type: 'markdown', source: HOSTILE_MARKDOWN },
      {
        type: 'code',
        source: 'display(evil)',
        outputs: [
          { output_type: 'display_data', data: { 'text/html': HOSTILE_HTML, 'text/plain': 'evil' }, metadata: {} },
          { output_type: 'display_data', data: { 'image/svg+xml': HOSTILE_SVG, 'text/plain': 'svg' }, metadata: {} },
          { output_type: 'display_data', data: { 'text/markdown': HOSTILE_MARKDOWN, 'text/plain': 'md' }, metadata: {} },
          { output_type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\u001b[0;31mValueError\u001b[0m: <script>alert("tb")</script>'] },
        ],
      },
    ]),
  );
  await openNotebook(page, 'hostile.ipynb');
  const html = page.getByTestId('html-output');
  await expect(html).toContainText('safe text survives');
  await expect(cell(page, 1).locator('img[src^="data:image/svg+xml"]')).toBeVisible();
  await expect(cell(page, 1).locator('.nb-error')).toContainText('<script>alert("tb")</script>');
  // Links that would run code are inert.
  await page.getByText('a javascript: link').click();
  await page.getByText('click me').first().click();
  await page.waitForTimeout(500);

  expect(dialogs).toEqual([]);
  expect(requests).toEqual([]);
  expect(await page.evaluate(() => (window as { __pwned?: string }).__pwned ?? null)).toBeNull();
  // Nothing dangerous is in the DOM, shadow roots included.
  const found = await page.evaluate(() => {
    const all: Element[] = [];
    const walk = (root: ParentNode) => {
      for (const el of Array.from(root.querySelectorAll('*'))) {
        all.push(el);
        if (el.shadowRoot) walk(el.shadowRoot);
      }
    };
    walk(document.querySelector('[data-testid="notebook-editor"]')!);
    return {
      scripts: all.filter((e) => e.tagName.toLowerCase() === 'script').length,
      frames: all.filter((e) => /^(iframe|form|object|embed)$/i.test(e.tagName)).length,
      handlers: all.filter((e) => Array.from(e.attributes).some((a) => a.name.startsWith('on'))).length,
      jsUrls: all.filter((e) => Array.from(e.attributes).some((a) => /^\s*javascript:/i.test(a.value))).length,
      fixed: all.filter((e) => getComputedStyle(e).position === 'fixed').length,
    };
  });
  expect(found).toEqual({ scripts: 0, frames: 0, handlers: 0, jsUrls: 0, fixed: 0 });
  // The app's chrome is still the app's: what is at its corners and bars is not the notebook's content.
  await expect(page.getByTestId('workbench')).toBeVisible();
  const owners = await page.evaluate(() => {
    const at = (x: number, y: number) => {
      const el = document.elementFromPoint(x, y);
      return el?.closest('.nb-html-output, .nb-markdown') ? 'content' : (el?.closest('.tab-strip, .status-bar, .activity-bar, .side-bar, .nb-toolbar') ? 'chrome' : 'other');
    };
    const w = innerWidth;
    const h = innerHeight;
    return [at(10, 10), at(w / 2, 15), at(w - 10, h - 8), at(150, h / 2), at(w / 2, 52)];
  });
  expect(owners).toEqual(['chrome', 'chrome', 'chrome', 'chrome', 'chrome']);
  await cellList(page).evaluate((e) => e.scrollTo(0, 0));
  for (const theme of ['light', 'dark'] as const) {
    await setTheme(page, theme);
    await shot(page, `notebook-hostile-${theme}`);
    await cell(page, 1).locator('.nb-error').scrollIntoViewIfNeeded();
    await shot(page, `notebook-hostile-outputs-${theme}`);
  }
});
