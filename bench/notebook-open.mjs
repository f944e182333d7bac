/**
 * bench/notebook-open.mjs: opening a 500-cell notebook in Lathe's notebook editor, and scrolling it.
 *
 * Goals: the cells' first paint under 1 s from the open request; scrolling from the top to the end with
 * no frame longer than 50 ms (three missed frames at 60 Hz).
 *
 * The notebook (written to a temp project): --cells (500) cells, one markdown cell for every three code
 * cells; code cells of 3–12 lines, each with a small output (a stream line, or a short `execute_result`),
 * markdown cells with a heading, a paragraph, a list and, every fifth one, inline math (KaTeX). About
 * 0.5 MB of JSON, like a long working notebook.
 *
 * Each run is a fresh browser context (cold HTTP cache) on one `lathe serve`, with the notebook's folder
 * open and no tab. Measured in the page (performance.now()):
 *   - open → first cells: from the click on the notebook in the explorer (the open request) to the
 *     first animation frame after a cell is in the DOM and laid out; its parts: the `notebooks.open`
 *     call (sent → answered, bytes) and the rest (the notebook editor's chunk, parsing, rendering);
 *   - open → editors: until the code cells on screen have their Monaco editor (they show highlighted
 *     static text until then), for context;
 *   - cells in the DOM after the first paint (virtualised: must stay small);
 *   - reopen → first cells (warm: the tab closed and opened again, its modules loaded);
 *   - scrolling: the cell list scrolled from the top to the end by 120 px a frame (a brisk wheel), then
 *     back up by 2,000 px a frame (dragging the scrollbar); the longest frame and the 95th percentile
 *     frame while scrolling, and the frames counted. Main-thread long tasks (> 50 ms) are reported too.
 *
 * Reports medians (and min) of --runs runs. Exit code 0 even when a goal is missed ("MISSED"); non-zero
 * only when the benchmark could not run.
 *
 * Usage: node bench/notebook-open.mjs [--runs N] [--cells N] [--no-build] [--json FILE] [--help]
 */
/* global document, requestAnimationFrame, CSS */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  build,
  cli,
  figure,
  fmtMs,
  installProbe,
  launchChromium,
  loadLine,
  machine,
  max,
  median,
  min,
  newPage,
  percentile,
  printFigures,
  printTable,
  readProbe,
  runBenchmark,
  startLathe,
  tempDir,
} from './lib.mjs';

const FIRST_PAINT_GOAL_MS = 1000;
const LONGEST_FRAME_GOAL_MS = 50;
const NOTEBOOK = 'long-analysis.ipynb';

const args = cli(import.meta.url, { runs: { type: 'string', default: '3' }, cells: { type: 'string', default: '500' } });
const RUNS = Math.max(1, Number(args.runs) || 3);
const CELLS = Math.max(10, Number(args.cells) || 500);

