/**
 * The `.ipynb` format: read nbformat 4.0–4.5, write it exactly as Jupyter does. Pure (no Node APIs): the
 * core and the renderer both use it.
 *
 * Reading (`parseNotebook`):
 * - Lathe's own JSON reader, not JSON.parse: errors say what is wrong and where (line and column), it
 *   reads what Python's json reads (`NaN`, `Infinity`, `-Infinity`; a leading BOM is skipped), and it
 *   notes the numbers JavaScript can't keep as written (`NUMBER_HINTS` in nbformat.ts) so the writer
 *   puts them back: `1.0` stays `1.0`, `12345678901234567890` keeps its digits.
 * - The structure is checked as far as the types promise (cells, cell types, sources, metadata objects,
 *   outputs and their required fields); anything else is kept untouched, unknown fields included.
 *   Multi-line strings stay as on disk (a string or a list of lines): use `joinSource`.
 * - Nothing is added: a 4.5 notebook without cell ids stays so until `ensureCellIds`.
 *
 * Writing (`serializeNotebook`) is nbformat's `writes` + the trailing newline of `nbformat.write`, as
 * Jupyter saves: multi-line fields are rejoined as nbformat's reader does, then split into lines by
 * `split_lines` (cell sources, stream text, and in output data and attachments `text/*`,
 * `application/javascript` and `image/svg+xml`; base64 images stay one string); transient fields are
 * dropped (`metadata.orig_nbformat`, `orig_nbformat_minor`, `signature`, cell `metadata.trusted`, and
 * an output's `transient`); then `json.dumps(nb, sort_keys=True, indent=1, separators=(",", ": "),
 * ensure_ascii=False)`: keys in code point order, non-ASCII kept, control characters escaped (`\n`,
 * `\u001b`), `/` not escaped, numbers as Python prints them.
 *
 * So a notebook Jupyter wrote comes back byte for byte after a read and a write, also after the parsed
 * object went through a structured clone (Electron IPC) or JSON.stringify and a new parse, as long as
 * the `NUMBER_HINTS` keys travel with it. Known limits:
 * - JSON.stringify turns NaN and ±Infinity into `null`: check an object from a client with
 *   `validateNotebook` rather than `parseNotebook(JSON.stringify(nb))`;
 * - numbers that never were in the file went through JSON.parse somewhere (a run's outputs from the
 *   driver): a float like `1.0` in them is written `1`, where Jupyter would write `1.0`;
 * - a lone surrogate (from a `\ud800` escape) is written escaped, where Python's writer fails;
 * - a BOM at the start of the file is not written back (Jupyter can't read such a file at all);
 * - a file not written by nbformat comes back normalised as Jupyter would (sorted keys, indent 1, lines
 *   re-split); that diff is the same as Jupyter's open + save.
 */
import { err, ok, type Result } from '../result';
import { NUMBER_HINTS, type JsonObject, type JsonValue, type MultilineString, type NbCell, type NbOutput, type Notebook, type NumberHints } from './nbformat';

// --- multi-line strings ---------------------------------------------------------------------------

/** A multi-line field (`source`, stream `text`, text MIME data) as one string. */
export function joinSource(ms: MultilineString): string {
  return typeof ms === 'string' ? ms : ms.join('');
}

/** Python's line boundaries (`str.splitlines`): \r\n, \n, \r, \v, \f, \x1c–\x1e, \x85, \u2028, \u2029. */
// eslint-disable-next-line no-control-regex -- these control characters are line boundaries
const LINE_END = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/g;

/**
 * Split into lines, each keeping its line ending (Python's `text.splitlines(True)`, which nbformat's
 * `split_lines` uses): `"a\nb"` → `["a\n", "b"]`, `"a\n"` → `["a\n"]`, `""` → `[]`.
 */
export function splitLines(text: string): string[] {
  const lines: string[] = [];
  let start = 0;
  LINE_END.lastIndex = 0;
  for (let m = LINE_END.exec(text); m; m = LINE_END.exec(text)) {
    const end = m.index + m[0].length;
    lines.push(text.slice(start, end));
    start = end;
  }
  if (start < text.length) lines.push(text.slice(start));
  return lines;
}

// --- new notebooks and cell ids -----------------------------------------------------------------------

