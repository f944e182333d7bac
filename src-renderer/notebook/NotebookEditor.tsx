/**
 * The notebook editor (a tab's content for a `.ipynb`): toolbar, the recovery offer, and the cells as a
 * virtualised list (only cells near the viewport are in the DOM, and only those get a Monaco editor), so
 * a 500-cell notebook opens at once and scrolls smoothly.
 *
 * Keys: command mode (the list has the keyboard) takes Jupyter's plain keys (keys.ts); edit mode is the
 * cell's editor. Shift/Ctrl/Alt+Enter and Ctrl+Shift+Up/Down are workbench commands
 * (notebook-commands.ts), Ctrl+S the workbench's save.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { useStore } from 'zustand';
import { chordOf } from '../commands/keys';
import { closeDocument, onDocsChanged, openDocument } from '../editor/documents';
import { useSessions } from '../sessions/sessions';
import { effectiveTheme, useApp } from '../state/store';
import { loadMonaco } from '../editor/monaco';
import { dialogOpen } from '../ui/dialogs';
import { Icon } from '../ui/icons';
import { appendCell, clearAllOutputs, commandModeAction, insertCellRelative, interrupt, profileSelected, restart, runAll } from './actions';
import { CellView, CODE_PADDING, metricsOf, NbIcon, type Metrics } from './Cell';
import { commandModeKey, DOUBLE_KEY_MS } from './keys';
import type { Cell } from './model';
import { PROFILE_MIME } from '../../src-main/common/protocols/repl';
import { boundSession, discardRecovery, getNotebookDoc, restoreRecovery, type NotebookDoc } from './notebook-docs';
import { setAsText } from './notebook-tabs';
import { SessionButton } from './SessionPicker';
import { afterPaint, noteScroll } from './upgrade-queue';
import './notebook.css';

export default function NotebookEditor({ path }: { path: string }) {
  const [, force] = useState(0);
  useEffect(() => {
    return onDocsChanged(() => force((n) => n + 1));
  }, []);
  const doc = getNotebookDoc(path);
  if (!doc) return <div className="empty-state">Loading {path}…</div>;
  return <NotebookView key={path} doc={doc} />;
}

function NotebookView({ doc }: { doc: NotebookDoc }) {
  const status = useStore(doc.store, (s) => s.status);
  const error = useStore(doc.store, (s) => s.error);
  const theme = useApp(effectiveTheme);
  // The cells' editors and highlighted text follow the theme (Monaco loads after the cells' first paint).
  useEffect(() => {
    void afterPaint()
      .then(loadMonaco)
      .then((monaco) => monaco.editor.setTheme(theme === 'dark' ? 'lathe-dark' : 'lathe-light'));
  }, [theme]);
  if (status === 'invalid' || status === 'failed') return <InvalidNotebook doc={doc} error={error ?? 'It could not be read.'} />;
  if (status === 'loading') return <div className="empty-state">Loading {doc.path}…</div>;
  return (
    <div className="notebook-editor" data-testid="notebook-editor" data-path={doc.path}>
      <Toolbar doc={doc} />
      <RecoveryBanner doc={doc} />
      <CellList doc={doc} />
    </div>
  );
}

function InvalidNotebook({ doc, error }: { doc: NotebookDoc; error: string }) {
  const openAsText = async () => {
    const path = doc.path;
    if (!(await closeDocument(path, { ask: false }))) return;
    setAsText(path, true);
    await openDocument(path);
  };
  return (
    <div className="nb-invalid" role="alert" data-testid="notebook-invalid">
      <h2>{doc.path} can't be opened as a notebook</h2>
      <pre className="nb-invalid-reason">{error}</pre>
      <p className="muted">Lathe has not changed the file. Open it as text to see or fix it.</p>
      <div className="nb-invalid-buttons">
        <button className="btn btn-primary" onClick={() => void openAsText()}>
          Open as text
        </button>
      </div>
    </div>
  );
}

function RecoveryBanner({ doc }: { doc: NotebookDoc }) {
  const recovery = useStore(doc.store, (s) => s.recovery);
  if (!recovery) return null;
  const when = new Date(recovery.savedAt).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  return (
    <div className="nb-banner" role="alert" data-testid="recovery-banner">
      <span>Restore unsaved changes from {when}?</span>
      <button className="btn btn-primary" onClick={() => restoreRecovery(doc)}>
        Restore
      </button>
      <button className="btn" onClick={() => discardRecovery(doc)}>
        Discard
      </button>
    </div>
  );
}

function Toolbar({ doc }: { doc: NotebookDoc }) {
  const boundId = useStore(doc.store, (s) => s.session);
  const busy = useSessions((s) => s.sessions.find((x) => x.id === boundId)?.state === 'busy');
  const anyRunning = useStore(doc.store, (s) => s.nb.cells.some((c) => c.run !== null && c.run.state !== 'done'));
  const tool = (label: string, title: string, icon: React.ReactNode, run: () => void, options: { text?: boolean; disabled?: boolean } = {}) => (
    <button className={`nb-tool ${options.text ? 'with-text' : ''}`} title={title} aria-label={label} disabled={options.disabled} onClick={run}>
      {icon}
      {options.text && <span>{label}</span>}
    </button>
  );
  return (
    <div className="nb-toolbar" role="toolbar" aria-label="Notebook">
      {tool('Code', 'Insert a code cell below (B)', <Icon name="plus" size={16} />, () => insertCellRelative(doc, 'below', 'code', true), { text: true })}
      {tool('Markdown', 'Insert a markdown cell below', <Icon name="plus" size={16} />, () => insertCellRelative(doc, 'below', 'markdown', true), { text: true })}
      <span className="nb-tool-separator" aria-hidden="true" />
      {tool('Run all', 'Run all cells', <NbIcon name="run-all" />, () => void runAll(doc, 'all'), { text: true })}
      {tool('Run above', 'Run all cells above the selected one', <NbIcon name="run-above" />, () => void runAll(doc, 'above'))}
      {tool('Run below', 'Run the selected cell and all below', <NbIcon name="run-below" />, () => void runAll(doc, 'below'))}
      {tool('Profile', 'Profile the selected cell: run it under cProfile, with a flame graph and a function table (Ctrl+Alt+Enter)', <ProfileIcon />, () => profileSelected(doc), {
        text: true,
      })}
      {tool('Interrupt', 'Interrupt (I I)', <Icon name="stop" size={16} />, () => void interrupt(doc), { disabled: !busy && !anyRunning })}
      {tool('Restart', 'Restart the session (0 0); variables are lost', <Icon name="restart" size={16} />, () => void restart(doc), { disabled: !boundSession(doc) })}
      {tool('Restart and run all', 'Restart the session and run all cells', <NbIcon name="restart-run" />, () => void restart(doc, { runAll: true }))}
      <span className="nb-tool-separator" aria-hidden="true" />
      {tool('Clear outputs', 'Clear all outputs', <NbIcon name="clear-outputs" />, () => clearAllOutputs(doc))}
      <span className="spacer" />
      <SessionButton doc={doc} />
    </div>
  );
}

/** An icicle: the toolbar's "Profile" button. */
function ProfileIcon() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true" fill="currentColor">
      <rect x="1" y="2" width="14" height="3" rx="0.5" />
      <rect x="1" y="6.5" width="9" height="3" rx="0.5" />
      <rect x="11" y="6.5" width="4" height="3" rx="0.5" opacity="0.6" />
      <rect x="1" y="11" width="5" height="3" rx="0.5" opacity="0.6" />
    </svg>
  );
}

