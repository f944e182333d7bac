/**
 * A session's real terminal (xterm.js), loaded lazily: xterm is the panel's weight, not the entry's.
 *
 * - Attaching replays the session's scrollback, then live `sessions.data` follows from the attachment's
 *   offset (chunks the scrollback already holds are dropped, overlaps cut).
 * - What xterm has parsed is acknowledged (`sessions.ack`), batched, so the pty pauses a flood of output
 *   instead of freezing the UI.
 * - Keys go to the session (`sessions.input`); the size follows the panel (`sessions.resize`).
 * - Copy and paste, find (Ctrl+F), and file:line links that open in the editor.
 */
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { Terminal, type IDisposable } from '@xterm/xterm';
import '@xterm/xterm/css/xterm.css';
import { useEffect, useRef, useState } from 'react';
import { bridge, call } from '../bridge/client';
import { openAt } from '../editor/EditorArea';
import { onTerminalFocusRequest, takeFocusRequest } from '../sessions/sessions';
import { effectiveTheme, getApp, postMessage, useApp } from '../state/store';
import { Icon } from '../ui/icons';
import { linksOnRow, projectPathOf } from './links';
import { AckScheduler, StreamCursor } from './output-stream';
import { searchColors, terminalTheme } from './theme';

/** Lines kept above the screen. */
export const SCROLLBACK_LINES = 10_000;

interface Props {
  readonly sessionId: string;
  /** Changes when the session's process is replaced (restart): the view attaches again. */
  readonly epoch: number;
  /** The session's working directory, for relative paths in links. */
  readonly cwd: string;
  /** Whether the view is on screen (the panel keeps it mounted behind other tabs). */
  readonly visible: boolean;
}

/** Test hook: the terminal's text (e2e reads it where the DOM rows are not enough). */
declare global {
  interface Window {
    __latheTerminalText?: () => string;
  }
}