/** A new cell id: 8 random hex digits, as nbformat makes them (valid: `^[a-zA-Z0-9-_]+$`, 1–64 chars). */
export function newCellId(): string {
  const bytes = new Uint8Array(4);
  const c = (globalThis as { crypto?: { getRandomValues?: (a: Uint8Array) => Uint8Array } }).crypto;
  if (c?.getRandomValues) c.getRandomValues(bytes);
  else for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(Math.random() * 256);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Cell ids as nbformat 4.5 wants them, as nbformat's reader repairs them: for nbformat_minor ≥ 5, a cell
 * without an id gets a new one, and a repeated id is replaced in the later cell. The notebook is returned
 * as is when nothing changed, otherwise a copy (the cells that changed are copies too).
 *
 * 4.0–4.4 notebooks are left alone: ids would change the file, and the schema of those versions has no
 * `id` (Jupyter's writer doesn't add them either). An editor still needs a stable key per cell: keep one
 * beside the cell, never in it (the renderer makes one with `newCellId()` when a cell has no id, and
 * writes the cell back without it: see `src-renderer/notebook/model.ts`); a cell's run in the core is
 * named by that key.
 */
export function ensureCellIds(nb: Notebook): Notebook {
  if (nb.nbformat_minor < 5) return nb;
  const seen = new Set<string>();
  let cells: NbCell[] | null = null;
  nb.cells.forEach((cell, i) => {
    let id = cell.id;
    if (typeof id === 'string' && id !== '' && !seen.has(id)) {
      seen.add(id);
      return;
    }
    do id = newCellId();
    while (seen.has(id) || nb.cells.some((c) => c.id === id));
    seen.add(id);
    cells ??= nb.cells.slice();
    cells[i] = { ...cell, id };
  });
  return cells ? { ...nb, cells } : nb;
}

export interface NewNotebookOptions {
  /** The kernelspec's name (default `python3`). */
  readonly kernelName?: string;
  /** The kernelspec's display name (default `Python 3 (ipykernel)`). */
  readonly displayName?: string;
  /** `language_info.version`, e.g. `3.11.2` (left out when unknown). */
  readonly pythonVersion?: string;
}

/**
 * A new nbformat 4.5 notebook, as JupyterLab makes one once ipykernel has told it its language: one empty
 * code cell (with an id), `kernelspec` and `language_info` filled.
 */
export function newNotebook(opts: NewNotebookOptions = {}): Notebook {
  return {
    cells: [{ cell_type: 'code', execution_count: null, id: newCellId(), metadata: {}, outputs: [], source: '' }],
    metadata: {
      kernelspec: { display_name: opts.displayName ?? 'Python 3 (ipykernel)', language: 'python', name: opts.kernelName ?? 'python3' },
      language_info: {
        codemirror_mode: { name: 'ipython', version: 3 },
        file_extension: '.py',
        mimetype: 'text/x-python',
        name: 'python',
        nbconvert_exporter: 'python',
        pygments_lexer: 'ipython3',
        ...(opts.pythonVersion !== undefined ? { version: opts.pythonVersion } : {}),
      },
    },
    nbformat: 4,
    nbformat_minor: 5,
  };
}

// --- reading --------------------------------------------------------------------------------------

/**
 * Read a `.ipynb` file's text. NOTEBOOK_INVALID, with what is wrong and where, when it is not JSON or not
 * an nbformat 4 notebook. The result is the file's content as is (see the module comment).
 */
export function parseNotebook(text: string): Result<Notebook> {
  let parsed: { value: JsonValue; marks: NumberMark[] };
  try {
    parsed = parseJson(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return err('NOTEBOOK_INVALID', describeSyntaxError(text, e));
    throw e;
  }
  const problem = checkNotebook(parsed.value);
  if (problem !== null) return err('NOTEBOOK_INVALID', problem);
  const nb = parsed.value as unknown as Notebook;
  attachHints(nb, parsed.marks);
  return ok(nb);
}

/**
 * Check an in-memory notebook (from the renderer, say) as `parseNotebook` checks a file, plus that it
 * holds only JSON values (plain objects, arrays, strings, numbers, booleans, null; an `undefined`
 * property counts as absent). The object itself is returned, unchanged.
 */
export function validateNotebook(value: unknown): Result<Notebook> {
  const notJson = findNonJson(value, '', 0);
  if (notJson !== null) return err('NOTEBOOK_INVALID', notJson);
  const problem = checkNotebook(value);
  if (problem !== null) return err('NOTEBOOK_INVALID', problem);
  return ok(value as Notebook);
}

// JSON ------------------------------------------------------------------------------------------------

/** Deeper than Python's json reads (its recursion limit is about 1000). */
const MAX_DEPTH = 1000;

class JsonSyntaxError extends Error {
  constructor(
    readonly problem: string,
    readonly pos: number,
    /** The input ended before the value did. */
    readonly atEnd = false,
  ) {
    super(problem);
  }
}

type PathKey = string | number;
interface NumberMark {
  readonly path: PathKey[];
  /** `f`: a float with an integral value; `-0.0`: negative zero; otherwise an integer's exact digits. */
  readonly hint: string;
}

const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

function parseJson(text: string): { value: JsonValue; marks: NumberMark[] } {
  const len = text.length;
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const path: PathKey[] = [];
  const marks: NumberMark[] = [];

  const fail = (problem: string, at = pos): never => {
    throw new JsonSyntaxError(problem, at);
  };
  const end = (): never => {
    throw new JsonSyntaxError('unexpected end of input', len, true);
  };
  const skipWs = (): void => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const literal = (word: string, value: JsonValue): JsonValue => {
    if (text.startsWith(word, pos)) {
      pos += word.length;
      return value;
    }
    if (pos + word.length > len && word.startsWith(text.slice(pos))) end();
    return fail(`unexpected ${describeChar(text, pos)} where a value was expected`);
  };

  const parseString = (): string => {
    const start = ++pos; // after the opening quote
    let i = start;
    for (;;) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        pos = i + 1;
        return text.slice(start, i);
      }
      if (c === 0x5c || c < 0x20 || i >= len) break;
      i++;
    }
    const parts: string[] = [text.slice(start, i)];
    pos = i;
    for (;;) {
      if (pos >= len) end();
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        pos++;
        return parts.join('');
      }
      if (c < 0x20) fail(`unescaped control character U+${hex4(c).toUpperCase()} in a string`);
      if (c === 0x5c) {
        if (pos + 1 >= len) end();
        const e = text[pos + 1] as string;
        if (e === 'u') {
          const digits = text.slice(pos + 2, pos + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(digits)) {
            if (pos + 6 > len && /^[0-9a-fA-F]*$/.test(digits)) end();
            fail('invalid \\u escape in a string (4 hex digits expected)');
          }
          parts.push(String.fromCharCode(parseInt(digits, 16)));
          pos += 6;
        } else if (e in ESCAPES) {
          parts.push(ESCAPES[e] as string);
          pos += 2;
        } else {
          fail(`invalid escape \\${e} in a string`);
        }
        continue;
      }
      let j = pos + 1;
      for (;;) {
        const d = text.charCodeAt(j);
        if (d === 0x22 || d === 0x5c || d < 0x20 || j >= len) break;
        j++;
      }
      parts.push(text.slice(pos, j));
      pos = j;
    }
  };

  const digitsFrom = (i: number): number => {
    while (i < len) {
      const c = text.charCodeAt(i);
      if (c < 0x30 || c > 0x39) break;
      i++;
    }
    return i;
  };

  const parseNumber = (): number => {
    const start = pos;
    let i = pos;
    if (text.charCodeAt(i) === 0x2d) {
      i++;
      if (text.startsWith('Infinity', i)) {
        pos = i + 8;
        return -Infinity;
      }
      if (i >= len || (i + 8 > len && 'Infinity'.startsWith(text.slice(i)))) end();
    }
    const first = text.charCodeAt(i);
    if (first === 0x30) i++;
    else if (first >= 0x31 && first <= 0x39) i = digitsFrom(i + 1);
    else fail(`invalid number: a digit must follow "-"`, i);
    let float = false;
    if (text.charCodeAt(i) === 0x2e) {
      const j = digitsFrom(i + 1);
      if (j === i + 1) {
        if (j >= len) end();
        fail('invalid number: a digit must follow "."', j);
      }
      i = j;
      float = true;
    }
    const e = text.charCodeAt(i);
    if (e === 0x65 || e === 0x45) {
      let j = i + 1;
      const s = text.charCodeAt(j);
      if (s === 0x2b || s === 0x2d) j++;
      const k = digitsFrom(j);
      if (k === j) {
        if (k >= len) end();
        fail('invalid number: a digit must follow the exponent', k);
      }
      i = k;
      float = true;
    }
    pos = i;
    const raw = text.slice(start, i);
    const value = Number(raw);
    if (float) {
      if (Number.isInteger(value)) marks.push({ path: path.slice(), hint: Object.is(value, -0) ? '-0.0' : 'f' });
      return value;
    }
    if (raw === '-0') return 0; // Python: int("-0") is 0
    // An integer JavaScript can't hold exactly. Not when it reads as JavaScript writes that number: then
    // it came through JSON.stringify (the digits of the file, if any, are in a hint already).
    if (!Number.isSafeInteger(value) && raw !== String(value) && BigInt(value).toString() !== raw) marks.push({ path: path.slice(), hint: raw });
    return value;
  };

  const parseValue = (depth: number): JsonValue => {
    skipWs();
    if (pos >= len) end();
    const c = text.charCodeAt(pos);
    if (c === 0x22) return parseString();
    if (c === 0x7b) {
      if (depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
      pos++;
      const obj: JsonObject = {};
      skipWs();
      if (text.charCodeAt(pos) === 0x7d) {
        pos++;
        return obj;
      }
      for (;;) {
        skipWs();
        if (pos >= len) end();
        const k = text.charCodeAt(pos);
        if (k !== 0x22) {
          if (k === 0x7d) fail(`a trailing comma before "}"`, lastComma(text, pos));
          fail(`expected a property name in double quotes, found ${describeChar(text, pos)}`);
        }
        const key = parseString();
        skipWs();
        if (pos >= len) end();
        if (text.charCodeAt(pos) !== 0x3a) fail(`expected ":" after the property name ${JSON.stringify(key)}, found ${describeChar(text, pos)}`);
        pos++;
        const duplicate = Object.prototype.hasOwnProperty.call(obj, key);
        if (duplicate) dropMarksUnder(marks, path, key);
        path.push(key);
        const value = parseValue(depth + 1);
        path.pop();
        if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
        else obj[key] = value;
        skipWs();
        if (pos >= len) end();
        const sep = text.charCodeAt(pos);
        if (sep === 0x2c) {
          pos++;
          continue;
        }
        if (sep === 0x7d) {
          pos++;
          return obj;
        }
        fail(`expected "," or "}" after a property value, found ${describeChar(text, pos)}`);
      }
    }
    if (c === 0x5b) {
      if (depth >= MAX_DEPTH) fail(`nested deeper than ${MAX_DEPTH} levels`);
      pos++;
      const arr: JsonValue[] = [];
      skipWs();
      if (text.charCodeAt(pos) === 0x5d) {
        pos++;
        return arr;
      }
      for (;;) {
        skipWs();
        if (text.charCodeAt(pos) === 0x5d && arr.length > 0) fail(`a trailing comma before "]"`, lastComma(text, pos));
        path.push(arr.length);
        arr.push(parseValue(depth + 1));
        path.pop();
        skipWs();
        if (pos >= len) end();
        const sep = text.charCodeAt(pos);
        if (sep === 0x2c) {
          pos++;
          continue;
        }
        if (sep === 0x5d) {
          pos++;
          return arr;
        }
        fail(`expected "," or "]" after a list item, found ${describeChar(text, pos)}`);
      }
    }
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) return parseNumber();
    if (c === 0x74) return literal('true', true);
    if (c === 0x66) return literal('false', false);
    if (c === 0x6e) return literal('null', null);
    if (c === 0x4e) return literal('NaN', NaN);
    if (c === 0x49) return literal('Infinity', Infinity);
    return fail(`unexpected ${describeChar(text, pos)} where a value was expected`);
  };

  skipWs();
  if (pos >= len) throw new JsonSyntaxError('the file is empty', 0);
  const value = parseValue(0);
  skipWs();
  if (pos < len) fail(`unexpected ${describeChar(text, pos)} after the end of the notebook's JSON`);
  return { value, marks };
}

