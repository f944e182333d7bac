import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Failure, Result } from '../result';
import { ensureCellIds, joinSource, newCellId, newNotebook, parseNotebook, pythonFloat, serializeNotebook, splitLines, validateNotebook } from './ipynb';
import { NUMBER_HINTS, type JsonObject, type NbCodeCell, type NbMarkdownCell, type Notebook } from './nbformat';

const FIXTURES = join(__dirname, '__fixtures__');
const fixtureBytes = (name: string): Buffer => readFileSync(join(FIXTURES, name));
const fixture = (name: string): string => fixtureBytes(name).toString('utf8');
const NOTEBOOKS = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.ipynb'))
  .sort();

function value<T>(r: Result<T>): T {
  if (!r.ok) throw new Error(`expected success, got ${r.code}: ${r.message}`);
  return r.value;
}

function failure(r: Result<unknown>): Failure {
  if (r.ok) throw new Error('expected a failure');
  expect(r.code).toBe('NOTEBOOK_INVALID');
  return r;
}

const load = (name: string): Notebook => value(parseNotebook(fixture(name)));
const code = (nb: Notebook, i: number): NbCodeCell => nb.cells[i] as NbCodeCell;

/** A minimal valid notebook around some cells, as JSON text. */
const nbText = (cells: unknown[], extra: Record<string, unknown> = {}): string => JSON.stringify({ cells, metadata: {}, nbformat: 4, nbformat_minor: 5, ...extra });

