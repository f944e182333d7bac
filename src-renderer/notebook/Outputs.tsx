/**
 * A code cell's outputs: streams (stdout, stderr), errors with coloured tracebacks, and rich results
 * (HTML, SVG, PNG, JPEG, markdown, LaTeX, JSON, plain text), richest first as Jupyter picks them.
 *
 * - Text is shown cut beyond 2,000 lines or 1 MB, with "Show all" and "Save to file…" (the notebook keeps
 *   all of it); long text scrolls in its own box.
 * - HTML goes through DOMPurify (sanitize.ts) into a shadow root inside a box with `contain: content`
 *   (the host's parent, out of reach of the output's `:host` rules): its <style> applies to itself only,
 *   and nothing in it can be positioned over the app.
 * - SVG is shown as an <img> of a data: URL, where scripts never run.
 * - A "Profile Cell" report (`application/vnd.lathe.profile+json`) shows as a flame graph and a function table.
 * - The left gutter folds the outputs away.
 */
import { memo, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import type { JsonValue, NbMimeBundle, NbOutput } from '../../src-main/common/notebook/nbformat';
import { joinSource } from '../../src-main/common/notebook/ipynb';
import { streamDisplayText } from '../../src-main/common/notebook/outputs';
import { call } from '../bridge/client';
import { joinPath, parentOf } from '../explorer/tree-model';
import { ProfileView } from '../pyprofile/ProfileView';
import { isProfileReport, PROFILE_MIME, type CellProfileReport } from '../pyprofile/model';
import { useSessions } from '../sessions/sessions';
import { postMessage, useApp } from '../state/store';
import { ask, promptText } from '../ui/dialogs';
import { ansiToHtml, hasAnsi, stripAnsi } from './ansi';
import { renderMarkdown } from './markdown';
import { katexLoaded, latexToHtml, loadKatex, mayHaveMath } from './math';
import { toggleCollapsed, type Cell } from './model';
import { sendInput, type NotebookDoc } from './notebook-docs';
import { sanitizeHtml } from './sanitize';
import { truncateText } from './truncate';

/** HTML bigger than this is not rendered unless asked (it would hold the page for a while). */
const MAX_HTML_CHARS = 2_000_000;

export const OutputArea = memo(function OutputArea({ doc, cell }: { doc: NotebookDoc; cell: Cell }) {
  const count = cell.outputs.length;
  const toggle = () => doc.update((s) => toggleCollapsed(s, cell.id));
  return (
    <div className={`nb-outputs ${cell.collapsed ? 'collapsed' : ''}`} data-testid="cell-outputs">
      <button
        className="nb-output-gutter"
        title={cell.collapsed ? 'Show the outputs' : 'Hide the outputs'}
        aria-label={cell.collapsed ? 'Show outputs' : 'Hide outputs'}
        aria-expanded={!cell.collapsed}
        onClick={toggle}
      />
      <div className="nb-output-list">
        {cell.collapsed ? (
          <button className="nb-outputs-hidden" onClick={toggle}>
            {count} output{count === 1 ? '' : 's'} hidden (click to show)
          </button>
        ) : (
          cell.outputs.map((output, i) => <Output key={i} doc={doc} output={output} />)
        )}
        {cell.input && <InputRequestBox key={cell.input.runId} doc={doc} cell={cell} />}
      </div>
    </div>
  );
});

/** Outputs the user asked to see whole ("Show all"); kept while the output is unchanged, folded or not. */
const shownWhole = new WeakSet<object>();

function Output({ doc, output }: { doc: NotebookDoc; output: NbOutput }) {
  switch (output.output_type) {
    case 'stream':
      return <TextOutput doc={doc} owner={output} text={joinSource(output.text)} stream className={`nb-stream ${output.name === 'stderr' ? 'stderr' : 'stdout'}`} />;
    case 'error': {
      const text = output.traceback.length > 0 ? output.traceback.join('\n') : `${output.ename}: ${output.evalue}`;
      return <TextOutput doc={doc} owner={output} text={text} className="nb-error" role="alert" />;
    }
    case 'execute_result':
    case 'display_data':
      return <RichOutput doc={doc} data={output.data} metadata={output.metadata} />;
    default:
      return <div className="nb-output-note">An output of an unknown kind ({String((output as { output_type?: unknown }).output_type)})</div>;
  }
}

const RICH_ORDER = ['text/html', 'image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'image/webp', 'text/markdown', 'text/latex', 'application/json', 'text/plain'];

const textOf = (v: JsonValue | undefined): string => (typeof v === 'string' ? v : Array.isArray(v) && v.every((x) => typeof x === 'string') ? v.join('') : '');

function RichOutput({ doc, data, metadata }: { doc: NotebookDoc; data: NbMimeBundle; metadata: Record<string, JsonValue> }) {
  const profile = PROFILE_MIME in data ? data[PROFILE_MIME] : undefined;
  if (profile !== undefined && isProfileReport(profile)) return <ProfileOutput doc={doc} report={profile} />;
  const mime = RICH_ORDER.find((m) => m in data) ?? Object.keys(data).find((m) => m.endsWith('+json'));
  if (!mime) return <div className="nb-output-note">No displayable form ({Object.keys(data).join(', ') || 'empty'})</div>;
  const value = data[mime];
  switch (mime) {
    case 'text/html':
      return <HtmlOutput doc={doc} html={textOf(value)} />;
    case 'image/svg+xml':
      return <ImageOutput src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(textOf(value))}`} meta={metadata[mime]} />;
    case 'image/png':
    case 'image/jpeg':
    case 'image/gif':
    case 'image/webp':
      return <ImageOutput src={`data:${mime};base64,${textOf(value).replace(/\s+/g, '')}`} meta={metadata[mime]} />;
    case 'text/markdown':
      return <MarkdownOutput source={textOf(value)} />;
    case 'text/latex':
      return <LatexOutput tex={textOf(value)} />;
    case 'text/plain':
      return <TextOutput doc={doc} owner={data} text={textOf(value)} className="nb-result" />;
    default:
      return (
        <div className="nb-json" data-testid="json-output">
          <JsonTree value={value ?? null} depth={0} />
        </div>
      );
  }
}

/** "Profile Cell": the flame graph and the function table (files in the project open from it). */
function ProfileOutput({ doc, report }: { doc: NotebookDoc; report: CellProfileReport }) {
  const root = useApp((s) => s.project?.root ?? null);
  const sessionId = useStore(doc.store, (s) => s.session);
  const cwd = useSessions((s) => s.sessions.find((x) => x.id === sessionId)?.cwd ?? null);
  return (
    <div className="nb-profile-output">
      <ProfileView report={report} context={{ root, cwd }} />
    </div>
  );
}

// --- text ---------------------------------------------------------------------------------------------------

function formatSize(chars: number): string {
  return chars >= 1_000_000 ? `${(chars / 1_000_000).toFixed(1)} MB` : `${Math.ceil(chars / 1000)} kB`;
}

/**
 * Text, cut to its head when very long. The cut comes first, so a stream that grows by the batch costs
 * the head's work only. `stream`: `\r` and `\b` are applied for display (the notebook keeps them).
 */
function TextOutput(props: { doc: NotebookDoc; owner: object; text: string; className: string; role?: string; stream?: boolean }) {
  const { doc, owner, text, className, role, stream } = props;
  const [all, setAllState] = useState(() => shownWhole.has(owner));
  const setAll = () => {
    shownWhole.add(owner);
    setAllState(true);
  };
  const shown = useMemo(() => (all ? null : truncateText(text)), [text, all]);
  const head = shown?.truncated ? shown.text : text;
  const visible = useMemo(() => (stream ? streamDisplayText(head) : head), [head, stream]);
  const html = useMemo(() => (hasAnsi(visible) ? ansiToHtml(visible) : null), [visible]);
  return (
    <div className={`nb-text-output ${className}`} role={role}>
      {html !== null ? <pre dangerouslySetInnerHTML={{ __html: html }} /> : <pre>{visible}</pre>}
      {shown?.truncated && (
        <div className="nb-truncated" data-testid="output-truncated">
          <span>
            Showing the first {shown.shownLines.toLocaleString('en-US')}
            {shown.totalLines !== null ? ` of ${shown.totalLines.toLocaleString('en-US')}` : ''} lines ({formatSize(shown.totalChars)} in all). The notebook keeps all of it.
          </span>
          <button className="link-button" onClick={setAll}>
            Show all
          </button>
          <button className="link-button" onClick={() => void saveToFile(doc, stripAnsi(stream ? streamDisplayText(text) : text))}>
            Save to file…
          </button>
        </div>
      )}
    </div>
  );
}

/** Write an output's text to a project file the user names (next to the notebook by default). */
export async function saveToFile(doc: NotebookDoc, text: string): Promise<void> {
  const dir = parentOf(doc.path);
  const name = await promptText({ title: 'Save output to file', message: `In ${dir === '' ? 'the project root' : dir}:`, value: 'output.txt', okLabel: 'Save' });
  if (!name) return;
  const path = joinPath(dir, name);
  const write = (expectedVersion: string | null) => call('workspace.write', { path, text, encoding: 'utf8', bom: false, eol: '\n', expectedVersion });
  let r = await write(null);
  if (!r.ok && r.code === 'CONFLICT') {
    const choice = await ask(`${name} already exists`, 'Replace it with the output?', [{ id: 'replace', label: 'Replace', primary: true, danger: true }]);
    if (choice !== 'replace') return;
    const current = await call('workspace.read', { path });
    r = await write(current.ok ? current.value.version : null);
  }
  if (r.ok) postMessage('info', `Saved the output to ${path}`);
  else postMessage('error', `Could not save the output to ${path}: ${r.message}`);
}

// --- HTML, images, markdown, LaTeX, JSON ------------------------------------------------------------------

let outputSheet: CSSStyleSheet | null = null;

/** Styles inside every HTML output's shadow root (the page's own styles don't reach in). */
function outputStyles(): CSSStyleSheet {
  if (outputSheet) return outputSheet;
  outputSheet = new CSSStyleSheet();
  outputSheet.replaceSync(`
    :host { display: block; }
    .nb-html-root { font-family: var(--font-ui); font-size: var(--fs); color: var(--fg); line-height: 1.45; overflow-wrap: anywhere; }
    table { border-collapse: collapse; font-size: var(--fs-sm); font-variant-numeric: tabular-nums; margin: 2px 0; }
    th, td { padding: 3px 8px; border-bottom: 1px solid var(--border); text-align: right; vertical-align: middle; white-space: nowrap; }
    thead th { border-bottom: 1px solid var(--fg-muted); }
    tbody tr:nth-child(odd) { background: var(--bg-side); }
    tbody tr:hover { background: var(--bg-hover); }
    th { font-weight: 600; }
    img, svg, video { max-width: 100%; height: auto; }
    pre, code { font-family: var(--font-mono); font-size: var(--fs-sm); }
    a { color: var(--accent); }
  `);
  return outputSheet;
}

function HtmlOutput({ doc, html }: { doc: NotebookDoc; html: string }) {
  const host = useRef<HTMLDivElement>(null);
  const [force, setForce] = useState(false);
  const tooBig = html.length > MAX_HTML_CHARS && !force;
  useEffect(() => {
    const el = host.current;
    if (!el || tooBig) return;
    const root = el.shadowRoot ?? el.attachShadow({ mode: 'open' });
    root.adoptedStyleSheets = [outputStyles()];
    root.innerHTML = `<div class="nb-html-root">${sanitizeHtml(html, 'output')}</div>`;
  }, [html, tooBig]);
  if (tooBig) {
    return (
      <div className="nb-truncated">
        <span>An HTML output of {formatSize(html.length)}, not shown.</span>
        <button className="link-button" onClick={() => setForce(true)}>
          Show it
        </button>
        <button className="link-button" onClick={() => void saveToFile(doc, html)}>
          Save to file…
        </button>
      </div>
    );
  }
  // The contained box is not the shadow host: a sheet's `:host` rules (whose !important beat the page's)
  // could undo the host's own containment, but they can't reach its parent.
  return (
    <div className="nb-html-output" data-testid="html-output">
      <div className="nb-html-host" ref={host} />
    </div>
  );
}

function ImageOutput({ src, meta }: { src: string; meta: JsonValue | undefined }) {
  const size = typeof meta === 'object' && meta !== null && !Array.isArray(meta) ? meta : {};
  const width = typeof size['width'] === 'number' ? size['width'] : undefined;
  const height = typeof size['height'] === 'number' ? size['height'] : undefined;
  return (
    <div className="nb-image-output">
      <img src={src} alt="Output image" width={width} height={height} draggable={false} />
    </div>
  );
}

/** Re-render once KaTeX has loaded, if the text may hold math. */
function useKatex(text: string): number {
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (katexLoaded() || !mayHaveMath(text)) return;
    let live = true;
    void loadKatex().then(() => {
      if (live) setTick((t) => t + 1);
    });
    return () => {
      live = false;
    };
  }, [text]);
  return tick;
}

function MarkdownOutput({ source }: { source: string }) {
  const tick = useKatex(source);
  const html = useMemo(() => renderMarkdown(source), [source, tick]);
  return <div className="nb-markdown nb-markdown-output" dangerouslySetInnerHTML={{ __html: html }} />;
}

function LatexOutput({ tex }: { tex: string }) {
  const tick = useKatex('$');
  const html = useMemo(() => sanitizeHtml(latexToHtml(tex), 'markdown'), [tex, tick]);
  return <div className="nb-latex-output" dangerouslySetInnerHTML={{ __html: html }} />;
}

const JSON_CHILDREN_SHOWN = 200;

function JsonTree({ value, depth, label }: { value: JsonValue; depth: number; label?: ReactNode }) {
  if (value === null || typeof value !== 'object') {
    return (
      <span className="nb-json-leaf">
        {label}
        <span className={`nb-json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </span>
    );
  }
  const entries: [string, JsonValue][] = Array.isArray(value) ? value.map((v, i) => [String(i), v]) : Object.entries(value);
  const summary = Array.isArray(value) ? `[…] ${entries.length} item${entries.length === 1 ? '' : 's'}` : `{…} ${entries.length} key${entries.length === 1 ? '' : 's'}`;
  return (
    <details open={depth < 2}>
      <summary>
        {label}
        <span className="nb-json-summary">{summary}</span>
      </summary>
      <ul>
        {entries.slice(0, JSON_CHILDREN_SHOWN).map(([k, v]) => (
          <li key={k}>
            <JsonTree value={v} depth={depth + 1} label={<span className="nb-json-key">{Array.isArray(value) ? k : JSON.stringify(k)}: </span>} />
          </li>
        ))}
        {entries.length > JSON_CHILDREN_SHOWN && <li className="muted">… {entries.length - JSON_CHILDREN_SHOWN} more</li>}
      </ul>
    </details>
  );
}

