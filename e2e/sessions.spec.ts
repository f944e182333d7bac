/**
 * Python sessions end to end: a real Python (Debian's /usr/bin/python3, which has numpy and torch) in a
 * real pty behind `lathe serve`, driven from the editor and the terminal in Chromium.
 */
import { mkdirSync } from 'node:fs';
import type { Locator, Page } from '@playwright/test';
import { canImport, expect, mod, PYTHON, shot, skipUnless, test, useSystemPython } from './fixtures';
import { processTree, serverPid } from './procs';

const hasPython = canImport('sys');

test.beforeEach(() => skipUnless(hasPython, `${PYTHON} is not installed (scripts/setup-system.sh installs it)`));

// Sessions start Python (and IPython); give each test room.
test.setTimeout(120_000);

const terminal = (page: Page) => page.getByTestId('terminal');
const terminalRows = (page: Page) => page.locator('[data-testid="terminal"] .xterm-rows');
const sessionStatus = (page: Page) => page.getByTestId('status-session');
const editorLines = (page: Page) => page.locator('.monaco-editor .view-lines');


/** Open a Python file, put the cursor on its first line and run it cell by cell with Shift+Enter. */
async function openInEditor(page: Page, path: string): Promise<void> {
  await page.locator(`.tree-row[data-path="${path}"]`).click();
  await expect(page.locator(`.tab[data-path="${path}"]`)).toHaveAttribute('aria-selected', 'true');
  await editorLines(page).click();
  await page.keyboard.press(`${mod}+Home`);
}

async function runInEditor(page: Page, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await page.keyboard.press('Shift+Enter');
}

async function expectIdle(page: Page): Promise<void> {
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'idle', { timeout: 60_000 });
}

/** Type a line at the terminal's prompt. */
async function typeInTerminal(page: Page, line: string): Promise<void> {
  await terminal(page).click();
  await page.keyboard.type(line);
  await page.keyboard.press('Enter');
}

/** How often `text` occurs in the terminal's buffer (the test hook reads xterm's buffer, scrollback too). */
function countInTerminal(page: Page, text: string): Promise<number> {
  return page.evaluate((t) => ((window as { __latheTerminalText?: () => string }).__latheTerminalText?.() ?? '').split(t).length - 1, text);
}

function variableRow(page: Page, name: string): Locator {
  return page.locator(`.variables-table tr[data-name="${name}"]`);
}

test('runs code from the editor, survives a reload, and keeps its variables', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('calc.py', 'x = 41\nx + 1\n');
  await useSystemPython(page, 'interpreter-picker');
  await openInEditor(page, 'calc.py');
  await runInEditor(page, 2);
  await expect(terminalRows(page)).toContainText('42', { timeout: 60_000 });
  await expect(page.getByRole('tab', { name: 'Terminal' })).toHaveAttribute('aria-selected', 'true');
  await expectIdle(page);
  // The cursor advanced a line per run.
  await expect(page.locator('.status-bar')).toContainText('Ln 3, Col 1');

  await page.waitForTimeout(500); // the layout (panel open) is saved after 300 ms
  await page.reload();
  await page.waitForSelector('body[data-ready="true"]');
  // The same session, re-attached: its scrollback replays and its state is intact.
  await expect(sessionStatus(page)).toContainText('Python 1');
  await expect(terminalRows(page)).toContainText('x + 1');
  await expect(terminalRows(page)).toContainText('42');
  await typeInTerminal(page, 'x');
  await expect(terminalRows(page)).toContainText(/Out\[\d+\]: 41/);
  // A line typed at the prompt is a run too: it ends, and the session is idle again.
  await expectIdle(page);

  await page.getByRole('tab', { name: 'Variables' }).click();
  await expect(variableRow(page, 'x')).toContainText('int');
  await expect(variableRow(page, 'x')).toContainText('41');
});

test('input() is answered in the terminal', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('ask.py', 'name = input("Your name? ")\nprint("hello", name)\n');
  await useSystemPython(page);
  await openInEditor(page, 'ask.py');
  await runInEditor(page);
  await expect(terminalRows(page)).toContainText('Your name?', { timeout: 60_000 });
  // The terminal takes the keyboard for the answer.
  await expect(page.locator('[data-testid="terminal"] textarea')).toBeFocused();
  await page.keyboard.type('Ada');
  await page.keyboard.press('Enter');
  await expectIdle(page);
  await editorLines(page).click();
  await page.keyboard.press(`${mod}+End`);
  await page.keyboard.press('ArrowUp');
  await runInEditor(page);
  await expect(terminalRows(page)).toContainText('hello Ada');
});

