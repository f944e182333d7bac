/** Status bar items for Python: the project's interpreter (opens the picker) and the active session. */
import { useEffect, useState } from 'react';
import { commands } from '../commands/instance';
import { currentInterpreter, interpreterTitle } from '../sessions/model';
import { useSessions } from '../sessions/sessions';
import { Icon } from '../ui/icons';

export function InterpreterStatus() {
  const interpreter = useSessions(currentInterpreter);
  const selected = useSessions((s) => s.selectedInterpreter);
  const loading = useSessions((s) => s.interpretersLoading && s.interpreters === null);
  const text = interpreter ? interpreterTitle(interpreter) : selected ? selected : loading ? 'Looking for Python…' : 'Select interpreter';
  return (
    <button
      className="status-item"
      data-testid="status-interpreter"
      title={interpreter ? `Python interpreter: ${interpreter.path}${selected ? '' : ' (default)'}. Click to change.` : 'Select the Python interpreter for this project'}
      aria-label={`Python interpreter: ${text}`}
      onClick={() => void commands.run('python.selectInterpreter')}
    >
      <Icon name="python" /> {text}
    </button>
  );
}

/** "Python 2: busy" with its state dot; a spinner while a session takes more than a second to start. */
export function SessionStatus() {
  const session = useSessions((s) => s.sessions.find((x) => x.id === s.activeId));
  const starting = session?.state === 'starting';
  const [slow, setSlow] = useState(false);
  useEffect(() => {
    setSlow(false);
    if (!starting) return;
    const timer = setTimeout(() => setSlow(true), 1000);
    return () => clearTimeout(timer);
  }, [starting, session?.id]);
  if (!session) return null;
  return (
    <button
      className="status-item"
      data-testid="status-session"
      data-state={session.state}
      title={`${session.name} (${session.state})${session.version ? `, Python ${session.version}` : ''}. Click to show its terminal.`}
      onClick={() => void commands.run('view.showTerminal')}
    >
      {slow ? <span className="spinner" aria-label="Starting" /> : <span className={`state-dot ${session.state}`} aria-hidden="true" />}
      {session.name}: {session.state === 'busy' && session.queued > 0 ? `busy (+${session.queued})` : session.state}
    </button>
  );
}