describe('golden fixtures (written by nbformat.write)', () => {
  it('has them', () => {
    expect(NOTEBOOKS).toEqual([
      'attachments.ipynb',
      'empty.ipynb',
      'non-ascii.ipynb',
      'numbers.ipynb',
      'odd-input.jupyter.ipynb',
      'outputs.ipynb',
      'unknown-metadata.ipynb',
      'v4.0-no-ids.ipynb',
      'v4.4.ipynb',
      'v4.5-ids.ipynb',
    ]);
  });

  it.each(NOTEBOOKS)('%s: read then written is the same file, byte for byte', (name) => {
    const bytes = fixtureBytes(name);
    const written = serializeNotebook(value(parseNotebook(bytes.toString('utf8'))));
    expect(written).toBe(bytes.toString('utf8'));
    expect(Buffer.from(written, 'utf8').equals(bytes)).toBe(true);
  });

  it.each(NOTEBOOKS)('%s: the same after a trip through the renderer (structured clone, cells and outputs copied)', (name) => {
    const nb = structuredClone(load(name));
    const copied: Notebook = {
      ...nb,
      metadata: { ...nb.metadata },
      cells: nb.cells.map((c) => (c.cell_type === 'code' ? { ...c, outputs: c.outputs.map((o) => ({ ...o })) } : { ...c })),
    };
    expect(serializeNotebook(copied)).toBe(fixture(name));
  });

  it.each(NOTEBOOKS.filter((n) => n !== 'numbers.ipynb'))('%s: the same after JSON.stringify and a new parse (as the core checks a client notebook)', (name) => {
    expect(serializeNotebook(value(parseNotebook(JSON.stringify(load(name)))))).toBe(fixture(name));
  });

  it('normalises a notebook another tool wrote exactly as Jupyter does on open + save', () => {
    const odd = value(parseNotebook(fixture('odd-input.json')));
    expect(serializeNotebook(odd)).toBe(fixture('odd-input.jupyter.ipynb'));
  });

  it('keeps multi-line fields as on disk when reading', () => {
    const nb = load('outputs.ipynb');
    expect(code(nb, 0).source).toEqual(['import sys\n', "print('out 1')\n", "print('out 2')\n", "print('err', file=sys.stderr)"]);
    expect(code(nb, 0).outputs[0]).toEqual({ output_type: 'stream', name: 'stdout', text: ['out 1\n', 'out 2\n'] });
    const odd = value(parseNotebook(fixture('odd-input.json')));
    expect(odd.cells[0]?.source).toEqual(['a', 'b\n', 'c\n', 'd']);
    expect(code(odd, 1).source).toBe('x = 1\ny = 2\n');
    expect(odd.metadata['signature']).toBe('sha256:abc'); // dropped on write only
  });

  it('reads 4.0 without ids and adds none', () => {
    const nb = load('v4.0-no-ids.ipynb');
    expect(nb.nbformat_minor).toBe(0);
    expect(nb.cells.map((c) => c.id)).toEqual([undefined, undefined, undefined, undefined]);
    expect(ensureCellIds(nb)).toBe(nb);
  });

  it('reads ids, attachments and unknown metadata', () => {
    expect(load('v4.5-ids.ipynb').cells.map((c) => c.id)).toEqual(['a1b2c3d4', 'e5f6a7b8', 'c0ffee00-0000-4000-8000-000000000001', 'raw_cell-1']);
    const md = load('attachments.ipynb').cells[0] as NbMarkdownCell;
    expect(Object.keys(md.attachments ?? {})).toEqual(['notes.txt', 'pixel.png']);
    expect(typeof md.attachments?.['pixel.png']?.['image/png']).toBe('string'); // base64 is never split
    const unknown = load('unknown-metadata.ipynb');
    expect(unknown.metadata['toc']).toMatchObject({ number_sections: true });
    expect(code(unknown, 0).metadata['custom_tool']).toEqual({ deep: { deeper: { list: [{ a: 1 }, { b: [] }, {}] } } });
    expect(code(unknown, 0).outputs[0]).toMatchObject({ metadata: { 'x-vendor': { nested: [1, 'two', null, true] } } });
  });

  it('reads non-ASCII text and escapes as they were', () => {
    const nb = load('non-ascii.ipynb');
    expect(joinSource(nb.cells[0]!.source)).toContain('emoji 😀🎉');
    expect(joinSource(code(nb, 1).outputs[0]!.output_type === 'stream' ? (code(nb, 1).outputs[0] as { text: string[] }).text : '')).toBe('naïve café ☕\n\x1b[1;32mgreen\x1b[0m\tand\x07bell\n');
    expect(joinSource(nb.cells[2]!.source)).toBe('crlf = 1\r\ncr = 2\rff\x0cvt\x0bfs\x1cgs\x1drs\x1enel\x85ls\u2028ps\u2029end\x00nul\x7fdel');
  });
});