// --- input() ------------------------------------------------------------------------------------------------

function InputRequestBox({ doc, cell }: { doc: NotebookDoc; cell: Cell }) {
  const [value, setValue] = useState('');
  const input = useRef<HTMLInputElement>(null);
  const request = cell.input!;
  // The prompt is usually in the output already (input() prints it): don't show it twice.
  const last = cell.outputs[cell.outputs.length - 1];
  const printed = request.prompt !== '' && last?.output_type === 'stream' && joinSource(last.text).endsWith(request.prompt);
  useEffect(() => {
    input.current?.focus({ preventScroll: false });
  }, []);
  return (
    <form
      className="nb-input-request"
      data-testid="input-request"
      onSubmit={(e) => {
        e.preventDefault();
        void sendInput(doc, cell.id, value);
      }}
    >
      <label>
        <span className="nb-input-prompt">{printed ? '↳' : request.prompt || 'Input:'}</span>
        <input
          ref={input}
          className="text-input"
          type={request.password ? 'password' : 'text'}
          value={value}
          spellCheck={false}
          autoComplete="off"
          aria-label={request.prompt || 'Input for the running cell'}
          onChange={(e) => setValue(e.target.value)}
          onKeyDown={(e) => e.stopPropagation()}
        />
      </label>
      <span className="muted">Enter sends it</span>
    </form>
  );
}
