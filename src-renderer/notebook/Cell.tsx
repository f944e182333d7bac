/**
 * One cell: its prompt (`[n]`, `[*]`, `[ ]`) with its run's state and duration, its input (a Monaco
 * editor once it is near the viewport, highlighted static text until then), a rendered markdown view,
 * and its outputs.
 */
import { memo, useEffect, useMemo, useRef, useState } from 'react';
import type { editor } from 'monaco-editor';
import type { NbMimeBundle } from '../../src-main/common/notebook/nbformat';
import { loadMonaco } from '../editor/monaco';
import type { Monaco } from '../editor/monaco-setup';
import { Icon } from '../ui/icons';
import { fenceLanguage, renderMarkdown } from './markdown';
import { katexLoaded, loadKatex, mayHaveMath } from './math';
import { deleteCell, moveCell, promptOf, select, selectRelative, setMode, setRendered, setSource, statusOf, type Cell, type CellStatus } from './model';
import { runCells, type NotebookDoc } from './notebook-docs';
import { OutputArea } from './Outputs';
import { afterPaint, enqueueUpgrade } from './upgrade-queue';

export interface Metrics {
  readonly fontSize: number;
  readonly fontFamily: string;
  readonly lineHeight: number;
  readonly tabSize: number;
}

/** Space above and below a cell's code, in the editor and in its static stand-in alike. */
export const CODE_PADDING = 8;
/** Left of the code, in the editor (its line decorations) and in the static stand-in alike. */
const CODE_INDENT = 12;

export function metricsOf(fontSize: number, fontFamily: string, tabSize: number): Metrics {
  return { fontSize, fontFamily, tabSize, lineHeight: Math.round(fontSize * 1.5) };
}

interface CellProps {
  readonly doc: NotebookDoc;
  readonly cell: Cell;
  readonly index: number;
  readonly selected: boolean;
  /** Selected in edit mode: the cell's editor has (or takes) the keyboard. */
  readonly editing: boolean;
  /** A markdown cell shown as its source. */
  readonly unrendered: boolean;
  readonly generation: number;
  readonly metrics: Metrics;
  readonly language: string;
  /** Give the keyboard back to the cell list (command mode). */
  readonly onCommandMode: () => void;
}

export const CellView = memo(function CellView(props: CellProps) {
  const { doc, cell, selected, editing, unrendered } = props;
  const status = statusOf(cell);
  return (
    <div
      className={`nb-cell nb-cell-${cell.type} ${selected ? 'selected' : ''} ${editing ? 'editing' : ''}`}
      data-testid="notebook-cell"
      data-cell-id={cell.id}
      data-cell-type={cell.type}
      data-status={status}
      aria-selected={selected}
      role="listitem"
      onMouseDown={(e) => {
        // Outside the editor: select the cell, in command mode (the editor's own focus sets edit mode).
        if ((e.target as HTMLElement).closest('.nb-input, .nb-input-request, .nb-outputs a, button, summary, input')) return;
        doc.update((s) => select(s, cell.id, 'command'));
        props.onCommandMode();
      }}
    >
      <div className="nb-cell-main">
        <div className="nb-prompt" aria-hidden={cell.type !== 'code'}>
          {cell.type === 'code' && (
            <>
              <span className="nb-count" data-testid="cell-prompt">
                {promptOf(cell)}
              </span>
              <RunStatus cell={cell} status={status} />
            </>
          )}
        </div>
        <div className="nb-cell-body">
          {cell.type === 'markdown' && !unrendered ? (
            <MarkdownView
              source={cell.source}
              attachments={'attachments' in cell.base ? cell.base.attachments : undefined}
              onEdit={() => doc.update((s) => setMode(setRendered(select(s, cell.id), cell.id, false), 'edit'))}
            />
          ) : (
            <CodeInput {...props} language={cell.type === 'code' ? props.language : cell.type === 'markdown' ? 'markdown' : 'plaintext'} />
          )}
        </div>
        <CellActions doc={doc} cell={cell} />
      </div>
      {cell.type === 'code' && (cell.outputs.length > 0 || cell.input) && <OutputArea doc={doc} cell={cell} />}
    </div>
  );
});

