/**
 * bench/repl-roundtrip.mjs: a trivial run's round trip in a Python session, against Jupyter's.
 *
 * Goal: Lathe's median round trip at most 0.5× Jupyter's, both measured in the same run, on the same
 * machine, with the same interpreter (/usr/bin/python3, or --python).
 *
 * Lathe: `lathe serve` on an empty temp project (private LATHE_USER_DIR), a `ws` client on its socket,
 * `sessions.start {python}` until the session is idle, --warmup untimed runs, then --runs runs of
 * `sessions.execute {id, code: 'pass', echo: false}`, one at a time. One sample: from the call sent to
 * the arrival of the run's `sessions.run` event with state 'done'. That is the whole path a front end
 * waits on: socket → core → pty host (IPC) → driver (Unix socket) → IPython → markers in the pty output
 * → pty host → core → socket.
 *
 * Peer: bench/peers/jupyter_roundtrip.py, run by the same interpreter: an ipykernel started by
 * jupyter_client's KernelManager (the script checks that the kernel's sys.executable is this one) and a
 * blocking client. One sample: from just before kc.execute('pass') until both the execute_reply (shell)
 * and the idle status (iopub) of that request have arrived.
 *
 * Reports median, p90, p99 and max of both, and the ratios. Exit code 0 even when the goal is missed
 * ("MISSED"); non-zero only when the benchmark could not run.
 *
 * Usage: node bench/repl-roundtrip.mjs [--runs N] [--warmup N] [--python PATH] [--no-build] [--json FILE] [--help]
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import {
  REPO,
  build,
  cli,
  connectWs,
  epochOf,
  figure,
  fmtMs,
  fmtRatio,
  loadLine,
  machine,
  max,
  median,
  min,
  percentile,
  printFigures,
  printTable,
  runBenchmark,
  runCode,
  startLathe,
  startSession,
  tempDir,
} from './lib.mjs';

const MAX_RATIO = 0.5;
const CODE = 'pass';

const args = cli(import.meta.url, {
  runs: { type: 'string', default: '500' },
  warmup: { type: 'string', default: '20' },
  python: { type: 'string', default: '/usr/bin/python3' },
});
const RUNS = Math.max(1, Number(args.runs) || 500);
const WARMUP = Math.max(0, Number(args.warmup) || 0);
const PYTHON = args.python;

/** The Jupyter peer, in its own process; resolves with its JSON (samples in ms). */
function jupyter() {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [join(REPO, 'bench', 'peers', 'jupyter_roundtrip.py'), '--runs', String(RUNS), '--warmup', String(WARMUP), '--code', CODE], {
      env: { ...process.env, PYDEVD_DISABLE_FILE_VALIDATION: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let errText = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (errText += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`the Jupyter peer exited with ${code}:\n${errText}`));
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1)));
      } catch {
        reject(new Error(`the Jupyter peer printed no JSON:\n${out}\n${errText}`));
      }
    });
  });
}

async function lathe(client, server) {
  const { info, ms: startMs } = await startSession(client, PYTHON, { server });
  for (let i = 0; i < WARMUP; i++) await runCode(client, info.id, CODE);
  const samples = [];
  const driverMs = [];
  const legs = [];
  for (let i = 0; i < RUNS; i++) {
    const { run, ms, sent, arrived } = await runCode(client, info.id, CODE);
    if (run.status !== 'ok') throw new Error(`run ${i + 1} ended ${run.status}: ${run.error?.ename}: ${run.error?.evalue}`);
    samples.push(ms);
    driverMs.push(run.durationMs ?? 0);
    // The core's clock (Date.now, whole ms) against ours: only the means over many runs say something.
    legs.push({ toCore: run.queuedAt - epochOf(sent), toStart: run.startedAt - run.queuedAt, startToDone: epochOf(arrived) - run.startedAt });
  }
  await client.call('sessions.stop', { id: info.id });
  return { session: { version: info.version, ipython: info.ipython, python: info.python }, startMs, samples, driverMs, legs };
}

const mean = (xs) => xs.reduce((a, x) => a + x, 0) / xs.length;

const stats = (xs) => ({ median: median(xs), p90: percentile(xs, 90), p99: percentile(xs, 99), max: max(xs), min: min(xs) });

await runBenchmark(args, async () => {
  build(args);
  console.log(`REPL round trip: ${RUNS} runs of ${JSON.stringify(CODE)} after ${WARMUP} warm-up runs, ${PYTHON}.`);
  console.log(loadLine());
  const server = await startLathe(tempDir('lathe-bench-repl-project-'), tempDir('lathe-bench-repl-user-'));
  const client = await connectWs(server);

  // One after the other (not interleaved): each side keeps its process warm, as a user's session would.
  const l = await lathe(client, server);
  console.log(`  Lathe: session ready in ${fmtMs(l.startMs)} (Python ${l.session.version}, ${l.session.ipython ? 'IPython' : 'plain REPL'}); median ${fmtMs(median(l.samples))}`);
  const j = await jupyter();
  console.log(`  Jupyter: kernel ready in ${fmtMs(j.startMs)} (${j.kernelExecutable}); median ${fmtMs(median(j.samples))}`);

  const ls = stats(l.samples);
  const js = stats(j.samples);
  console.log('');
  printTable(
    ['round trip', 'median', 'p90', 'p99', 'max', 'min'],
    [
      ['Lathe (execute → run done event)', ...Object.values(ls).map(fmtMs)],
      ['Jupyter (execute → reply + idle)', ...Object.values(js).map(fmtMs)],
      ['ratio', ...Object.keys(ls).map((k) => fmtRatio(ls[k] / js[k]))],
    ],
    { right: [1, 2, 3, 4, 5] },
  );
  const leg = (k) => fmtMs(mean(l.legs.map((x) => x[k])));
  console.log(
    `Where Lathe's time goes (means; the core stamps runs with Date.now, in whole ms): client → core ${leg('toCore')}, ` +
      `core → start marker back in the core ${leg('toStart')}, start marker → done event at the client ${leg('startToDone')} ` +
      `(of which IPython's run_cell, as the driver measures it: mean ${fmtMs(mean(l.driverMs))}, median ${fmtMs(median(l.driverMs))}).`,
  );
  const met = ls.median / js.median <= MAX_RATIO;
  console.log(
    `\nGoal: Lathe's median ≤ ${MAX_RATIO}× Jupyter's: ${fmtMs(ls.median)} vs ${fmtMs(js.median)} (${fmtRatio(ls.median / js.median)}): ${met ? 'met' : 'MISSED'}.\n`,
  );

  const figures = [
    figure('trivial run round trip (median)', ls.median, 'ms', { peer: js.median, maxRatio: MAX_RATIO, label: `Jupyter ${fmtMs(js.median)}; goal ≤ ${MAX_RATIO}×` }),
    figure('trivial run round trip (p99)', ls.p99, 'ms', { peer: js.p99, label: `Jupyter ${fmtMs(js.p99)}` }),
  ];
  printFigures(figures);
  return {
    bench: 'repl-roundtrip',
    at: new Date().toISOString(),
    machine: machine({ python: PYTHON }),
    figures,
    lathe: { ...l, stats: ls },
    jupyter: { ...j, stats: js },
  };
});