describe('numbers Python writes that JSON.parse would change', () => {
  const text = fixture('numbers.ipynb');

  it('notes them on the notebook, the cell and the output they belong to', () => {
    const nb = value(parseNotebook(text));
    expect(nb[NUMBER_HINTS]).toEqual({
      '/metadata/papermill/duration': 'f',
      '/metadata/papermill/parameters/alpha': 'f',
      '/metadata/widgets/application~1vnd.jupyter.widget-state+json/state/abc/state/max': 'f',
      '/metadata/widgets/application~1vnd.jupyter.widget-state+json/state/abc/state/min': 'f',
      '/metadata/widgets/application~1vnd.jupyter.widget-state+json/state/abc/state/value': 'f',
    });
    expect(code(nb, 0)[NUMBER_HINTS]).toEqual({ '/metadata/papermill/duration': 'f' });
    const [plot, json] = code(nb, 0).outputs;
    expect(plot?.[NUMBER_HINTS]).toMatchObject({ '/data/application~1vnd.plotly.v1+json/data/0/x/0': 'f', '/data/application~1vnd.plotly.v1+json/layout/height': 'f' });
    expect(json?.[NUMBER_HINTS]).toMatchObject({
      '/data/application~1json/ints/3': '9007199254740993',
      '/data/application~1json/ints/4': '12345678901234567890',
      '/data/application~1json/floats/1': '-0.0',
      '/data/application~1json/floats/2': 'f',
    });
    // The numbers themselves are plain numbers.
    expect(code(nb, 0).metadata['papermill']).toMatchObject({ duration: 1 });
    const floats = ((json as { data: JsonObject }).data['application/json'] as JsonObject)['floats'] as number[];
    expect(Object.is(floats[1], -0)).toBe(true);
    const special = ((json as { data: JsonObject }).data['application/json'] as JsonObject)['special'];
    expect(special).toEqual([NaN, Infinity, -Infinity]);
  });

  it('survive JSON.stringify (as the core checks a client notebook); NaN and the infinities do not', () => {
    const again = value(parseNotebook(JSON.stringify(value(parseNotebook(text)))));
    const expected = text.replace('"special": [\n        NaN,\n        Infinity,\n        -Infinity\n', '"special": [\n        null,\n        null,\n        null\n');
    expect(expected).not.toBe(text);
    expect(serializeNotebook(again)).toBe(expected);
  });

  it('writes a float that changed as a float, and drops a hint whose value is no longer a number of its kind', () => {
    const nb = value(parseNotebook(text));
    const cell = code(nb, 0);
    (cell.metadata['papermill'] as JsonObject)['duration'] = 3;
    const out = serializeNotebook(nb);
    expect(out).toContain('"duration": 3.0,');
    (cell.metadata['papermill'] as JsonObject)['duration'] = 2.5;
    expect(serializeNotebook(nb)).toContain('"duration": 2.5,');
    (cell.metadata['papermill'] as JsonObject)['duration'] = 'n/a';
    expect(serializeNotebook(nb)).toContain('"duration": "n/a",');
  });

  it('forgets the hints of an output that is replaced', () => {
    const nb = value(parseNotebook(text));
    const cell = code(nb, 0);
    cell.outputs = [{ output_type: 'display_data', data: { 'application/json': { x: [0, 1] } }, metadata: {} }];
    const out = serializeNotebook(nb);
    const outputs = out.slice(out.indexOf('"outputs": ['), out.indexOf('"source": ['));
    expect(outputs).toMatch(/"x": \[\s+0,\s+1\s+\]/);
  });

  it('reads the JSON Python writes: NaN, Infinity, -Infinity, exponents, -0, duplicate keys', () => {
    const nb = value(
      parseNotebook(nbText([], { metadata: { a: NaN, b: 1 } }).replace('"a":null', '"a":NaN,"i":Infinity,"j":-Infinity,"e":1E5,"z":-0,"zf":-0.0,"d":1.0,"d":2')),
    );
    expect(nb.metadata).toEqual({ a: NaN, i: Infinity, j: -Infinity, e: 100000, z: 0, zf: -0, d: 2, b: 1 });
    expect(serializeNotebook(nb)).toContain('{\n  "a": NaN,\n  "b": 1,\n  "d": 2,\n  "e": 100000.0,\n  "i": Infinity,\n  "j": -Infinity,\n  "z": 0,\n  "zf": -0.0\n }');
  });

  it('formats floats as Python repr does', () => {
    const cases: [number, string][] = [
      [0, '0.0'],
      [-0, '-0.0'],
      [1, '1.0'],
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [1e15, '1000000000000000.0'],
      [1e16, '1e+16'],
      [123456789012345.6, '123456789012345.6'],
      [Number('1234567890123456.7'), '1234567890123456.8'],
      [Number('12345678901234567.0'), '1.2345678901234568e+16'],
      [1.5e300, '1.5e+300'],
      [5e-324, '5e-324'],
      [1.7976931348623157e308, '1.7976931348623157e+308'],
      [-2.5e-7, '-2.5e-07'],
      [100, '100.0'],
      [NaN, 'NaN'],
      [Infinity, 'Infinity'],
      [-Infinity, '-Infinity'],
    ];
    for (const [x, py] of cases) expect(pythonFloat(x)).toBe(py);
  });

  it('keeps a well-formed hint key already in the input, and drops a malformed one', () => {
    const nb = value(parseNotebook(nbText([], { metadata: { x: 1 }, [NUMBER_HINTS]: { '/metadata/x': 'f' } })));
    expect(serializeNotebook(nb)).toContain('"x": 1.0');
    expect(serializeNotebook(nb)).not.toContain(NUMBER_HINTS);
    const bad = value(parseNotebook(nbText([], { metadata: { x: 1 }, [NUMBER_HINTS]: ['junk'] })));
    expect(bad[NUMBER_HINTS]).toBeUndefined();
  });
});