/** A duplicate key's later value wins (as in Python): forget the numbers noted in the earlier one. */
function dropMarksUnder(marks: NumberMark[], path: readonly PathKey[], key: string): void {
  const depth = path.length;
  for (let i = marks.length - 1; i >= 0; i--) {
    const p = (marks[i] as NumberMark).path;
    if (p.length > depth && p[depth] === key && path.every((k, j) => p[j] === k)) marks.splice(i, 1);
  }
}

function lastComma(text: string, pos: number): number {
  const i = text.lastIndexOf(',', pos);
  return i < 0 ? pos : i;
}

function hex4(c: number): string {
  return c.toString(16).padStart(4, '0');
}

function describeChar(text: string, pos: number): string {
  const cp = text.codePointAt(pos);
  if (cp === undefined) return 'end of input';
  if (cp < 0x20 || cp === 0x7f || (cp >= 0x80 && cp < 0xa0) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
    return `character U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  const ch = String.fromCodePoint(cp);
  return ch === "'" ? `character "'"` : `character '${ch}'`;
}

function lineAndColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < pos; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  // Columns count characters (code points), from 1.
  let column = 1;
  for (let i = lineStart; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < pos) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    column++;
  }
  return { line, column };
}

function describeSyntaxError(text: string, e: JsonSyntaxError): string {
  if (e.problem === 'the file is empty') return 'The notebook file is empty: a notebook is a JSON object';
  const { line, column } = lineAndColumn(text, e.pos);
  const hint = e.atEnd ? ' (the file may be truncated)' : '';
  return `The notebook is not valid JSON: ${e.problem} at line ${line}, column ${column}${hint}`;
}

// Structure -------------------------------------------------------------------------------------------

type Obj = { [key: string]: unknown };

const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const has = (o: Obj, key: string): boolean => Object.prototype.hasOwnProperty.call(o, key) && o[key] !== undefined;
const isMultiline = (v: unknown): boolean => typeof v === 'string' || (Array.isArray(v) && v.every((s) => typeof s === 'string'));
const isCount = (v: unknown): boolean => v === null || (typeof v === 'number' && Number.isInteger(v) && v >= 0);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'boolean') return 'a boolean';
  return typeof v;
}

/** `application/json` and `application/…+json` hold any JSON; other MIME types a multi-line string. */
export function isJsonMime(mime: string): boolean {
  return mime === 'application/json' || (mime.startsWith('application/') && mime.endsWith('+json'));
}

/** The first thing that makes `v` not an nbformat 4 notebook, in words; null when it is one. */
function checkNotebook(v: unknown): string | null {
  if (!isObject(v)) return `The file holds JSON, but ${kindOf(v)}, not a notebook (a notebook is a JSON object with nbformat, metadata and cells)`;
  if (!has(v, 'nbformat')) {
    if (has(v, 'worksheets')) return 'nbformat 3 notebooks are not supported: open and save it in Jupyter to upgrade it';
    return 'The file holds JSON, but not a Jupyter notebook: it has no nbformat version';
  }
  const major = v.nbformat;
  if (typeof major !== 'number' || !Number.isInteger(major)) return `nbformat must be a whole number (it is ${kindOf(major)})`;
  if (major >= 1 && major <= 3) return `nbformat ${major} notebooks are not supported: open and save it in Jupyter to upgrade it`;
  if (major !== 4) return `nbformat ${major} is not supported: Lathe reads nbformat 4 (4.0 to 4.5)`;
  const minor = v.nbformat_minor;
  if (!has(v, 'nbformat_minor')) return 'The notebook has no nbformat_minor';
  if (typeof minor !== 'number' || !Number.isInteger(minor) || minor < 0) return 'nbformat_minor must be a whole number';
  if (!has(v, 'metadata')) return 'The notebook has no metadata';
  const md = v.metadata;
  if (!isObject(md)) return `metadata must be an object (it is ${kindOf(md)})`;
  if (has(md, 'kernelspec')) {
    const ks = md.kernelspec;
    if (!isObject(ks) || typeof ks.name !== 'string' || typeof ks.display_name !== 'string') return 'metadata.kernelspec must be an object with a name and a display_name (strings)';
    if (has(ks, 'language') && typeof ks.language !== 'string') return 'metadata.kernelspec.language must be a string';
  }
  if (has(md, 'language_info')) {
    const li = md.language_info;
    if (!isObject(li) || typeof li.name !== 'string') return 'metadata.language_info must be an object with a name (a string)';
    if (has(li, 'version') && typeof li.version !== 'string') return 'metadata.language_info.version must be a string';
  }
  if (!has(v, 'cells')) return 'The notebook has no cells list';
  if (!Array.isArray(v.cells)) return `cells must be a list (it is ${kindOf(v.cells)})`;
  for (let i = 0; i < v.cells.length; i++) {
    const problem = checkCell(v.cells[i], `cell ${i + 1}`);
    if (problem !== null) return problem;
  }
  return null;
}

function checkCell(cell: unknown, where: string): string | null {
  if (!isObject(cell)) return `${where} is ${kindOf(cell)}, not a cell object`;
  if (!has(cell, 'cell_type')) return `${where} has no cell_type`;
  const type = cell.cell_type;
  if (type !== 'code' && type !== 'markdown' && type !== 'raw') {
    return `${where} has an unknown cell_type ${typeof type === 'string' ? JSON.stringify(type) : `(${kindOf(type)})`}: expected code, markdown or raw`;
  }
  if (has(cell, 'id') && typeof cell.id !== 'string') return `${where}: id must be a string`;
  if (!has(cell, 'source')) return `${where} has no source`;
  if (!isMultiline(cell.source)) return `${where}: source must be a string or a list of strings`;
  if (!has(cell, 'metadata')) return `${where} has no metadata`;
  if (!isObject(cell.metadata)) return `${where}: metadata must be an object`;
  if (has(cell, 'attachments')) {
    const att = cell.attachments;
    if (!isObject(att)) return `${where}: attachments must be an object`;
    for (const [name, bundle] of Object.entries(att)) {
      const problem = checkBundle(bundle, `${where}, attachment ${JSON.stringify(name)}`);
      if (problem !== null) return problem;
    }
  }
  if (type !== 'code') return null;
  if (!has(cell, 'execution_count')) return `${where} (code) has no execution_count`;
  if (!isCount(cell.execution_count)) return `${where}: execution_count must be a whole number or null`;
  if (!has(cell, 'outputs')) return `${where} (code) has no outputs list`;
  if (!Array.isArray(cell.outputs)) return `${where}: outputs must be a list`;
  for (let j = 0; j < cell.outputs.length; j++) {
    const problem = checkOutput(cell.outputs[j], `${where}, output ${j + 1}`);
    if (problem !== null) return problem;
  }
  return null;
}

function checkBundle(bundle: unknown, where: string): string | null {
  if (!isObject(bundle)) return `${where} must be an object of MIME types (it is ${kindOf(bundle)})`;
  for (const [mime, value] of Object.entries(bundle)) {
    if (value === undefined || isJsonMime(mime)) continue;
    if (!isMultiline(value)) return `${where}: ${mime} must be a string or a list of strings`;
  }
  return null;
}

function checkOutput(out: unknown, where: string): string | null {
  if (!isObject(out)) return `${where} is ${kindOf(out)}, not an output object`;
  if (!has(out, 'output_type')) return `${where} has no output_type`;
  const type = out.output_type;
  switch (type) {
    case 'stream':
      if (typeof out.name !== 'string') return `${where}: a stream output needs a name (stdout or stderr)`;
      if (!has(out, 'text')) return `${where}: a stream output needs a text`;
      if (!isMultiline(out.text)) return `${where}: text must be a string or a list of strings`;
      return null;
    case 'execute_result':
    case 'display_data': {
      if (type === 'execute_result') {
        if (!has(out, 'execution_count')) return `${where}: an execute_result needs an execution_count`;
        if (!isCount(out.execution_count)) return `${where}: execution_count must be a whole number or null`;
      }
      if (!has(out, 'data')) return `${where}: ${type} needs data`;
      const problem = checkBundle(out.data, `${where}: data`);
      if (problem !== null) return problem;
      if (!has(out, 'metadata')) return `${where}: ${type} needs metadata`;
      if (!isObject(out.metadata)) return `${where}: metadata must be an object`;
      if (has(out, 'transient') && !isObject(out.transient)) return `${where}: transient must be an object`;
      return null;
    }
    case 'error':
      if (typeof out.ename !== 'string') return `${where}: an error output needs an ename (a string)`;
      if (typeof out.evalue !== 'string') return `${where}: an error output needs an evalue (a string)`;
      if (!Array.isArray(out.traceback) || !out.traceback.every((s) => typeof s === 'string')) return `${where}: traceback must be a list of strings`;
      return null;
    default:
      return `${where} has an unknown output_type ${typeof type === 'string' ? JSON.stringify(type) : `(${kindOf(type)})`}: expected stream, execute_result, display_data or error`;
  }
}

/** Where `v` holds something JSON can't (a function, a Date, a Map, a cycle…), in words; null when nothing. */
function findNonJson(v: unknown, at: string, depth: number): string | null {
  if (depth > MAX_DEPTH) return `The notebook is nested deeper than ${MAX_DEPTH} levels${at ? ` at ${at}` : ''}`;
  if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return null;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const problem = findNonJson(v[i], `${at}/${i}`, depth + 1);
      if (problem !== null) return problem;
    }
    return null;
  }
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v) as unknown;
    if (proto === Object.prototype || proto === null) {
      for (const key of Object.keys(v)) {
        const value = (v as Obj)[key];
        if (value === undefined) continue;
        const problem = findNonJson(value, `${at}/${key}`, depth + 1);
        if (problem !== null) return problem;
      }
      return null;
    }
  }
  const name = typeof v === 'object' ? ((v as object).constructor?.name ?? 'object') : typeof v;
  return `The notebook holds a value JSON can't (${name})${at ? ` at ${at}` : ''}`;
}

// Number hints -------------------------------------------------------------------------------------------

const encodePointer = (path: readonly PathKey[]): string => path.map((k) => '/' + String(k).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
const decodePointer = (pointer: string): string[] =>
  pointer
    .split('/')
    .slice(1)
    .map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));