function languageOf(doc: NotebookDoc): string {
  const info = doc.base?.metadata.language_info?.name ?? doc.base?.metadata.kernelspec?.language ?? 'python';
  return info.toLowerCase();
}

/** A first guess of a cell's height (the list measures the real one once it is drawn). */
function estimate(cell: Cell | undefined, m: Metrics): number {
  if (!cell) return 56;
  const lines = cell.source === '' ? 1 : cell.source.split('\n').length;
  if (cell.type === 'markdown') return Math.min(600, 16 + lines * 22);
  let outputs = 0;
  for (const o of cell.outputs) {
    if (o.output_type === 'stream') outputs += Math.min(30, (typeof o.text === 'string' ? o.text.split('\n').length : o.text.length)) * 18 + 8;
    else if (o.output_type === 'error') outputs += Math.min(30, o.traceback.length) * 18 + 8;
    else outputs += PROFILE_MIME in o.data ? 520 : 'image/png' in o.data || 'image/svg+xml' in o.data ? 300 : 40;
  }
  return 12 + lines * m.lineHeight + 2 * CODE_PADDING + outputs;
}

function CellList({ doc }: { doc: NotebookDoc }) {
  const cells = useStore(doc.store, (s) => s.nb.cells);
  const selected = useStore(doc.store, (s) => s.nb.selected);
  const mode = useStore(doc.store, (s) => s.nb.mode);
  const unrendered = useStore(doc.store, (s) => s.nb.unrendered);
  const generation = useStore(doc.store, (s) => s.generation);
  const settings = useApp((s) => s.settings.settings);
  const metrics = useMemo(
    () => metricsOf(settings['editor.fontSize'], settings['editor.fontFamily'], settings['editor.tabSize']),
    [settings],
  );
  const language = languageOf(doc);
  const scroller = useRef<HTMLDivElement>(null);
  const pending = useRef<{ key: string | null; at: number }>({ key: null, at: 0 });

  const virtualizer = useVirtualizer({
    count: cells.length + 1,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (i === cells.length ? 56 : estimate(cells[i], metrics)),
    getItemKey: (i) => cells[i]?.id ?? ':footer',
    overscan: 3,
    initialOffset: doc.scrollTop,
    // Sizes come from the ResizeObserver (after layout, before paint): reading offsetHeight when a row
    // mounts would force a layout per row.
    measureElement: (element, entry, instance) => {
      const box = entry?.borderBoxSize?.[0];
      if (box) return Math.round(box.blockSize);
      const index = instance.indexFromElement(element);
      return instance.measurementsCache[index]?.size ?? instance.options.estimateSize(index);
    },
  });

  const focusList = useCallback(() => {
    scroller.current?.focus({ preventScroll: true });
  }, []);

  // The tab opened or came back: the list takes the keyboard (unless a dialog or the explorer has it).
  useEffect(() => {
    const inExplorer = document.activeElement?.closest('[data-testid="file-tree"]') != null;
    if (!dialogOpen() && !inExplorer && doc.nb.mode === 'command') focusList();
  }, [doc, focusList]);

  // Back to command mode (Escape, a run, a click): the list has the keyboard, unless it went elsewhere.
  useEffect(() => {
    if (mode !== 'command') return;
    const active = document.activeElement;
    if (active === document.body || active === null || (scroller.current?.contains(active) && !active.closest('.nb-input-request'))) focusList();
  }, [mode, selected, focusList]);

  // Keep the selected cell on screen.
  const selectedIndex = cells.findIndex((c) => c.id === selected);
  useEffect(() => {
    if (selectedIndex < 0 || !scroller.current) return;
    const el = scroller.current.querySelector<HTMLElement>(`[data-index="${selectedIndex}"]`);
    const view = scroller.current.getBoundingClientRect();
    const r = el?.getBoundingClientRect();
    if (r && r.top >= view.top - 1 && r.bottom <= view.bottom + 1) return;
    if (r && r.top < view.bottom && r.bottom > view.top && r.height > view.height) return; // a tall cell, partly shown
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' });
  }, [selectedIndex, virtualizer]);

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    const target = e.target as HTMLElement;
    if (target !== scroller.current && target.closest('.nb-input, input, textarea, select, button, a, summary, [contenteditable="true"]')) return;
    const chord = chordOf(e.nativeEvent);
    if (!chord) return;
    const now = Date.now();
    const previous = pending.current.key !== null && now - pending.current.at < DOUBLE_KEY_MS ? pending.current.key : null;
    const result = commandModeKey(chord, previous);
    pending.current = { key: result.pending, at: now };
    if (!result.handled) return;
    e.preventDefault();
    e.stopPropagation();
    if (result.action) commandModeAction(doc, result.action);
  };

  if (cells.length === 0) {
    return (
      <div className="nb-scroll nb-empty" ref={scroller} tabIndex={0}>
        <div className="empty-state">
          <p>This notebook has no cells yet.</p>
          <AddCellButtons doc={doc} />
        </div>
      </div>
    );
  }

  return (
    <div
      className="nb-scroll"
      ref={scroller}
      tabIndex={0}
      role="list"
      aria-label={`Cells of ${doc.path}`}
      data-testid="notebook-cells"
      data-mode={mode}
      onKeyDown={onKeyDown}
      onScroll={(e) => {
        noteScroll();
        doc.scrollTop = e.currentTarget.scrollTop;
      }}
    >
      <div className="nb-sizer" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const cell = cells[item.index];
          return (
            <div key={item.key} className="nb-row" data-index={item.index} ref={virtualizer.measureElement} style={{ transform: `translateY(${item.start}px)` }}>
              {cell ? (
                <CellView
                  doc={doc}
                  cell={cell}
                  index={item.index}
                  selected={cell.id === selected}
                  editing={cell.id === selected && mode === 'edit'}
                  unrendered={unrendered.has(cell.id)}
                  generation={generation}
                  metrics={metrics}
                  language={language}
                  onCommandMode={focusList}
                />
              ) : (
                <div className="nb-footer">
                  <AddCellButtons doc={doc} />
                </div>
              )}
            </div>
          );
        })}
      </div>
    </div>
  );
}

function AddCellButtons({ doc }: { doc: NotebookDoc }) {
  return (
    <div className="nb-add-cell">
      <button className="btn" onClick={() => appendCell(doc, 'code')}>
        <Icon name="plus" size={14} /> Code
      </button>
      <button className="btn" onClick={() => appendCell(doc, 'markdown')}>
        <Icon name="plus" size={14} /> Markdown
      </button>
    </div>
  );
}