export default function TerminalView({ sessionId, epoch, cwd, visible }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const [term, setTerm] = useState<Terminal | null>(null);
  const fit = useRef<FitAddon | null>(null);
  const search = useRef<SearchAddon | null>(null);
  const session = useRef({ id: sessionId, cwd });
  session.current = { id: sessionId, cwd };
  const [finding, setFinding] = useState(false);
  const connected = useApp((s) => s.connected);
  const theme = useApp(effectiveTheme);
  const fontFamily = useApp((s) => s.settings.settings['editor.fontFamily']);
  const fontSize = useApp((s) => s.settings.settings['editor.fontSize']);

  // The terminal itself: created once, kept across sessions (a switch resets it).
  useEffect(() => {
    const container = host.current;
    if (!container) return;
    const settings = getApp().settings.settings;
    const t = new Terminal({
      scrollback: SCROLLBACK_LINES,
      fontFamily: settings['editor.fontFamily'],
      fontSize: settings['editor.fontSize'],
      cursorBlink: true,
      theme: terminalTheme(),
      // The search addon's match highlights use the decorations API, still "proposed" in xterm 6.
      allowProposedApi: true,
    });
    const fitAddon = new FitAddon();
    const searchAddon = new SearchAddon();
    t.loadAddon(fitAddon);
    t.loadAddon(searchAddon);
    t.open(container);
    fit.current = fitAddon;
    search.current = searchAddon;
    const disposables: IDisposable[] = [];

    disposables.push(t.onData((data) => void call('sessions.input', { id: session.current.id, data })));

    let resizeTimer: ReturnType<typeof setTimeout> | undefined;
    disposables.push(
      t.onResize(({ cols, rows }) => {
        clearTimeout(resizeTimer);
        resizeTimer = setTimeout(() => void call('sessions.resize', { id: session.current.id, cols: Math.max(2, cols), rows: Math.max(1, rows) }), 80);
      }),
    );

    t.attachCustomKeyEventHandler((e) => {
      const ctrlOnly = e.ctrlKey && !e.altKey && !e.metaKey;
      const key = e.key.toLowerCase();
      // Ctrl+Shift+C, or Ctrl+C with a selection: copy (Ctrl+C without one is the interrupt, ^C).
      if (ctrlOnly && key === 'c' && (e.shiftKey || t.hasSelection())) {
        if (e.type === 'keydown') {
          const text = t.getSelection();
          if (text) void navigator.clipboard?.writeText(text).catch(() => postMessage('warning', 'Could not copy: the clipboard is not available here.'));
          if (!e.shiftKey) t.clearSelection();
        }
        e.preventDefault();
        return false;
      }
      // Ctrl+V and Ctrl+Shift+V: let the browser paste; xterm takes the paste event (and brackets it).
      if (ctrlOnly && key === 'v') return false;
      if (ctrlOnly && !e.shiftKey && key === 'f') {
        if (e.type === 'keydown') setFinding(true);
        e.preventDefault();
        return false;
      }
      return true;
    });

    disposables.push(
      t.registerLinkProvider({
        provideLinks(row, callback) {
          const root = getApp().project?.root;
          if (!root) return callback(undefined);
          const found = linksOnRow(t.buffer.active, row - 1).flatMap(({ link, start, end }) => {
            const path = projectPathOf(link.path, root, session.current.cwd);
            if (path === null) return [];
            return [
              {
                range: { start, end },
                text: `${path}:${link.line}`,
                activate: (event: MouseEvent) => {
                  // Like VS Code: a plain click selects text; Ctrl (or Cmd) + click follows the link.
                  if (!event.ctrlKey && !event.metaKey) return;
                  void openAt(path, link.line, link.column ?? 1);
                },
                hover: (event: MouseEvent) => {
                  (event.target as HTMLElement | null)?.setAttribute('title', `Open ${path}, line ${link.line} (Ctrl+click)`);
                },
                leave: (event: MouseEvent) => {
                  (event.target as HTMLElement | null)?.removeAttribute('title');
                },
              },
            ];
          });
          callback(found.length > 0 ? found : undefined);
        },
      }),
    );

    const observer = new ResizeObserver(() => {
      // Hidden behind another panel tab: nothing to measure.
      if (container.clientWidth > 0 && container.clientHeight > 0) fitAddon.fit();
    });
    observer.observe(container);

    window.__latheTerminalText = () => {
      const buffer = t.buffer.active;
      const lines: string[] = [];
      for (let y = 0; y < buffer.length; y++) lines.push(buffer.getLine(y)?.translateToString(true) ?? '');
      return lines.join('\n');
    };

    setTerm(t);
    return () => {
      clearTimeout(resizeTimer);
      observer.disconnect();
      for (const d of disposables) d.dispose();
      delete window.__latheTerminalText;
      fit.current = null;
      search.current = null;
      t.dispose();
    };
  }, []);

  // Attach to the session: scrollback, then live data; detach when it changes or the view goes.
  useEffect(() => {
    if (!term || !connected) return;
    let disposed = false;
    let viewerId: string | null = null;
    let cursor: StreamCursor | null = null;
    const early: { seq: number; data: string }[] = [];
    const ack = new AckScheduler((seq) => {
      if (!viewerId) return;
      void call('sessions.ack', { viewerId, seq }).then((r) => {
        // The core forgot this view (it died and restarted, or the view was quiet too long, e.g. a
        // background tab): take a new viewer id. The output kept coming as events, so nothing is replayed.
        if (!r.ok && r.code === 'NOT_FOUND' && !disposed) void renew();
      });
    });
    let renewing = false;
    const renew = async () => {
      if (renewing) return;
      renewing = true;
      const r = await call('sessions.attach', { id: sessionId });
      renewing = false;
      if (!r.ok) return;
      if (disposed) return void call('sessions.detach', { viewerId: r.value.viewerId });
      viewerId = r.value.viewerId;
      if (cursor) void call('sessions.ack', { viewerId, seq: Math.min(cursor.position, r.value.seq) });
    };
    const write = (seq: number, data: string) => {
      const fresh = cursor!.accept(seq, data);
      if (fresh === null) return;
      const end = cursor!.position;
      term.write(fresh, () => ack.parsed(end, fresh.length));
    };
    const off = bridge().on('sessions.data', (e) => {
      if (e.id !== sessionId || disposed) return;
      if (cursor) write(e.seq, e.data);
      else early.push(e);
    });
    term.reset();
    void call('sessions.attach', { id: sessionId }).then((r) => {
      if (disposed) {
        if (r.ok) void call('sessions.detach', { viewerId: r.value.viewerId });
        return;
      }
      if (!r.ok) {
        term.write(`\r\n\x1b[2m[${r.message}]\x1b[0m\r\n`);
        return;
      }
      const { scrollback, seq } = r.value;
      viewerId = r.value.viewerId;
      cursor = new StreamCursor(seq);
      term.write(scrollback, () => ack.parsed(seq, scrollback.length));
      for (const e of early.splice(0)) write(e.seq, e.data);
      // The pty takes this view's size (another window may have resized it).
      void call('sessions.resize', { id: sessionId, cols: Math.max(2, term.cols), rows: Math.max(1, term.rows) });
      if (takeFocusRequest()) term.focus();
    });
    return () => {
      disposed = true;
      off();
      ack.flush();
      ack.dispose();
      if (viewerId) void call('sessions.detach', { viewerId });
    };
  }, [term, sessionId, epoch, connected]);

  // Focus on request (input(), Show Terminal), once the view is on screen.
  useEffect(() => {
    if (!term) return;
    const focusIfWanted = () => {
      if (visible && takeFocusRequest()) requestAnimationFrame(() => term.focus());
    };
    focusIfWanted();
    return onTerminalFocusRequest(focusIfWanted);
  }, [term, visible]);

  // Back on screen: measure again (the panel may have been resized meanwhile).
  useEffect(() => {
    const container = host.current;
    if (visible && container && container.clientWidth > 0) fit.current?.fit();
  }, [visible, term]);

  // Theme and font follow the workbench. The theme's CSS variables change in the workbench's effect,
  // which runs after this one: read them on the next frame.
  useEffect(() => {
    if (!term) return;
    const frame = requestAnimationFrame(() => {
      term.options.theme = terminalTheme();
    });
    return () => cancelAnimationFrame(frame);
  }, [term, theme]);
  useEffect(() => {
    if (!term) return;
    term.options.fontFamily = fontFamily;
    term.options.fontSize = fontSize;
    if (host.current && host.current.clientWidth > 0) fit.current?.fit();
  }, [term, fontFamily, fontSize]);

  return (
    <div className="terminal-view">
      {finding && term && search.current && (
        <FindBox
          search={search.current}
          dark={theme === 'dark'}
          onClose={() => {
            setFinding(false);
            search.current?.clearDecorations();
            term.focus();
          }}
        />
      )}
      <div className="terminal-host" ref={host} data-testid="terminal" />
    </div>
  );
}

