/**
 * bench/flood.mjs: a Python session printing two million lines, against a bare pty.
 *
 * Goal: Lathe at most 2× the bare pty, both measured in the same run, with the same interpreter
 * (/usr/bin/python3, or --python) and the same code: `for i in range(2_000_000): print(i)` (about 16.9
 * million characters once the pty has turned each newline into CRLF).
 *
 * Lathe: `lathe serve` on an empty temp project (private LATHE_USER_DIR), a `ws` client on its socket,
 * `sessions.start {python}` until idle, then a terminal view: `sessions.attach`, and every 16 ms a
 * `sessions.ack {viewerId, seq}` with the highest seq + length of the `sessions.data` received (a view
 * that parses instantly; the pty pauses only when a view falls behind). One sample: from the
 * `sessions.execute {code, echo: false}` call sent to the arrival of the run's `sessions.run` event with
 * state 'done' (all its output has come before it), plus the characters of terminal output received over
 * the socket meanwhile. Also polled every 50 ms (Linux): the resident memory (VmRSS) of the serve
 * process and of the pty host, and their peak over the flood.
 *
 * Peer: node-pty, in this process: pty.spawn(python, ['-c', code]) at the same size (120×30), reading
 * everything until it exits. It includes the interpreter's start (`python -c pass`, reported apart,
 * tens of ms); Lathe's session is already running.
 *
 * Runs alternate (Lathe, peer, Lathe, peer…) so that a noisy moment of the machine hits both alike.
 * Reports median and min of the runs, and the ratio. Exit code 0 even when the goal is missed
 * ("MISSED"); non-zero only when the benchmark could not run.
 *
 * Usage: node bench/flood.mjs [--runs N] [--lines N] [--python PATH] [--no-build] [--json FILE] [--help]
 */
import { spawnSync } from 'node:child_process';
// The peer is a bare pty: node-pty is imported here for that alone (app code imports it only in the pty host).
// eslint-disable-next-line no-restricted-imports
import pty from 'node-pty';
import {
  build,
  cli,
  cmdlineOf,
  connectWs,
  descendants,
  figure,
  fmtMs,
  fmtRatio,
  loadLine,
  machine,
  MB,
  median,
  min,
  now,
  printFigures,
  printTable,
  rssOf,
  runBenchmark,
  runCode,
  startLathe,
  startSession,
  tempDir,
} from './lib.mjs';

const MAX_RATIO = 2;
const COLS = 120;
const ROWS = 30;

const args = cli(import.meta.url, {
  runs: { type: 'string', default: '3' },
  lines: { type: 'string', default: '2000000' },
  python: { type: 'string', default: '/usr/bin/python3' },
});
const RUNS = Math.max(1, Number(args.runs) || 3);
const LINES = Math.max(1, Number(args.lines) || 2_000_000);
const PYTHON = args.python;
const CODE = `for i in range(${LINES}): print(i)`;

/** Characters the loop prints through a pty: each number's digits and CRLF. */
function expectedChars(lines) {
  let chars = 0;
  for (let digits = 1, from = 0; from < lines; digits++, from = from === 0 ? 10 : from * 10) {
    chars += (Math.min(lines, from === 0 ? 10 : from * 10) - from) * (digits + 2);
  }
  return chars;
}

/** Peak VmRSS of the serve process and its pty host while `body` runs (polled every 50 ms). */
async function watchMemory(serverPid, body) {
  const peak = { server: 0, ptyHost: 0, ptyHostPid: null };
  const poll = () => {
    peak.server = Math.max(peak.server, rssOf(serverPid) ?? 0);
    peak.ptyHostPid ??= descendants(serverPid).find((pid) => cmdlineOf(pid).includes('pty-host')) ?? null;
    if (peak.ptyHostPid) peak.ptyHost = Math.max(peak.ptyHost, rssOf(peak.ptyHostPid) ?? 0);
  };
  poll();
  const before = { ...peak };
  const timer = setInterval(poll, 50);
  try {
    return { result: await body(), before, peak };
  } finally {
    clearInterval(timer);
    poll();
  }
}

/** One flood through Lathe: a view attached and acknowledging, the run timed to its done event. */
async function lathe(client, serverPid, sessionId) {
  const { viewerId, seq: attachedAt } = await client.call('sessions.attach', { id: sessionId });
  let highest = attachedAt;
  let acked = attachedAt;
  let chars = 0;
  let frames = 0;
  const off = client.on('sessions.data', (d) => {
    if (d.id !== sessionId) return;
    chars += d.data.length;
    frames += 1;
    highest = Math.max(highest, d.seq + d.data.length);
  });
  const acker = setInterval(() => {
    if (highest <= acked) return;
    acked = highest;
    client.call('sessions.ack', { viewerId, seq: acked }).catch((e) => console.error(`  ack failed: ${e.message}`));
  }, 16);
  const socketBefore = client.stats.chars;
  try {
    const { result, before, peak } = await watchMemory(serverPid, () => runCode(client, sessionId, CODE));
    if (result.run.status !== 'ok') throw new Error(`the flood ended ${result.run.status}: ${result.run.error?.ename}: ${result.run.error?.evalue}`);
    return { ms: result.ms, chars, frames, socketChars: client.stats.chars - socketBefore, driverMs: result.run.durationMs, rssBefore: before, rssPeak: peak };
  } finally {
    clearInterval(acker);
    off();
    await client.call('sessions.detach', { viewerId });
  }
}

