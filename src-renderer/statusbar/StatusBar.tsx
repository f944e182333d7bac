import { useEffect, useState } from 'react';
import { commands } from '../commands/instance';
import { effectiveTheme, useApp } from '../state/store';
import { Icon } from '../ui/icons';
import { InterpreterStatus, SessionStatus } from './SessionStatus';

/** Project, branch, the latest message, progress, and the active file's position/encoding/EOL/language. */
export function StatusBar() {
  const project = useApp((s) => s.project);
  const connected = useApp((s) => s.connected);
  const busy = useApp((s) => s.busy);
  const cursor = useApp((s) => s.cursor);
  const last = useApp((s) => s.messages[s.messages.length - 1]);
  const theme = useApp(effectiveTheme);
  const [visible, setVisible] = useState<number | null>(null);
  useEffect(() => {
    if (!last) return;
    setVisible(last.id);
    const t = setTimeout(() => setVisible(null), last.level === 'error' ? 10_000 : 4000);
    return () => clearTimeout(t);
  }, [last]);
  return (
    <footer className={`status-bar ${connected ? '' : 'offline'}`} role="status" aria-label="Status bar">
      {project ? (
        <>
          <span className="status-item" data-testid="status-project" title={project.root}>
            {project.name}
          </span>
          {project.branch && (
            <span className="status-item" data-testid="status-branch" title="Git branch">
              <Icon name="branch" /> {project.branch}
            </span>
          )}
        </>
      ) : (
        <span className="status-item">No folder open</span>
      )}
      {!connected && <span className="status-item warning">Disconnected: reconnecting…</span>}
      {busy && (
        <span className="status-item" aria-label="Working">
          <span className="spinner" /> Working…
        </span>
      )}
      {last && visible === last.id && (
        <button className={`status-item status-message ${last.level}`} onClick={() => void commands.run('view.showOutput')} title="Show Output">
          {last.text}
        </button>
      )}
      <span className="spacer" />
      {cursor && (
        <>
          <span className="status-item">
            Ln {cursor.line}, Col {cursor.column}
          </span>
          <span className="status-item" title="Encoding (kept on save)">
            {displayEncoding(cursor.encoding)}
          </span>
          <span className="status-item" title="Line endings (kept on save)">
            {cursor.eol}
          </span>
          <span className="status-item">{cursor.language}</span>
        </>
      )}
      {project && (
        <>
          <SessionStatus />
          <InterpreterStatus />
        </>
      )}
      <button className="status-item" onClick={() => void commands.run('view.toggleTheme')} title="Toggle light/dark theme" aria-label="Toggle theme">
        <Icon name={theme === 'dark' ? 'moon' : 'sun'} />
      </button>
    </footer>
  );
}

/** iconv-lite names as people know them: utf8 → UTF-8, windows-1252 → Windows 1252. */
export function displayEncoding(encoding: string): string {
  const e = encoding.toLowerCase();
  if (e === 'utf8' || e === 'utf-8') return 'UTF-8';
  if (e === 'utf16le') return 'UTF-16 LE';
  if (e === 'utf16be') return 'UTF-16 BE';
  if (e.startsWith('windows-')) return `Windows ${e.slice(8)}`;
  return encoding.toUpperCase();
}