describe('serializeNotebook', () => {
  const base = (cells: Notebook['cells'], metadata: Notebook['metadata'] = {}): Notebook => ({ nbformat: 4, nbformat_minor: 5, metadata, cells });

  it('writes what Jupyter writes for a small notebook', () => {
    const nb = base([{ cell_type: 'code', id: 'x', source: 'print(1)\nprint(2)', metadata: {}, execution_count: null, outputs: [] }]);
    expect(serializeNotebook(nb)).toBe(
      '{\n "cells": [\n  {\n   "cell_type": "code",\n   "execution_count": null,\n   "id": "x",\n   "metadata": {},\n   "outputs": [],\n   "source": [\n    "print(1)\\n",\n    "print(2)"\n   ]\n  }\n ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n',
    );
  });

  it('drops what nbformat strips (orig_nbformat, signature, trusted) and outputs\' transient', () => {
    const nb = base(
      [
        {
          cell_type: 'code',
          id: 'x',
          source: '',
          metadata: { trusted: true, keep: 1 },
          execution_count: 1,
          outputs: [{ output_type: 'display_data', data: { 'text/plain': 'a' }, metadata: {}, transient: { display_id: 'd1' } }],
        },
      ],
      { orig_nbformat: 3, orig_nbformat_minor: 0, signature: 'sha256:x', kept: true },
    );
    const out = serializeNotebook(nb);
    for (const gone of ['orig_nbformat', 'signature', 'trusted', 'transient', 'display_id']) expect(out).not.toContain(gone);
    expect(out).toContain('"keep": 1');
    expect(out).toContain('"kept": true');
    // The notebook itself is unchanged.
    expect(nb.metadata['signature']).toBe('sha256:x');
    expect((nb.cells[0] as NbCodeCell).outputs[0]).toHaveProperty('transient');
  });

  it('escapes as json.dumps(ensure_ascii=False) does', () => {
    const nb = base([], { s: 'q"b\\s/\b\f\n\r\t\x00\x1b\x1f\x7f é 😀 \u2028', lone: 'a\ud800b\udc00' });
    const out = serializeNotebook(nb);
    expect(out).toContain('"s": "q\\"b\\\\s/\\b\\f\\n\\r\\t\\u0000\\u001b\\u001f\x7f é 😀 \u2028"');
    expect(out).toContain('"lone": "a\\ud800b\\udc00"');
  });

  it('sorts keys by code point, as Python does', () => {
    const out = serializeNotebook(base([], { '\uffff': 1, '😀': 2, '\ue000': 3, b: 4, B: 5, 'é': 6 }));
    const keys = [...out.matchAll(/^ {2}"(.*)": /gm)].map((m) => m[1]);
    expect(keys).toEqual(['B', 'b', 'é', '\ue000', '\uffff', '😀']);
  });

  it('rejoins then splits multi-line fields as nbformat does; other MIME types stay as they are', () => {
    const nb = base([
      {
        cell_type: 'code',
        id: 'x',
        source: ['a', 'b\nc'],
        metadata: {},
        execution_count: 1,
        outputs: [
          { output_type: 'stream', name: 'stdout', text: ['x', 'y\n'] },
          { output_type: 'execute_result', execution_count: 1, metadata: {}, data: { 'image/png': ['AA', 'BB\n'], 'application/json': ['k', 'l'], 'application/javascript': 'a;\nb;', 'text/html': '<p>\n</p>' } },
        ],
      },
    ]);
    const written = value(parseNotebook(serializeNotebook(nb)));
    const cell = written.cells[0] as NbCodeCell;
    expect(cell.source).toEqual(['ab\n', 'c']);
    expect(cell.outputs[0]).toMatchObject({ text: ['xy\n'] });
    expect(cell.outputs[1]).toMatchObject({ data: { 'image/png': 'AABB\n', 'application/json': ['k', 'l'], 'application/javascript': ['a;\n', 'b;'], 'text/html': ['<p>\n', '</p>'] } });
  });

  it('skips undefined properties (as JSON.stringify does)', () => {
    const nb = base([{ cell_type: 'markdown', id: undefined, source: 'x', metadata: {}, attachments: undefined }]);
    expect(serializeNotebook(nb)).not.toContain('"id"');
    expect(serializeNotebook(nb)).not.toContain('attachments');
  });

  it('keeps a "__proto__" key as data', () => {
    const nb = value(parseNotebook('{"cells": [], "metadata": {"__proto__": {"polluted": 1}}, "nbformat": 4, "nbformat_minor": 5}'));
    expect(Object.keys(nb.metadata)).toEqual(['__proto__']);
    expect(({} as { polluted?: number }).polluted).toBeUndefined();
    expect(serializeNotebook(nb)).toContain('"__proto__": {\n   "polluted": 1\n  }');
  });
});

