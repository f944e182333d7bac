/**
 * bench/session-start.mjs: a Python session's start, from `sessions.start` to ready, against Python's own.
 *
 * No fixed goal: the figures are ratios to two peers measured in the same run with the same interpreter
 * (/usr/bin/python3, or --python):
 *   - `python -c pass`: the interpreter's bare start (spawnSync, to exit);
 *   - `python -c "import IPython"`: the start plus the import that Lathe's driver needs in IPython mode.
 *
 * Lathe: `lathe serve` on an empty temp project (private LATHE_USER_DIR), a `ws` client on its socket.
 * One sample: from the `sessions.start {python}` call sent to the arrival of the session's
 * `sessions.changed` event with state 'idle' (the driver's hello: IPython is up and the prompt is
 * shown); then `sessions.stop`, untimed. The first start also forks the pty host: it is reported apart
 * and not among the samples.
 *
 * Runs alternate (Lathe, `-c pass`, `import IPython`…) so that a noisy moment of the machine hits all
 * alike. Reports median and min, and the ratios. Exit code 0 whatever the figures; non-zero only when
 * the benchmark could not run.
 *
 * Usage: node bench/session-start.mjs [--runs N] [--python PATH] [--no-build] [--json FILE] [--help]
 */
import { spawnSync } from 'node:child_process';
import {
  build,
  cli,
  connectWs,
  figure,
  fmtMs,
  fmtRatio,
  loadLine,
  machine,
  median,
  min,
  now,
  printFigures,
  printTable,
  runBenchmark,
  startLathe,
  startSession,
  tempDir,
} from './lib.mjs';

const args = cli(import.meta.url, {
  runs: { type: 'string', default: '10' },
  python: { type: 'string', default: '/usr/bin/python3' },
});
const RUNS = Math.max(1, Number(args.runs) || 10);
const PYTHON = args.python;

function python(code) {
  const t0 = now();
  const r = spawnSync(PYTHON, ['-c', code], { stdio: ['ignore', 'ignore', 'pipe'] });
  const ms = now() - t0;
  if (r.status !== 0) throw new Error(`${PYTHON} -c ${JSON.stringify(code)} exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  return ms;
}

async function lathe(client, server) {
  const { info, ms } = await startSession(client, PYTHON, { server });
  await client.call('sessions.stop', { id: info.id });
  return { ms, ipython: info.ipython, version: info.version };
}

await runBenchmark(args, async () => {
  build(args);
  console.log(`Session start: sessions.start → idle, ${RUNS} runs, ${PYTHON}.`);
  console.log(loadLine());
  const server = await startLathe(tempDir('lathe-bench-start-project-'), tempDir('lathe-bench-start-user-'));
  const client = await connectWs(server);

  const first = await lathe(client, server);
  console.log(`  first start (forks the pty host): ${fmtMs(first.ms)}; Python ${first.version}, ${first.ipython ? 'IPython' : 'plain REPL'} mode`);
  python('pass'); // warm the page cache for the peers as the first start did for Lathe
  python('import IPython');

  const lathes = [];
  const bare = [];
  const ipython = [];
  for (let i = 0; i < RUNS; i++) {
    lathes.push((await lathe(client, server)).ms);
    bare.push(python('pass'));
    ipython.push(python('import IPython'));
    console.log(`  run ${i + 1}: Lathe ${fmtMs(lathes.at(-1))}; python -c pass ${fmtMs(bare.at(-1))}; import IPython ${fmtMs(ipython.at(-1))}`);
  }

  const [lm, bm, im] = [median(lathes), median(bare), median(ipython)];
  console.log('');
  printTable(
    ['start → ready', 'median', 'min', 'Lathe ÷ this (median)'],
    [
      ['Lathe session (start → idle event)', fmtMs(lm), fmtMs(min(lathes)), ''],
      ['python -c pass', fmtMs(bm), fmtMs(min(bare)), fmtRatio(lm / bm)],
      ['python -c "import IPython"', fmtMs(im), fmtMs(min(ipython)), fmtRatio(lm / im)],
    ],
    { right: [1, 2, 3] },
  );
  console.log(`Lathe over "import IPython": ${lm >= im ? '+' : '−'}${fmtMs(Math.abs(lm - im))} (median).\n`);

  const figures = [
    figure('session start → ready (median)', lm, 'ms', { peer: im, label: `python -c "import IPython" ${fmtMs(im)}` }),
    figure('session start → ready vs bare Python (median)', lm, 'ms', { peer: bm, label: `python -c pass ${fmtMs(bm)}` }),
    figure('first session start (forks the pty host)', first.ms, 'ms'),
  ];
  printFigures(figures);
  return {
    bench: 'session-start',
    at: new Date().toISOString(),
    machine: machine({ python: PYTHON }),
    figures,
    runs: { first: first.ms, lathe: lathes, pythonPass: bare, importIPython: ipython },
  };
});
