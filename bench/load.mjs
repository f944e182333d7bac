/**
 * bench/load.mjs: Lathe under load (issue 8). 8 Python sessions print as fast as they can, the onnx runner
 * benchmarks resnet18, and someone types in the editor meanwhile.
 *
 * Goal: no frame over about 100 ms in the renderer while typing (as grad-panel.mjs), and bounded memory:
 * the peak RSS of every process is reported, the server's against 1.5 GB.
 *
 * How: `lathe serve` on a temp project; over a `ws` client, 8 sessions (/usr/bin/python3, or
 * LATHE_BENCH_PYTHON), and in each a loop printing 80-character lines flat out for --seconds (20); at the
 * same time `models.benchmark` of resnet18 (scripts/make-onnx-fixtures.py, generated when missing) with a
 * time budget of the same length. The page (Chromium) shows the Terminal panel on the first session (a real
 * terminal view, paced by its acknowledgements) and, once the loops print, types into notes.txt for 10 s
 * while recording requestAnimationFrame deltas. Also recorded: the bytes the page's socket received during
 * the load (the page needs only the output of the session it shows), and every 250 ms the VmRSS of
 * `lathe serve`, the pty host, the onnx runner and each Python, from /proc.
 *
 * e2e/load.spec.ts runs the same scenario through the UI and asserts its correctness (every loop's last
 * line in its terminal, the typed text saved, the connection never dropped); this reports the figures.
 * Exit code 0 even when the goal is missed ("MISSED"); non-zero only when the benchmark could not run.
 *
 * Usage: node bench/load.mjs [--seconds N] [--no-build] [--json FILE] [--help]
 */
/* global window */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  build,
  cli,
  cmdlineOf,
  connectWs,
  descendants,
  figure,
  fmtMs,
  installProbe,
  launchChromium,
  loadLine,
  machine,
  max,
  MB,
  newPage,
  percentile,
  printFigures,
  readProbe,
  REPO,
  rssOf,
  runBenchmark,
  runCode,
  startFrames,
  startLathe,
  startSession,
  stopFrames,
  tempDir,
} from './lib.mjs';

const args = cli(import.meta.url, { seconds: { type: 'string', default: '20' } });
const SECONDS = Math.max(5, Number(args.seconds) || 20);
const SESSIONS = 8;
const TYPING_MS = 10_000;
const FRAME_GOAL_MS = 100;
const SERVER_RSS_GOAL = 1.5e9;
const PYTHON = process.env.LATHE_BENCH_PYTHON ?? '/usr/bin/python3';
const FIXTURES = join(REPO, 'out', 'test-fixtures', 'onnx');

const FLOOD = `
import time
t0 = time.time()
n = 0
pad = "x" * 60
while time.time() - t0 < ${SECONDS}:
    for _ in range(200):
        print(f"line {n:>10} {pad}")
        n += 1
print(f"done {n} lines")
`;

/** In the page, before its scripts: count the bytes its WebSockets receive. */
function countSocketBytes() {
  window.__socketBytes = 0;
  const Native = window.WebSocket;
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener('message', (e) => {
        if (typeof e.data === 'string') window.__socketBytes += e.data.length;
      });
    }
  };
}


/** Peak VmRSS per process of `root`'s tree, by role, polled every 250 ms until stop(). */
function watchMemory(root) {
  const peaks = new Map(); // pid → { role, peak }
  const roleOf = (pid) => {
    const cmd = cmdlineOf(pid);
    return cmd.includes('pty-host') ? 'pty-host' : cmd.includes('onnx-runner') ? 'onnx-runner' : cmd.includes('lathe_driver') ? 'python' : 'other';
  };
  const poll = () => {
    for (const [pid, role] of [[root, 'server'], ...descendants(root).map((p) => [p, roleOf(p)])]) {
      const rss = rssOf(pid);
      if (rss === null) continue;
      const p = peaks.get(pid);
      if (!p || rss > p.peak) peaks.set(pid, { role, peak: rss });
    }
  };
  poll();
  const timer = setInterval(poll, 250);
  return () => {
    clearInterval(timer);
    poll();
    const of = (role) => [...peaks.values()].filter((p) => p.role === role).map((p) => p.peak);
    return { of, peak: (role) => Math.max(0, ...of(role)) };
  };
}

