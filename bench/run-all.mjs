/**
 * bench/run-all.mjs: every benchmark in bench/, one after another, and a summary.
 *
 * Builds once (`npx electron-vite build`, unless --no-build), then runs startup.mjs, bundle-size.mjs,
 * tree-100k.mjs, repl-roundtrip.mjs, flood.mjs, session-start.mjs, nb-run-all.mjs, notebook-open.mjs, onnx-latency.mjs, graph-view.mjs, profile-parse.mjs, profile-timeline.mjs, grad-overhead.mjs, grad-panel.mjs and load.mjs, each in
 * its own process with --no-build (their own output is shown as it comes), and prints a summary table of figure, goal or
 * peer, and ratio. The same goes to bench/.results/latest.json (git-ignored), with each benchmark's full
 * results. --runs N goes to the benchmarks that repeat slow runs (not to bundle-size, which has none, nor
 * to repl-roundtrip, whose 500 short runs make its p99).
 *
 * Exit code 0 even when goals are missed ("MISSED"); non-zero only when a benchmark could not run
 * (the others still run).
 *
 * Usage: node bench/run-all.mjs [--runs N] [--no-build] [--help]    (npm run bench)
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, build, cli, fmtMs, loadLine, machine, now, printFigures, runBenchmark } from './lib.mjs';

const BENCHMARKS = ['startup', 'bundle-size', 'tree-100k', 'repl-roundtrip', 'flood', 'session-start', 'nb-run-all', 'notebook-open', 'onnx-latency', 'graph-view', 'profile-parse', 'profile-timeline', 'grad-overhead', 'grad-panel', 'load'];
/** Those that take --runs from here. */
const TAKES_RUNS = new Set(['startup', 'tree-100k', 'flood', 'session-start', 'nb-run-all', 'notebook-open', 'onnx-latency']);
const RESULTS = join(REPO, 'bench', '.results');

const args = cli(import.meta.url, { runs: { type: 'string' } });

await runBenchmark(args, async () => {
  build(args);
  mkdirSync(RESULTS, { recursive: true });
  console.log(loadLine());
  const results = [];
  for (const name of BENCHMARKS) {
    const json = join(RESULTS, `${name}.json`);
    rmSync(json, { force: true });
    console.log(`\n=== ${name} ${'='.repeat(Math.max(0, 60 - name.length))}\n`);
    const t0 = now();
    const r = spawnSync(
      process.execPath,
      [join(REPO, 'bench', `${name}.mjs`), '--no-build', '--json', json, ...(args.runs && TAKES_RUNS.has(name) ? ['--runs', args.runs] : [])],
      { cwd: REPO, stdio: 'inherit' },
    );
    const seconds = (now() - t0) / 1000;
    if (r.status === 0) {
      results.push({ ...JSON.parse(readFileSync(json, 'utf8')), seconds });
    } else {
      results.push({ bench: name, error: `exited with ${r.status ?? r.signal}: the benchmark could not run (see its output above)`, seconds });
    }
  }

  const figures = results.flatMap((r) => (r.figures ?? []).map((f) => ({ bench: r.bench, ...f })));
  console.log(`\n=== summary ${'='.repeat(53)}\n`);
  printFigures(figures, { bench: true });
  for (const r of results.filter((x) => x.error)) console.log(`${r.bench}: ${r.error}`);
  console.log(`\n(${results.map((r) => `${r.bench} ${fmtMs(r.seconds * 1000)}`).join(', ')})`);

  const latest = join(RESULTS, 'latest.json');
  const summary = { at: new Date().toISOString(), machine: machine(), summary: figures, results };
  writeFileSync(latest, JSON.stringify(summary, null, 2) + '\n');
  console.log(`Written: ${latest}`);
  const failed = results.filter((x) => x.error);
  if (failed.length) throw new Error(`${failed.map((f) => f.bench).join(', ')} could not run`);
  return summary;
});
