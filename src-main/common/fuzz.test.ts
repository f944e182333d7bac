/**
 * Property-based fuzzing (fast-check) of every pure parser: `parseNotebook`, `parseNpy`, `parseTrace`, the OSC
 * marker stream (`OscParser`) and the ONNX summary `parseModel`.
 *
 * For each parser, these families of cases, each run with a fixed seed (so CI is deterministic):
 * - arbitrary input (bytes or strings, some shaped to get past the first checks: npy's magic and header dict,
 *   JSON syntax, protobuf fields; and inputs built from parts: notebooks, trace events, tensors, ModelProtos
 *   encoded by protobufjs, marker streams);
 * - mutations of the valid inputs in the parser's `__fixtures__` (bytes or UTF-16 units flipped, set, cut,
 *   inserted, repeated, the tail cut off; for the JSON formats also the parsed structure mutated (a key dropped,
 *   added or retyped, an item duplicated, a value swapped for a weird one) and serialised again).
 * Properties: the parser never throws (a `Result`: ok, or err with a known code and a non-empty message; the
 * OSC parser: items, a malformed one with a reason), never hangs (the slowest case is measured and asserted under
 * MAX_CASE_MS), and the round trips are identities (npy write → parse, ipynb serialise → parse → serialise;
 * the OSC stream gives the same items however it is chunked, and keeps every byte of text).
 * The counts per parser (cases, ok, err, slowest case) are printed at the end, and asserted.
 *
 * Default: CASES cases per parser (10,000; about half arbitrary or built, half mutations; ipynb counts its round
 * trips' parses too): about 20 s for the whole file on a 2-core machine. `LATHE_LONG=1` runs 10× as many
 * (about 2 minutes). `LATHE_FUZZ_SEED=<n>` tries another seed (a failure prints its seed and path for
 * fast-check's replay; failures are not shrunk, to keep a failing run short).
 *
 * Every failure found is a file under the parser's `__fixtures__/fuzz/` with its regression test below.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import protobuf from 'protobufjs';
import { afterAll, describe, expect, it } from 'vitest';
import { joinSource, parseNotebook, serializeNotebook } from './notebook/ipynb';
import type { Notebook } from './notebook/nbformat';
import { ONNX_PROTO } from './onnx/onnx-proto';
import { parseModel } from './onnx/parse-model';
import { parseTrace } from './onnx/profile-trace';
import { encodeMarker, OscParser, type OscItem } from './osc';
import type { DriverMessage } from './protocols/repl';
import { ERROR_CODES, type Result } from './result';
import type { NumericDType } from './tensor/dtypes';
import { parseNpy, writeNpy } from './tensor/npy';
import type { Tensor } from './tensor/tensor-types';

const LONG = process.env.LATHE_LONG === '1';
const CASES = LONG ? 100_000 : 10_000;
const SEED = Number(process.env.LATHE_FUZZ_SEED ?? 20260808);
/** Per test (one property): about 7 s at most here, by default. */
const TIMEOUT_MS = LONG ? 900_000 : 90_000;
/** No single case may take this long (most take well under 1 ms; the slowest, a GC pause or a large fixture, ~0.2 s). */
const MAX_CASE_MS = 1000;

const HERE = __dirname;
const NOTEBOOK_FIXTURES = join(HERE, 'notebook', '__fixtures__');
const NPY_FIXTURES = join(HERE, 'tensor', '__fixtures__');
const ONNX_FIXTURES = join(HERE, 'onnx', '__fixtures__');
const TRACE_FIXTURES = join(ONNX_FIXTURES, 'traces');
const OSC_FIXTURES = join(HERE, '__fixtures__', 'osc');

// --- bookkeeping ------------------------------------------------------------------------------------------

interface Stats {
  cases: number;
  ok: number;
  err: number;
  maxMs: number;
}
const stats = new Map<string, Stats>();
const statsOf = (parser: string): Stats => {
  let s = stats.get(parser);
  if (!s) stats.set(parser, (s = { cases: 0, ok: 0, err: 0, maxMs: 0 }));
  return s;
};

const CODES = new Set<string>(ERROR_CODES);

/** Runs `parse` once, timed, and checks its Result: never a throw, an err has a known code and a message. */
function timed<T>(parser: string, parse: () => Result<T>): Result<T> {
  const s = statsOf(parser);
  const t0 = performance.now();
  let r: Result<T>;
  try {
    r = parse();
  } finally {
    const ms = performance.now() - t0;
    if (ms > s.maxMs) s.maxMs = ms;
    s.cases++;
  }
  if (r.ok) s.ok++;
  else {
    s.err++;
    if (!CODES.has(r.code) || typeof r.message !== 'string' || r.message.trim() === '') {
      throw new Error(`${parser}: a failure without a known code or a message: ${JSON.stringify(r)}`);
    }
  }
  return r;
}

const params = (numRuns: number): fc.Parameters<unknown> => ({ numRuns, seed: SEED, endOnFailure: true });
const half = Math.ceil(CASES / 2);

afterAll(() => {
  const rows = [...stats].map(([parser, s]) => `  ${parser.padEnd(14)} cases ${String(s.cases).padStart(6)}  ok ${String(s.ok).padStart(6)}  err ${String(s.err).padStart(6)}  max ${s.maxMs.toFixed(1)} ms`);
  console.log(`fuzz (seed ${SEED}, ${CASES} cases per parser):\n${rows.join('\n')}`);
});

/** The counts a parser's suite must reach: every case ran, some of each outcome, none slow. */
function expectCounts(parser: string, { okAtLeast = 1, errAtLeast = 1 } = {}): void {
  const s = statsOf(parser);
  expect(s.cases, `${parser} cases`).toBeGreaterThanOrEqual(CASES);
  expect(s.ok + s.err, `${parser} outcomes`).toBe(s.cases);
  expect(s.ok, `${parser} ok`).toBeGreaterThanOrEqual(okAtLeast);
  expect(s.err, `${parser} err`).toBeGreaterThanOrEqual(errAtLeast);
  expect(s.maxMs, `${parser}: slowest case (ms)`).toBeLessThan(MAX_CASE_MS);
}

