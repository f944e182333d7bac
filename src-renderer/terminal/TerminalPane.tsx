/**
 * The panel's Terminal tab: the active session's terminal (loaded lazily), what to do when there is no
 * session, and the banners a session needs: dead (its exit status, Restart), an interrupt that went
 * unanswered (Restart), the session host restarting or failed. The session switcher and the buttons
 * are in the panel's header (`SessionTabs`, `SessionActions`).
 */
import { lazy, Suspense, useEffect, useState } from 'react';
import type { SessionInfo } from '../../src-main/common/contract';
import { commands } from '../commands/instance';
import { formatChord } from '../commands/keys';
import { interruptStuck } from '../sessions/model';
import { interruptSession, renameSession, restartSession, restartSessionHost, setActiveSession, startSession, stopSession, useSessions } from '../sessions/sessions';
import { promptText } from '../ui/dialogs';
import { Icon } from '../ui/icons';

const TerminalView = lazy(() => import('./TerminalView'));

const keyOf = (id: string) => {
  const key = commands.keysFor(id)[0];
  return key ? formatChord(key) : null;
};

export function TerminalPane({ visible }: { visible: boolean }) {
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  const host = useSessions((s) => s.host);
  return (
    <div className="terminal-pane">
      {host && host.state !== 'running' && (
        <div className={`session-banner ${host.state === 'failed' ? 'error' : 'warning'}`} role="alert" data-testid="session-host-banner">
          <span>
            {host.state === 'failed' ? 'Python sessions are unavailable: ' : 'The session host is restarting: '}
            {host.message ?? `it stopped ${host.restarts} time${host.restarts === 1 ? '' : 's'}`}
          </span>
          {host.state === 'failed' && (
            <button className="btn btn-primary" onClick={() => void restartSessionHost()}>
              <Icon name="restart" size={16} /> Restart
            </button>
          )}
        </div>
      )}
      {session ? <SessionTerminal session={session} visible={visible} /> : <NoSession />}
    </div>
  );
}

function NoSession() {
  const newKey = keyOf('python.newSession');
  const runKey = keyOf('python.runSelectionOrCell');
  return (
    <div className="empty-state terminal-empty">
      <p>
        No Python session. Start one{newKey ? ` (${newKey})` : ''} or run code with {runKey ?? 'Shift+Enter'}.
      </p>
      <button className="btn btn-primary" onClick={() => void startSession()}>
        <Icon name="plus" size={16} /> Start session
      </button>
    </div>
  );
}

function SessionTerminal({ session, visible }: { session: SessionInfo; visible: boolean }) {
  return (
    <>
      <StuckInterruptBanner session={session} />
      <Suspense fallback={<div className="empty-state small">Loading the terminal…</div>}>
        <TerminalView sessionId={session.id} epoch={session.startedAt} cwd={session.cwd} visible={visible} />
      </Suspense>
      {session.state === 'dead' && (
        <div className="session-banner error session-exit" role="alert" data-testid="session-exit">
          <span>
            {session.name} ended: {session.exit?.message ?? 'the process exited'}
          </span>
          <button className="btn btn-primary" onClick={() => void restartSession(session.id)}>
            <Icon name="restart" size={16} /> Restart session
          </button>
        </div>
      )}
    </>
  );
}

/** Shown when an interrupt has gone unanswered for 5 s (a tight loop in C code, a stuck extension). */
function StuckInterruptBanner({ session }: { session: SessionInfo }) {
  const [now, setNow] = useState(() => Date.now());
  const { interruptedAt, state } = session;
  useEffect(() => {
    if (interruptedAt === null || state !== 'busy') return;
    const wait = interruptedAt + 5000 - Date.now();
    if (wait <= 0) return;
    const timer = setTimeout(() => setNow(Date.now()), wait + 50);
    return () => clearTimeout(timer);
  }, [interruptedAt, state]);
  if (!interruptStuck(session, Math.max(now, Date.now()))) return null;
  return (
    <div className="session-banner warning" role="alert" data-testid="interrupt-stuck">
      <span>The code is not responding to interrupt.</span>
      <button className="btn btn-primary" onClick={() => void restartSession(session.id)}>
        <Icon name="restart" size={16} /> Restart session
      </button>
    </div>
  );
}

/** The sessions as tabs in the panel header: a state dot and the name; double-click renames. */
export function SessionTabs() {
  const sessions = useSessions((s) => s.sessions);
  const activeId = useSessions((s) => s.activeId);
  if (sessions.length === 0) return null;
  return (
    <>
      <span className="panel-separator" aria-hidden="true" />
      <div className="session-tabs" role="tablist" aria-label="Python sessions">
        {sessions.map((s) => (
          <button
            key={s.id}
            role="tab"
            aria-selected={s.id === activeId}
            className={`session-tab ${s.id === activeId ? 'active' : ''}`}
            title={`${s.name}: ${stateLabel(s)}${s.version ? ` · Python ${s.version}` : ''} · ${s.python} (double-click to rename)`}
            data-state={s.state}
            onClick={() => setActiveSession(s.id)}
            onDoubleClick={() => void renameSessionPrompt(s)}
          >
            <StateDot state={s.state} />
            <span className="session-name">{s.name}</span>
          </button>
        ))}
      </div>
    </>
  );
}

export function SessionActions() {
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  return (
    <>
      <button className="icon-button" title={`New session${keyOf('python.newSession') ? ` (${keyOf('python.newSession')})` : ''}`} aria-label="New session" onClick={() => void startSession()}>
        <Icon name="plus" size={16} />
      </button>
      {session && (
        <>
          <button
            className="icon-button"
            title="Interrupt (SIGINT)"
            aria-label="Interrupt"
            disabled={session.state !== 'busy'}
            onClick={() => void interruptSession(session.id)}
          >
            <Icon name="stop" size={16} />
          </button>
          <button className="icon-button" title="Restart session (variables are lost)" aria-label="Restart session" onClick={() => void restartSession(session.id)}>
            <Icon name="restart" size={16} />
          </button>
          <button className="icon-button" title="Stop session" aria-label="Stop session" onClick={() => void stopSession(session.id)}>
            <Icon name="trash" size={16} />
          </button>
        </>
      )}
    </>
  );
}

export function StateDot({ state }: { state: SessionInfo['state'] }) {
  return <span className={`state-dot ${state}`} aria-hidden="true" />;
}

export function stateLabel(s: SessionInfo): string {
  if (s.state === 'busy' && s.queued > 0) return `busy, ${s.queued} queued`;
  return s.state;
}

export async function renameSessionPrompt(session: SessionInfo): Promise<void> {
  const name = await promptText({ title: 'Rename session', message: 'A name for this Python session:', value: session.name, okLabel: 'Rename', validate: (v) => (v.trim().length > 100 ? 'At most 100 characters' : null) });
  if (name && name !== session.name) await renameSession(session.id, name);
}
