/**
 * Small helpers shared by the benchmarks in bench/: command-line handling, building, starting
 * `lathe serve` (or any server that prints its URL) and Chromium, statistics, and printing.
 *
 * A benchmark reports figures; it never fails because the machine was slow. A missed goal is printed as
 * "MISSED" and the exit code stays 0; only a benchmark that could not run exits non-zero.
 */
/* global window, document, requestAnimationFrame, MutationObserver */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';

export const REPO = fileURLToPath(new URL('..', import.meta.url));
/** The `lathe` command the benchmarks start; LATHE_BENCH_CLI runs another build's (e.g. a copy of out/). */
export const CLI = process.env.LATHE_BENCH_CLI ?? join(REPO, 'bin', 'lathe.js');
export const CHROMIUM = process.env.LATHE_BENCH_CHROMIUM ?? '/usr/bin/chromium';

/** Monotonic milliseconds in this process. */
export const now = () => performance.now();
/** Milliseconds since the epoch, high resolution: comparable with a page's `performance.timeOrigin + performance.now()`. */
export const epochOf = (t) => performance.timeOrigin + t;

// --- command line ---------------------------------------------------------------------------------

/**
 * Parse the script's flags. `--help` prints the script's header comment (so the two never drift apart)
 * and exits. `--json FILE` (used by run-all) and `--no-build` are common to every benchmark.
 */
export function cli(scriptUrl, options = {}) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      help: { type: 'boolean', short: 'h' },
      'no-build': { type: 'boolean' },
      json: { type: 'string' },
      ...options,
    },
  });
  if (values.help) {
    process.stdout.write(headerComment(fileURLToPath(scriptUrl)) + '\n');
    process.exit(0);
  }
  return values;
}

function headerComment(file) {
  const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(file, 'utf8'));
  return (m?.[1] ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*\* ?/, ''))
    .join('\n')
    .trim();
}

// --- clean-up -------------------------------------------------------------------------------------

const cleanups = [];
const children = new Set();

/** Run `fn` when the benchmark ends, however it ends (last registered runs first). */
export function onCleanup(fn) {
  cleanups.push(fn);
}

async function runCleanups() {
  while (cleanups.length > 0) {
    try {
      await cleanups.pop()();
    } catch {
      // Best effort: the rest must still run.
    }
  }
}

// Last resort, synchronous: never leave a server behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});
let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    interrupted = true;
    console.error(`\nbench: ${signal}, cleaning up`);
    void runCleanups().finally(() => process.exit(130));
  });
}

/**
 * Run a benchmark's body: clean up afterwards, write `--json` if asked, and exit 0 unless the benchmark
 * itself could not run (an exception), whatever its figures say.
 */
export async function runBenchmark(args, body) {
  let code = 0;
  try {
    const result = await body();
    if (args.json) {
      mkdirSync(dirname(args.json), { recursive: true });
      writeFileSync(args.json, JSON.stringify(result, null, 2) + '\n');
    }
  } catch (e) {
    if (interrupted) return; // the signal handler cleans up and exits
    console.error(`\nbench: the benchmark could not run: ${e?.stack ?? e}`);
    code = 1;
  }
  await runCleanups();
  process.exit(code);
}

// --- building and temp dirs -----------------------------------------------------------------------