function CellActions({ doc, cell }: { doc: NotebookDoc; cell: Cell }) {
  return (
    <div className="nb-cell-actions" role="toolbar" aria-label="Cell actions">
      {cell.type === 'code' && (
        <button className="icon-button" title="Run cell (Ctrl+Enter)" aria-label="Run cell" onClick={() => void runCells(doc, [cell.id])}>
          <NbIcon name="play" />
        </button>
      )}
      <button className="icon-button" title="Move up (Ctrl+Shift+Up)" aria-label="Move cell up" onClick={() => doc.update((s) => moveCell(s, cell.id, -1))}>
        <Icon name="up" size={16} />
      </button>
      <button className="icon-button" title="Move down (Ctrl+Shift+Down)" aria-label="Move cell down" onClick={() => doc.update((s) => moveCell(s, cell.id, 1))}>
        <Icon name="down" size={16} />
      </button>
      <button className="icon-button" title="Delete cell (D D; Z brings it back)" aria-label="Delete cell" onClick={() => doc.update((s) => deleteCell(s, cell.id))}>
        <Icon name="trash" size={16} />
      </button>
    </div>
  );
}

// --- run state ------------------------------------------------------------------------------------------------

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms - minutes * 60_000) / 1000)} s`;
}

const STATUS_WORDS: Record<CellStatus, string> = {
  idle: '',
  queued: 'queued',
  running: 'running',
  done: 'done',
  error: 'error',
  interrupted: 'interrupted',
  aborted: 'not run',
  crashed: 'session ended',
};

function RunStatus({ cell, status }: { cell: Cell; status: CellStatus }) {
  const run = cell.run;
  const [now, setNow] = useState(() => Date.now());
  const running = status === 'running' && run?.startedAt != null;
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (!run) return null;
  const duration = run.durationMs ?? (running ? Math.max(0, now - run.startedAt!) : null);
  const title =
    status === 'aborted'
      ? 'Not run: an earlier cell failed or was interrupted'
      : `${STATUS_WORDS[status][0]!.toUpperCase()}${STATUS_WORDS[status].slice(1)}${duration !== null ? ` (${formatDuration(duration)})` : ''}`;
  return (
    <span className={`nb-run-status ${status}`} data-testid="cell-status" data-status={status} title={title}>
      <span className="nb-run-icon" aria-hidden="true">
        {status === 'done' ? '✓' : status === 'error' || status === 'crashed' ? '✗' : status === 'interrupted' ? '■' : status === 'aborted' ? '–' : '●'}
      </span>
      {status === 'queued' || status === 'aborted' ? STATUS_WORDS[status] : duration !== null ? formatDuration(duration) : STATUS_WORDS[status]}
    </span>
  );
}

// --- code (and markdown source) ---------------------------------------------------------------------------

let modelSeq = 0;

/** The cell's Monaco model, made on first need and kept (its undo history too) while the notebook is open. */
function modelFor(monaco: Monaco, doc: NotebookDoc, cellId: string, language: string, source: string): editor.ITextModel {
  const existing = doc.models.get(cellId);
  if (existing && !existing.isDisposed()) {
    if (existing.getLanguageId() !== language) monaco.editor.setModelLanguage(existing, language);
    if (existing.getValue() !== source) existing.setValue(source);
    return existing;
  }
  const model = monaco.editor.createModel(source, language, monaco.Uri.from({ scheme: 'lathe-cell', path: `/${++modelSeq}/${cellId}` }));
  model.updateOptions({ tabSize: 4, insertSpaces: true });
  model.onDidChangeContent(() => {
    if (!model.isDisposed()) doc.update((s) => setSource(s, cellId, model.getValue()));
  });
  doc.models.set(cellId, model);
  return model;
}

function CodeInput({ doc, cell, editing, generation, metrics, language, onCommandMode }: CellProps) {
  const [live, setLive] = useState(false);
  const [height, setHeight] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<editor.IStandaloneCodeEditor | null>(null);
  const clickAt = useRef<{ x: number; y: number } | null>(null);
  const editingRef = useRef(editing);
  editingRef.current = editing;
  const sourceRef = useRef(cell.source);
  sourceRef.current = cell.source;
  const cellId = cell.id;

  // A real editor when the queue gets to this cell, or at once when it must take the keyboard.
  useEffect(() => {
    if (live) return;
    if (editing) {
      setLive(true);
      return;
    }
    return enqueueUpgrade(() => setLive(true));
  }, [live, editing]);

  useEffect(() => {
    if (!live) return;
    let disposed = false;
    let created: editor.IStandaloneCodeEditor | null = null;
    let observer: ResizeObserver | null = null;
    void loadMonaco().then((monaco) => {
      if (disposed || !host.current || !box.current) return;
      const model = modelFor(monaco, doc, cellId, language, sourceRef.current);
      const ed = monaco.editor.create(host.current, {
        model,
        automaticLayout: false,
        minimap: { enabled: false },
        lineNumbers: 'off',
        glyphMargin: false,
        folding: false,
        lineDecorationsWidth: CODE_INDENT,
        lineNumbersMinChars: 0,
        scrollBeyondLastLine: false,
        overviewRulerLanes: 0,
        overviewRulerBorder: false,
        hideCursorInOverviewRuler: true,
        renderLineHighlight: 'none',
        scrollbar: { vertical: 'hidden', horizontal: 'auto', verticalScrollbarSize: 0, horizontalScrollbarSize: 8, alwaysConsumeMouseWheel: false, useShadows: false },
        padding: { top: CODE_PADDING, bottom: CODE_PADDING },
        fontSize: metrics.fontSize,
        fontFamily: metrics.fontFamily,
        lineHeight: metrics.lineHeight,
        tabSize: metrics.tabSize,
        wordWrap: language === 'markdown' ? 'on' : 'off',
        // Prose gets no pop-up completions (as in Jupyter and VS Code's markdown cells):
        // Enter must start a new line, never accept a word the widget happened to offer.
        ...(language === 'markdown' ? { quickSuggestions: false, wordBasedSuggestions: 'off' as const, suggestOnTriggerCharacters: false } : {}),
        fixedOverflowWidgets: true,
        stickyScroll: { enabled: false },
        occurrencesHighlight: 'off',
        renderWhitespace: 'selection',
        ariaLabel: `${language === 'markdown' ? 'Markdown' : 'Code'} cell`,
      });
      created = ed;
      editorRef.current = ed;
      const layout = () => {
        const h = ed.getContentHeight();
        setHeight(h);
        ed.layout({ width: box.current?.clientWidth ?? 0, height: h });
      };
      ed.onDidContentSizeChange(layout);
      observer = new ResizeObserver(() => ed.layout({ width: box.current?.clientWidth ?? 0, height: ed.getContentHeight() }));
      observer.observe(box.current);
      layout();
      ed.onDidFocusEditorText(() => doc.update((s) => select(s, cellId, 'edit')));
      ed.onDidBlurEditorText(() => {
        if (doc.nb.selected === cellId && doc.nb.mode === 'edit') doc.update((s) => setMode(s, 'command'));
      });
      ed.addAction({
        id: 'lathe.notebook.commandMode',
        label: 'Notebook: Command Mode',
        keybindings: [monaco.KeyCode.Escape],
        precondition: '!suggestWidgetVisible && !findWidgetVisible && !parameterHintsVisible && !renameInputVisible && !inSnippetMode && !editorHasMultipleSelections && !markersNavigationVisible',
        run: () => {
          doc.update((s) => setMode(s, 'command'));
          onCommandMode();
        },
      });
      // Arrow keys go on into the previous or next cell from the first or last line, as in Jupyter.
      const edge = (delta: -1 | 1) => () => {
        const position = ed.getPosition();
        const lastLine = ed.getModel()?.getLineCount() ?? 1;
        const atEdge = position && (delta < 0 ? position.lineNumber === 1 : position.lineNumber === lastLine);
        if (!atEdge) {
          ed.trigger('keyboard', delta < 0 ? 'cursorUp' : 'cursorDown', null);
          return;
        }
        doc.update((s) => {
          const next = selectRelative(s, delta);
          return next.selected === s.selected ? s : setMode(next, 'edit');
        });
      };
      const noWidget = '!suggestWidgetVisible && !parameterHintsVisible && !editorHasMultipleSelections && !editorHasSelection';
      ed.addAction({ id: 'lathe.notebook.cellAbove', label: 'Notebook: Cell Above', keybindings: [monaco.KeyCode.UpArrow], precondition: noWidget, run: edge(-1) });
      ed.addAction({ id: 'lathe.notebook.cellBelow', label: 'Notebook: Cell Below', keybindings: [monaco.KeyCode.DownArrow], precondition: noWidget, run: edge(1) });
      const click = clickAt.current;
      clickAt.current = null;
      if (click) {
        const target = ed.getTargetAtClientPoint(click.x, click.y);
        if (target?.position) ed.setPosition(target.position);
        ed.focus();
      } else if (editingRef.current) {
        ed.focus();
      }
    });
    return () => {
      disposed = true;
      observer?.disconnect();
      if (editorRef.current === created) editorRef.current = null;
      created?.dispose();
    };
  }, [live, doc, cellId, language, generation]);

  // Selected in edit mode (Enter, a new cell, arrows): the editor takes the keyboard.
  useEffect(() => {
    const ed = editorRef.current;
    if (editing && ed && !ed.hasTextFocus()) ed.focus();
  }, [editing]);

  useEffect(() => {
    editorRef.current?.updateOptions({ fontSize: metrics.fontSize, fontFamily: metrics.fontFamily, lineHeight: metrics.lineHeight, tabSize: metrics.tabSize });
  }, [metrics]);

  return (
    <div
      className="nb-input"
      ref={box}
      style={height !== null ? { height } : undefined}
      onMouseDown={(e) => {
        if (editorRef.current) return;
        // A click on the static text: the editor comes at once, with the cursor where the click was.
        clickAt.current = { x: e.clientX, y: e.clientY };
        doc.update((s) => select(s, cellId, 'edit'));
        setLive(true);
      }}
    >
      {height === null && <StaticCode source={cell.source} language={language} metrics={metrics} />}
      <div className="nb-monaco" ref={host} />
    </div>
  );
}

/** Highlighted text, keyed by language and source (cells scrolled past and back need not be coloured again). */
const colorized = new Map<string, string>();
const COLORIZED_KEPT = 2000;

function StaticCode({ source, language, metrics }: { source: string; language: string; metrics: Metrics }) {
  const key = `${language}\0${source}`;
  const [html, setHtml] = useState(() => colorized.get(key) ?? null);
  useEffect(() => {
    const cached = colorized.get(key);
    if (cached !== undefined) {
      setHtml(cached);
      return;
    }
    setHtml(null);
    if (source.length > 200_000) return;
    let live = true;
    // Coloured when the list is still (the queue waits while it scrolls), after the first paint.
    const dequeue = enqueueUpgrade(() => {
      void loadMonaco()
        .then((monaco) => monaco.editor.colorize(source, language, { tabSize: metrics.tabSize }))
        .then((h) => {
          if (colorized.size > COLORIZED_KEPT) colorized.clear();
          colorized.set(key, h);
          if (live) setHtml(h);
        });
    });
    return () => {
      live = false;
      dequeue();
    };
  }, [key, source, language, metrics.tabSize]);
  const style = {
    fontSize: metrics.fontSize,
    fontFamily: metrics.fontFamily,
    lineHeight: `${metrics.lineHeight}px`,
    padding: `${CODE_PADDING}px 0 ${CODE_PADDING}px ${CODE_INDENT}px`,
    minHeight: metrics.lineHeight + 2 * CODE_PADDING,
    tabSize: metrics.tabSize,
  };
  // A trailing newline is an empty last line in the editor: show it here too.
  const text = source.endsWith('\n') ? source + '\n' : source;
  return html !== null ? (
    <pre className="nb-static" style={style} dangerouslySetInnerHTML={{ __html: html }} />
  ) : (
    <pre className="nb-static" style={style}>
      {text}
    </pre>
  );
}

// --- markdown -------------------------------------------------------------------------------------------------

function MarkdownView({ source, attachments, onEdit }: { source: string; attachments: Readonly<Record<string, NbMimeBundle>> | undefined; onEdit: () => void }) {
  const [katexTick, setKatexTick] = useState(0);
  useEffect(() => {
    if (katexLoaded() || !mayHaveMath(source)) return;
    let live = true;
    void afterPaint()
      .then(loadKatex)
      .then(() => {
        if (live) setKatexTick((t) => t + 1);
      });
    return () => {
      live = false;
    };
  }, [source]);
  const html = useMemo(() => (source.trim() === '' ? '' : renderMarkdown(source, attachments)), [source, attachments, katexTick]);
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (el) void colorizeCodeBlocks(el);
  }, [html]);
  if (html === '') {
    return (
      <div className="nb-markdown empty" onDoubleClick={onEdit} data-testid="markdown-rendered">
        Empty markdown cell: double-click (or Enter) to edit.
      </div>
    );
  }
  return <div ref={ref} className="nb-markdown" data-testid="markdown-rendered" onDoubleClick={onEdit} dangerouslySetInnerHTML={{ __html: html }} />;
}

let knownLanguages: Set<string> | null = null;

/** Colour fenced code blocks with Monaco's tokenizers (the text is Monaco's, escaped). */
export async function colorizeCodeBlocks(root: HTMLElement): Promise<void> {
  const blocks = [...root.querySelectorAll<HTMLElement>('pre > code[class*="language-"]')];
  if (blocks.length === 0) return;
  const monaco = await loadMonaco();
  knownLanguages ??= new Set(monaco.languages.getLanguages().map((l) => l.id));
  for (const block of blocks) {
    const language = fenceLanguage(block.className, knownLanguages);
    if (!language || !block.isConnected) continue;
    const text = block.textContent ?? '';
    const html = await monaco.editor.colorize(text.endsWith('\n') ? text.slice(0, -1) : text, language, { tabSize: 4 });
    if (block.isConnected && block.textContent === text) block.innerHTML = html;
  }
}

// --- icons --------------------------------------------------------------------------------------------------

const NB_ICONS = {
  play: 'M8 5.5v13l10.5-6.5z',
  'run-all': 'M4 5.5v13l8.5-6.5z M12.5 5.5v13l8.5-6.5z',
  'run-above': 'M6 14.5v7l6-3.5z M15 3v12 M11 7l4-4 4 4',
  'run-below': 'M6 2.5v7l6-3.5z M15 9v12 M11 17l4 4 4-4',
  'restart-run': 'M4 12a8 8 0 1 0 2.3-5.7 M4 4v6h6 M10.5 9v6l5-3z',
  'clear-outputs': 'M4 6h16 M4 12h9 M4 18h6 M15 15l6 6 M21 15l-6 6',
  code: 'M9 7l-5 5 5 5 M15 7l5 5-5 5',
  markdown: 'M3 6h18v12H3z M6 15V9l3 3 3-3v6 M16 9v6 M14 13l2 2 2-2',
} as const;

export type NbIconName = keyof typeof NB_ICONS;

export function NbIcon({ name, size = 16 }: { name: NbIconName; size?: number }) {
  const filled = name === 'play' || name === 'run-all';
  return (
    <svg width={size} height={size} viewBox="0 0 24 24" aria-hidden="true" fill={filled ? 'currentColor' : 'none'} stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
      <path d={NB_ICONS[name]} />
    </svg>
  );
}
