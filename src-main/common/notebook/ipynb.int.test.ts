/**
 * Lathe's notebook writer against Jupyter's own: `/usr/bin/python3` with nbformat validates what Lathe
 * writes, and rewrites it (nbformat.reads + nbformat.writes, as Jupyter's open + save) to the same bytes.
 * Also checks the pieces of Python's behaviour the writer mirrors (float repr, str.splitlines, key order
 * and string escapes) on many generated values.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RunOutput } from '../contract';
import type { Result } from '../result';
import { newCellId, newNotebook, parseNotebook, pythonFloat, serializeNotebook, splitLines } from './ipynb';
import type { NbCell, Notebook } from './nbformat';
import { appendOutputs } from './outputs';

const PYTHON = '/usr/bin/python3';

function canImport(module: string): boolean {
  try {
    execFileSync(PYTHON, ['-c', `import ${module}`], { stdio: 'ignore', timeout: 60_000 });
    return true;
  } catch {
    return false;
  }
}

const hasNbformat = existsSync(PYTHON) && canImport('nbformat');
if (!hasNbformat) console.warn(`[skip] ${PYTHON} with nbformat is missing: run scripts/setup-system.sh (Jupyter's checks of the .ipynb writer are skipped)`);

const JUDGE = `
import json, struct, sys, warnings
import nbformat
warnings.simplefilter("ignore")
req = json.loads(sys.stdin.buffer.read().decode("utf-8"))
out = {}
res = []
for text in req.get("notebooks", []):
    try:
        nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
        nbformat.validate(nb)
        res.append({"error": None, "jupyter": nbformat.writes(nb) + "\\n"})
    except Exception as e:
        res.append({"error": "%s: %s" % (type(e).__name__, str(e)[:500]), "jupyter": None})
out["notebooks"] = res
out["floats"] = [repr(struct.unpack("<d", bytes.fromhex(h))[0]) for h in req.get("floats", [])]
out["lines"] = [s.splitlines(True) for s in req.get("lines", [])]
sys.stdout.write(json.dumps(out))
`;

interface Verdict {
  notebooks: { error: string | null; jupyter: string | null }[];
  floats: string[];
  lines: string[][];
}

function judge(req: { notebooks?: string[]; floats?: string[]; lines?: string[] }): Verdict {
  return JSON.parse(execFileSync(PYTHON, ['-c', JUDGE], { input: JSON.stringify(req), encoding: 'utf8', timeout: 60_000, maxBuffer: 64 << 20 })) as Verdict;
}

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

/** A small deterministic PRNG (mulberry32), so a failure can be replayed. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXTURES = join(__dirname, '__fixtures__');
const fixture = (name: string): string => readFileSync(join(FIXTURES, name), 'utf8');

/** A notebook built in Lathe: cells of every kind, outputs as a run makes them. */
function built(): Notebook {
  const nb = newNotebook({ pythonVersion: '3.11.2' });
  const run: RunOutput[] = [
    { type: 'stream', name: 'stdout', text: 'epoch 1\n  0%|' },
    { type: 'stream', name: 'stdout', text: '\r 50%|#####' },
    { type: 'stream', name: 'stdout', text: '\r100%|##########|\n' },
    { type: 'stream', name: 'stderr', text: 'warning: ü\n' },
    { type: 'display_data', data: { 'text/plain': 'v1', 'text/html': '<b>v1</b>' }, metadata: {}, displayId: 'p1', update: false },
    { type: 'display_data', data: { 'text/plain': 'v2', 'text/html': '<b>v2</b>\n<i>x</i>' }, metadata: {}, displayId: 'p1', update: true },
    {
      type: 'display_data',
      data: { 'image/png': 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==\n', 'text/plain': '<Figure>' },
      metadata: { 'image/png': { width: 1, height: 1 } },
      displayId: null,
      update: false,
    },
    { type: 'display_data', data: { 'application/json': { a: [0.5, 2, null, 'x\ny'] }, 'application/vnd.plotly.v1+json': { data: [] } }, metadata: {}, displayId: null, update: false },
    { type: 'execute_result', count: 3, data: { 'text/plain': 'a\nb', 'text/markdown': '**x**' }, metadata: {} },
    { type: 'error', ename: 'ValueError', evalue: 'bad', traceback: ['\x1b[0;31mValueError\x1b[0m: bad', 'line\nwith newline'] },
  ];
  const cells: NbCell[] = [
    { cell_type: 'markdown', id: newCellId(), metadata: {}, source: '# Title\n\n![a](attachment:a.png)', attachments: { 'a.png': { 'image/png': 'iVBORw0KGgo=' } } },
    { cell_type: 'code', id: newCellId(), metadata: { tags: ['x'] }, source: 'for i in range(3):\n    print(i)\n', execution_count: 3, outputs: appendOutputs([], run) },
    { cell_type: 'raw', id: newCellId(), metadata: {}, source: '' },
  ];
  return { ...nb, cells: [...nb.cells, ...cells] };
}

describe.skipIf(!hasNbformat)("Jupyter's nbformat judges Lathe's writer", () => {
  it('every fixture, as Lathe writes it, validates and is what Jupyter writes', () => {
    const names = readdirSync(FIXTURES).filter((f) => f.endsWith('.ipynb') || f.endsWith('.json'));
    const ours = names.map((n) => serializeNotebook(value(parseNotebook(fixture(n)))));
    const verdict = judge({ notebooks: [...ours, ...names.map(fixture)] });
    names.forEach((name, i) => {
      const mine = verdict.notebooks[i]!;
      const theirs = verdict.notebooks[names.length + i]!;
      expect({ name, error: mine.error }).toEqual({ name, error: null });
      expect({ name, same: mine.jupyter === ours[i] }).toEqual({ name, same: true });
      // Jupyter's open + save of the original file gives what Lathe's does.
      expect({ name, same: theirs.jupyter === ours[i] }).toEqual({ name, same: true });
    });
  });

  it('a notebook built in Lathe (newNotebook, cells, outputs from appendOutputs) validates and is what Jupyter writes', () => {
    const nb44: Notebook = { ...built(), nbformat_minor: 4, cells: built().cells.map(({ id: _id, ...c }) => c as NbCell) };
    const texts = [serializeNotebook(built()), serializeNotebook(newNotebook({})), serializeNotebook(nb44)];
    const verdict = judge({ notebooks: texts });
    texts.forEach((text, i) => {
      expect(verdict.notebooks[i]!.error).toBeNull();
      expect(verdict.notebooks[i]!.jupyter).toBe(text);
    });
    expect(texts[0]).toContain('"100%|##########|\\n"');
    expect(texts[0]).not.toContain('transient');
  });

  it('formats floats as Python repr does (many generated doubles)', () => {
    const next = rng(20240611);
    const view = new DataView(new ArrayBuffer(8));
    const xs: number[] = [0, -0, 1, -1, 0.1, 0.2 + 0.1, 1e-4, 9.999999999999999e-5, 1e-5, 1e15, 9999999999999998, 1e16, 1e16 + 2, 2 ** 53, 2 ** 63, 5e-324, 2.2250738585072014e-308, 1.7976931348623157e308];
    for (let i = 0; i < 2000; i++) {
      view.setUint32(0, Math.floor(next() * 2 ** 32), true);
      view.setUint32(4, Math.floor(next() * 2 ** 32), true);
      const x = view.getFloat64(0, true);
      if (Number.isFinite(x)) xs.push(x);
    }
    for (let i = 0; i < 1000; i++) {
      const k = Math.floor(next() * 40) - 20;
      xs.push(Math.round(next() * 1e6) * 10 ** k, Math.floor(next() * 1e6) / 1000, -Math.floor(next() * 100));
    }
    const hex = xs.map((x) => {
      view.setFloat64(0, x, true);
      return Array.from(new Uint8Array(view.buffer), (b) => b.toString(16).padStart(2, '0')).join('');
    });
    const py = judge({ floats: hex }).floats;
    expect(py).toHaveLength(xs.length);
    const wrong = xs.map((x, i) => [x, pythonFloat(x), py[i]] as const).filter(([, mine, theirs]) => mine !== theirs);
    expect(wrong.slice(0, 10)).toEqual([]);
  });

  it('splits lines as Python str.splitlines(True) does (generated strings)', () => {
    const next = rng(7);
    const alphabet = ['a', 'b', ' ', '\n', '\r', '\r\n', '\v', '\f', '\x1c', '\x1d', '\x1e', '\x85', '\u2028', '\u2029', '\t', '\x1b', 'é', '😀'];
    const strings = Array.from({ length: 500 }, () => Array.from({ length: Math.floor(next() * 12) }, () => alphabet[Math.floor(next() * alphabet.length)]).join(''));
    const py = judge({ lines: strings }).lines;
    expect(py).toHaveLength(strings.length);
    strings.forEach((s, i) => expect({ s, lines: splitLines(s) }).toEqual({ s, lines: py[i] }));
  });

  it('orders keys and escapes strings as json.dumps does (generated metadata)', () => {
    const next = rng(99);
    const chars = ['a', 'B', '_', '"', '\\', '/', '\n', '\t', '\x00', '\x1f', '\x7f', 'é', 'ß', '中', '\ud7ff', '\ue000', '\uffff', '😀', '𝔸', '\u2028', ' '];
    const str = (n: number) => Array.from({ length: 1 + Math.floor(next() * n) }, () => chars[Math.floor(next() * chars.length)]).join('');
    const metadata: Record<string, string> = {};
    for (let i = 0; i < 300; i++) metadata[str(4)] = str(10);
    const text = serializeNotebook({ nbformat: 4, nbformat_minor: 5, metadata, cells: [] });
    const verdict = judge({ notebooks: [text] });
    expect(verdict.notebooks[0]!.error).toBeNull();
    expect(verdict.notebooks[0]!.jupyter).toBe(text);
  });
});