function isHints(v: unknown): v is NumberHints {
  return isObject(v) && Object.entries(v).every(([k, h]) => k.startsWith('/') && typeof h === 'string' && (h === 'f' || h === '-0.0' || /^-?[0-9]+$/.test(h)));
}

/** Notes each number the parser marked on its notebook, cell or output (see NUMBER_HINTS). */
function attachHints(nb: Notebook, marks: readonly NumberMark[]): void {
  // The key is reserved: one read from the file is kept only when it is well-formed.
  const nodes: Obj[] = [nb as unknown as Obj];
  for (const cell of nb.cells) {
    nodes.push(cell as unknown as Obj);
    if (cell.cell_type === 'code') for (const out of cell.outputs) nodes.push(out as unknown as Obj);
  }
  for (const node of nodes) if (NUMBER_HINTS in node && !isHints(node[NUMBER_HINTS])) delete node[NUMBER_HINTS];

  for (const { path, hint } of marks) {
    if (path[0] === NUMBER_HINTS) continue;
    let node = nb as unknown as Obj;
    let rel = path;
    if (path[0] === 'cells' && typeof path[1] === 'number' && path.length > 2) {
      const cell = nb.cells[path[1]] as NbCell;
      node = cell as unknown as Obj;
      rel = path.slice(2);
      if (cell.cell_type === 'code' && rel[0] === 'outputs' && typeof rel[1] === 'number' && rel.length > 2) {
        node = cell.outputs[rel[1]] as unknown as Obj;
        rel = rel.slice(2);
      }
    }
    if (rel[0] === NUMBER_HINTS) continue;
    const hints = (node[NUMBER_HINTS] ??= {}) as NumberHints;
    // A hint that came with the input (a notebook that went through JSON.stringify) knows better: it
    // was made from the file, before JavaScript rounded the number.
    hints[encodePointer(rel)] ??= hint;
  }
}

