import { useEffect, useRef, useState } from 'react';
import type { editor } from 'monaco-editor';
import { effectiveTheme, getApp, setApp, useApp } from '../state/store';
import { closeDocument, getDoc, onDocsChanged, openDocument, setViewState } from './documents';
import { loadMonaco } from './monaco';
import { formatChord } from '../commands/keys';
import { commands } from '../commands/instance';
import { dialogOpen } from '../ui/dialogs';
import { isNotebookTab, loadedNotebookEditor, useAsText } from '../notebook/notebook-tabs';
import { isModelTab, loadedModelView, useAsBinary } from '../models/model-tabs';

let activeEditor: editor.IStandaloneCodeEditor | null = null;

/** The editor instance, for commands that act on it (focus, undo...). */
export function currentEditor(): editor.IStandaloneCodeEditor | null {
  return activeEditor;
}

/**
 * Open a file and put the cursor on a line (terminal links, later: profiler rows). The editor shows the
 * tab's model a render after `openDocument` resolves, so wait for it before moving the cursor.
 */
export async function openAt(path: string, line: number, column = 1): Promise<boolean> {
  if (!(await openDocument(path))) return false;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const doc = getDoc(path);
    if (!doc || getApp().active !== path) return false;
    if (activeEditor && activeEditor.getModel() === doc.model) {
      const lineNumber = Math.max(1, Math.min(line, doc.model.getLineCount()));
      activeEditor.setPosition({ lineNumber, column: Math.max(1, column) });
      activeEditor.revealLineInCenter(lineNumber);
      activeEditor.focus();
      return true;
    }
    await new Promise((resolve) => requestAnimationFrame(resolve));
  }
  return false;
}

export function EditorArea() {
  const tabs = useApp((s) => s.tabs);
  const active = useApp((s) => s.active);
  const loadingActive = useApp((s) => s.tabs.find((t) => t.path === s.active)?.loading ?? true);
  useAsText((s) => s.paths);
  const notebook = isNotebookTab(active);
  // The notebook editor (with its markdown, KaTeX and DOMPurify) loads with the first notebook opened.
  const NotebookEditor = loadedNotebookEditor();
  useAsBinary((s) => s.paths);
  const model = isModelTab(active);
  // The model view (summary, run, benchmark, graph) loads with the first .onnx opened.
  const ModelView = loadedModelView();
  return (
    <section className="editor-area" aria-label="Editor">
      {tabs.length > 0 ? (
        <>
          <TabStrip />
          <Notice path={active} />
          {notebook && active !== null && !loadingActive && NotebookEditor && <NotebookEditor path={active} />}
          {model && active !== null && !loadingActive && ModelView && <ModelView key={active} path={active} />}
          {/* Kept (hidden) behind a notebook or a model, so text tabs come back at once. */}
          <MonacoHost hidden={notebook || model} />
        </>
      ) : (
        <EditorEmpty />
      )}
    </section>
  );
}

function TabStrip() {
  const tabs = useApp((s) => s.tabs);
  const active = useApp((s) => s.active);
  const activeRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Braces matter: Chromium's scrollIntoView now returns a Promise, which React would take for a cleanup.
    activeRef.current?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [active]);
  return (
    <div className="tab-strip" role="tablist" aria-label="Open files">
      {tabs.map((tab) => (
        <div
          key={tab.path}
          ref={tab.path === active ? activeRef : undefined}
          role="tab"
          aria-selected={tab.path === active}
          data-path={tab.path}
          data-dirty={tab.dirty ? 'true' : 'false'}
          className={`tab ${tab.path === active ? 'active' : ''} ${tab.dirty ? 'dirty' : ''}`}
          title={tab.path}
          tabIndex={tab.path === active ? 0 : -1}
          onMouseDown={(e) => {
            if (e.button === 1) {
              e.preventDefault();
              void closeDocument(tab.path);
            }
          }}
          onClick={() => setApp({ active: tab.path })}
        >
          <span className="tab-title">{tab.title}</span>
          {tab.readOnly && <span className="tab-badge" title="Read-only">RO</span>}
          <button
            className="tab-close"
            aria-label={tab.dirty ? `Close ${tab.title} (unsaved)` : `Close ${tab.title}`}
            onClick={(e) => {
              e.stopPropagation();
              void closeDocument(tab.path);
            }}
          >
            <span className="dirty-dot" aria-hidden="true">●</span>
            <span className="close-x" aria-hidden="true">×</span>
          </button>
        </div>
      ))}
    </div>
  );
}

function Notice({ path }: { path: string | null }) {
  const [, force] = useState(0);
  useEffect(() => {
    return onDocsChanged(() => force((n) => n + 1));
  }, []);
  const loading = useApp((s) => s.tabs.find((t) => t.path === path)?.loading ?? false);
  const doc = path ? getDoc(path) : undefined;
  if (loading) return <div className="editor-notice info" role="status">Loading {path}…</div>;
  if (!doc?.notice) return null;
  return (
    <div className={`editor-notice ${doc.readOnly ? 'warning' : 'info'}`} role="note" data-testid="editor-notice">
      {doc.notice}
    </div>
  );
}