/** A long, realistic notebook: markdown between groups of code cells, each code cell with an output. */
function makeNotebook(count) {
  const cells = [];
  for (let i = 0; i < count; i++) {
    const id = `c${String(i).padStart(4, '0')}`;
    if (i % 4 === 0) {
      const math = i % 20 === 0 ? ` The loss is $L = -\\sum_i y_i \\log \\hat{y}_i$ for step ${i}.` : '';
      cells.push({
        cell_type: 'markdown',
        id,
        metadata: {},
        source: [`## Section ${i / 4 + 1}\n`, '\n', `We look at batch ${i} of the training data and check the *gradients* and **losses**.${math}\n`, '\n', '- first, load the data\n', '- then, plot the curve'],
      });
      continue;
    }
    const lines = 3 + (i % 10);
    const source = [`import math\n`, `values_${i} = [math.sin(k / ${i + 1}) for k in range(${100 + i})]\n`];
    for (let l = 2; l < lines - 1; l++) source.push(`total_${i}_${l} = sum(v * ${l} for v in values_${i})  # running sum ${l}\n`);
    source.push(`print(f"cell ${i}: {len(values_${i})} values, mean {sum(values_${i}) / len(values_${i}):.4f}")`);
    const outputs =
      i % 3 === 0
        ? [{ output_type: 'execute_result', execution_count: i, data: { 'text/plain': [`[${(i * 0.37).toFixed(4)}, ${(i * 0.11).toFixed(4)}, ${(i * 0.05).toFixed(4)}]`] }, metadata: {} }]
        : [{ output_type: 'stream', name: 'stdout', text: [`cell ${i}: ${100 + i} values, mean ${(Math.sin(i) / 3).toFixed(4)}\n`] }];
    cells.push({ cell_type: 'code', execution_count: i, id, metadata: {}, outputs, source });
  }
  return {
    cells,
    metadata: { kernelspec: { display_name: 'Python 3', language: 'python', name: 'python3' }, language_info: { name: 'python', version: '3.11.2' } },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/**
 * In the page: click the notebook in the explorer and resolve at the first animation frame after a cell is
 * painted; then keep watching until the code cells on screen have their editors.
 */
function openAndWatch(path) {
  return new Promise((resolve, reject) => {
    const row = document.querySelector(`.tree-row[data-path="${CSS.escape(path)}"]`);
    if (!row) return reject(new Error(`no explorer row for ${path}`));
    const times = { clicked: 0, firstCells: null, editors: null, cellsInDom: 0 };
    const check = () => {
      if (times.firstCells === null) {
        const cell = document.querySelector('[data-testid="notebook-cell"]');
        if (cell && cell.getBoundingClientRect().height > 0) {
          times.firstCells = -1;
          requestAnimationFrame(() => {
            times.firstCells = performance.now();
            times.cellsInDom = document.querySelectorAll('[data-testid="notebook-cell"]').length;
          });
        }
      }
      if (times.firstCells > 0 && times.editors === null) {
        const list = document.querySelector('[data-testid="notebook-cells"]');
        const box = list?.getBoundingClientRect();
        const onScreen = [...document.querySelectorAll('[data-testid="notebook-cell"][data-cell-type="code"]')].filter((c) => {
          const r = c.getBoundingClientRect();
          return box && r.bottom > box.top && r.top < box.bottom;
        });
        if (onScreen.length > 0 && onScreen.every((c) => c.querySelector('.monaco-editor'))) {
          times.editors = performance.now();
          resolve(times);
          return;
        }
      }
      if (performance.now() - times.clicked > 30_000) return reject(new Error('the notebook did not show within 30 s'));
      requestAnimationFrame(check);
    };
    times.clicked = performance.now();
    row.click();
    requestAnimationFrame(check);
  });
}

/** In the page: scroll the cell list to the end by `down` px a frame, then back up by `up` px a frame. */
function scrollThrough({ down, up }) {
  return new Promise((resolve) => {
    const list = document.querySelector('[data-testid="notebook-cells"]');
    const frames = [];
    let last = performance.now();
    let phase = 'down';
    const started = last;
    const step = (t) => {
      frames.push(t - last);
      last = t;
      if (phase === 'down') {
        list.scrollTop += down;
        if (list.scrollTop + list.clientHeight >= list.scrollHeight - 2) phase = 'up';
      } else {
        list.scrollTop -= up;
        if (list.scrollTop <= 0) {
          resolve({ frames: frames.slice(1), ms: performance.now() - started, height: list.scrollHeight });
          return;
        }
      }
      requestAnimationFrame(step);
    };
    requestAnimationFrame(step);
  });
}

async function oneRun(browser, server) {
  const { page, errors, close } = await newPage(browser);
  try {
    await page.addInitScript(installProbe, []);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.waitForSelector(`.tree-row[data-path="${NOTEBOOK}"]`, { timeout: 30_000 });
    await page.waitForTimeout(300); // let start-up settle
    if (await page.locator('.tab').count()) throw new Error('a tab was restored from an earlier run: the open must start from none');
    const cold = await page.evaluate(openAndWatch, NOTEBOOK);
    const probe = await readProbe(page);
    const open = probe.calls.find((c) => c.method === 'notebooks.open' && c.sent >= cold.clicked);
    const longTasks = probe.longTasks.filter((t) => t.start >= cold.clicked && t.start < cold.firstCells);
    // Let the editors near the top settle, then scroll.
    await page.waitForTimeout(1000);
    const scroll = await page.evaluate(scrollThrough, { down: 120, up: 2000 });
    const scrollProbe = await readProbe(page);
    const scrollLong = scrollProbe.longTasks.filter((t) => t.start >= cold.editors + 1000);

    // Warm: close the tab (it has no edits) and open it again.
    await page.locator(`.tab[data-path="${NOTEBOOK}"] .tab-close`).click();
    await page.waitForSelector('[data-testid="notebook-cell"]', { state: 'detached' });
    await page.waitForTimeout(300);
    const warm = await page.evaluate(openAndWatch, NOTEBOOK);
    // Leave no tab behind for the next run to restore (the open tabs are saved 300 ms after a change).
    await page.locator(`.tab[data-path="${NOTEBOOK}"] .tab-close`).click();
    await page.waitForSelector('.tab', { state: 'detached' });
    await page.waitForTimeout(800);
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
    return {
      firstCells: cold.firstCells - cold.clicked,
      editors: cold.editors - cold.clicked,
      openCall: open?.received ? open.received - open.sent : null,
      openBytes: open?.bytes ?? null,
      cellsInDom: cold.cellsInDom,
      longTasksBeforePaint: longTasks.reduce((a, t) => a + t.duration, 0),
      warmFirstCells: warm.firstCells - warm.clicked,
      warmEditors: warm.editors - warm.clicked,
      scrollMs: scroll.ms,
      scrollHeight: scroll.height,
      frames: scroll.frames.length,
      longestFrame: max(scroll.frames),
      p95Frame: percentile(scroll.frames, 95),
      longTasksWhileScrolling: scrollLong.length,
      longestTaskWhileScrolling: Math.max(0, ...scrollLong.map((t) => t.duration)),
    };
  } finally {
    await close();
  }
}

await runBenchmark(args, async () => {
  build(args);
  const project = tempDir('lathe-bench-notebook-');
  const userDir = tempDir('lathe-bench-user-');
  mkdirSync(project, { recursive: true });
  const text = JSON.stringify(makeNotebook(CELLS), null, 1) + '\n';
  writeFileSync(join(project, NOTEBOOK), text);
  const server = await startLathe(project, userDir);
  const browser = await launchChromium();

  console.log(`Notebook open: ${CELLS} cells (${(text.length / 1e6).toFixed(2)} MB), ${RUNS} runs, Chromium ${browser.version()}.`);
  console.log(loadLine());
  await oneRun(browser, server); // warm-up: the server's and the OS's caches
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await oneRun(browser, server);
    runs.push(r);
    console.log(
      `  run ${i + 1}: first cells ${fmtMs(r.firstCells)} (notebooks.open ${r.openCall === null ? '?' : fmtMs(r.openCall)}), editors ${fmtMs(r.editors)}, ` +
        `reopen ${fmtMs(r.warmFirstCells)}; scroll: ${r.frames} frames, longest ${fmtMs(r.longestFrame)}, p95 ${fmtMs(r.p95Frame)}`,
    );
  }
  const col = (k) => runs.map((r) => r[k]).filter((v) => v !== null);
  console.log('');
  printTable(
    ['measure', 'median', 'min', 'max'],
    [
      ['open → first cells painted', 'firstCells'],
      ['  of which notebooks.open (sent → answered)', 'openCall'],
      ['  main-thread long tasks before the paint', 'longTasksBeforePaint'],
      ['open → editors on the code cells on screen', 'editors'],
      ['reopen → first cells painted (warm)', 'warmFirstCells'],
      ['reopen → editors on screen (warm)', 'warmEditors'],
      ['scroll to the end and back', 'scrollMs'],
      ['longest frame while scrolling', 'longestFrame'],
      ['95th percentile frame while scrolling', 'p95Frame'],
      ['longest task while scrolling', 'longestTaskWhileScrolling'],
    ].map(([label, k]) => [label, fmtMs(median(col(k))), fmtMs(min(col(k))), fmtMs(max(col(k)))]),
    { right: [1, 2, 3] },
  );
  console.log(
    `\nCells in the DOM at the first paint: ${median(col('cellsInDom'))} of ${CELLS}; notebooks.open answer ${((median(col('openBytes')) || 0) / 1e6).toFixed(2)} MB; ` +
      `list height ${Math.round(median(col('scrollHeight'))).toLocaleString('en-US')} px, ${Math.round(median(col('frames')))} frames scrolled; ` +
      `${median(col('longTasksWhileScrolling'))} long tasks while scrolling (median).\n`,
  );
  const figures = [
    figure(`open ${CELLS}-cell notebook → first cells (median)`, median(col('firstCells')), 'ms', { goal: FIRST_PAINT_GOAL_MS, label: 'goal < 1 s' }),
    figure(`open ${CELLS}-cell notebook → first cells (max)`, max(col('firstCells')), 'ms', { goal: FIRST_PAINT_GOAL_MS, label: 'goal < 1 s' }),
    figure('reopen → first cells (median)', median(col('warmFirstCells')), 'ms', { goal: FIRST_PAINT_GOAL_MS, label: 'goal < 1 s' }),
    figure('longest frame scrolling to the end (median)', median(col('longestFrame')), 'ms', { goal: LONGEST_FRAME_GOAL_MS, label: 'goal ≤ 50 ms' }),
    figure('p95 frame scrolling (median)', median(col('p95Frame')), 'ms', { goal: 1000 / 60 + 1, label: '≤ one 60 Hz frame' }),
  ];
  printFigures(figures);
  return { bench: 'notebook-open', at: new Date().toISOString(), machine: machine({ chromium: browser.version() }), cells: CELLS, bytes: text.length, figures, runs };
});
