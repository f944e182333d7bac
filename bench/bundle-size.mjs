/**
 * bench/bundle-size.mjs: the size of the renderer's main chunk, minified, against the goal ≤ 5 MB.
 *
 * Builds first (`npx electron-vite build`) unless --no-build, then reads out/renderer/index.html:
 * - the entry chunk (its <script type="module" src>): bytes and MB (10^6 bytes), minified, as served
 *   (the server does not compress; gzip is shown for context only). Ratio = entry chunk / 5 MB.
 * - loaded before first paint: the entry plus its static imports (the modulepreload links of
 *   index.html, and any `import … from "./x.js"` of those chunks), and the render-blocking stylesheets.
 * - for context: Monaco's lazily loaded chunks (the dynamic import the editor does, its workers and
 *   language chunks) and the total size of out/renderer.
 *
 * Exit code 0 even when the goal is missed ("MISSED"); non-zero only when it could not run.
 *
 * Usage: node bench/bundle-size.mjs [--no-build] [--json FILE] [--help]
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { gzipSync } from 'node:zlib';
import { MB, REPO, build, cli, figure, fmtBytes, machine, printFigures, printTable, runBenchmark } from './lib.mjs';

const GOAL_BYTES = 5 * MB;
const OUT = join(REPO, 'out', 'renderer');

const args = cli(import.meta.url);

const size = (rel) => statSync(join(OUT, rel)).size;
const gzip = (rel) => gzipSync(readFileSync(join(OUT, rel))).length;
const sum = (rels) => rels.reduce((a, r) => a + size(r), 0);

/** `./assets/x.js` (relative to `from`, a path under out/renderer) → `assets/x.js`. */
const resolveRel = (from, spec) => posix.normalize(posix.join(posix.dirname(from), spec));

function attrs(tag) {
  return Object.fromEntries([...tag.matchAll(/([\w-]+)(?:=("[^"]*"|'[^']*'|[^\s>]+))?/g)].map((m) => [m[1].toLowerCase(), (m[2] ?? '').replace(/^["']|["']$/g, '')]));
}

function parseIndex() {
  const html = readFileSync(join(OUT, 'index.html'), 'utf8');
  const tags = [...html.matchAll(/<(script|link)\b[^>]*>/gi)].map((m) => ({ name: m[1].toLowerCase(), ...attrs(m[0]) }));
  const entries = tags.filter((t) => t.name === 'script' && t.type === 'module' && t.src).map((t) => resolveRel('index.html', t.src));
  if (entries.length !== 1) throw new Error(`expected one module script in out/renderer/index.html, found ${entries.length}`);
  return {
    entry: entries[0],
    preloads: tags.filter((t) => t.name === 'link' && t.rel === 'modulepreload').map((t) => resolveRel('index.html', t.href)),
    styles: tags.filter((t) => t.name === 'link' && t.rel === 'stylesheet').map((t) => resolveRel('index.html', t.href)),
  };
}