// --- mutations --------------------------------------------------------------------------------------------

/** One edit of a byte (or UTF-16 unit) sequence; positions are taken modulo the length. */
type Edit =
  | { readonly op: 'flip'; readonly at: number; readonly bit: number }
  | { readonly op: 'set'; readonly at: number; readonly value: number }
  | { readonly op: 'cut'; readonly at: number; readonly len: number }
  | { readonly op: 'insert'; readonly at: number; readonly values: readonly number[] }
  | { readonly op: 'truncate'; readonly at: number }
  | { readonly op: 'repeat'; readonly at: number; readonly len: number };

/** Positions: half near the start (headers live there), half anywhere. */
const position = fc.oneof(fc.nat(96), fc.nat());
const editArb = (maxValue: number): fc.Arbitrary<Edit> =>
  fc.oneof(
    fc.record({ op: fc.constant('flip' as const), at: position, bit: fc.nat(15) }),
    fc.record({ op: fc.constant('set' as const), at: position, value: fc.oneof(fc.nat(maxValue), fc.constantFrom(0, 0x7f, 0x80, 0xff, 0x22, 0x5c, 0x7b, 0x5d)) }),
    fc.record({ op: fc.constant('cut' as const), at: position, len: fc.integer({ min: 1, max: 64 }) }),
    fc.record({ op: fc.constant('insert' as const), at: position, values: fc.array(fc.nat(maxValue), { minLength: 1, maxLength: 16 }) }),
    fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('repeat' as const), at: position, len: fc.integer({ min: 1, max: 32 }) }),
  );
const editsArb = (maxValue: number): fc.Arbitrary<Edit[]> => fc.array(editArb(maxValue), { minLength: 1, maxLength: 6 });

function applyEdits(input: readonly number[] | Uint8Array, edits: readonly Edit[], mask: number): number[] {
  let a = Array.from(input);
  for (const e of edits) {
    const at = a.length === 0 ? 0 : e.at % (a.length + (e.op === 'insert' ? 1 : 0));
    switch (e.op) {
      case 'flip':
        if (a.length > 0) a[at] = ((a[at] as number) ^ (1 << e.bit)) & mask;
        break;
      case 'set':
        if (a.length > 0) a[at] = e.value & mask;
        break;
      case 'cut':
        a.splice(at, e.len);
        break;
      case 'insert':
        a.splice(at, 0, ...e.values.map((v) => v & mask));
        break;
      case 'truncate':
        a = a.slice(0, at);
        break;
      case 'repeat':
        a.splice(at, 0, ...a.slice(at, at + e.len));
        break;
    }
  }
  return a;
}

const mutateBytes = (bytes: Uint8Array, edits: readonly Edit[]): Uint8Array => Uint8Array.from(applyEdits(bytes, edits, 0xff));
/** UTF-16 units edited (lone surrogates and control characters included), on the string itself: fixtures are large. */
function mutateText(text: string, edits: readonly Edit[]): string {
  let s = text;
  const unit = (v: number): string => String.fromCharCode(v & 0xffff);
  for (const e of edits) {
    const at = s.length === 0 ? 0 : e.at % (s.length + (e.op === 'insert' ? 1 : 0));
    switch (e.op) {
      case 'flip':
        if (s.length > 0) s = s.slice(0, at) + unit(s.charCodeAt(at) ^ (1 << e.bit)) + s.slice(at + 1);
        break;
      case 'set':
        if (s.length > 0) s = s.slice(0, at) + unit(e.value) + s.slice(at + 1);
        break;
      case 'cut':
        s = s.slice(0, at) + s.slice(at + e.len);
        break;
      case 'insert':
        s = s.slice(0, at) + e.values.map(unit).join('') + s.slice(at);
        break;
      case 'truncate':
        s = s.slice(0, at);
        break;
      case 'repeat':
        s = s.slice(0, at) + s.slice(at, at + e.len) + s.slice(at);
        break;
    }
  }
  return s;
}

/** Values a mutation puts into a JSON document: arbitrary JSON, and the ones parsers trip on. */
const WEIRD_VALUES: readonly unknown[] = [
  -1, 0, 0.5, -0.5, 1e308, -1e308, 2 ** 53 + 2, 1e-320, '', 'toString', '__proto__', [], {}, null, true, false,
  { toString: 1 }, { valueOf: {}, toString: {} }, [[[[[]]]]], { '': '' }, '\u0000\ud800\u2028', 'x'.repeat(2000),
];
const weirdValue: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(...WEIRD_VALUES));
const weirdKey: fc.Arbitrary<string> = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'toString', '__lathe_numbers__', 'trusted', 'signature', 'orig_nbformat', 'transient', '/', '~', 'source', 'outputs', 'metadata', 'ts', 'dur', 'cat', 'ph', 'name', 'tid', 'pid', 'args'));

/** One structural mutation: a path walked down by `steps`, then an operation at its end. */
interface JsonEdit {
  readonly steps: readonly number[];
  readonly op: number;
  readonly key: string;
  readonly value: unknown;
}
const jsonEditArb: fc.Arbitrary<JsonEdit> = fc.record({ steps: fc.array(fc.nat(), { maxLength: 7 }), op: fc.nat(6), key: weirdKey, value: weirdValue });
const jsonEditsArb = fc.array(jsonEditArb, { minLength: 1, maxLength: 4 });

type Json = unknown;
const isContainer = (v: Json): v is Record<string, Json> | Json[] => typeof v === 'object' && v !== null;
const setOwn = (o: Record<string, Json>, k: string, v: Json): void => void Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });

/** A copy of `root` with one edit applied; only the containers on the path are copied. */
function mutateJson(root: Json, edit: JsonEdit): Json {
  const go = (node: Json, depth: number): Json => {
    if (!isContainer(node)) return editLeaf(node, edit);
    const keys = Object.keys(node);
    const step = edit.steps[depth];
    if (step === undefined || keys.length === 0) return editContainer(node, edit);
    const k = keys[step % keys.length] as string;
    if (Array.isArray(node)) {
      const copy = node.slice();
      copy[Number(k)] = go(node[Number(k)], depth + 1);
      return copy;
    }
    const copy: Record<string, Json> = {};
    for (const key of keys) setOwn(copy, key, key === k ? go(node[key], depth + 1) : node[key]);
    return copy;
  };
  return go(root, 0);
}

