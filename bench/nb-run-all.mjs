/**
 * bench/nb-run-all.mjs: "run all" on a 200-cell notebook, headless, against Jupyter's nbconvert.
 *
 * Goal: `lathe nb run` end to end at most 0.5× `jupyter nbconvert --to notebook --execute`, both measured
 * in the same run, on the same machine, with the same interpreter (/usr/bin/python3, or --python).
 *
 * The notebook: --cells (200) small code cells, `x{i} = {i} * 2\nx{i}`, nbformat 4.5, written to a temp
 * folder. Each side reads it, starts a fresh Python, runs every cell in order, and writes the executed
 * notebook; the benchmark checks that the last cell's output is there (`{2 × (cells − 1)}`).
 *
 * - Lathe: `node bin/lathe.js nb run in.ipynb -o lathe.ipynb --python PY` (the built CLI: a fresh pty host,
 *   the REPL driver on IPython). One sample: from the spawn to the process's exit. Its summary line on
 *   stderr also gives the session start (spawn → driver ready) and the cells' time alone, reported as
 *   "excluding session start".
 * - Peer: `PY -m nbconvert --to notebook --execute --output jupyter.ipynb in.ipynb` (nbclient, an
 *   ipykernel from the `python3` kernelspec; the benchmark checks that the kernelspec runs PY). One sample:
 *   from the spawn to the process's exit.
 *
 * --warmup untimed runs of each (disk caches), then --runs timed runs of each, alternating. Reports the
 * medians and the ratio. Exit code 0 even when the goal is missed ("MISSED"); non-zero only when the
 * benchmark could not run.
 *
 * Usage: node bench/nb-run-all.mjs [--cells N] [--runs N] [--warmup N] [--python PATH] [--no-build] [--json FILE] [--help]
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, build, cli, figure, fmtMs, fmtRatio, loadLine, machine, max, median, min, now, printFigures, printTable, runBenchmark, tempDir } from './lib.mjs';

const MAX_RATIO = 0.5;

const args = cli(import.meta.url, {
  cells: { type: 'string', default: '200' },
  runs: { type: 'string', default: '3' },
  warmup: { type: 'string', default: '1' },
  python: { type: 'string', default: '/usr/bin/python3' },
});
const CELLS = Math.max(1, Number(args.cells) || 200);
const RUNS = Math.max(1, Number(args.runs) || 3);
const WARMUP = Math.max(0, Number(args.warmup) || 0);
const PYTHON = args.python;

function notebook(cells) {
  return {
    cells: Array.from({ length: cells }, (_, i) => ({
      cell_type: 'code',
      execution_count: null,
      id: `cell-${i}`,
      metadata: {},
      outputs: [],
      source: [`x${i} = ${i} * 2\n`, `x${i}`],
    })),
    metadata: {
      kernelspec: { display_name: 'Python 3 (ipykernel)', language: 'python', name: 'python3' },
      language_info: { name: 'python' },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

/** Spawn and time to exit; rejects on a non-zero exit with the output. */
function timed(command, argv, env = process.env) {
  return new Promise((resolve, reject) => {
    const t0 = now();
    const child = spawn(command, argv, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = now() - t0;
      if (code !== 0) reject(new Error(`${command} ${argv.join(' ')} exited with ${code ?? signal}:\n${out}\n${err}`));
      else resolve({ ms, stdout: out, stderr: err });
    });
  });
}

/** The last cell's text/plain in an executed notebook. */
function lastResult(file) {
  const nb = JSON.parse(readFileSync(file, 'utf8'));
  const outputs = nb.cells.at(-1).outputs;
  const plain = outputs.find((o) => o.output_type === 'execute_result')?.data?.['text/plain'];
  return Array.isArray(plain) ? plain.join('') : plain;
}