describe('splitLines and joinSource', () => {
  it('splits as Python str.splitlines(True) does', () => {
    expect(splitLines('')).toEqual([]);
    expect(splitLines('a')).toEqual(['a']);
    expect(splitLines('a\n')).toEqual(['a\n']);
    expect(splitLines('a\nb')).toEqual(['a\n', 'b']);
    expect(splitLines('\n\n')).toEqual(['\n', '\n']);
    expect(splitLines('a\r\nb\rc\n')).toEqual(['a\r\n', 'b\r', 'c\n']);
    expect(splitLines('1\v2\f3\x1c4\x1d5\x1e6\x857\u20288\u20299')).toEqual(['1\v', '2\f', '3\x1c', '4\x1d', '5\x1e', '6\x85', '7\u2028', '8\u2029', '9']);
    expect(splitLines('tab\tand\x1bescape')).toEqual(['tab\tand\x1bescape']);
  });

  it('joins lists and passes strings', () => {
    expect(joinSource(['a\n', 'b'])).toBe('a\nb');
    expect(joinSource('a\nb')).toBe('a\nb');
    expect(joinSource([])).toBe('');
    const s = 'x\r\ny\u2028z\n';
    expect(joinSource(splitLines(s))).toBe(s);
  });
});

describe('broken notebooks: NOTEBOOK_INVALID with what and where', () => {
  it('a truncated file names the end of input and where it is', () => {
    const text = fixture('outputs.ipynb');
    const half = text.slice(0, Math.floor(text.length / 2));
    const lines = half.split('\n');
    const { message } = failure(parseNotebook(half));
    expect(message).toBe(`The notebook is not valid JSON: unexpected end of input at line ${lines.length}, column ${[...lines[lines.length - 1]!].length + 1} (the file may be truncated)`);
  });

  it.each([
    ['not JSON at all', 'hello', "The notebook is not valid JSON: unexpected character 'h' where a value was expected at line 1, column 1"],
    ['an empty file', '  \n', 'The notebook file is empty: a notebook is a JSON object'],
    ['a trailing comma', '{\n "cells": [],\n}', 'The notebook is not valid JSON: a trailing comma before "}" at line 2, column 13'],
    ['a trailing comma in a list', '{"cells": [1,]}', 'The notebook is not valid JSON: a trailing comma before "]" at line 1, column 13'],
    ['a missing comma', '{"a": 1\n "b": 2}', 'The notebook is not valid JSON: expected "," or "}" after a property value, found character \'"\' at line 2, column 2'],
    ['single quotes', "{'a': 1}", 'The notebook is not valid JSON: expected a property name in double quotes, found character "\'" at line 1, column 2'],
    ['a raw newline in a string', '{"a": "x\ny"}', 'The notebook is not valid JSON: unescaped control character U+000A in a string at line 1, column 9'],
    ['a bad escape', '{"a": "\\x41"}', 'The notebook is not valid JSON: invalid escape \\x in a string at line 1, column 8'],
    ['extra data', '{}\n{}', "The notebook is not valid JSON: unexpected character '{' after the end of the notebook's JSON at line 2, column 1"],
    ['a bad number', '{"a": -x}', 'The notebook is not valid JSON: invalid number: a digit must follow "-" at line 1, column 8'],
    ['a cut literal', '{"a": tr', 'The notebook is not valid JSON: unexpected end of input at line 1, column 9 (the file may be truncated)'],
    ['columns count characters', '{"é😀": x}', "The notebook is not valid JSON: unexpected character 'x' where a value was expected at line 1, column 8"],
  ])('%s', (_what, text, message) => {
    expect(failure(parseNotebook(text)).message).toBe(message);
  });

  const cell = (over: Record<string, unknown>, drop: string[] = []): Record<string, unknown> => {
    const c: Record<string, unknown> = { cell_type: 'code', id: 'c', source: '', metadata: {}, execution_count: null, outputs: [], ...over };
    for (const k of drop) delete c[k];
    return c;
  };
  const output = (o: Record<string, unknown>) => nbText([cell({ outputs: [o] })]);

  it.each([
    ['a JSON list', '[1, 2]', 'The file holds JSON, but a list, not a notebook (a notebook is a JSON object with nbformat, metadata and cells)'],
    ['a JSON string', '"x"', 'The file holds JSON, but a string, not a notebook (a notebook is a JSON object with nbformat, metadata and cells)'],
    ['JSON without nbformat', '{"a": 1}', 'The file holds JSON, but not a Jupyter notebook: it has no nbformat version'],
    ['nbformat 3', '{"nbformat": 3, "nbformat_minor": 0, "metadata": {}, "worksheets": []}', 'nbformat 3 notebooks are not supported: open and save it in Jupyter to upgrade it'],
    ['nbformat 5', '{"nbformat": 5, "nbformat_minor": 0, "metadata": {}, "cells": []}', 'nbformat 5 is not supported: Lathe reads nbformat 4 (4.0 to 4.5)'],
    ['nbformat as a string', '{"nbformat": "4"}', 'nbformat must be a whole number (it is a string)'],
    ['no nbformat_minor', '{"nbformat": 4, "metadata": {}, "cells": []}', 'The notebook has no nbformat_minor'],
    ['metadata a list', nbText([], { metadata: [] }), 'metadata must be an object (it is a list)'],
    ['no cells', '{"nbformat": 4, "nbformat_minor": 4, "metadata": {}}', 'The notebook has no cells list'],
    ['cells an object', nbText([], { cells: {} }), 'cells must be a list (it is an object)'],
    ['a kernelspec without display_name', nbText([], { metadata: { kernelspec: { name: 'python3' } } }), 'metadata.kernelspec must be an object with a name and a display_name (strings)'],
    ['a cell not an object', nbText([cell({}), 'x']), 'cell 2 is a string, not a cell object'],
    ['a cell without cell_type', nbText([cell({}), cell({}, ['cell_type'])]), 'cell 2 has no cell_type'],
    ['an unknown cell_type', nbText([cell({ cell_type: 'heading' })]), 'cell 1 has an unknown cell_type "heading": expected code, markdown or raw'],
    ['a numeric id', nbText([cell({ id: 7 })]), 'cell 1: id must be a string'],
    ['a source that is a number', nbText([cell({ source: 5 })]), 'cell 1: source must be a string or a list of strings'],
    ['a source list with a number', nbText([cell({ source: ['a', 1] })]), 'cell 1: source must be a string or a list of strings'],
    ['no cell metadata', nbText([cell({}, ['metadata'])]), 'cell 1 has no metadata'],
    ['cell metadata a string', nbText([cell({ metadata: 'x' })]), 'cell 1: metadata must be an object'],
    ['outputs an object', nbText([cell({}), cell({}), cell({ outputs: {} })]), 'cell 3: outputs must be a list'],
    ['no outputs', nbText([cell({}, ['outputs'])]), 'cell 1 (code) has no outputs list'],
    ['no execution_count', nbText([cell({}, ['execution_count'])]), 'cell 1 (code) has no execution_count'],
    ['a negative execution_count', nbText([cell({ execution_count: -1 })]), 'cell 1: execution_count must be a whole number or null'],
    ['bad attachments', nbText([{ cell_type: 'markdown', source: '', metadata: {}, attachments: { 'a.png': 'x' } }]), 'cell 1, attachment "a.png" must be an object of MIME types (it is a string)'],
    ['an output without output_type', output({ name: 'stdout', text: '' }), 'cell 1, output 1 has no output_type'],
    ['an nbformat 3 output', output({ output_type: 'pyout' }), 'cell 1, output 1 has an unknown output_type "pyout": expected stream, execute_result, display_data or error'],
    ['a stream without a name', output({ output_type: 'stream', text: '' }), 'cell 1, output 1: a stream output needs a name (stdout or stderr)'],
    ['a stream with numeric text', output({ output_type: 'stream', name: 'stdout', text: 1 }), 'cell 1, output 1: text must be a string or a list of strings'],
    ['an execute_result without count', output({ output_type: 'execute_result', data: {}, metadata: {} }), 'cell 1, output 1: an execute_result needs an execution_count'],
    ['display_data without data', output({ output_type: 'display_data', metadata: {} }), 'cell 1, output 1: display_data needs data'],
    ['display_data without metadata', output({ output_type: 'display_data', data: {} }), 'cell 1, output 1: display_data needs metadata'],
    ['text/plain as a number', output({ output_type: 'display_data', data: { 'text/plain': 3 }, metadata: {} }), 'cell 1, output 1: data: text/plain must be a string or a list of strings'],
    ['an error without traceback', output({ output_type: 'error', ename: 'E', evalue: 'v' }), 'cell 1, output 1: traceback must be a list of strings'],
  ])('%s', (_what, text, message) => {
    expect(failure(parseNotebook(text)).message).toBe(message);
  });

  it('accepts what nbformat accepts around the edges', () => {
    // any JSON under a JSON MIME type, any stream name, a BOM, a later nbformat_minor, unknown fields
    const text = nbText(
      [cell({ outputs: [{ output_type: 'stream', name: 'custom', text: [] }, { output_type: 'display_data', data: { 'application/vnd.x+json': [1, { a: null }] }, metadata: {}, extra: 1 }], unknown: true })],
      { nbformat_minor: 9, top: 'kept' },
    );
    const nb = value(parseNotebook('\ufeff' + text));
    expect(nb.nbformat_minor).toBe(9);
    expect((nb as unknown as JsonObject)['top']).toBe('kept');
    expect(serializeNotebook(nb)).toContain('"unknown": true');
  });

  it('refuses nesting deeper than Python reads', () => {
    const deep = '['.repeat(2000) + ']'.repeat(2000);
    expect(failure(parseNotebook(deep)).message).toMatch(/^The notebook is not valid JSON: nested deeper than 1000 levels at line 1, column 1001$/);
  });
});