function editLeaf(v: Json, edit: JsonEdit): Json {
  switch (edit.op) {
    case 0:
      return edit.value;
    case 1:
      return typeof v === 'number' ? [-v, v + 0.5, v * 1e300, -1, 2 ** 53 + 1][edit.key.length % 5] : typeof v === 'string' ? v + edit.key : edit.value;
    case 2:
      return [v];
    case 3:
      return typeof v === 'string' ? v.slice(0, edit.key.length) : String(v);
    default:
      return { [edit.key]: v };
  }
}

function editContainer(v: Record<string, Json> | Json[], edit: JsonEdit): Json {
  if (Array.isArray(v)) {
    const copy = v.slice();
    const at = v.length === 0 ? 0 : edit.key.length % v.length;
    switch (edit.op) {
      case 0:
        copy.splice(at, 1);
        return copy;
      case 1:
        copy.splice(at, 0, v[at] ?? edit.value);
        return copy;
      case 2:
        copy.splice(at, 1, edit.value);
        return copy;
      case 3:
        return copy.reverse();
      case 4:
        return edit.value;
      default:
        copy.push(edit.value);
        return copy;
    }
  }
  const keys = Object.keys(v);
  const copy: Record<string, Json> = {};
  const victim = keys.length > 0 ? keys[edit.key.length % keys.length] : undefined;
  for (const k of keys) if (!(edit.op === 0 && k === victim)) setOwn(copy, k, v[k]);
  if (edit.op === 1 || edit.op === 5) setOwn(copy, edit.key, edit.value);
  if (edit.op === 2 && victim !== undefined) setOwn(copy, victim, edit.value);
  if (edit.op === 3) return [v];
  if (edit.op === 4) return edit.value;
  return copy;
}

/** A mutated document's text (JSON.stringify writes an own `__proto__` key like any other). */
function stringify(v: Json, indent: number | undefined): string {
  return JSON.stringify(v, null, indent);
}

// --- ipynb ------------------------------------------------------------------------------------------------

const notebookFixtures = readdirSync(NOTEBOOK_FIXTURES)
  .filter((f) => f.endsWith('.ipynb') || f.endsWith('.json'))
  .sort()
  .map((name) => ({ name, text: readFileSync(join(NOTEBOOK_FIXTURES, name), 'utf8') }));
const parsedNotebookFixtures = notebookFixtures.map((f) => JSON.parse(f.text.replace(/^\uFEFF/, '').replace(/\bNaN\b|-?\bInfinity\b/g, 'null')) as Json);

/** After a successful parse: serialising never throws, and serialise → parse → serialise is the identity. */
function checkNotebookRoundTrip(nb: Notebook): void {
  const once = serializeNotebook(nb);
  const again = timed('ipynb', () => parseNotebook(once));
  if (!again.ok) throw new Error(`a serialised notebook does not parse: ${again.message}\n${once}`);
  const twice = serializeNotebook(again.value);
  if (twice !== once) throw new Error(`serialise → parse → serialise changed the text:\n${once}\n---\n${twice}`);
  nb.cells.forEach((cell, i) => {
    if (joinSource(again.value.cells[i]?.source ?? '') !== joinSource(cell.source)) throw new Error(`cell ${i + 1}'s source changed`);
  });
}

const jsonText = (chars: string): fc.Arbitrary<string> => fc.array(fc.constantFrom(...chars.split('')), { maxLength: 60 }).map((a) => a.join(''));
const JSON_CHARS = '{}[]:,"\\ \n0123456789.-+eEtrufalsnNIiybc\ufeff\u00e9';

/** A notebook built from parts: cells, outputs and metadata with arbitrary (also weird) keys and values. */
const sourceArb = fc.oneof(fc.string({ unit: 'binary', maxLength: 40 }), fc.array(fc.string({ unit: 'binary', maxLength: 12 }), { maxLength: 4 }));
const metaArb = fc.dictionary(weirdKey, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 4 }).map((d) => {
  const o: Record<string, Json> = {};
  for (const [k, v] of Object.entries(d)) setOwn(o, k, v);
  return o;
});
const outputArb = fc.oneof(
  fc.record({ output_type: fc.constant('stream'), name: fc.constantFrom('stdout', 'stderr'), text: sourceArb }),
  fc.record({ output_type: fc.constant('display_data'), data: fc.dictionary(fc.oneof(weirdKey, fc.constantFrom('text/plain', 'image/png', 'application/json', 'image/svg+xml')), fc.string({ unit: 'binary', maxLength: 20 }), { maxKeys: 3 }), metadata: metaArb }),
  fc.record({ output_type: fc.constant('execute_result'), execution_count: fc.option(fc.nat(99)), data: fc.constant({ 'text/plain': '1' }), metadata: metaArb }),
  fc.record({ output_type: fc.constant('error'), ename: fc.string({ maxLength: 8 }), evalue: fc.string({ maxLength: 8 }), traceback: fc.array(fc.string({ unit: 'binary', maxLength: 10 }), { maxLength: 3 }) }),
);
const cellArb = fc.oneof(
  fc.record({ cell_type: fc.constant('code'), execution_count: fc.option(fc.nat(99)), metadata: metaArb, outputs: fc.array(outputArb, { maxLength: 3 }), source: sourceArb }),
  fc.record({ cell_type: fc.constantFrom('markdown', 'raw'), metadata: metaArb, source: sourceArb }),
);
const notebookArb: fc.Arbitrary<Notebook> = fc
  .record({ cells: fc.array(cellArb, { maxLength: 4 }), metadata: metaArb, nbformat: fc.constant(4), nbformat_minor: fc.integer({ min: 0, max: 5 }) })
  .map((nb) => nb as unknown as Notebook);