function FindBox({ search, dark, onClose }: { search: SearchAddon; dark: boolean; onClose: () => void }) {
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<{ index: number; count: number } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const options = { decorations: searchColors(dark) };
  useEffect(() => {
    input.current?.focus();
    const d = search.onDidChangeResults(({ resultIndex, resultCount }) => setResults({ index: resultIndex, count: resultCount }));
    return () => d.dispose();
  }, [search]);
  const find = (backwards: boolean, incremental = false) => {
    if (!query) return;
    if (backwards) search.findPrevious(query, options);
    else search.findNext(query, { ...options, incremental });
  };
  return (
    <div className="terminal-find" role="search" aria-label="Find in terminal">
      <input
        ref={input}
        className="text-input"
        value={query}
        placeholder="Find"
        aria-label="Find in terminal"
        spellCheck={false}
        onChange={(e) => {
          const q = e.target.value;
          setQuery(q);
          if (q) search.findNext(q, { ...options, incremental: true });
          else {
            search.clearDecorations();
            setResults(null);
          }
        }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') find(e.shiftKey);
          else if (e.key === 'Escape') onClose();
          else return;
          e.preventDefault();
          e.stopPropagation();
        }}
      />
      <span className="terminal-find-count" aria-live="polite">
        {query && results ? (results.count === 0 ? 'No results' : results.index >= 0 ? `${results.index + 1} of ${results.count}` : `${results.count}+`) : ''}
      </span>
      <button className="icon-button" title="Previous match (Shift+Enter)" aria-label="Previous match" onClick={() => find(true)}>
        <Icon name="up" size={16} />
      </button>
      <button className="icon-button" title="Next match (Enter)" aria-label="Next match" onClick={() => find(false)}>
        <Icon name="down" size={16} />
      </button>
      <button className="icon-button" title="Close (Escape)" aria-label="Close find" onClick={onClose}>
        <Icon name="close" size={16} />
      </button>
    </div>
  );
}
