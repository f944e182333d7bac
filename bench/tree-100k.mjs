/**
 * bench/tree-100k.mjs: a folder of 100,000 files in Lathe's explorer.
 *
 * Goal: the file tree's first paint under 300 ms. Peer, measured in the same run: a bare
 * fs.promises.readdir(root) of the same folder (the least any listing costs).
 *
 * The folder (generated once in os.tmpdir(), reused while present; --clean deletes it and exits) holds
 * 100,000 empty files at its root (file_000001.py …, every tenth a .txt) and a few folders. Measured:
 *   (a) peer: fs.promises.readdir(root), median of N after one warm-up;
 *   (b) context: readdir(root, {withFileTypes: true}), and that plus the natural sort a listing needs;
 *   (c) Lathe's workspace.list for the root through a real server socket (`lathe serve <folder>`, a
 *       `ws` client, one call at a time): the first page (what the tree paints first: it reads and
 *       sorts the whole folder), and the whole folder in pages, as the explorer loads it;
 *   (d) Chromium: the first tree paint, from the tree's request for the folder (its first
 *       workspace.list call) to the first `.tree-row` painted (the animation frame after it is in the
 *       DOM); the page's boot before that is reported apart (entry script, WebSocket open, from
 *       navigation start). Also: the number of `.tree-row`s in the DOM (virtualised: must stay small),
 *       and the time to scroll to the last entry while the later pages arrive.
 * Ratios: first paint / 300 ms (goal), first paint / bare readdir, workspace.list / bare readdir.
 *
 * Exit code 0 even when the goal is missed ("MISSED"); non-zero only when it could not run.
 *
 * Usage: node bench/tree-100k.mjs [--runs N] [--no-build] [--json FILE] [--clean] [--help]
 */
/* global window, document, requestAnimationFrame, CSS */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import {
  build,
  busyBefore,
  cli,
  figure,
  fmtMs,
  installProbe,
  launchChromium,
  loadLine,
  machine,
  median,
  min,
  newPage,
  now,
  printFigures,
  printTable,
  readProbe,
  runBenchmark,
  sample,
  startLathe,
  tempDir,
} from './lib.mjs';

const FILES = 100_000;
const FOLDERS = ['data', 'models', 'notebooks', 'src'];
const GOAL_MS = 300;
/** The renderer's page sizes (src-renderer/workbench/project.ts). */
const FIRST_PAGE = 1000;
const NEXT_PAGE = 20_000;
const BASE = join(tmpdir(), 'lathe-bench-tree-100k');
const ROOT = join(BASE, 'project');
const STAMP = join(BASE, 'complete');
const STAMP_TEXT = `v1 ${FILES} files, folders ${FOLDERS.join(',')}\n`;

const args = cli(import.meta.url, { runs: { type: 'string', default: '5' }, clean: { type: 'boolean' } });
const RUNS = Math.max(1, Number(args.runs) || 5);

if (args.clean) {
  rmSync(BASE, { recursive: true, force: true });
  console.log(`Removed ${BASE}`);
  process.exit(0);
}

function generate() {
  if (existsSync(STAMP) && readFileSync(STAMP, 'utf8') === STAMP_TEXT) {
    console.log(`Folder: ${ROOT} (reused; --clean deletes it)`);
    return;
  }
  rmSync(BASE, { recursive: true, force: true });
  const t0 = now();
  mkdirSync(ROOT, { recursive: true });
  for (let i = 1; i <= FILES; i++) writeFileSync(join(ROOT, `file_${String(i).padStart(6, '0')}${i % 10 === 0 ? '.txt' : '.py'}`), '');
  for (const dir of FOLDERS) {
    mkdirSync(join(ROOT, dir));
    writeFileSync(join(ROOT, dir, '__init__.py'), '');
  }
  writeFileSync(STAMP, STAMP_TEXT);
  console.log(`Folder: ${ROOT} (generated in ${fmtMs(now() - t0)}; reused next time, --clean deletes it)`);
}