/** The notebook's metadata as the file holds it: keys sorted by code point, transient ones left out. */
function canonical(v: Json): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isContainer(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, Json>)[k])}`).join(',')}}`;
  }
  return typeof v === 'number' && Object.is(v, -0) ? '0' : JSON.stringify(v);
}

describe('fuzz: parseNotebook', { timeout: TIMEOUT_MS }, () => {
  it('arbitrary text: never throws, never hangs', () => {
    const arb = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), jsonText(JSON_CHARS), fc.jsonValue({ maxDepth: 3 }).map((v) => stringify(v, 1)));
    fc.assert(
      fc.property(arb, (text) => {
        const r = timed('ipynb', () => parseNotebook(text));
        if (r.ok) checkNotebookRoundTrip(r.value);
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('generated notebooks: serialise → parse → serialise is the identity, metadata kept', () => {
    fc.assert(
      fc.property(notebookArb, (nb) => {
        const text = serializeNotebook(nb);
        const r = timed('ipynb', () => parseNotebook(text));
        expect(r.ok, r.ok ? '' : r.message).toBe(true);
        if (!r.ok) return;
        checkNotebookRoundTrip(r.value);
        const onDisk = JSON.parse(text.replace(/\bNaN\b|-?\bInfinity\b/g, 'null')) as { metadata: Json; cells: { metadata: Json; outputs?: { data?: object }[] }[] };
        const meta = { ...nb.metadata } as Record<string, Json>;
        for (const k of ['orig_nbformat', 'orig_nbformat_minor', 'signature']) delete meta[k];
        expect(canonical(onDisk.metadata)).toBe(canonical(meta));
        nb.cells.forEach((cell, i) => {
          const m = { ...cell.metadata } as Record<string, Json>;
          delete m.trusted;
          expect(canonical(onDisk.cells[i]?.metadata)).toBe(canonical(m));
          if (cell.cell_type !== 'code') return;
          cell.outputs.forEach((o, j) => {
            const written = (onDisk.cells[i] as { outputs?: { data?: object }[] }).outputs?.[j]?.data;
            if ('data' in o) expect(Object.keys(written ?? {}).sort()).toEqual(Object.keys(o.data).sort());
          });
        });
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('mutated fixtures (bytes and structure): never throws; what parses round-trips', () => {
    const arb = fc.record({
      fixture: fc.nat(notebookFixtures.length - 1),
      how: fc.oneof(
        editsArb(0xffff).map((edits) => ({ kind: 'text' as const, edits })),
        jsonEditsArb.map((edits) => ({ kind: 'json' as const, edits })),
      ),
      indent: fc.constantFrom(undefined, 1, 2),
    });
    fc.assert(
      fc.property(arb, ({ fixture, how, indent }) => {
        let text: string;
        if (how.kind === 'text') text = mutateText((notebookFixtures[fixture] as { text: string }).text, how.edits);
        else text = stringify(how.edits.reduce(mutateJson, parsedNotebookFixtures[fixture]), indent);
        const r = timed('ipynb', () => parseNotebook(text));
        if (r.ok) checkNotebookRoundTrip(r.value);
      }),
      params(half),
    );
  });

  it('counts', () => expectCounts('ipynb'));
});

// --- npy --------------------------------------------------------------------------------------------------

const npyFixtures = readdirSync(NPY_FIXTURES)
  .filter((f) => f.endsWith('.npy'))
  .sort()
  .map((name) => new Uint8Array(readFileSync(join(NPY_FIXTURES, name))));

/** An .npy file with the given header text and data (version 1, 2 or 3 length prefix). */
function npyFile(header: string, data: Uint8Array, version = 1): Uint8Array {
  const text = new TextEncoder().encode(header);
  const prefix = version === 1 ? 10 : 12;
  const out = new Uint8Array(prefix + text.length + data.length);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, version, 0]);
  for (let i = 0; i < prefix - 8; i++) out[8 + i] = Math.floor(text.length / 256 ** i) % 256;
  out.set(text, prefix);
  out.set(data, prefix + text.length);
  return out;
}

const descrArb = fc.oneof(
  fc.constantFrom('<f4', '>f8', '|b1', '<i8', '>u2', '|u1', '<f2', '<U1', '>U3', '<U0', '<U', '<U99999999', '|O', '<c8', 'V8', '<M8', '=i4', '|S3'),
  jsonText('<>|=fiubUOSVc0123456789'),
);
const dimArb = fc.oneof(fc.nat(5), fc.constantFrom(0, 1, 2 ** 31, 2 ** 53, 10 ** 15, -1));
const shapeText = fc.array(dimArb, { maxLength: 4 }).map((s) => (s.length === 1 ? `(${s[0]},)` : `(${s.join(', ')})`));
const headerArb = fc.oneof(
  fc.record({ d: descrArb, f: fc.constantFrom('True', 'False', 'None', '1'), s: fc.oneof(shapeText, jsonText('()[],0123456789L- ')) }).map(({ d, f, s }) => `{'descr': '${d}', 'fortran_order': ${f}, 'shape': ${s}, }\n`),
  jsonText("{}()[]'\":, descrfortan_ohpTuFlsN0123456789<>|UL-\\"),
  fc.string({ unit: 'binary', maxLength: 80 }),
);

const NUMERIC: readonly NumericDType[] = ['float16', 'float32', 'float64', 'int8', 'uint8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64', 'bool'];
const BYTES: Readonly<Record<NumericDType, number>> = { float16: 2, float32: 4, float64: 8, int8: 1, uint8: 1, int16: 2, uint16: 2, int32: 4, uint32: 4, int64: 8, uint64: 8, bool: 1 };
const CTORS: Readonly<Record<Exclude<NumericDType, 'bool'>, new (b: ArrayBuffer) => Tensor['data']>> = {
  float16: Uint16Array, float32: Float32Array, float64: Float64Array, int8: Int8Array, uint8: Uint8Array, int16: Int16Array,
  uint16: Uint16Array, int32: Int32Array, uint32: Uint32Array, int64: BigInt64Array, uint64: BigUint64Array,
};

/** A tensor numpy can hold: any numeric dtype with any bits (NaN payloads too), or unicode strings. */
const tensorArb: fc.Arbitrary<Tensor> = fc
  .record({ dtype: fc.constantFrom<NumericDType | 'string'>(...NUMERIC, 'string'), shape: fc.array(fc.nat(4), { maxLength: 4 }) })
  .chain(({ dtype, shape }) => {
    const count = shape.reduce((a, b) => a * b, 1);
    if (dtype === 'string') {
      // numpy strips trailing NULs: a value that ends in one does not come back as written.
      const value = fc.string({ unit: 'binary', maxLength: 6 }).filter((s) => !s.endsWith('\u0000'));
      return fc.array(value, { minLength: count, maxLength: count }).map((data): Tensor => ({ dtype, shape, data }));
    }
    const bytes = count * BYTES[dtype];
    return fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((raw): Tensor => {
      if (dtype === 'bool') return { dtype, shape, data: raw.map((b) => b & 1) };
      return { dtype, shape, data: new CTORS[dtype](raw.slice().buffer) };
    });
  });

describe('fuzz: parseNpy', { timeout: TIMEOUT_MS }, () => {
  it('arbitrary bytes and headers: never throws, never hangs', () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.record({ header: headerArb, data: fc.uint8Array({ maxLength: 64 }), version: fc.constantFrom(1, 2, 3) }).map(({ header, data, version }) => npyFile(header, data, version)),
    );
    fc.assert(
      fc.property(arb, (bytes) => {
        timed('npy', () => parseNpy(bytes));
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('write → parse is the identity', () => {
    fc.assert(
      fc.property(tensorArb, (t) => {
        const r = timed('npy', () => parseNpy(writeNpy(t)));
        expect(r.ok, r.ok ? '' : r.message).toBe(true);
        if (!r.ok) return;
        expect(r.value.dtype).toBe(t.dtype);
        expect(r.value.shape).toEqual(t.shape);
        if (t.dtype === 'string') expect(r.value.data).toEqual(t.data);
        else {
          const bytes = (d: Tensor['data']): Uint8Array => new Uint8Array((d as Uint8Array).buffer, (d as Uint8Array).byteOffset, (d as Uint8Array).byteLength);
          expect(bytes(r.value.data)).toEqual(bytes(t.data));
        }
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('mutated fixtures: never throws, never hangs', () => {
    fc.assert(
      fc.property(fc.nat(npyFixtures.length - 1), editsArb(0xff), (i, edits) => {
        timed('npy', () => parseNpy(mutateBytes(npyFixtures[i] as Uint8Array, edits)));
      }),
      params(half),
    );
  });

  it('counts', () => expectCounts('npy'));
});

// --- Chrome traces ----------------------------------------------------------------------------------------

const traceFixtures = [
  ...readdirSync(TRACE_FIXTURES)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(TRACE_FIXTURES, f)),
  join(ONNX_FIXTURES, 'relu-profile.json'),
].map((path) => readFileSync(path, 'utf8'));
const parsedTraceFixtures = traceFixtures.map((t) => JSON.parse(t) as Json);

/** Small traces built from events with the fields the parser reads, and any others. */
const eventArb = fc.record(
  {
    name: fc.oneof(fc.constantFrom('Conv_0_kernel_time', 'x_fence_before', 'model_run', 'ProfilerStep#1', 'aten::mm', '', 'toString'), weirdValue),
    cat: fc.oneof(fc.constantFrom('Node', 'Session', 'kernel', 'cpu_op', 'gpu_memcpy'), weirdValue),
    ph: fc.oneof(fc.constantFrom('X', 'B', 'E', 'M', 'i'), weirdValue),
    ts: fc.oneof(fc.double(), fc.nat(1000), weirdValue),
    dur: fc.oneof(fc.double(), fc.nat(1000), weirdValue),
    pid: fc.oneof(fc.nat(3), fc.constant('CPU functions'), weirdValue),
    tid: fc.oneof(fc.nat(3), weirdValue),
    args: fc.oneof(fc.record({ op_name: weirdValue, provider: fc.oneof(fc.constantFrom('CPUExecutionProvider', 'CUDAExecutionProvider'), weirdValue), input_type_shape: weirdValue, output_type_shape: weirdValue }, { requiredKeys: [] }), weirdValue),
  },
  { requiredKeys: [] },
);
const traceArb = fc.oneof(
  fc.array(fc.oneof(eventArb, weirdValue), { maxLength: 8 }),
  fc.record({ traceEvents: fc.array(eventArb, { maxLength: 8 }), lathe: weirdValue }, { requiredKeys: [] }),
  weirdValue,
);

describe('fuzz: parseTrace', { timeout: TIMEOUT_MS }, () => {
  it('arbitrary text and events: never throws, never hangs', () => {
    const arb = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), jsonText(JSON_CHARS), traceArb.map((v) => stringify(v, undefined)));
    fc.assert(
      fc.property(arb, (text) => {
        timed('trace', () => parseTrace(text));
      }),
      params(half),
    );
  });

  it('mutated fixtures (bytes and structure): never throws, never hangs', () => {
    const arb = fc.record({
      fixture: fc.nat(traceFixtures.length - 1),
      how: fc.oneof(
        editsArb(0xffff).map((edits) => ({ kind: 'text' as const, edits })),
        fc.array(fc.record({ steps: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), op: fc.nat(6), key: weirdKey, value: weirdValue }), { minLength: 1, maxLength: 4 }).map((edits) => ({ kind: 'json' as const, edits })),
      ),
    });
    fc.assert(
      fc.property(arb, ({ fixture, how }) => {
        const text = how.kind === 'text' ? mutateText(traceFixtures[fixture] as string, how.edits) : stringify(how.edits.reduce(mutateJson, parsedTraceFixtures[fixture]), undefined);
        timed('trace', () => parseTrace(text));
      }),
      params(half),
    );
  });

  it('counts', () => expectCounts('trace'));
});

// --- the OSC marker stream --------------------------------------------------------------------------------

const NONCE = 'n0nce';
const oscFixtures = readdirSync(OSC_FIXTURES)
  .filter((f) => f.endsWith('.in.txt'))
  .sort()
  .map((f) => ({ text: readFileSync(join(OSC_FIXTURES, f), 'utf8'), nonce: (JSON.parse(readFileSync(join(OSC_FIXTURES, f.replace('.in.txt', '.out.json')), 'utf8')) as { nonce: string }).nonce }));

/** Merges adjacent text items of the same stream, so results compare independently of chunking. */
function normalise(items: readonly OscItem[]): OscItem[] {
  const out: OscItem[] = [];
  for (const item of items) {
    const last = out[out.length - 1];
    if (item.k === 'text' && last?.k === 'text' && last.stream === item.stream) out[out.length - 1] = { ...last, text: last.text + item.text };
    else out.push(item);
  }
  return out;
}

/** Parses `input` cut at `cuts` (positions modulo its length), timed; every item is checked. */
function parseOsc(input: string, nonce: string, cuts: readonly number[]): OscItem[] {
  const s = statsOf('osc');
  const at = [...new Set(cuts.map((c) => (input.length === 0 ? 0 : c % input.length)))].sort((a, b) => a - b);
  const p = new OscParser(nonce);
  const items: OscItem[] = [];
  const t0 = performance.now();
  try {
    let from = 0;
    for (const c of [...at, input.length]) {
      items.push(...p.push(input.slice(from, c)));
      from = c;
    }
    items.push(...p.flush());
  } finally {
    s.cases++;
    s.maxMs = Math.max(s.maxMs, performance.now() - t0);
  }
  // "ok": only text and messages; "err": the stream held a malformed marker (reported, not thrown).
  if (items.some((i) => i.k === 'malformed')) s.err++;
  else s.ok++;
  for (const i of items) {
    if (i.k === 'malformed' && i.reason.trim() === '') throw new Error('a malformed item without a reason');
    if (i.k === 'text' && i.text === '') throw new Error('an empty text item');
  }
  return normalise(items);
}

const MESSAGES: readonly DriverMessage[] = [
  { t: 'start', id: 'r1', count: 1, origin: 'control' },
  { t: 'end', id: 'r1', status: 'ok', count: 1, durationMs: 1.5 },
  { t: 'stream', name: 'stderr' },
  { t: 'stream', name: 'terminal' },
  { t: 'stream', name: 'stdout' },
] as DriverMessage[];
const START = '\x1b]7337;';

/** A stream of text, markers of this session and sequences of others; with what the parser must make of it. */
type Segment = { readonly k: 'text'; readonly text: string } | { readonly k: 'msg'; readonly msg: DriverMessage } | { readonly k: 'foreign'; readonly text: string };
// Text without ESC can't start a sequence, and without 'n' can't hold the nonce.
const plainText = fc.array(fc.constantFrom('a', ']', '7', '3', ';', '\x07', '\\', '\r\n', 'é', '😀', '\ud800', '0', 'c', 'e'), { minLength: 1, maxLength: 12 }).map((a) => a.join(''));
const segmentArb: fc.Arbitrary<Segment> = fc.oneof(
  plainText.map((text) => ({ k: 'text' as const, text })),
  fc.constantFrom(...MESSAGES).map((msg) => ({ k: 'msg' as const, msg })),
  fc.record({ nonce: fc.constantFrom('n0nc', 'n0nce2', '', 'N0NCE', 'x'), body: plainText.map((t) => t.split('\x07').join('')), st: fc.boolean() }).map(({ nonce, body, st }) => ({ k: 'foreign' as const, text: `${START}${nonce};${body}${st ? '\x1b\\' : '\x07'}` })),
);

function expectedItems(segments: readonly Segment[]): OscItem[] {
  let stream: 'stdout' | 'stderr' | 'terminal' = 'stdout';
  const out: OscItem[] = [];
  for (const s of segments) {
    if (s.k === 'msg') {
      if (s.msg.t === 'stream') stream = s.msg.name;
      else out.push({ k: 'msg', msg: s.msg });
    } else out.push({ k: 'text', stream, text: s.text });
  }
  return normalise(out);
}

const OSC_CHARS = ['\x1b', ']', '7337', ';', NONCE, '\x07', '\x1b\\', 'eyJ0Ijoic3RhcnQifQ==', '=', 'a', '\n', '😀', '\ud800'];

describe('fuzz: OscParser', { timeout: TIMEOUT_MS }, () => {
  it('markers among text: exactly the messages out, every byte of text kept, however chunked', () => {
    fc.assert(
      fc.property(fc.array(segmentArb, { maxLength: 10 }), fc.array(fc.nat(), { maxLength: 6 }), (segments, cuts) => {
        const input = segments.map((s) => (s.k === 'msg' ? encodeMarker(NONCE, s.msg) : s.text)).join('');
        expect(parseOsc(input, NONCE, cuts)).toEqual(expectedItems(segments));
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('arbitrary text: never throws, the same items however chunked; without the nonce, all text', () => {
    const arb = fc.oneof(fc.string({ unit: 'binary', maxLength: 120 }), fc.array(fc.constantFrom(...OSC_CHARS), { maxLength: 30 }).map((a) => a.join('')));
    fc.assert(
      fc.property(arb, fc.array(fc.nat(), { minLength: 1, maxLength: 6 }), (input, cuts) => {
        const whole = parseOsc(input, NONCE, []);
        expect(parseOsc(input, NONCE, cuts)).toEqual(whole);
        if (!input.includes(NONCE)) expect(whole).toEqual(input === '' ? [] : [{ k: 'text', stream: 'stdout', text: input }]);
      }),
      params(Math.floor(half / 4)),
    );
  });

  it('mutated fixtures: never throws, the same items however chunked', () => {
    fc.assert(
      fc.property(fc.nat(oscFixtures.length - 1), editsArb(0xffff), fc.array(fc.nat(), { minLength: 1, maxLength: 8 }), (i, edits, cuts) => {
        const { text, nonce } = oscFixtures[i] as { text: string; nonce: string };
        const input = mutateText(text, edits);
        expect(parseOsc(input, nonce, cuts)).toEqual(parseOsc(input, nonce, []));
      }),
      params(Math.ceil(half / 2)),
    );
  });

  it('counts', () => expectCounts('osc'));
});

// --- ONNX models ------------------------------------------------------------------------------------------

const onnxFixtures = readdirSync(ONNX_FIXTURES)
  .filter((f) => f.endsWith('.onnx') || f.endsWith('.pt') || f.endsWith('.zip'))
  .sort()
  .map((name) => new Uint8Array(readFileSync(join(ONNX_FIXTURES, name))));

/** Protobuf-shaped bytes: fields with valid tags and wire types, lengths that fit or not. */
const protoField: fc.Arbitrary<number[]> = fc.oneof(
  fc.record({ field: fc.integer({ min: 1, max: 20 }), v: fc.nat(300) }).map(({ field, v }) => [field << 3, ...varint(v)]),
  fc.record({ field: fc.integer({ min: 1, max: 20 }), body: fc.array(fc.nat(255), { maxLength: 12 }), lie: fc.integer({ min: -2, max: 2 }) }).map(({ field, body, lie }) => [(field << 3) | 2, ...varint(Math.max(0, body.length + lie)), ...body]),
);
function varint(n: number): number[] {
  const out: number[] = [];
  do {
    out.push((n & 0x7f) | (n > 0x7f ? 0x80 : 0));
    n >>>= 7;
  } while (n > 0);
  return out;
}

/** ModelProtos built from parts and encoded by protobufjs: valid protobuf, anything in the fields. */
const modelType = protobuf.parse(ONNX_PROTO, { keepCase: true }).root.lookupType('onnx.ModelProto');
const tensorObj = fc.record(
  {
    dims: fc.oneof(fc.constantFrom([], [-1], [0], [1]), fc.array(fc.oneof(fc.constantFrom(-1, 0, 1, 2), fc.integer({ min: -2, max: 9 }), fc.constantFrom(2 ** 31, 2 ** 40)), { maxLength: 3 })),
    // The usual types (float, int64, string, int4/uint4), then any.
    data_type: fc.oneof(fc.constantFrom(1, 7, 8, 21, 22), fc.integer({ min: 0, max: 24 }), fc.constant(99)),
    name: fc.string({ maxLength: 4 }),
    raw_data: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ maxLength: 12 })),
    float_data: fc.array(fc.float(), { maxLength: 4 }),
    int32_data: fc.array(fc.integer(), { maxLength: 4 }),
    int64_data: fc.array(fc.integer(), { maxLength: 4 }),
    string_data: fc.array(fc.uint8Array({ maxLength: 4 }), { maxLength: 4 }),
    data_location: fc.constantFrom(0, 1),
    external_data: fc.array(fc.record({ key: fc.constantFrom('location', 'offset', 'length', 'x'), value: fc.constantFrom('w.bin', '-1', '1e99', 'NaN', '8', '') }), { maxLength: 3 }),
  },
  { requiredKeys: ['dims', 'data_type'] },
);
const typeObj: fc.Arbitrary<object> = fc.letrec<{ type: object }>((tie) => ({
  type: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ tensor_type: fc.record({ elem_type: fc.integer({ min: 0, max: 30 }), shape: fc.record({ dim: fc.array(fc.oneof(fc.record({ dim_value: fc.integer({ min: -3, max: 9 }) }), fc.record({ dim_param: fc.string({ maxLength: 3 }) }), fc.constant({})), { maxLength: 3 }) }) }, { requiredKeys: [] }) }),
    fc.record({ sequence_type: fc.record({ elem_type: tie('type') }, { requiredKeys: [] }) }),
    fc.record({ map_type: fc.record({ key_type: fc.nat(20), value_type: tie('type') }, { requiredKeys: [] }) }),
    fc.record({ optional_type: fc.record({ elem_type: tie('type') }, { requiredKeys: [] }) }),
    fc.constant({}),
  ),
})).type;
const valueInfoObj = fc.record({ name: fc.string({ maxLength: 3 }), type: typeObj }, { requiredKeys: [] });
const attributeObj = fc.record(
  {
    name: fc.constantFrom('value', 'then_branch', 'body', 'axis', ''),
    type: fc.oneof(fc.constantFrom(3, 4, 5), fc.integer({ min: 0, max: 16 })),
    f: fc.float(),
    i: fc.integer(),
    s: fc.uint8Array({ maxLength: 6 }),
    t: tensorObj,
    floats: fc.array(fc.float(), { maxLength: 20 }),
    ints: fc.array(fc.integer(), { maxLength: 20 }),
    strings: fc.array(fc.uint8Array({ maxLength: 3 }), { maxLength: 3 }),
    tensors: fc.array(tensorObj, { maxLength: 2 }),
    sparse_tensor: fc.record({ values: tensorObj, indices: tensorObj, dims: fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 2 }) }, { requiredKeys: [] }),
    tp: typeObj,
    ref_attr_name: fc.constantFrom('', 'alpha'),
  },
  { requiredKeys: [] },
);
const nodeObj = fc.record(
  {
    op_type: fc.constantFrom('Constant', 'If', 'Loop', 'Relu', ''),
    domain: fc.constantFrom('', 'ai.onnx', 'com.microsoft'),
    input: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    output: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    attribute: fc.array(attributeObj, { maxLength: 3 }),
  },
  { requiredKeys: [] },
);
const graphObj = (nodes: fc.Arbitrary<object>): fc.Arbitrary<object> =>
  fc.record(
    {
      name: fc.string({ maxLength: 3 }),
      node: fc.array(nodes, { maxLength: 3 }),
      initializer: fc.array(tensorObj, { maxLength: 3 }),
      sparse_initializer: fc.array(fc.record({ values: tensorObj, indices: tensorObj, dims: fc.array(fc.integer({ min: -1, max: 5 }), { maxLength: 2 }) }, { requiredKeys: [] }), { maxLength: 1 }),
      input: fc.array(valueInfoObj, { maxLength: 2 }),
      output: fc.array(valueInfoObj, { maxLength: 2 }),
      value_info: fc.array(valueInfoObj, { maxLength: 2 }),
    },
    { requiredKeys: [] },
  );
// Nodes whose attributes hold a subgraph (one level deep).
const nodeWithGraph = fc.record({ node: nodeObj, g: graphObj(nodeObj), graphs: fc.array(graphObj(nodeObj), { maxLength: 1 }) }).map(({ node, g, graphs }) => ({ ...node, attribute: [{ name: 'then_branch', type: 5, g }, { name: 'body', type: 10, graphs }] }));
const modelObj = fc.record(
  {
    ir_version: fc.integer({ min: 0, max: 12 }),
    opset_import: fc.array(fc.record({ domain: fc.constantFrom('', 'ai.onnx.ml'), version: fc.integer({ min: -1, max: 25 }) }), { maxLength: 2 }),
    producer_name: fc.string({ maxLength: 4 }),
    graph: graphObj(fc.oneof(nodeObj, nodeWithGraph)),
    metadata_props: fc.array(fc.record({ key: weirdKey, value: fc.string({ maxLength: 4 }) }), { maxLength: 2 }),
  },
  { requiredKeys: [] },
);
const encodeModel = (m: object): Uint8Array => modelType.encode(modelType.fromObject(m)).finish();

describe('fuzz: parseModel', { timeout: TIMEOUT_MS }, () => {
  it('models built from parts: never throws, never hangs', () => {
    fc.assert(
      fc.property(modelObj, (m) => {
        timed('onnx', () => parseModel(encodeModel(m)));
      }),
      params(Math.floor(half / 2)),
    );
  });

  it('arbitrary bytes: never throws, never hangs', () => {
    const arb = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.array(protoField, { maxLength: 12 }).map((fields) => Uint8Array.from([0x08, 0x07, ...fields.flat()])),
    );
    fc.assert(
      fc.property(arb, (bytes) => {
        timed('onnx', () => parseModel(bytes));
      }),
      params(Math.ceil(half / 2)),
    );
  });

  it('mutated fixtures: never throws, never hangs', () => {
    fc.assert(
      fc.property(fc.nat(onnxFixtures.length - 1), editsArb(0xff), (i, edits) => {
        timed('onnx', () => parseModel(mutateBytes(onnxFixtures[i] as Uint8Array, edits)));
      }),
      params(half),
    );
  });

  it('counts', () => expectCounts('onnx'));
});

// --- regressions: what the fuzzing found, each a fixture under the parser's __fixtures__/fuzz/ -----------------

describe('fuzz regressions', () => {
  const fixture = (dir: string, name: string): Uint8Array => new Uint8Array(readFileSync(join(dir, 'fuzz', name)));
  const text = (dir: string, name: string): string => readFileSync(join(dir, 'fuzz', name), 'utf8');

  it('npy: a unicode value above U+10FFFF is an error, not a RangeError', () => {
    const r = parseNpy(fixture(NPY_FIXTURES, 'unicode_not_code_point.npy'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/not a Unicode code point/);
  });

  it("npy: '<U0' with a huge shape is refused (it took no bytes, and allocated 2^31·10^15 strings)", () => {
    const r = parseNpy(fixture(NPY_FIXTURES, 'u0_huge_count.npy'));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toMatch(/zero-width strings/);
    // A few zero-width strings still read.
    const small = parseNpy(npyFile("{'descr': '<U0', 'fortran_order': False, 'shape': (3,), }\n", new Uint8Array(0)));
    expect(small.ok && small.value.data).toEqual(['', '', '']);
  });

  it('trace: a pid, tid or shape dim that String() cannot convert ({"toString": 1}) is named by its JSON', () => {
    const r = parseTrace(text(ONNX_FIXTURES, 'object-pid-tid.json'));
    expect(r.ok, r.ok ? '' : r.message).toBe(true);
    if (!r.ok) return;
    expect(r.value.summary.events).toBe(4);
    expect(r.value.summary.timeline.lanes).toEqual(['cuda · thread {"toString":1}', '{"toString":1} · thread 7', '[object Object] · thread 7']);
    expect(r.value.summary.nodes.find((n) => n.name === 'Conv_0')?.inputShapes).toEqual(['float[1,{"toString":1}]']);
  });

  it('onnx: a STRING attribute without its `s` reads as an empty string (protobufjs gives [] for the absent bytes)', () => {
    const r = parseModel(fixture(ONNX_FIXTURES, 'string_attr_without_s.onnx'));
    expect(r.ok, r.ok ? '' : r.message).toBe(true);
    if (r.ok) expect(r.value.graph.nodes[0]?.attributes).toEqual([{ name: 'mode', type: 'STRING', value: '""' }]);
  });

  it('onnx: an int4 tensor attribute of shape [-1] is shown by its header, not a RangeError', () => {
    const r = parseModel(fixture(ONNX_FIXTURES, 'int4_negative_dim.onnx'));
    expect(r.ok, r.ok ? '' : r.message).toBe(true);
    if (r.ok) expect(r.value.graph.nodes[0]?.attributes).toEqual([{ name: 'value', type: 'TENSOR', value: 'tensor int4[-1]' }]);
  });

  it('ipynb: "__proto__" keys (metadata, MIME types) survive a save next to a transient key', () => {
    const file = text(NOTEBOOK_FIXTURES, 'proto-keys.ipynb');
    const r = parseNotebook(file);
    expect(r.ok, r.ok ? '' : r.message).toBe(true);
    if (!r.ok) return;
    const saved = serializeNotebook(r.value);
    // Jupyter drops `trusted` and `signature`; everything else is written back.
    expect(saved).toBe(file.replace(/,\n {4}"trusted": true/, '').replace(/,\n {2}"signature": "sha256:0"/, ''));
    expect(saved).toContain('"__proto__": "a MIME type named __proto__"');
    expect(saved).toContain('"kept": true');
  });
});