/** `npx electron-vite build` unless --no-build; a failed build means the benchmark cannot run. */
export function build(args) {
  if (args['no-build']) {
    if (!existsSync(join(REPO, 'out', 'main', 'cli.js')) || !existsSync(join(REPO, 'out', 'renderer', 'index.html'))) {
      throw new Error('--no-build given but out/ has no build: run "npx electron-vite build" first');
    }
    return;
  }
  console.log('Building (npx electron-vite build)…');
  const t0 = now();
  const r = spawnSync('npx', ['electron-vite', 'build'], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.status !== 0) throw new Error(`build failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  console.log(`Built in ${fmtMs(now() - t0)}.\n`);
}

/** A fresh temp dir, removed at clean-up. */
export function tempDir(prefix) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// --- servers --------------------------------------------------------------------------------------

const URL_RE = /http:\/\/127\.0\.0\.1:\d+\/[^\s]*/;

/**
 * Spawn a process that prints a `http://127.0.0.1:PORT/...` URL on stdout and wait for it.
 * The clock (`t0`, this process's performance.now()) starts right before the spawn.
 */
export async function spawnForUrl(command, argv, { env = process.env, timeoutMs = 30_000, label = command } = {}) {
  const t0 = now();
  const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let output = '';
  const keep = (d) => {
    // Keep reading (a full pipe would stall the child) but keep only the start and the end.
    output = output.length < 64_000 ? output + d.toString() : output.slice(0, 32_000) + '\n…\n' + d.toString();
  };
  child.stderr.on('data', keep);
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${label} printed no URL within ${timeoutMs} ms:\n${output}`)), timeoutMs);
    child.stdout.on('data', (d) => {
      keep(d);
      const m = URL_RE.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${label} exited (${code ?? signal}) before printing a URL:\n${output}`));
    });
    child.once('error', reject);
  });
  const tUrl = now();
  const server = {
    child,
    url,
    port: Number(new URL(url).port),
    token: new URL(url).searchParams.get('token'),
    t0,
    tUrl,
    output: () => output,
    stop: () => stopChild(child),
  };
  onCleanup(server.stop);
  return server;
}

/** `node bin/lathe.js serve <folder> --port <port>` (a free port by default) with a private settings dir. */
export function startLathe(folder, userDir, port = 0) {
  return spawnForUrl(process.execPath, [CLI, 'serve', folder, '--port', String(port)], {
    env: { ...process.env, LATHE_USER_DIR: userDir },
    label: 'lathe serve',
  });
}

/** SIGTERM, then SIGKILL if it has not gone within 5 s. */
export async function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await gone;
  clearTimeout(timer);
}

// --- a contract client over the server's socket ----------------------------------------------------

/**
 * A contract client over `server`'s WebSocket (from spawnForUrl/startLathe), as a non-browser client (the
 * token in the query, no Origin header). Closed at clean-up.
 * - `call(method, args)` resolves with the call's value, or throws with the error's code and message;
 * - `on(event, fn)` calls `fn(payload, arrived)` for each event frame (`arrived`: now() when the frame
 *   came, before it was parsed) and returns a function that unsubscribes;
 * - `waitFor(event, test, timeoutMs)` resolves with `{payload, arrived}` of the first event from now on
 *   that passes `test`;
 * - `stats`: frames and characters received so far.
 */
export async function connectWs(server) {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws?token=${encodeURIComponent(server.token)}`, { perMessageDeflate: false });
  let nextId = 1;
  const pending = new Map();
  const listeners = new Map();
  const stats = { frames: 0, chars: 0 };
  let hello;
  const opened = new Promise((resolve, reject) => {
    hello = resolve;
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`WebSocket refused: HTTP ${res.statusCode}`)));
    ws.once('close', (code) => reject(new Error(`the socket closed (${code}) before the server's hello`)));
  });
  ws.on('message', (data) => {
    const arrived = now();
    const text = data.toString();
    stats.frames += 1;
    stats.chars += text.length;
    const frame = JSON.parse(text);
    if (frame.t === 'result') {
      const p = pending.get(frame.id);
      pending.delete(frame.id);
      p?.(frame.result);
    } else if (frame.t === 'event') {
      for (const fn of listeners.get(frame.event) ?? []) fn(frame.payload, arrived);
    } else if (frame.t === 'hello') {
      hello();
    }
  });
  ws.on('close', () => {
    for (const p of pending.values()) p({ ok: false, code: 'CLOSED', message: 'the socket closed' });
    pending.clear();
  });
  await opened;
  onCleanup(() => ws.close());
  const on = (event, fn) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event).add(fn);
    return () => listeners.get(event).delete(fn);
  };
  return {
    ws,
    stats,
    on,
    /** Send a call; resolves with its value (throws on an error result). */
    async call(method, args = {}) {
      const id = nextId++;
      const result = await new Promise((resolve) => {
        pending.set(id, resolve);
        ws.send(JSON.stringify({ t: 'call', id, method, args }));
      });
      if (!result.ok) throw new Error(`${method} failed: ${result.code}: ${result.message}`);
      return result.value;
    },
    waitFor(event, test = () => true, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          off();
          reject(new Error(`no ${event} event within ${timeoutMs} ms`));
        }, timeoutMs);
        const off = on(event, (payload, arrived) => {
          if (!test(payload)) return;
          clearTimeout(timer);
          off();
          resolve({ payload, arrived });
        });
      });
    },
    close: () => ws.close(),
  };
}