await runBenchmark(args, async () => {
  build(args);
  console.log(loadLine());
  if (!existsSync(join(FIXTURES, 'resnet18.onnx'))) {
    console.log('Generating the ONNX fixtures (resnet18 with Debian torch)…');
    const r = spawnSync(PYTHON, [join(REPO, 'scripts', 'make-onnx-fixtures.py'), FIXTURES], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('scripts/make-onnx-fixtures.py failed');
  }
  const input = JSON.parse(readFileSync(join(FIXTURES, 'manifest.json'), 'utf8')).models.resnet18.reference.input;
  const project = tempDir('lathe-bench-load-');
  const userDir = tempDir('lathe-bench-user-');
  writeFileSync(join(project, 'notes.txt'), '');
  copyFileSync(join(FIXTURES, 'resnet18.onnx'), join(project, 'resnet18.onnx'));
  const server = await startLathe(project, userDir);
  const client = await connectWs(server);
  const sessions = [];
  for (let i = 0; i < SESSIONS; i++) sessions.push((await startSession(client, PYTHON, { server })).info);
  console.log(`  ${SESSIONS} sessions started`);

  const browser = await launchChromium();
  const { page, errors, close } = await newPage(browser);
  try {
    await page.addInitScript(installProbe, []);
    await page.addInitScript(countSocketBytes);
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="true"]', { timeout: 30_000 });
    await page.click('.tree-row[data-path="notes.txt"]');
    await page.waitForSelector('.monaco-editor textarea', { timeout: 30_000 });
    // The Terminal panel on the first session: one real, paced terminal view.
    await page.keyboard.press('Control+Backquote');
    await page.waitForSelector('[data-testid="terminal"] .xterm-rows', { timeout: 30_000 });

    const stopMemory = watchMemory(server.child.pid);
    const bytesBefore = await page.evaluate(() => window.__socketBytes);
    const t0 = Date.now();
    const runs = sessions.map((s) => runCode(client, s.id, FLOOD, { timeoutMs: (SECONDS + 120) * 1000 }));
    const bench = client.call('models.benchmark', {
      path: 'resnet18.onnx',
      config: { eps: ['cpu'], mode: 'fallback', graphOptimization: 'all', intraOpThreads: 0, interOpThreads: 0, executionMode: 'sequential' },
      inputs: [{ name: input.name, dims: input.shape, dtype: 'float32', source: { kind: 'random', distribution: 'normal', seed: 0 } }],
      warmup: 5,
      runs: 100_000,
      budgetMs: SECONDS * 1000,
    });
    // Let the loops get going, then type.
    await new Promise((r) => setTimeout(r, 2000));
    await page.click('.monaco-editor .view-lines');
    await page.evaluate(startFrames);
    const typingFrom = Date.now();
    let typed = 0;
    for (let w = 0; Date.now() - typingFrom < TYPING_MS; w++) {
      const word = `word${w} `;
      await page.keyboard.type(word, { delay: 25 });
      typed += word.length;
    }
    const { frames, from } = await page.evaluate(stopFrames);
    const typingMs = Date.now() - typingFrom;
    const probe = await readProbe(page);
    const longTasks = probe.longTasks.filter((t) => t.start >= from);

    const done = await Promise.all(runs);
    const benchFile = await bench;
    const loadMs = Date.now() - t0;
    const memory = stopMemory();
    const pageBytes = (await page.evaluate(() => window.__socketBytes)) - bytesBefore;
    if (errors.length) throw new Error(`uncaught errors in the page:\n${errors.join('\n')}`);
    const failed = done.filter((d) => d.run.status !== 'ok');
    if (failed.length) throw new Error(`${failed.length} loops did not end ok: ${failed.map((d) => `${d.run.status} ${d.run.error?.ename ?? ''}`).join(', ')}`);
    // What each session printed: the offset at the end of its output.
    const outputBytes = [];
    for (const s of sessions) {
      const a = await client.call('sessions.attach', { id: s.id });
      await client.call('sessions.detach', { viewerId: a.viewerId });
      outputBytes.push(a.seq);
    }
    const printedMB = outputBytes.reduce((a, b) => a + b, 0) / MB;

    const longest = max(frames);
    const p95 = percentile(frames, 95);
    console.log(
      `  typing: ${frames.length} frames, longest ${fmtMs(longest)}, p95 ${fmtMs(p95)}, long tasks ${longTasks.length}; ${typed} characters in ${fmtMs(typingMs)}`,
    );
    console.log(
      `  ${SESSIONS} loops printed ${printedMB.toFixed(0)} MB in ${fmtMs(loadMs)}; the page received ${(pageBytes / MB).toFixed(1)} MB over its socket; ` +
        `benchmark ${benchFile.record.figures.runs} runs, p50 ${fmtMs(benchFile.record.figures.stats.p50)}`,
    );
    console.log(
      `  peak RSS MB: server ${(memory.peak('server') / MB).toFixed(0)}, pty-host ${(memory.peak('pty-host') / MB).toFixed(0)}, ` +
        `onnx-runner ${(memory.peak('onnx-runner') / MB).toFixed(0)}, python max ${(memory.peak('python') / MB).toFixed(0)} (${memory.of('python').length} procs)`,
    );
    const figures = [
      figure(`longest frame, typing under load (${SESSIONS} sessions + benchmark)`, longest, 'ms', { goal: FRAME_GOAL_MS, label: 'goal ≤ 100 ms' }),
      figure('p95 frame, typing under load', p95, 'ms'),
      figure('peak RSS, lathe serve', memory.peak('server'), 'bytes', { goal: SERVER_RSS_GOAL, label: 'goal ≤ 1.5 GB' }),
      figure('peak RSS, pty host', memory.peak('pty-host'), 'bytes'),
      figure('peak RSS, onnx runner', memory.peak('onnx-runner'), 'bytes'),
      figure('peak RSS, largest Python', memory.peak('python'), 'bytes'),
      figure(`socket bytes to the page while ${SESSIONS} sessions printed ${printedMB.toFixed(0)} MB`, pageBytes, 'bytes'),
    ];
    printFigures(figures);
    return {
      bench: 'load',
      at: new Date().toISOString(),
      machine: machine({ chromium: browser.version() }),
      figures,
      details: { seconds: SECONDS, sessions: SESSIONS, frames: frames.length, longTasks: longTasks.length, typed, printedBytes: outputBytes, pageBytes, benchRuns: benchFile.record.figures.runs },
    };
  } finally {
    await close();
  }
});