describe('validateNotebook', () => {
  it('accepts a parsed notebook as it is', () => {
    const nb = load('outputs.ipynb');
    expect(value(validateNotebook(nb))).toBe(nb);
  });

  it('keeps every number when the object comes by structured clone (Electron IPC), NaN included', () => {
    const nb = structuredClone(load('numbers.ipynb'));
    expect(serializeNotebook(value(validateNotebook(nb)))).toBe(fixture('numbers.ipynb'));
  });

  it('refuses values JSON does not have, and structural problems', () => {
    const nb = load('v4.5-ids.ipynb');
    expect(failure(validateNotebook({ ...nb, metadata: { when: new Date(0) } })).message).toBe("The notebook holds a value JSON can't (Date) at /metadata/when");
    expect(failure(validateNotebook({ ...nb, cells: [{ cell_type: 'code' }] })).message).toBe('cell 1 has no source');
    expect(failure(validateNotebook(null)).message).toContain('but null, not a notebook');
  });

  it('treats an undefined property as absent', () => {
    const nb = load('v4.5-ids.ipynb');
    expect(validateNotebook({ ...nb, cells: nb.cells.map((c) => ({ ...c, id: undefined })) }).ok).toBe(true);
  });
});

describe('new notebooks and cell ids', () => {
  it('makes a valid nbformat 4.5 notebook with one empty code cell', () => {
    const nb = newNotebook({ pythonVersion: '3.11.2' });
    expect(nb).toMatchObject({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {
        kernelspec: { name: 'python3', display_name: 'Python 3 (ipykernel)', language: 'python' },
        language_info: { name: 'python', version: '3.11.2', pygments_lexer: 'ipython3' },
      },
      cells: [{ cell_type: 'code', source: '', metadata: {}, outputs: [], execution_count: null }],
    });
    expect(nb.cells[0]?.id).toMatch(/^[0-9a-f]{8}$/);
    const text = serializeNotebook(nb);
    expect(serializeNotebook(value(parseNotebook(text)))).toBe(text);
  });

  it('takes the kernel from the options, and leaves the version out when unknown', () => {
    const nb = newNotebook({ kernelName: 'venv', displayName: 'Python (venv)' });
    expect(nb.metadata.kernelspec).toEqual({ name: 'venv', display_name: 'Python (venv)', language: 'python' });
    expect(nb.metadata.language_info).not.toHaveProperty('version');
  });

  it('makes ids nbformat accepts, different each time', () => {
    const ids = new Set(Array.from({ length: 2000 }, () => newCellId()));
    expect(ids.size).toBe(2000);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]{1,64}$/);
  });

  it('ensureCellIds adds missing ids and repairs repeated ones in 4.5 notebooks, without changing the input', () => {
    const nb = value(parseNotebook(nbText([cell('a'), cell(undefined), cell('a'), cell('b'), cell('')])));
    const fixed = ensureCellIds(nb);
    expect(fixed).not.toBe(nb);
    expect(nb.cells.map((c) => c.id)).toEqual(['a', undefined, 'a', 'b', '']);
    const ids = fixed.cells.map((c) => c.id);
    expect(ids[0]).toBe('a');
    expect(ids[3]).toBe('b');
    expect(new Set(ids).size).toBe(5);
    for (const id of ids) expect(id).toMatch(/^[a-zA-Z0-9-_]+$/);
    expect(fixed.cells[0]).toBe(nb.cells[0]);
    expect(ensureCellIds(fixed)).toBe(fixed);

    function cell(id: string | undefined) {
      return { cell_type: 'markdown', source: '', metadata: {}, ...(id !== undefined ? { id } : {}) };
    }
  });

  it('ensureCellIds leaves 4.0–4.4 notebooks alone', () => {
    const nb = load('v4.4.ipynb');
    expect(ensureCellIds(nb)).toBe(nb);
    expect(serializeNotebook(nb)).not.toContain('"id"');
  });
});
