/**
 * The notebook's session: a button in its toolbar (state dot, name) that opens a list of the project's
 * sessions to bind to (several notebooks may share one), a new session of its own, or the interpreter
 * picker (new sessions use the project's interpreter).
 */
import { useStore } from 'zustand';
import { showItemsPick, type PickItem } from '../quickpick/QuickPick';
import { currentInterpreter, interpreterTitle } from '../sessions/model';
import { showInterpreterPick } from '../sessions/session-commands';
import { setActiveSession, useSessions } from '../sessions/sessions';
import { bindSession, startNotebookSession, type NotebookDoc } from './notebook-docs';

export function showSessionPick(doc: NotebookDoc): void {
  showItemsPick({
    label: 'Select session',
    placeholder: `The Python session ${doc.path} runs in`,
    useItems: () => {
      const sessions = useSessions((s) => s.sessions);
      const interpreter = useSessions(currentInterpreter);
      const bound = useStore(doc.store, (s) => s.session);
      const items: PickItem[] = sessions
        .filter((s) => s.state !== 'dead' || s.id === bound)
        .map((s) => ({
          id: s.id,
          label: s.name,
          description: `${s.state}${s.version ? ` · Python ${s.version}` : ''}`,
          detail: s.python,
          current: s.id === bound,
          run: () => {
            void bindSession(doc, s.id);
            setActiveSession(s.id);
          },
        }));
      items.push(
        {
          id: ':new',
          label: 'New session for this notebook',
          detail: interpreter ? `Python ${interpreterTitle(interpreter)}: ${interpreter.path}` : 'With the project’s interpreter',
          run: () => void startNotebookSession(doc),
        },
        { id: ':interpreter', label: 'Select interpreter…', detail: 'The Python new sessions use (for this project)', run: showInterpreterPick },
      );
      return { items, loading: false };
    },
  });
}

export function SessionButton({ doc }: { doc: NotebookDoc }) {
  const boundId = useStore(doc.store, (s) => s.session);
  const session = useSessions((s) => s.sessions.find((x) => x.id === boundId));
  const label = session ? `${session.name}: ${session.state === 'busy' && session.queued > 0 ? `busy (+${session.queued})` : session.state}` : 'No session';
  return (
    <button
      className="nb-session-button"
      data-testid="notebook-session"
      data-state={session?.state ?? 'none'}
      title={session ? `Runs in ${session.name}${session.version ? ` (Python ${session.version})` : ''}. Click to change.` : 'Choose the session this notebook runs in (one starts when you run a cell)'}
      onClick={() => showSessionPick(doc)}
    >
      <span className={`state-dot ${session?.state ?? ''}`} aria-hidden="true" />
      {label}
    </button>
  );
}