// --- Python sessions over the socket ----------------------------------------------------------------

/**
 * `sessions.start {python}` over `client` (from connectWs), then wait for the session's
 * `sessions.changed` event with state 'idle'. Resolves with the session's info and `ms`: from the call
 * sent to that event's arrival. Throws if the session dies instead (with the end of `server`'s output,
 * when given: the pty host's errors are there).
 */
export async function startSession(client, python, { timeoutMs = 60_000, server = null } = {}) {
  const seen = new Map(); // id → {payload, arrived} of its first idle/dead event
  const off = client.on('sessions.changed', (info, arrived) => {
    if ((info.state === 'idle' || info.state === 'dead') && !seen.has(info.id)) seen.set(info.id, { payload: info, arrived });
  });
  try {
    const t0 = now();
    const info = await client.call('sessions.start', { python });
    const first = seen.get(info.id) ?? (await client.waitFor('sessions.changed', (i) => i.id === info.id && (i.state === 'idle' || i.state === 'dead'), timeoutMs));
    if (first.payload.state === 'dead') {
      const tail = server ? `\nThe server's output ends with:\n${server.output().slice(-3000)}` : '';
      throw new Error(`the session died while starting: ${first.payload.exit?.message}${tail}`);
    }
    return { info: first.payload, ms: first.arrived - t0 };
  } finally {
    off();
  }
}

/**
 * `sessions.execute {id, code, echo}` over `client`, then wait for the run's `sessions.run` event with
 * state 'done'. Resolves with that RunInfo and `ms`: from the call sent to that event's arrival (also
 * `sent` and `arrived`, in now() ms).
 */
export async function runCode(client, id, code, { echo = false, timeoutMs = 600_000 } = {}) {
  let runId = null;
  const done = new Map(); // runId → {payload, arrived}: the event may come before the call's result
  let resolveDone;
  const finished = new Promise((resolve) => (resolveDone = resolve));
  const off = client.on('sessions.run', (run, arrived) => {
    if (run.sessionId !== id || run.state !== 'done') return;
    done.set(run.runId, { payload: run, arrived });
    if (run.runId === runId) resolveDone(done.get(runId));
  });
  let timer;
  try {
    const t0 = now();
    ({ runId } = await client.call('sessions.execute', { id, code, echo }));
    if (done.has(runId)) resolveDone(done.get(runId));
    const timeout = new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`run ${runId} not done within ${timeoutMs} ms`)), timeoutMs)));
    const { payload, arrived } = await Promise.race([finished, timeout]);
    return { run: payload, ms: arrived - t0, sent: t0, arrived };
  } finally {
    clearTimeout(timer);
    off();
  }
}

// --- processes --------------------------------------------------------------------------------------

/** `pid`'s descendants (Linux: /proc), nearest first; [] elsewhere. */
export function descendants(pid) {
  let all;
  try {
    all = readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return [];
  }
  const parentOf = new Map();
  for (const d of all) {
    try {
      // pid (comm) state ppid …; comm may hold spaces and parentheses.
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      parentOf.set(Number(d), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // Gone meanwhile.
    }
  }
  const out = [];
  const queue = [pid];
  while (queue.length) {
    const p = queue.shift();
    for (const [child, parent] of parentOf) {
      if (parent === p) {
        out.push(child);
        queue.push(child);
      }
    }
  }
  return out;
}

/** A process's resident memory in bytes (`VmRSS`, or `VmHWM`: its peak), from /proc; null if unknown. */
export function rssOf(pid, field = 'VmRSS') {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** A process's command line, from /proc ('' if unknown). */
export function cmdlineOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

// --- Chromium -------------------------------------------------------------------------------------

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * A browser profile on disk, as a returning user has: its HTTP cache and V8 code cache persist across
 * visits (Playwright's ordinary contexts are off-the-record, where Chromium keeps no code cache).
 */
export async function launchPersistentChromium() {
  const { chromium } = await import('@playwright/test');
  const profile = tempDir('lathe-bench-profile-');
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 } });
  onCleanup(() => context.close());
  return context;
}