// --- writing --------------------------------------------------------------------------------------

/**
 * The notebook's file text, exactly as Jupyter writes it (`nbformat.write`): see the module comment. The
 * notebook must be valid (`parseNotebook`, `validateNotebook`); it is not changed.
 */
export function serializeNotebook(nb: Notebook): string {
  const overrides = new Map<object, Map<string, string>>();
  const disk = diskShape(nb, overrides);
  const out: string[] = [];
  writeJson(disk, '\n', out, overrides);
  out.push('\n');
  return out.join('');
}

/** nbformat's rejoin_lines: a list of strings in a non-JSON MIME type is one string again. */
function rejoinBundle(bundle: Obj): Obj {
  const out: Obj = {};
  for (const [mime, value] of Object.entries(bundle)) {
    setOwn(out, mime, !isJsonMime(mime) && Array.isArray(value) && value.every((s) => typeof s === 'string') ? value.join('') : value);
  }
  return out;
}

const SPLIT_MIMES = new Set(['application/javascript', 'image/svg+xml']);

/** nbformat's split_lines for a MIME bundle: text/*, application/javascript and image/svg+xml. */
function splitBundle(bundle: Obj): Obj {
  const out = rejoinBundle(bundle);
  for (const [mime, value] of Object.entries(out)) {
    if (typeof value === 'string' && (mime.startsWith('text/') || SPLIT_MIMES.has(mime))) setOwn(out, mime, splitLines(value));
  }
  return out;
}