/** A chunk's imports, read from Vite's minified output: static ones, and the ones loaded later. */
function importsOf(rel) {
  const code = readFileSync(join(OUT, rel), 'utf8');
  // Only relative specifiers that name a built file count (minified code has look-alikes in strings).
  const local = (spec) => {
    const f = spec.startsWith('.') ? resolveRel(rel, spec) : null;
    return f && existsSync(join(OUT, f)) ? f : null;
  };
  const statics = [...code.matchAll(/(?:\bfrom|\bimport)\s*["']([^"']+\.js)["']/g)].map((m) => local(m[1]));
  // Dynamic imports: import("./x.js"), Vite's preload lists (__vite__mapDeps), and workers (new URL(`x.js`, import.meta.url)).
  const lazy = [
    ...[...code.matchAll(/\bimport\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]),
    ...[...code.matchAll(/m\.f=\[([^\]]*)\]/g)].flatMap((m) => [...m[1].matchAll(/["']([^"']+)["']/g)].map((s) => s[1])),
    ...[...code.matchAll(/new URL\(\s*["'`]([^"'`]+)["'`]\s*,\s*import\.meta\.url/g)].map((m) => `./${m[1].replace(/^\.\//, '')}`),
  ].map(local);
  return { statics: statics.filter(Boolean), lazy: lazy.filter(Boolean) };
}

/** Every file reachable from `roots`, following `edges(file)`. */
function closure(roots, edges) {
  const seen = new Set();
  const stack = [...roots];
  while (stack.length > 0) {
    const f = stack.pop();
    if (seen.has(f)) continue;
    seen.add(f);
    if (f.endsWith('.js')) stack.push(...edges(f));
  }
  return seen;
}

function listFiles(dir, prefix = '') {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? listFiles(join(dir, d.name), `${prefix}${d.name}/`) : [`${prefix}${d.name}`],
  );
}

await runBenchmark(args, async () => {
  build(args);
  const { entry, preloads, styles } = parseIndex();
  const graph = new Map();
  const imports = (f) => {
    if (!graph.has(f)) graph.set(f, importsOf(f));
    return graph.get(f);
  };

  const initialJs = [...closure([entry, ...preloads], (f) => imports(f).statics)];
  const initial = new Set([...initialJs, ...styles]);
  // Everything loaded later, reachable from the first chunks through dynamic imports and workers.
  const lazyRoots = initialJs.flatMap((f) => imports(f).lazy).filter((f) => !initial.has(f));
  const lazy = [...closure(lazyRoots, (f) => [...imports(f).statics, ...imports(f).lazy])].filter((f) => !initial.has(f));
  // Monaco: what the editor's first dynamic import pulls in (its chunk, its static imports, their CSS).
  const monacoCore = [...closure(lazyRoots, (f) => imports(f).statics)].filter((f) => !initial.has(f));
  const workers = lazy.filter((f) => /\.worker-[^/]*\.js$/.test(f));
  const languages = lazy.filter((f) => !monacoCore.includes(f) && !workers.includes(f));
  const all = listFiles(OUT);

  console.log(`Renderer bundle (out/renderer), minified. MB = 10^6 bytes; the server sends files uncompressed (gzip for context).\n`);
  console.log(`Entry chunk: ${entry}  ${fmtBytes(size(entry))}, gzip ${fmtBytes(gzip(entry))}`);
  console.log(`Modulepreload links in index.html: ${preloads.length ? preloads.join(', ') : 'none'}\n`);

  console.log('Loaded before first paint (entry, its static imports, render-blocking CSS):');
  printTable(
    ['file', 'bytes', 'gzip'],
    [...initial].map((f) => [f, size(f).toLocaleString('en-US'), gzip(f).toLocaleString('en-US')]),
    { right: [1, 2] },
  );
  console.log(`total: JS ${fmtBytes(sum(initialJs))}; JS + CSS ${fmtBytes(sum([...initial]))}\n`);

  console.log('Loaded lazily (context):');
  const top = (files, n) =>
    files
      .sort((a, b) => size(b) - size(a))
      .slice(0, n)
      .map((f) => `${posix.basename(f)} ${(size(f) / MB).toFixed(2)} MB`)
      .join(', ');
  printTable(
    ['group', 'files', 'total', 'largest'],
    [
      ['Monaco (first editor opens)', monacoCore.length, fmtBytes(sum(monacoCore)), top(monacoCore, 3)],
      ['Monaco workers (on demand)', workers.length, fmtBytes(sum(workers)), top(workers, 3)],
      ['Monaco language chunks (modes, grammars)', languages.length, fmtBytes(sum(languages)), top(languages, 2)],
      ['all of out/renderer', all.length, fmtBytes(sum(all)), top(all, 2)],
    ],
    { right: [1, 2] },
  );
  const unreached = all.filter((f) => f !== 'index.html' && !initial.has(f) && !lazy.includes(f));
  if (unreached.length) console.log(`(not reached from the entry by this scan: ${unreached.map((f) => posix.basename(f)).join(', ')}, ${fmtBytes(sum(unreached))}: referenced from CSS)`);
  console.log('');

  const figures = [
    figure('main (entry) chunk, minified', size(entry), 'bytes', { goal: GOAL_BYTES, label: 'goal ≤ 5 MB' }),
    figure('loaded before first paint (JS)', sum(initialJs), 'bytes', { goal: GOAL_BYTES, label: 'goal ≤ 5 MB' }),
    figure('Monaco, lazy (first editor)', sum(monacoCore), 'bytes'),
    figure('renderer output, total', sum(all), 'bytes'),
  ];
  printFigures(figures);
  return {
    bench: 'bundle-size',
    at: new Date().toISOString(),
    machine: machine(),
    figures,
    files: { entry, preloads, styles, initialJs, monacoCore, workers, languages },
  };
});