/** The executable the `python3` kernelspec starts, as jupyter_client sees it from PYTHON. */
function kernelPython() {
  const r = spawnSync(
    PYTHON,
    ['-c', 'import json; from jupyter_client.kernelspec import KernelSpecManager as K; print(json.dumps(K().get_kernel_spec("python3").argv))'],
    { encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`${PYTHON} has no jupyter_client with a python3 kernelspec (nbconvert can't run):\n${r.stderr}`);
  const argv = JSON.parse(r.stdout.trim());
  return argv[0] === 'python' || argv[0] === 'python3' ? realpathSync(PYTHON) : realpathSync(argv[0]);
}

await runBenchmark(args, async () => {
  build(args);
  const dir = tempDir('lathe-bench-nb-');
  const input = join(dir, 'in.ipynb');
  writeFileSync(input, JSON.stringify(notebook(CELLS), null, 1) + '\n');
  const expected = String(2 * (CELLS - 1));
  const kernel = kernelPython();
  if (kernel !== realpathSync(PYTHON)) throw new Error(`the python3 kernelspec runs ${kernel}, not ${PYTHON}: the peer would not use the same interpreter`);

  console.log(`Run all: ${CELLS} cells (x{i} = {i} * 2; x{i}), ${RUNS} timed runs after ${WARMUP} warm-up run(s) of each, ${PYTHON}.`);
  console.log(loadLine());

  const lathe = async () => {
    const out = join(dir, 'lathe.ipynb');
    const r = await timed(process.execPath, [CLI, 'nb', 'run', input, '-o', out, '--python', PYTHON]);
    const last = lastResult(out);
    if (last !== expected) throw new Error(`lathe nb run: the last cell shows ${JSON.stringify(last)}, not ${expected}:\n${r.stderr}`);
    const ready = /ready in ([\d.]+) s/.exec(r.stderr);
    const cells = /cells? run in ([\d.]+) s/.exec(r.stderr);
    return { ms: r.ms, startMs: ready ? Number(ready[1]) * 1000 : null, cellsMs: cells ? Number(cells[1]) * 1000 : null };
  };
  const jupyter = async () => {
    const out = join(dir, 'jupyter.ipynb');
    const r = await timed(PYTHON, ['-m', 'nbconvert', '--to', 'notebook', '--execute', '--output', out, input], {
      ...process.env,
      PYDEVD_DISABLE_FILE_VALIDATION: '1',
    });
    const last = lastResult(out);
    if (last !== expected) throw new Error(`nbconvert: the last cell shows ${JSON.stringify(last)}, not ${expected}`);
    return { ms: r.ms };
  };

  for (let i = 0; i < WARMUP; i++) {
    await lathe();
    await jupyter();
  }
  const l = [];
  const j = [];
  for (let i = 0; i < RUNS; i++) {
    l.push(await lathe());
    j.push(await jupyter());
    console.log(`  run ${i + 1}: Lathe ${fmtMs(l.at(-1).ms)} (session start ${fmtMs(l.at(-1).startMs ?? NaN)}, cells ${fmtMs(l.at(-1).cellsMs ?? NaN)}), nbconvert ${fmtMs(j.at(-1).ms)}`);
  }

  const lm = l.map((x) => x.ms);
  const jm = j.map((x) => x.ms);
  const cellsMs = l.map((x) => x.cellsMs).filter((x) => x !== null);
  const startMs = l.map((x) => x.startMs).filter((x) => x !== null);
  console.log('');
  printTable(
    ['end to end', 'median', 'min', 'max'],
    [
      ['lathe nb run', fmtMs(median(lm)), fmtMs(min(lm)), fmtMs(max(lm))],
      ['jupyter nbconvert --execute', fmtMs(median(jm)), fmtMs(min(jm)), fmtMs(max(jm))],
      ['ratio', fmtRatio(median(lm) / median(jm)), fmtRatio(min(lm) / min(jm)), fmtRatio(max(lm) / max(jm))],
    ],
    { right: [1, 2, 3] },
  );
  const ratio = median(lm) / median(jm);
  console.log(
    `\nLathe's time: session start ${fmtMs(median(startMs))} and ${CELLS} cells ${fmtMs(median(cellsMs))} (${fmtMs(median(cellsMs) / CELLS)} a cell), medians; the rest is Node and the CLI starting, reading and writing.`,
  );
  console.log(`Goal: Lathe ≤ ${MAX_RATIO}× nbconvert end to end: ${fmtMs(median(lm))} vs ${fmtMs(median(jm))} (${fmtRatio(ratio)}): ${ratio <= MAX_RATIO ? 'met' : 'MISSED'}.\n`);

  const figures = [
    figure(`run all, ${CELLS} cells, end to end (median)`, median(lm), 'ms', {
      peer: median(jm),
      maxRatio: MAX_RATIO,
      label: `nbconvert ${fmtMs(median(jm))}; goal ≤ ${MAX_RATIO}×`,
    }),
    figure(`run all, ${CELLS} cells, excluding session start (median)`, median(cellsMs), 'ms', {
      label: `session start ${fmtMs(median(startMs))}`,
    }),
  ];
  printFigures(figures);
  return { bench: 'nb-run-all', at: new Date().toISOString(), machine: machine({ python: PYTHON, cells: CELLS }), figures, lathe: l, jupyter: j };
});
