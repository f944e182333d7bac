/**
 * nbformat 4 (4.0–4.5) as JSON types: what a `.ipynb` file holds. The types name the known fields;
 * unknown ones are kept at run time (objects pass through untouched), so a notebook read and written
 * back loses nothing. Multi-line strings may be a string or
 * a list of lines on disk (`MultilineString`); Lathe's writer splits them into lists as Jupyter's does.
 *
 * Pure types: the parser and writer are in `ipynb.ts`, the run-output conversion in `outputs.ts`.
 */

export type MultilineString = string | string[];

/** NaN and ±Infinity are numbers too: Python's json reads and writes them (`NaN`, `Infinity`). */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/**
 * Lathe's in-memory key for numbers JSON.parse can't keep as Python wrote them. JavaScript has one number
 * type, so `1.0` and `1` (and `-0.0`, `1e+16`) read the same, and integers beyond 2**53 lose digits; a
 * Python writer would put them back as they were. The parser records each such number on the nearest
 * notebook, cell or output object under this key: a JSON Pointer relative to that object (`/metadata/
 * papermill/duration`) → `"f"` (a float: written `1.0`), `"-0.0"` (negative zero, which JSON.stringify
 * writes as `0`), or the integer's exact digits (written as they are while the value there still equals
 * them). The writer uses a hint only while the value at its
 * pointer is still such a number, and never writes the key itself.
 *
 * Keep it when copying cells and outputs (`{ ...cell }` does); ignore it otherwise. The key is reserved:
 * a file holding it has it replaced.
 */
export const NUMBER_HINTS = '__lathe_numbers__';
export type NumberHints = { [pointer: string]: string };

interface Hinted {
  [NUMBER_HINTS]?: NumberHints;
}

export interface NbMimeBundle {
  /** `application/json` and `application/…+json`: any JSON; every other type: a (multi-line) string. */
  [mime: string]: JsonValue;
}

export type NbStreamName = 'stdout' | 'stderr' | (string & {});

export type NbOutput =
  | (Hinted & {
      output_type: 'stream';
      /** `stdout` or `stderr` from every kernel; nbformat allows any name. */
      name: NbStreamName;
      text: MultilineString;
    })
  | (Hinted & {
      output_type: 'execute_result';
      execution_count: number | null;
      data: NbMimeBundle;
      metadata: JsonObject;
    })
  | (Hinted & {
      output_type: 'display_data';
      data: NbMimeBundle;
      metadata: JsonObject;
      /** Not saved: `transient.display_id` as Jupyter sends it (kept in memory for display updates). */
      transient?: { display_id?: string };
    })
  | (Hinted & { output_type: 'error'; ename: string; evalue: string; traceback: string[] });

interface CellBase extends Hinted {
  /**
   * Required from nbformat 4.5 on (`ensureCellIds` adds missing ones); absent in 4.0–4.4 files, and not
   * added to them (see `ensureCellIds` in ipynb.ts).
   */
  id?: string;
  source: MultilineString;
  metadata: JsonObject;
}

export interface NbCodeCell extends CellBase {
  cell_type: 'code';
  execution_count: number | null;
  outputs: NbOutput[];
}

export interface NbMarkdownCell extends CellBase {
  cell_type: 'markdown';
  attachments?: { [name: string]: NbMimeBundle };
}

export interface NbRawCell extends CellBase {
  cell_type: 'raw';
  attachments?: { [name: string]: NbMimeBundle };
}

export type NbCell = NbCodeCell | NbMarkdownCell | NbRawCell;

export interface Notebook extends Hinted {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject & {
    kernelspec?: JsonObject & { name: string; display_name: string; language?: string };
    /** ipykernel also fills codemirror_mode, file_extension, mimetype, nbconvert_exporter, pygments_lexer. */
    language_info?: JsonObject & { name: string; version?: string };
  };
  cells: NbCell[];
}