test('a tight loop is interrupted from the panel', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('spin.py', 'while True: pass\n');
  await useSystemPython(page);
  await openInEditor(page, 'spin.py');
  await runInEditor(page);
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'busy', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Interrupt' }).click();
  await expect(terminalRows(page)).toContainText('KeyboardInterrupt');
  await expectIdle(page);
  await typeInTerminal(page, 'print(6 * 7)');
  await expect(terminalRows(page)).toContainText('42');

  // In the terminal, Ctrl+letter keys are the program's: Ctrl+C interrupts, Ctrl+B does not hide the side bar.
  await typeInTerminal(page, 'while True: pass');
  await page.keyboard.press('Enter'); // IPython ends the compound statement with a blank line
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'busy');
  await page.keyboard.press('Control+B');
  await expect(page.getByTestId('file-tree')).toBeVisible();
  const before = await countInTerminal(page, 'KeyboardInterrupt');
  await page.keyboard.press('Control+C');
  await expect.poll(() => countInTerminal(page, 'KeyboardInterrupt')).toBeGreaterThan(before);
  await expectIdle(page);
});

test('code that ignores the interrupt is offered a restart', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('stubborn.py', 'import signal, time\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True: time.sleep(0.05)\n');
  await useSystemPython(page);
  await openInEditor(page, 'stubborn.py');
  await page.keyboard.press('Control+A');
  await runInEditor(page);
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'busy', { timeout: 60_000 });
  await page.getByRole('button', { name: 'Interrupt' }).click();
  const banner = page.getByTestId('interrupt-stuck');
  await expect(banner).toContainText('The code is not responding to interrupt.', { timeout: 15_000 });
  await shot(page, 'interrupt-stuck');
  await banner.getByRole('button', { name: 'Restart session' }).click();
  await expectIdle(page);
  await expect(banner).toHaveCount(0);
});

test('a session that dies shows its exit status, and Restart brings it back', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('die.py', 'import os; os._exit(3)\n');
  await useSystemPython(page);
  await openInEditor(page, 'die.py');
  await runInEditor(page);
  await expect(page.getByTestId('session-exit')).toContainText('status 3', { timeout: 60_000 });
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'dead');
  await shot(page, 'session-dead');
  await page.getByTestId('session-exit').getByRole('button', { name: 'Restart session' }).click();
  await expectIdle(page);
  await expect(page.getByTestId('session-exit')).toHaveCount(0);
  await typeInTerminal(page, 'print("back", 1 + 1)');
  await expect(terminalRows(page)).toContainText('back 2');

  // Stop: the session goes, and the panel says how to start one.
  await page.getByRole('button', { name: 'Stop session' }).click();
  await expect(sessionStatus(page)).toHaveCount(0);
  await expect(page.locator('.terminal-empty')).toContainText('No Python session. Start one (Ctrl+Shift+`) or run code with Shift+Enter.');
  await shot(page, 'no-session');
});

test('the variables view shows a numpy array\'s NaN count and a tensor\'s shape and dtype', async ({ lathe }) => {
  skipUnless(canImport('numpy, torch'), `${PYTHON} lacks numpy or torch (scripts/setup-system.sh installs them)`);
  const { page } = lathe;
  lathe.write(
    'arrays.py',
    ['import numpy as np', 'import torch', 'a = np.array([1.0, np.nan, 3.0, np.nan])', 't = torch.zeros(2, 3, dtype=torch.float16, requires_grad=False)', 'n = 7'].join('\n') + '\n',
  );
  await useSystemPython(page);
  await openInEditor(page, 'arrays.py');
  await runInEditor(page, 5);
  await expectIdle(page);
  await page.getByRole('tab', { name: 'Variables' }).click();
  await expect(variableRow(page, 'a')).toContainText('2 NaN', { timeout: 30_000 });
  await expect(variableRow(page, 'a')).toContainText('4 float64');
  await expect(variableRow(page, 't')).toContainText('2×3');
  await expect(variableRow(page, 't')).toContainText('float16');
  await expect(variableRow(page, 'n')).toContainText('7');
  // Filter and sort.
  await page.getByLabel('Filter variables').fill('tensor');
  await expect(page.locator('.variables-table tbody tr')).toHaveCount(1);
  await page.getByLabel('Filter variables').fill('');
  await page.getByRole('button', { name: 'Name' }).click();
  await expect(page.locator('.variables-table tbody tr').first()).toHaveAttribute('data-name', 't');

  // Both themes (screenshots with LATHE_SHOTS=/tmp/shots).
  for (const theme of ['light', 'dark'] as const) {
    if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: 'Toggle theme' }).click();
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await page.getByRole('tab', { name: 'Variables' }).click();
    await shot(page, `variables-${theme}`);
    await page.getByRole('tab', { name: 'Terminal' }).click();
    await typeInTerminal(page, 'import warnings; warnings.warn("check the colours"); print(a, t.dtype); 1/0');
    await expect(terminalRows(page)).toContainText('ZeroDivisionError');
    await expectIdle(page);
    // The terminal's colours follow the theme (its text colour is the theme's --term-fg).
    await expect(terminalRows(page)).toHaveCSS('color', theme === 'dark' ? 'rgb(215, 218, 224)' : 'rgb(31, 35, 40)');
    await shot(page, `terminal-${theme}`);
  }
});

