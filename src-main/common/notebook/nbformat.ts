/**
 * nbformat 4 (4.0–4.5) as JSON types: what a `.ipynb` file holds. The types name the known fields;
 * unknown ones are kept at run time (objects pass through untouched), so a notebook read and written
 * back loses nothing. Multi-line strings may be a string or
 * a list of lines on disk (`MultilineString`); Lathe's writer splits them into lists as Jupyter's does.
 *
 * Pure types: the parser and writer are in `ipynb.ts`, the run-output conversion in `outputs.ts`.
 */

export type MultilineString = string | string[];

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface NbMimeBundle {
  [mime: string]: JsonValue;
}

export type NbOutput =
  | { output_type: 'stream'; name: 'stdout' | 'stderr'; text: MultilineString }
  | {
      output_type: 'execute_result';
      execution_count: number | null;
      data: NbMimeBundle;
      metadata: JsonObject;
    }
  | {
      output_type: 'display_data';
      data: NbMimeBundle;
      metadata: JsonObject;
      /** Not saved: `transient.display_id` as Jupyter sends it (kept in memory for display updates). */
      transient?: { display_id?: string };
    }
  | { output_type: 'error'; ename: string; evalue: string; traceback: string[] };

interface CellBase {
  /** Required from nbformat 4.5 on; Lathe gives every new cell one. */
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

export interface Notebook {
  nbformat: 4;
  nbformat_minor: number;
  metadata: JsonObject & {
    kernelspec?: { name: string; display_name: string; language?: string };
    language_info?: { name: string; version?: string };
  };
  cells: NbCell[];
}