/** Debian's Chromium through Playwright; closed at clean-up. */
export async function launchChromium() {
  const { chromium } = await import('@playwright/test');
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set LATHE_BENCH_CHROMIUM)`);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  onCleanup(() => browser.close());
  return browser;
}

/**
 * Runs in the page before its own scripts (page.addInitScript(installProbe, checks)). Records, in the
 * page's performance.now() ms:
 * - marks: for each check {name, selector, text?}, the first animation frame after an element matching
 *   `selector` (and, with `text`, whose textContent includes it) is in the DOM and laid out;
 * - calls: every contract call over the WebSocket: method, when sent, when its result arrived, its size;
 * - longTasks: main-thread tasks over 50 ms (where the page's time goes).
 * Self-contained: Playwright serialises it into the page.
 */
export function installProbe(checks) {
  const marks = {};
  const calls = [];
  const longTasks = [];
  window.__benchProbe = { marks, calls, longTasks, wsOpen: null };
  const pending = new Set(checks);
  const check = () => {
    for (const c of pending) {
      const el = document.querySelector(c.selector);
      if (!el || el.getBoundingClientRect().height === 0 || (c.text && !el.textContent.includes(c.text))) continue;
      pending.delete(c);
      marks[c.name] = null;
      requestAnimationFrame(() => (marks[c.name] = performance.now()));
    }
    if (pending.size === 0) observer.disconnect();
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { subtree: true, childList: true, attributes: true, characterData: true });
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) longTasks.push({ start: e.startTime, duration: e.duration });
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // No Long Tasks API: the figures just lack that detail.
  }
  const Native = window.WebSocket;
  const byId = new Map();
  window.WebSocket = class extends Native {
    constructor(...a) {
      super(...a);
      this.addEventListener('open', () => (window.__benchProbe.wsOpen ??= performance.now()));
      // Added before the page sets onmessage, so this runs first: the time the frame arrived, before parsing.
      this.addEventListener('message', (e) => {
        if (typeof e.data !== 'string') return;
        const m = /^\{"t":"result","id":(\d+)/.exec(e.data.slice(0, 40));
        const call = m && byId.get(Number(m[1]));
        if (call) Object.assign(call, { received: performance.now(), bytes: e.data.length });
      });
    }
    send(data) {
      try {
        const f = JSON.parse(data);
        if (f.t === 'call') {
          const call = { id: f.id, method: f.method, args: JSON.stringify(f.args).slice(0, 60), sent: performance.now(), received: null, bytes: 0 };
          calls.push(call);
          byId.set(f.id, call);
        }
      } catch {
        // Not ours to judge.
      }
      super.send(data);
    }
  };
}

/** What installProbe recorded, plus navigation, paint and resource timings; all in the page's ms. */
export function readProbe(page) {
  return page.evaluate(() => {
    const p = window.__benchProbe;
    return {
      origin: performance.timeOrigin,
      marks: { ...p.marks },
      calls: p.calls.map((c) => ({ ...c })),
      longTasks: [...p.longTasks],
      wsOpen: p.wsOpen,
      fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      resources: performance.getEntriesByType('resource').map((r) => ({ name: r.name, start: r.startTime, end: r.responseEnd, bytes: r.encodedBodySize })),
      nav: performance.getEntriesByType('navigation')[0]?.toJSON() ?? null,
    };
  });
}

/** Total and largest long task that started before `until` (page ms). */
export function busyBefore(probe, until) {
  const tasks = probe.longTasks.filter((t) => t.start < until);
  return { total: tasks.reduce((a, t) => a + t.duration, 0), largest: Math.max(0, ...tasks.map((t) => t.duration)), count: tasks.length };
}

/**
 * A page at the e2e tests' viewport: in a fresh context (its own, cold, HTTP cache), or in `shared`
 * (a returning user's browser: its HTTP and code caches are warm). `close` closes only what it made.
 */
export async function newPage(browser, shared = null) {
  const context = shared ?? (await browser.newContext({ viewport: { width: 1280, height: 800 } }));
  const page = await context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const close = () => (shared ? page.close() : context.close());
  return { context, page, errors, close };
}

/** A port that is free now (for runs that must reuse one origin). */
export async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// --- statistics and formatting ---------------------------------------------------------------------

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const min = (xs) => Math.min(...xs);
export const max = (xs) => Math.max(...xs);

/** The p-th percentile (0–100), nearest rank: p99 of 500 samples is the 495th smallest. */
export function percentile(xs, p) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

/** Time `fn` `runs` times after `warmup` untimed runs; returns the samples in ms. */
export async function sample(fn, { runs = 5, warmup = 1 } = {}) {
  for (let i = 0; i < warmup; i++) await fn();
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    await fn();
    times.push(now() - t0);
  }
  return times;
}

export function fmtMs(ms) {
  if (ms >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms >= 100) return `${Math.round(ms)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

/** Megabytes here are 10^6 bytes (as Vite prints kB as 10^3). */
export const MB = 1_000_000;

export function fmtBytes(bytes) {
  return `${bytes.toLocaleString('en-US')} B (${(bytes / MB).toFixed(2)} MB)`;
}

export function fmtValue(value, unit) {
  if (unit === 'ms') return fmtMs(value);
  if (unit === 'bytes') return fmtBytes(value);
  return `${value.toLocaleString('en-US')}${unit && unit !== 'count' ? ` ${unit}` : ''}`;
}

/**
 * One reported figure. `goal`: a target it must stay at or under (ratio = value / goal; "MISSED" when
 * over). `peer`: a reference measured in the same run (ratio = value / peer; no verdict, unless
 * `maxRatio` is given: then the goal is a ratio to the peer, "MISSED" when over it).
 */
export function figure(name, value, unit, against) {
  const { goal, peer, maxRatio, label } = against ?? {};
  const ref = goal ?? peer;
  const ratio = ref ? value / ref : null;
  const status = goal !== undefined ? (value <= goal ? 'ok' : 'MISSED') : maxRatio !== undefined && ratio !== null ? (ratio <= maxRatio ? 'ok' : 'MISSED') : '';
  return { name, value, unit, against: label ?? (ref === undefined ? '' : fmtValue(ref, unit)), ratio, status };
}

export function fmtRatio(r) {
  if (r === null || r === undefined) return '';
  return r >= 100 ? `${Math.round(r)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** Print rows (arrays of strings) as an aligned table; columns listed in `right` are right-aligned. */
export function printTable(headers, rows, { right = [] } = {}) {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i] ?? '').length)));
  const line = (cells) =>
    cells
      .map((c, i) => (right.includes(i) ? String(c ?? '').padStart(widths[i]) : String(c ?? '').padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(headers));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
}

/** The figures table every benchmark ends with (and run-all repeats). */
export function printFigures(figures, { bench } = {}) {
  const rows = figures.map((f) => [
    ...(bench ? [f.bench ?? bench] : []),
    f.name,
    fmtValue(f.value, f.unit),
    f.against,
    fmtRatio(f.ratio),
    f.status,
  ]);
  const headers = [...(bench ? ['bench'] : []), 'figure', 'value', 'goal / peer', 'ratio', ''];
  const off = bench ? 1 : 0;
  printTable(headers, rows, { right: [off + 1, off + 3] });
}

/** Where this ran, for the JSON results. */
export function machine(extra = {}) {
  return { node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model ?? '', platform: process.platform, loadavg: loadavg(), ...extra };
}

/** One line about the machine's load: on a busy machine every figure (and the peers) is slower. */
export function loadLine() {
  const [one] = loadavg();
  const n = cpus().length;
  return `Machine: ${n} CPUs, load average ${one.toFixed(2)}${one > n ? ' (busy: other work is running, figures are noisy; compare with the peer of the same run)' : ''}.`;
}

/**
 * In the page (pass to `page.evaluate`): record every requestAnimationFrame interval from now on, until
 * `stopFrames`, which returns them (the first, partial one dropped) and when recording began.
 */
export function startFrames() {
  const frames = [];
  let last = performance.now();
  window.__frames = { frames, running: true, from: performance.now() };
  const step = (t) => {
    frames.push(t - last);
    last = t;
    if (window.__frames.running) requestAnimationFrame(step);
  };
  requestAnimationFrame(step);
}

export function stopFrames() {
  window.__frames.running = false;
  return { frames: window.__frames.frames.slice(1), from: window.__frames.from };
}