test('a traceback\'s file:line opens the file at that line; Ctrl+F finds in the terminal', async ({ lathe }) => {
  const { page } = lathe;
  mkdirSync(lathe.path('pkg'), { recursive: true });
  lathe.write('pkg/boom.py', 'def f():\n    x = 1\n    raise ValueError("boom")\n');
  lathe.write('run.py', 'from pkg import boom\nboom.f()\n');
  await useSystemPython(page);
  await openInEditor(page, 'run.py');
  await runInEditor(page, 2);
  await expect(terminalRows(page)).toContainText('ValueError', { timeout: 60_000 });
  await expectIdle(page);

  // Ctrl+click on "boom.py" in the traceback (xterm's DOM rows: one span per run of same-styled text).
  const span = terminalRows(page).locator('span', { hasText: /boom\.py/ }).last();
  const box = (await span.boundingBox())!;
  const text = (await span.textContent())!;
  const x = box.x + (box.width * (text.indexOf('boom.py') + 2)) / text.length;
  await page.mouse.move(x, box.y + box.height / 2);
  await page.keyboard.down('Control');
  await page.mouse.click(x, box.y + box.height / 2);
  await page.keyboard.up('Control');
  await expect(page.locator('.tab[data-path="pkg/boom.py"]')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('.status-bar')).toContainText('Ln 3,');

  await terminal(page).click();
  await page.keyboard.press(`${mod}+F`);
  const find = page.getByRole('search', { name: 'Find in terminal' });
  await find.getByRole('textbox').fill('ValueError');
  await expect(find).toContainText(/\d+ of \d+/);
  await page.keyboard.press('Escape');
  await expect(find).toHaveCount(0);
});

test('a 2-million-line print completes while the editor keeps taking keystrokes', async ({ lathe }) => {
  test.setTimeout(300_000);
  const { page } = lathe;
  lathe.write('flood.py', 'for i in range(2_000_000): print(i)\n');
  lathe.write('notes.py', '');
  await useSystemPython(page);
  await openInEditor(page, 'flood.py');
  // Longest gap between animation frames from here on: the UI thread must never stall for long.
  await page.evaluate(() => {
    const w = window as unknown as { __longestFrame: number };
    w.__longestFrame = 0;
    let last = performance.now();
    const tick = (t: number) => {
      w.__longestFrame = Math.max(w.__longestFrame, t - last);
      last = t;
      requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
  await runInEditor(page);
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'busy', { timeout: 60_000 });
  await expect(terminalRows(page)).toContainText(/\d{4,}/, { timeout: 60_000 });
  // From here on only the flood counts (not loading the terminal's code).
  await page.evaluate(() => void ((window as unknown as { __longestFrame: number }).__longestFrame = 0));

  // While the flood streams: open another file and type in it.
  await openInEditor(page, 'notes.py');
  await page.keyboard.type('still typing');
  await expect(editorLines(page)).toContainText('still typing');
  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'busy');

  await expect(sessionStatus(page)).toHaveAttribute('data-state', 'idle', { timeout: 240_000 });
  await expect.poll(() => countInTerminal(page, '1999999'), { timeout: 30_000 }).toBeGreaterThan(0);
  const { longest, heap } = await page.evaluate(() => ({
    longest: (window as unknown as { __longestFrame: number }).__longestFrame,
    heap: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? 0,
  }));
  // Reported, not asserted (a slow machine must not fail a test); the heap bound is far above normal use.
  console.log(`[flood e2e] longest frame ${longest.toFixed(0)} ms, JS heap ${(heap / 1e6).toFixed(0)} MB`);
  expect(heap).toBeLessThan(1_000_000_000);
});


test('a pty host that crashes six times in a row stops with a banner, and its Restart brings sessions back', async ({ lathe }) => {
  const { page } = lathe;
  lathe.write('hello.py', 'print("hello", 6 * 7)\n');
  await useSystemPython(page);
  await openInEditor(page, 'hello.py');
  await runInEditor(page);
  await expect(terminalRows(page)).toContainText('hello 42', { timeout: 60_000 });
  const server = serverPid(lathe.dir);
  const ptyHost = () => [...processTree(server)].find(([, role]) => role === 'pty-host')?.[0];
  let killed: number | undefined;
  for (let crash = 1; crash <= 6; crash++) {
    // Each restart is a new process: kill the one that is up now.
    await expect.poll(() => ptyHost() !== undefined && ptyHost() !== killed, { timeout: 10_000 }).toBe(true);
    killed = ptyHost()!;
    process.kill(killed, 'SIGKILL');
  }
  const banner = page.getByTestId('session-host-banner');
  await expect(banner).toContainText('Python sessions are unavailable: The pty host was killed by SIGKILL and crashed 6 times in a row; Lathe stopped restarting it.');
  await expect.poll(ptyHost).toBeUndefined();
  await shot(page, 'session-host-failed');
  await banner.getByRole('button', { name: 'Restart' }).click();
  await expect(banner).toHaveCount(0);
  await editorLines(page).click();
  await page.keyboard.press(`${mod}+Home`);
  await runInEditor(page);
  await expect.poll(() => countInTerminal(page, 'hello 42'), { timeout: 60_000 }).toBeGreaterThanOrEqual(1);
  await expectIdle(page);
});
