/**
 * bench/profile-parse.mjs: Lathe's Chrome-trace parser (`parseTrace`, src-main/common/onnx/profile-trace.ts)
 * on an 18 MB+ real onnxruntime trace, against `JSON.parse` of the same text alone.
 *
 * Goal (issue 6): parseTrace ≤ 2× JSON.parse (it does JSON.parse, then one pass over the events into the
 * op table, the op-type table, the runs and the packed timeline).
 * - The trace: a 400-node model (chains of MatMul/Add/Relu/Mul/Sigmoid/Tanh/Sub/Abs on [1, 64], generated with
 *   /usr/bin/python3 and onnx.helper), profiled for --runs runs (default 80) by onnxruntime-node in a child
 *   process (src-main/common/onnx/__fixtures__/traces/ort-profile.mjs: CPU EP, optimisation 'disabled', one
 *   intra-op thread). ORT's own output, untouched: about 600 bytes per node event, so 80 runs (32k events)
 *   make about 19.5 MB (50 runs make 12 MB).
 * - parseTrace is bundled from the TypeScript source with Vite (SSR build, as test/build-children.ts does) into
 *   a temp dir and imported; the electron-vite build is not needed (--no-build is accepted and changes nothing).
 * - Timing: JSON.parse(text) in a block of one untimed then --rounds (default 5) timed calls, then parseTrace(text)
 *   likewise, on the same string; the figures are the medians. (Blocks, not alternation: see below.)
 *
 * Exit code 0 even when the goal is missed ("MISSED"); non-zero only when the benchmark could not run.
 *
 * Usage: node bench/profile-parse.mjs [--runs N] [--rounds N] [--no-build] [--json FILE] [--help]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build as viteBuild } from 'vite';
import { makeChainTrace } from './lib-traces.mjs';
import { REPO, cli, figure, fmtBytes, fmtMs, fmtRatio, loadLine, machine, median, now, printFigures, printTable, runBenchmark, tempDir } from './lib.mjs';

const args = cli(import.meta.url, {
  runs: { type: 'string', default: '80' },
  rounds: { type: 'string', default: '5' },
});
const RUNS = Math.max(1, Number(args.runs) || 80);
const ROUNDS = Math.max(1, Number(args.rounds) || 5);
const NODES = 400;


/** parseTrace, bundled from source by Vite (SSR, ES module) and imported. */
async function loadParser(dir) {
  await viteBuild({
    configFile: false,
    logLevel: 'warn',
    root: REPO,
    build: {
      ssr: true,
      outDir: dir,
      emptyOutDir: false,
      minify: false,
      rollupOptions: {
        input: { 'profile-trace': join(REPO, 'src-main', 'common', 'onnx', 'profile-trace.ts') },
        output: { format: 'es', entryFileNames: '[name].mjs' },
      },
    },
  });
  return (await import(pathToFileURL(join(dir, 'profile-trace.mjs')).href)).parseTrace;
}

await runBenchmark(args, async () => {
  const dir = tempDir('lathe-bench-profile-');
  console.log(loadLine());
  console.log(`Generating a ${NODES}-node model (onnx.helper) and profiling ${RUNS} runs with onnxruntime-node…`);
  const model = join(dir, 'chain400.onnx');
  const trace = join(dir, 'chain400.trace.json');
  makeChainTrace(model, trace, { nodes: NODES, runs: RUNS });
  const text = readFileSync(trace, 'utf8');
  const bytes = Buffer.byteLength(text);
  console.log(`Trace: ${fmtBytes(bytes)}.`);
  if (bytes < 18_000_000) console.log(`(under 18 MB: more --runs make it bigger)`);

  const parseTrace = await loadParser(join(dir, 'build'));

  // Warm-up (untimed), and a check that the parser read what it should.
  const events = JSON.parse(text).length;
  const first = parseTrace(text);
  if (!first.ok) throw new Error(`parseTrace failed on ORT's own trace: ${first.message}`);
  const s = first.value.summary;
  if (s.nodes.length !== NODES || s.runs.length !== RUNS) throw new Error(`parseTrace read ${s.nodes.length} nodes and ${s.runs.length} runs; expected ${NODES} and ${RUNS}`);
  console.log(`parseTrace: ${s.events.toLocaleString('en-US')} events (of ${events.toLocaleString('en-US')}), ${s.nodes.length} nodes, ${s.ops.length} op types, ${s.runs.length} runs, ${(s.timeline.spans.length / 4).toLocaleString('en-US')} timeline spans.\n`);

  // Each in a block of its own: one untimed call, then ROUNDS timed calls. Alternating single calls would
  // hand V8's major GC (of the previous call's ~100 MB of parsed objects) to whichever call crosses the heap
  // limit, the same one every round (measured here: parseTrace 2.0× when alternated, 1.1× in blocks).
  let sink = 0;
  const block = (label, fn) => {
    sink += fn();
    const times = [];
    for (let i = 0; i < ROUNDS; i++) {
      const t0 = now();
      sink += fn();
      times.push(now() - t0);
    }
    console.log(`  ${label}: ${times.map(fmtMs).join(', ')}`);
    return times;
  };
  const json = block('JSON.parse', () => JSON.parse(text).length);
  const parse = block('parseTrace', () => {
    const r = parseTrace(text);
    return r.ok ? r.value.summary.events : 0;
  });
  if (sink === 0) throw new Error('nothing parsed');

  const jsonMs = median(json);
  const parseMs = median(parse);
  console.log('');
  printTable(
    [`median of ${ROUNDS}`, 'time', 'MB/s', 'ratio'],
    [
      ['JSON.parse alone', fmtMs(jsonMs), (bytes / 1e3 / jsonMs).toFixed(0), ''],
      ['parseTrace (JSON.parse + tables + timeline)', fmtMs(parseMs), (bytes / 1e3 / parseMs).toFixed(0), fmtRatio(parseMs / jsonMs)],
    ],
    { right: [1, 2, 3] },
  );
  console.log('');
  const figures = [figure(`parse ${(bytes / 1e6).toFixed(1)} MB ORT trace`, parseMs, 'ms', { peer: jsonMs, maxRatio: 2, label: `JSON.parse alone ${fmtMs(jsonMs)}; goal ≤ 2×` })];
  printFigures(figures);
  return {
    bench: 'profile-parse',
    at: new Date().toISOString(),
    machine: machine({ runs: RUNS, rounds: ROUNDS, nodes: NODES }),
    figures,
    trace: { bytes, events, nodes: s.nodes.length, runs: s.runs.length, spans: s.timeline.spans.length / 4 },
    rounds: { json, parse },
  };
});
