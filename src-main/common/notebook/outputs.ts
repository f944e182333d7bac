/**
 * A run's outputs (`RunOutput`, as the REPL driver reports them) as nbformat outputs, added as they come,
 * the way Jupyter's front ends build a cell's output area. Pure: used by the core (`lathe nb run`) and
 * the renderer.
 *
 * - Consecutive stream outputs of the same name are one output (as JupyterLab merges them).
 * - Stream text is resolved like a terminal shows it: `\r` returns to the start of the line, and what
 *   follows overwrites it character by character (`"0%\r50%\r100%\n"` → `"100%\n"`, `"abc\rX"` →
 *   `"Xbc"`); `\b` moves one character back (it does not erase: what follows overwrites). A line still
 *   open at the end whose cursor is not at its end keeps a mark of where the cursor is: `\r` + the text
 *   before the cursor (`"abc\r"`, as JupyterLab keeps it; `"Xbc\rX"`), so the next chunk continues
 *   there even when the terminal's reads split a write. Show stream text with `streamDisplayText`. Only
 *   the last line of the output is ever re-read, so a long stream costs the new text only.
 * - `display_data` with a display id keeps it in `transient.display_id` (in memory only:
 *   `serializeNotebook` drops `transient`); an update (`update: true`) replaces the data and metadata
 *   of every earlier output in the list with that id, and adds nothing. An update for an id the list
 *   doesn't have is ignored here: to update other cells too (as Jupyter does), pass it to their lists.
 * - `execute_result` carries its `execution_count`; errors become nbformat error outputs.
 */
import type { RunOutput } from '../contract';
import { joinSource } from './ipynb';
import type { JsonObject, NbMimeBundle, NbOutput } from './nbformat';

/**
 * `outputs` with `add` appended: a new list (`outputs` and its objects are not changed; a merged or
 * updated output is a new object).
 */
export function appendOutputs(outputs: readonly NbOutput[], add: readonly RunOutput[]): NbOutput[] {
  const out = outputs.slice();
  for (const o of add) {
    switch (o.type) {
      case 'stream': {
        const last = out[out.length - 1];
        if (last?.output_type === 'stream' && last.name === o.name) {
          out[out.length - 1] = { ...last, text: appendStreamText(joinSource(last.text), o.text) };
        } else {
          out.push({ output_type: 'stream', name: o.name, text: appendStreamText('', o.text) });
        }
        break;
      }
      case 'execute_result':
        out.push({ output_type: 'execute_result', execution_count: o.count, data: bundle(o.data), metadata: object(o.metadata) });
        break;
      case 'display_data':
        if (o.update) {
          if (o.displayId === null) break;
          for (let i = 0; i < out.length; i++) {
            const x = out[i] as NbOutput;
            if (x.output_type === 'display_data' && x.transient?.display_id === o.displayId) {
              out[i] = { ...x, data: bundle(o.data), metadata: object(o.metadata) };
            }
          }
        } else {
          out.push({
            output_type: 'display_data',
            data: bundle(o.data),
            metadata: object(o.metadata),
            ...(o.displayId !== null ? { transient: { display_id: o.displayId } } : {}),
          });
        }
        break;
      case 'error':
        out.push({ output_type: 'error', ename: o.ename, evalue: o.evalue, traceback: [...o.traceback] });
        break;
    }
  }
  return out;
}

const bundle = (data: Readonly<Record<string, unknown>>): NbMimeBundle => ({ ...data }) as NbMimeBundle;
const object = (metadata: Readonly<Record<string, unknown>>): JsonObject => ({ ...metadata }) as JsonObject;

// eslint-disable-next-line no-control-regex -- backspace is what it looks for
const OVERWRITES = /[\r\x08]/;

/**
 * Stream text `prev` (already resolved) followed by `add`, with `\r` and `\b` applied as a terminal
 * would (see the module comment).
 */
export function appendStreamText(prev: string, add: string): string {
  const cut = prev.lastIndexOf('\n') + 1;
  const open = prev.slice(cut) + add;
  if (!OVERWRITES.test(open)) return prev + add;
  return prev.slice(0, cut) + resolveOverwrites(open);
}

/**
 * What stream text shows: `\r` and `\b` applied to every line, and an open last line's cursor mark gone
 * (`"abc\r"` → `"abc"`, `"Xbc\rX"` → `"Xbc"`). For display only: the output keeps its text as it is
 * (so the next chunk continues at the cursor, and a file keeps what Jupyter would keep).
 */
export function streamDisplayText(text: string): string {
  return OVERWRITES.test(text) ? resolveOverwrites(text, false) : text;
}

/** `\r` and `\b` applied, line by line; the last line, if not ended and `keepCursor`, keeps where its cursor is. */
function resolveOverwrites(text: string, keepCursor = true): string {
  const lines = text.split('\n');
  const last = lines.length - 1;
  return lines.map((line, i) => (OVERWRITES.test(line) ? resolveLine(line, keepCursor && i === last) : line)).join('\n');
}

function resolveLine(line: string, open: boolean): string {
  const buf: string[] = [];
  let cursor = 0;
  for (const ch of line) {
    if (ch === '\r') cursor = 0;
    else if (ch === '\x08') cursor = Math.max(0, cursor - 1);
    else {
      buf[cursor] = ch;
      cursor++;
    }
  }
  const shown = buf.join('');
  // An open line whose cursor is not at its end: the next text overwrites from the cursor.
  return open && cursor < buf.length ? `${shown}\r${buf.slice(0, cursor).join('')}` : shown;
}