function without(o: Obj, keys: readonly string[]): Obj {
  if (!keys.some((k) => k in o)) return { ...o };
  const copy: Obj = {};
  for (const [k, v] of Object.entries(o)) if (!keys.includes(k)) setOwn(copy, k, v);
  return copy;
}

/**
 * `o[key] = value` for any key, `__proto__` too: the reader keeps a `"__proto__"` key as an own property, and a
 * plain assignment would set the copy's prototype instead (the key then lost from the file).
 */
function setOwn(o: Obj, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The notebook as nbformat's writer hands it to json.dumps: lines rejoined and split, transient fields
 * gone. Shallow copies where something changes; the rest is shared. The number hints of each node are
 * resolved on its copy into `overrides` (container → key → the number's text).
 */
function diskShape(nb: Notebook, overrides: Map<object, Map<string, string>>): Obj {
  const top = without(nb as unknown as Obj, [NUMBER_HINTS]);
  top.metadata = without(nb.metadata, ['orig_nbformat', 'orig_nbformat_minor', 'signature']);
  top.cells = nb.cells.map((cell) => {
    const c = without(cell as unknown as Obj, [NUMBER_HINTS]);
    c.source = splitLines(joinSource(cell.source));
    c.metadata = without(cell.metadata, ['trusted']);
    if (isObject(c.attachments)) {
      const attachments: Obj = {};
      for (const [name, bundle] of Object.entries(c.attachments)) setOwn(attachments, name, isObject(bundle) ? splitBundle(bundle) : bundle);
      c.attachments = attachments;
    }
    if (cell.cell_type === 'code') {
      c.outputs = cell.outputs.map((output) => {
        const o = without(output as unknown as Obj, [NUMBER_HINTS, 'transient']);
        if (o.output_type === 'execute_result' || o.output_type === 'display_data') {
          if (isObject(o.data)) o.data = splitBundle(o.data);
        } else if (o.output_type === 'stream') {
          if (isMultiline(o.text)) o.text = splitLines(joinSource(o.text as MultilineString));
        } else if (Array.isArray(o.text)) {
          o.text = o.text.join('');
        }
        resolveHints(o, (output as NbOutput)[NUMBER_HINTS], overrides);
        return o;
      });
    }
    resolveHints(c, cell[NUMBER_HINTS], overrides);
    return c;
  });
  resolveHints(top, nb[NUMBER_HINTS], overrides);
  return top;
}

function resolveHints(node: Obj, hints: NumberHints | undefined, overrides: Map<object, Map<string, string>>): void {
  if (!isHints(hints)) return;
  for (const [pointer, hint] of Object.entries(hints)) {
    const keys = decodePointer(pointer);
    const last = keys.pop();
    if (last === undefined) continue;
    let container: unknown = node;
    for (const k of keys) {
      container = isObject(container) || Array.isArray(container) ? (container as Obj)[k] : undefined;
    }
    if (!(isObject(container) || Array.isArray(container))) continue;
    const value = (container as Obj)[last];
    if (typeof value !== 'number') continue;
    let text: string | null = null;
    if (hint === 'f') {
      if (Number.isInteger(value)) text = pythonFloat(value);
    } else if (hint === '-0.0') {
      if (value === 0) text = '-0.0'; // JSON.stringify writes -0 as 0
    } else if (Number(hint) === value) {
      text = hint;
    }
    if (text === null) continue;
    let byKey = overrides.get(container);
    if (!byKey) overrides.set(container, (byKey = new Map()));
    byKey.set(last, text);
  }
}

/**
 * Python's `repr(float)`, as json.dumps writes floats: the shortest digits that read back the same, in
 * fixed notation for 1e-4 ≤ |x| < 1e16 (always with a `.`: `1.0`), otherwise `1e-05`, `1.5e+300`;
 * `NaN`, `Infinity`, `-Infinity`.
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const sign = x < 0 ? '-' : '';
  // JavaScript's shortest round-trip digits (the same digits Python picks), then Python's layout.
  const s = String(Math.abs(x));
  let digits: string;
  let exp: number; // the exponent of the first digit
  const e = s.indexOf('e');
  if (e >= 0) {
    digits = s.slice(0, e).replace('.', '');
    exp = Number(s.slice(e + 1));
  } else {
    const dot = s.indexOf('.');
    const int = dot < 0 ? s : s.slice(0, dot);
    const frac = dot < 0 ? '' : s.slice(dot + 1);
    if (int === '0') {
      const zeros = frac.length - frac.replace(/^0+/, '').length;
      digits = frac.slice(zeros);
      exp = -zeros - 1;
    } else {
      digits = int + frac;
      exp = int.length - 1;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const decpt = exp + 1;
  if (decpt > -4 && decpt <= 16) {
    if (decpt <= 0) return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
    if (decpt >= digits.length) return `${sign}${digits}${'0'.repeat(decpt - digits.length)}.0`;
    return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
  }
  const mantissa = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  const abs = Math.abs(exp);
  return `${sign}${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

/** A number as Python's json.dumps writes it: integers as integers, floats as `repr` does. */
function pythonNumber(x: number): string {
  if (Number.isInteger(x)) return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
  // Where both print fixed notation (JavaScript does for 1e-7 ≤ |x| < 1e21), the text is the same.
  const abs = Math.abs(x);
  if (abs >= 1e-4 && abs < 1e16) return String(x);
  return pythonFloat(x);
}

/**
 * A JSON string as json.dumps(ensure_ascii=False) writes it. JSON.stringify escapes the same characters
 * the same way (`"`, `\\`, control characters as `\n` or `\u001b`; not `/`, DEL or U+2028); it also
 * escapes a lone surrogate (`\ud800`), which Python's writer can't write at all.
 */
const quote = (s: string): string => JSON.stringify(s);

const HIGH_UNITS = /[\ud800-\uffff]/;

/** Python sorts keys by code point; JavaScript by UTF-16 unit, which differs only past U+D7FF. */
function sortKeys(keys: string[]): string[] {
  if (!keys.some((k) => HIGH_UNITS.test(k))) return keys.sort();
  const weight = (u: number): number => (u < 0xd800 ? u : u <= 0xdfff ? u + 0x2000 : u - 0x800);
  return keys.sort((a, b) => {
    const n = Math.min(a.length, b.length);
    for (let i = 0; i < n; i++) {
      const x = a.charCodeAt(i);
      const y = b.charCodeAt(i);
      if (x !== y) return weight(x) - weight(y);
    }
    return a.length - b.length;
  });
}

/** json.dumps(v, indent=1, sort_keys=True, separators=(",", ": "), ensure_ascii=False). `nl`: newline + indent. */
function writeJson(v: unknown, nl: string, out: string[], overrides: Map<object, Map<string, string>>, override?: string): void {
  if (typeof v === 'string') out.push(quote(v));
  else if (typeof v === 'number') out.push(override ?? pythonNumber(v));
  else if (v === null || v === undefined) out.push('null');
  else if (typeof v === 'boolean') out.push(v ? 'true' : 'false');
  else if (Array.isArray(v)) {
    if (v.length === 0) {
      out.push('[]');
      return;
    }
    const inner = nl + ' ';
    const sep = ',' + inner;
    const byKey = overrides.size > 0 ? overrides.get(v) : undefined;
    out.push('[', inner);
    for (let i = 0; i < v.length; i++) {
      if (i > 0) out.push(sep);
      const item: unknown = v[i];
      if (typeof item === 'string') out.push(quote(item));
      else writeJson(item, inner, out, overrides, byKey?.get(String(i)));
    }
    out.push(nl, ']');
  } else if (typeof v === 'object') {
    const o = v as Obj;
    const keys = sortKeys(Object.keys(o).filter((k) => o[k] !== undefined));
    if (keys.length === 0) {
      out.push('{}');
      return;
    }
    const inner = nl + ' ';
    const sep = ',' + inner;
    const byKey = overrides.size > 0 ? overrides.get(o) : undefined;
    out.push('{', inner);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i] as string;
      if (i > 0) out.push(sep);
      out.push(quote(k), ': ');
      writeJson(o[k], inner, out, overrides, byKey?.get(k));
    }
    out.push(nl, '}');
  } else {
    throw new TypeError(`serializeNotebook: ${typeof v} is not JSON`);
  }
}