/** A contract client over the server's WebSocket, as a non-browser client (no Origin header). */
async function connect(server) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`);
  let nextId = 1;
  const waiting = new Map();
  ws.on('message', (data) => {
    const arrived = now();
    const text = data.toString();
    const m = /^\{"t":"result","id":(\d+)/.exec(text.slice(0, 40));
    const w = m && waiting.get(Number(m[1]));
    if (!w) return; // hello, events
    waiting.delete(Number(m[1]));
    const t = now();
    const frame = JSON.parse(text);
    w({ arrived, parseMs: now() - t, bytes: data.length, result: frame.result });
  });
  await new Promise((resolve, reject) => {
    ws.once('message', resolve); // {t: 'hello'}
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
  });
  return {
    /** Resolves with the call's result and its timing (ms: until the result frame arrived). */
    call(method, callArgs) {
      const id = nextId++;
      const sent = now();
      return new Promise((resolve) => {
        waiting.set(id, (r) => resolve({ ...r, ms: r.arrived - sent }));
        ws.send(JSON.stringify({ t: 'call', id, method, args: callArgs }));
      });
    },
    close: () => ws.close(),
  };
}

async function peerReaddir() {
  const plain = await sample(() => fsp.readdir(ROOT), { runs: RUNS });
  const typed = await sample(() => fsp.readdir(ROOT, { withFileTypes: true }), { runs: RUNS });
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const sorted = await sample(
    async () =>
      (await fsp.readdir(ROOT, { withFileTypes: true })).sort(
        (a, b) => (b.isDirectory() - a.isDirectory()) || collator.compare(a.name, b.name),
      ),
    { runs: RUNS },
  );
  return { plain, typed, sorted, count: (await fsp.readdir(ROOT)).length };
}

/** Lathe's listing over a real socket: the first page (what the tree paints first) and the whole folder in pages. */
async function latheList(server) {
  const client = await connect(server);
  try {
    const list = async (args) => {
      const r = await client.call('workspace.list', args);
      if (!r.result?.ok) throw new Error(`workspace.list failed: ${JSON.stringify(r.result).slice(0, 300)}`);
      return r;
    };
    const first = [];
    const whole = [];
    let listing = null;
    for (let i = 0; i <= RUNS; i++) {
      const r = await list({ path: '', limit: FIRST_PAGE });
      let ms = r.ms;
      const entries = [...r.result.value.entries];
      while (entries.length < r.result.value.total) {
        const next = await list({ path: '', offset: entries.length, limit: NEXT_PAGE });
        ms += next.ms;
        entries.push(...next.result.value.entries);
      }
      if (i === 0) continue; // warm-up
      first.push(r);
      whole.push(ms);
      listing = { ...r.result.value, entries };
    }
    return {
      ms: first.map((r) => r.ms),
      wholeMs: whole,
      parseMs: first.map((r) => r.parseMs),
      bytes: first[0].bytes,
      entries: listing.entries.length,
      excluded: listing.excluded,
      last: listing.entries.at(-1).path,
    };
  } finally {
    client.close();
  }
}

/** One page load: first tree row painted, its steps, the DOM row count and the scroll to the bottom. */
async function firstPaint(browser, server, last) {
  const { context, page, errors } = await newPage(browser);
  try {
    await page.addInitScript(installProbe, [{ name: 'firstRow', selector: '.tree-row' }]);
    await page.goto(server.url, { waitUntil: 'commit' });
    await page.waitForFunction(() => typeof window.__benchProbe.marks.firstRow === 'number', null, { timeout: 60_000, polling: 'raf' });
    const p = await readProbe(page);
    // The tree's first request for the root: its first page.
    const list = p.calls.find((c) => c.method === 'workspace.list' && JSON.parse(c.args).path === '' && !JSON.parse(c.args).offset);
    const scroll = await page.evaluate(async (lastPath) => {
      const tree = document.querySelector('[data-testid="file-tree"]');
      const rows = () => document.querySelectorAll('.tree-row').length;
      const rowsAtFirstPaint = rows();
      const t0 = performance.now();
      const selector = `.tree-row[data-path="${CSS.escape(lastPath)}"]`;
      const found = await new Promise((resolve) => {
        const tick = () => {
          // Later pages of the listing grow the tree while we scroll: keep going to the bottom.
          tree.scrollTop = tree.scrollHeight;
          if (document.querySelector(selector)) resolve(true);
          else if (performance.now() - t0 > 10_000) resolve(false);
          else requestAnimationFrame(tick);
        };
        tick();
      });
      await new Promise((resolve) => requestAnimationFrame(resolve));
      return { rowsAtFirstPaint, rowsAtBottom: rows(), ms: found ? performance.now() - t0 : null, scrollHeight: tree.scrollHeight };
    }, last);
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
    const busy = busyBefore(p, p.marks.firstRow);
    return {
      firstRow: p.marks.firstRow,
      fcp: p.fcp,
      entryScript: p.resources.find((r) => /\/assets\/index-[^/]*\.js$/.test(r.name))?.end ?? null,
      wsOpen: p.wsOpen,
      listSent: list?.sent ?? null,
      listArrived: list?.received ?? null,
      listBytes: list?.bytes ?? null,
      longTaskMs: busy.total,
      longestTaskMs: busy.largest,
      ...scroll,
    };
  } finally {
    await context.close();
  }
}

await runBenchmark(args, async () => {
  build(args);
  generate();
  console.log(loadLine());

  console.log(`\n(a, b) readdir of the root, median of ${RUNS} after one warm-up…`);
  const peer = await peerReaddir();
  if (peer.count !== FILES + FOLDERS.length) throw new Error(`expected ${FILES + FOLDERS.length} entries in ${ROOT}, found ${peer.count}: run with --clean`);

  console.log('(c) workspace.list over `lathe serve`…');
  const userDir = tempDir('lathe-bench-user-');
  const server = await startLathe(ROOT, userDir);
  const list = await latheList(server);
  if (list.entries !== peer.count) console.log(`  note: workspace.list returned ${list.entries} entries (${list.excluded} hidden by files.exclude) of ${peer.count}`);

  console.log(`(d) first tree paint in Chromium, ${RUNS} page loads after one warm-up…`);
  const browser = await launchChromium();
  await firstPaint(browser, server, list.last);
  const loads = [];
  for (let i = 0; i < RUNS; i++) loads.push(await firstPaint(browser, server, list.last));
  const col = (k) => loads.map((l) => l[k]).filter((v) => v !== null && v !== undefined);
  if (col('ms').length < loads.length) console.log(`  note: the last row (${list.last}) did not appear after scrolling in ${loads.length - col('ms').length} of ${loads.length} loads`);

  const readdirMs = median(peer.plain);
  console.log(`\nNode: ${FILES.toLocaleString('en-US')} files + ${FOLDERS.length} folders (median, min of ${RUNS}):`);
  printTable(
    ['measure', 'median', 'min'],
    [
      ['(a) readdir(root)  [peer]', fmtMs(readdirMs), fmtMs(min(peer.plain))],
      ['(b) readdir(root, {withFileTypes})', fmtMs(median(peer.typed)), fmtMs(min(peer.typed))],
      ['(b) … + natural sort, folders first', fmtMs(median(peer.sorted)), fmtMs(min(peer.sorted))],
      ['(c) workspace.list, first page: call → result', fmtMs(median(list.ms)), fmtMs(min(list.ms))],
      ['(c) workspace.list, all pages', fmtMs(median(list.wholeMs)), fmtMs(min(list.wholeMs))],
      ['(c) … JSON.parse of the frame (client)', fmtMs(median(list.parseMs)), fmtMs(min(list.parseMs))],
    ],
    { right: [1, 2] },
  );
  console.log(`result frame: ${list.bytes.toLocaleString('en-US')} bytes, ${list.entries.toLocaleString('en-US')} entries; last row: ${list.last}`);

  console.log(`\nChromium, ms since navigation start (median of ${RUNS} page loads, fresh context each):`);
  const steps = [
    ['entry script downloaded', 'entryScript'],
    ['first contentful paint', 'fcp'],
    ['WebSocket open', 'wsOpen'],
    ['workspace.list sent', 'listSent'],
    ['workspace.list result arrived', 'listArrived'],
    ['first .tree-row painted', 'firstRow'],
  ].sort((a, b) => median(col(a[1])) - median(col(b[1])));
  let previous = 0;
  printTable(
    ['milestone', 'median', 'min', 'step (median)'],
    steps.map(([label, k]) => {
      const m = median(col(k));
      const row = [label, fmtMs(m), fmtMs(min(col(k))), `+${fmtMs(m - previous)}`];
      previous = m;
      return row;
    }),
    { right: [1, 2, 3] },
  );
  console.log(`Main thread in long tasks (>50 ms) before the first row: ${fmtMs(median(col('longTaskMs')))} (median; longest single task ${fmtMs(median(col('longestTaskMs')))}).`);
  console.log(`DOM rows: ${median(col('rowsAtFirstPaint'))} at first paint, ${median(col('rowsAtBottom'))} at the bottom (of ${list.entries.toLocaleString('en-US')} entries; scroll height ${median(col('scrollHeight')).toLocaleString('en-US')} px).`);
  console.log(`Scroll to the bottom (scrollTop = scrollHeight → "${list.last}" painted): ${fmtMs(median(col('ms')))} median.\n`);

  // The figure: from the tree asking for the folder to its first rows on screen (page boot excluded).
  const firstRow = median(loads.map((l) => l.firstRow - l.listSent).filter((v) => Number.isFinite(v)));
  const fromNavigation = median(col('firstRow'));
  const figures = [
    figure('first tree paint (median)', firstRow, 'ms', { goal: GOAL_MS, label: 'goal < 300 ms' }),
    figure('first tree paint vs readdir', firstRow, 'ms', { peer: readdirMs, label: `readdir ${fmtMs(readdirMs)}` }),
    figure('first tree row, from navigation', fromNavigation, 'ms'),
    figure('workspace.list, first page (socket)', median(list.ms), 'ms', { peer: readdirMs, label: `readdir ${fmtMs(readdirMs)}` }),
    figure('workspace.list, all pages (socket)', median(list.wholeMs), 'ms', { peer: readdirMs, label: `readdir ${fmtMs(readdirMs)}` }),
    figure('readdir withFileTypes', median(peer.typed), 'ms', { peer: readdirMs, label: `readdir ${fmtMs(readdirMs)}` }),
    figure('DOM rows (virtualised)', median(col('rowsAtBottom')), 'count', { label: `of ${list.entries.toLocaleString('en-US')} entries` }),
    figure('scroll to bottom (median)', median(col('ms')), 'ms'),
  ];
  printFigures(figures);
  return {
    bench: 'tree-100k',
    at: new Date().toISOString(),
    machine: machine({ chromium: browser.version() }),
    figures,
    details: { folder: ROOT, readdir: peer, list, loads },
  };
});