function MonacoHost({ hidden }: { hidden: boolean }) {
  const container = useRef<HTMLDivElement>(null);
  const [instance, setInstance] = useState<editor.IStandaloneCodeEditor | null>(null);
  const active = useApp((s) => s.active);
  const loadingActive = useApp((s) => s.tabs.find((t) => t.path === s.active)?.loading ?? true);
  const settings = useApp((s) => s.settings.settings);
  const theme = useApp(effectiveTheme);
  // Made when a text tab is first shown: a notebook paints its cells before Monaco's weight arrives.
  const [wanted, setWanted] = useState(!hidden);
  useEffect(() => {
    if (!hidden) setWanted(true);
  }, [hidden]);

  useEffect(() => {
    if (!wanted) return;
    let disposed = false;
    let created: editor.IStandaloneCodeEditor | null = null;
    void loadMonaco().then((monaco) => {
      if (disposed || !container.current) return;
      created = monaco.editor.create(container.current, {
        automaticLayout: true,
        model: null,
        fontSize: getApp().settings.settings['editor.fontSize'],
        fixedOverflowWidgets: true,
        scrollBeyondLastLine: false,
        renderWhitespace: 'selection',
        smoothScrolling: true,
      });
      created.onDidChangeCursorPosition((e) => {
        const model = created?.getModel();
        const path = getApp().active;
        const doc = path ? getDoc(path) : undefined;
        setApp({
          cursor: {
            line: e.position.lineNumber,
            column: e.position.column,
            language: model?.getLanguageId() ?? 'plaintext',
            encoding: doc?.encoding ?? 'utf8',
            eol: doc?.eol === '\r\n' ? 'CRLF' : 'LF',
          },
        });
      });
      activeEditor = created;
      setInstance(created);
    });
    return () => {
      disposed = true;
      if (activeEditor === created) activeEditor = null;
      created?.dispose();
      setApp({ cursor: null });
    };
  }, [wanted]);

  useEffect(() => {
    if (!instance) return;
    void loadMonaco().then((monaco) => {
      monaco.editor.setTheme(theme === 'dark' ? 'lathe-dark' : 'lathe-light');
    });
    instance.updateOptions({
      fontSize: settings['editor.fontSize'],
      fontFamily: settings['editor.fontFamily'],
      tabSize: settings['editor.tabSize'],
      wordWrap: settings['editor.wordWrap'],
      minimap: { enabled: settings['editor.minimap'] },
    });
  }, [instance, settings, theme]);

  useEffect(() => {
    if (!instance || !active || loadingActive) return;
    const doc = getDoc(active);
    if (!doc) {
      setApp({ cursor: null }); // a notebook: its cells have no one cursor for the status bar
      return;
    }
    const previous = instance.getModel();
    if (previous !== doc.model) {
      const previousPath = getApp().tabs.find((t) => getDoc(t.path)?.model === previous)?.path;
      if (previousPath) setViewState(previousPath, instance.saveViewState());
      instance.setModel(doc.model);
      if (doc.viewState) instance.restoreViewState(doc.viewState);
    }
    instance.updateOptions({ readOnly: doc.readOnly, domReadOnly: false });
    const position = instance.getPosition();
    setApp({
      cursor: {
        line: position?.lineNumber ?? 1,
        column: position?.column ?? 1,
        language: doc.model.getLanguageId(),
        encoding: doc.encoding,
        eol: doc.eol === '\r\n' ? 'CRLF' : 'LF',
      },
    });
    // The editor takes the keyboard when a tab opens, unless a dialog has it or the user is in the
    // explorer (clicking through files there keeps the explorer's keys: arrows, F2, Delete).
    const inExplorer = document.activeElement?.closest('[data-testid="file-tree"]') != null;
    if (!dialogOpen() && !inExplorer) instance.focus();
  }, [instance, active, loadingActive]);

  return <div className="monaco-host" ref={container} data-testid="monaco-host" hidden={hidden} />;
}

function EditorEmpty() {
  const project = useApp((s) => s.project);
  const hint = (id: string) => {
    const key = commands.keysFor(id)[0];
    return key ? formatChord(key) : '';
  };
  return (
    <div className="empty-state editor-empty">
      <div className="empty-logo" aria-hidden="true">
        ◐
      </div>
      <p>{project ? 'Open a file from the explorer, or:' : 'Open a folder to start.'}</p>
      <dl className="shortcut-list">
        {project && (
          <>
            <dt>Go to file</dt>
            <dd>{hint('workbench.quickOpen')}</dd>
          </>
        )}
        <dt>Show all commands</dt>
        <dd>{hint('workbench.commandPalette')}</dd>
        <dt>Open folder</dt>
        <dd>{hint('file.openFolder')}</dd>
        <dt>Toggle panel</dt>
        <dd>{hint('view.togglePanel')}</dd>
      </dl>
    </div>
  );
}