/** One flood in a bare pty: spawn to exit, every character read. */
function bare(cwd) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    let chars = 0;
    let term;
    try {
      term = pty.spawn(PYTHON, ['-c', CODE], { name: 'xterm-256color', cols: COLS, rows: ROWS, cwd, env: process.env, encoding: 'utf8' });
    } catch (e) {
      reject(e);
      return;
    }
    term.onData((d) => (chars += d.length));
    term.onExit(({ exitCode }) => {
      if (exitCode !== 0) reject(new Error(`the bare pty's Python exited with ${exitCode}`));
      else resolve({ ms: now() - t0, chars });
    });
  });
}

function pythonStart() {
  const t0 = now();
  const r = spawnSync(PYTHON, ['-c', 'pass']);
  if (r.status !== 0) throw new Error(`${PYTHON} -c pass exited with ${r.status}`);
  return now() - t0;
}

const fmtMB = (bytes) => `${(bytes / MB).toFixed(0)} MB`;

await runBenchmark(args, async () => {
  build(args);
  const expected = expectedChars(LINES);
  console.log(`Flood: ${JSON.stringify(CODE)} (${expected.toLocaleString('en-US')} characters through a pty), ${RUNS} runs each, ${PYTHON}.`);
  console.log(loadLine());
  const project = tempDir('lathe-bench-flood-project-');
  const server = await startLathe(project, tempDir('lathe-bench-flood-user-'));
  const client = await connectWs(server);
  const { info } = await startSession(client, PYTHON, { server });
  await client.call('sessions.resize', { id: info.id, cols: COLS, rows: ROWS });

  const starts = [pythonStart(), pythonStart(), pythonStart()];
  const lathes = [];
  const bares = [];
  for (let i = 0; i < RUNS; i++) {
    lathes.push(await lathe(client, server.child.pid, info.id));
    bares.push(await bare(project));
    const l = lathes.at(-1);
    const b = bares.at(-1);
    console.log(
      `  run ${i + 1}: Lathe ${fmtMs(l.ms)} (${l.chars.toLocaleString('en-US')} chars in ${l.frames.toLocaleString('en-US')} data events; peak RSS serve ${fmtMB(l.rssPeak.server)}, pty host ${fmtMB(l.rssPeak.ptyHost)}); bare pty ${fmtMs(b.ms)} (${b.chars.toLocaleString('en-US')} chars)`,
    );
    if (l.chars < expected) console.log(`    Lathe delivered ${(expected - l.chars).toLocaleString('en-US')} characters fewer than printed`);
    if (b.chars < expected) console.log(`    the bare pty read ${(expected - b.chars).toLocaleString('en-US')} characters fewer than printed`);
  }
  await client.call('sessions.stop', { id: info.id });

  const lm = median(lathes.map((l) => l.ms));
  const bm = median(bares.map((b) => b.ms));
  const peakServer = Math.max(...lathes.map((l) => l.rssPeak.server));
  const peakHost = Math.max(...lathes.map((l) => l.rssPeak.ptyHost));
  console.log('');
  printTable(
    ['flood', 'median', 'min', 'characters'],
    [
      ['Lathe (execute → done event, view acking)', fmtMs(lm), fmtMs(min(lathes.map((l) => l.ms))), lathes[0].chars.toLocaleString('en-US')],
      ['bare node-pty (spawn → exit)', fmtMs(bm), fmtMs(min(bares.map((b) => b.ms))), bares[0].chars.toLocaleString('en-US')],
      ['ratio', fmtRatio(lm / bm), fmtRatio(min(lathes.map((l) => l.ms)) / min(bares.map((b) => b.ms))), ''],
    ],
    { right: [1, 2, 3] },
  );
  console.log(`Python's start (-c pass), inside the bare figure: ${fmtMs(median(starts))}. Inside Lathe's driver (the loop as IPython runs it): median ${fmtMs(median(lathes.map((l) => l.driverMs ?? 0)))}.`);
  console.log(
    `Socket: ${(median(lathes.map((l) => l.socketChars)) / MB).toFixed(1)} M characters of frames for ${(median(lathes.map((l) => l.chars)) / MB).toFixed(1)} M of terminal output.`,
  );
  console.log(
    `Memory (VmRSS): serve ${fmtMB(lathes[0].rssBefore.server)} before, ${fmtMB(peakServer)} at peak; pty host ${fmtMB(lathes[0].rssBefore.ptyHost)} before, ${fmtMB(peakHost)} at peak.`,
  );
  const met = lm / bm <= MAX_RATIO;
  console.log(`\nGoal: Lathe ≤ ${MAX_RATIO}× the bare pty: ${fmtMs(lm)} vs ${fmtMs(bm)} (${fmtRatio(lm / bm)}): ${met ? 'met' : 'MISSED'}.\n`);

  const figures = [
    figure(`flood, ${(LINES / 1e6).toLocaleString('en-US')}M lines (median)`, lm, 'ms', { peer: bm, maxRatio: MAX_RATIO, label: `bare pty ${fmtMs(bm)}; goal ≤ ${MAX_RATIO}×` }),
    figure('terminal output delivered', median(lathes.map((l) => l.chars)), 'chars', { peer: expected, label: `printed ${expected.toLocaleString('en-US')}` }),
    figure('peak RSS during the flood: serve', peakServer, 'bytes', { peer: lathes[0].rssBefore.server, label: `before ${fmtMB(lathes[0].rssBefore.server)}` }),
    figure('peak RSS during the flood: pty host', peakHost, 'bytes', { peer: lathes[0].rssBefore.ptyHost, label: `before ${fmtMB(lathes[0].rssBefore.ptyHost)}` }),
  ];
  printFigures(figures);
  return { bench: 'flood', at: new Date().toISOString(), machine: machine({ python: PYTHON }), figures, expectedChars: expected, runs: { lathe: lathes, bare: bares, pythonStart: starts } };
});
