/**
 * Python commands: run the selection or the `# %%` cell from the editor (Shift+Enter, Ctrl+Enter),
 * manage sessions, pick the interpreter, and show the terminal and variables.
 */
import { commands } from '../commands/instance';
import { currentEditor } from '../editor/EditorArea';
import { codeToRun } from '../editor/run-code';
import { showItemsPick, type PickItem } from '../quickpick/QuickPick';
import { getApp, postMessage } from '../state/store';
import { promptText } from '../ui/dialogs';
import { renameSessionPrompt } from '../terminal/TerminalPane';
import { call } from '../bridge/client';
import { currentInterpreter } from './model';
import {
  activeSession,
  interruptSession,
  loadInterpreters,
  profileCode,
  refreshVariables,
  requestTerminalFocus,
  restartSession,
  runCode,
  selectInterpreter,
  showPanelTab,
  startSession,
  stopSession,
  useSessions,
} from './sessions';

const hasProject = () => getApp().project !== null;
const hasSession = () => hasProject() && activeSession() !== undefined;

/** A Python file's editor has the keyboard (so Shift+Enter elsewhere keeps its meaning). */
function pythonEditorFocused(): boolean {
  const editor = currentEditor();
  return hasProject() && !!editor && editor.hasTextFocus() && editor.getModel()?.getLanguageId() === 'python';
}

async function runFromEditor(advance: boolean, profile = false): Promise<void> {
  const editor = currentEditor();
  const model = editor?.getModel();
  if (!editor || !model) return;
  const selection = editor.getSelection();
  const position = editor.getPosition();
  const target = codeToRun(
    model.getValue(),
    selection && { startLine: selection.startLineNumber, startColumn: selection.startColumn, endLine: selection.endLineNumber, endColumn: selection.endColumn },
    position?.lineNumber ?? 1,
  );
  if (advance) {
    editor.setPosition({ lineNumber: target.nextLine, column: 1 });
    editor.revealLine(target.nextLine);
  }
  if (target.code.trim() === '') return;
  if (!profile) return runCode(target.code);
  const path = getApp().active;
  await profileCode(target.code, path ? { path, startLine: target.codeLine } : null);
}

export function showInterpreterPick(): void {
  void loadInterpreters();
  showItemsPick({
    label: 'Select Python interpreter',
    placeholder: 'Select the Python interpreter for this project (new sessions use it)',
    useItems: useInterpreterItems,
  });
}

function useInterpreterItems(): { items: PickItem[]; loading: boolean } {
  const interpreters = useSessions((s) => s.interpreters);
  const loading = useSessions((s) => s.interpretersLoading);
  const current = useSessions(currentInterpreter);
  const items: PickItem[] = (interpreters ?? []).map((i) => ({
    id: i.path,
    label: i.label,
    // pyenv labels carry the version already ("pyenv 3.11.7").
    description: i.version && !i.label.includes(i.version) ? `Python ${i.version}` : '',
    detail: i.path,
    badges: Object.entries(i.modules)
      .filter(([, present]) => present)
      .map(([name]) => name),
    problem: i.problem,
    current: current?.path === i.path,
    run: () => void selectInterpreter(i.path),
  }));
  items.push(
    { id: ':browse', label: 'Browse… (enter a path)', detail: 'Any Python 3 interpreter on this machine: a venv, conda env or a system Python', run: () => void browseInterpreter() },
    {
      id: ':refresh',
      label: 'Refresh',
      detail: 'Look for interpreters again (new venvs, conda envs)',
      run: () => {
        showInterpreterPick();
        void loadInterpreters(true);
      },
    },
  );
  return { items, loading };
}

async function browseInterpreter(): Promise<void> {
  const path = await promptText({
    title: 'Python interpreter',
    message: 'The path of a Python interpreter (e.g. /opt/conda/envs/ml/bin/python):',
    placeholder: '/usr/bin/python3',
    okLabel: 'Use',
  });
  if (!path) return;
  const probed = await call('interpreters.probe', { path });
  if (!probed.ok) return postMessage('error', probed.message);
  if (probed.value.problem) return postMessage('error', `${path} can't be used: ${probed.value.problem}`);
  await selectInterpreter(probed.value.path);
}

export function registerSessionCommands(): void {
  const all = [
    {
      id: 'python.runSelectionOrCell',
      title: 'Run Selection or Cell and Advance',
      category: 'Python',
      keys: ['shift+enter'],
      when: pythonEditorFocused,
      run: () => runFromEditor(true),
    },
    {
      id: 'python.runSelectionOrCellStay',
      title: 'Run Selection or Cell',
      category: 'Python',
      keys: ['ctrl+enter'],
      when: pythonEditorFocused,
      run: () => runFromEditor(false),
    },
    {
      id: 'python.profileSelectionOrCell',
      title: 'Profile Selection or Cell',
      category: 'Python',
      keys: ['ctrl+alt+enter'],
      when: pythonEditorFocused,
      run: () => runFromEditor(false, true),
    },
    {
      id: 'view.showHistory',
      title: 'Show Run History',
      category: 'View',
      when: hasProject,
      run: () => showPanelTab('history'),
    },
    { id: 'python.newSession', title: 'New Session', category: 'Python', keys: ['ctrl+shift+`'], when: hasProject, run: async () => {
      showPanelTab('terminal');
      if (await startSession()) requestTerminalFocus();
    } },
    { id: 'python.interrupt', title: 'Interrupt Session', category: 'Python', when: hasSession, run: () => interruptSession(activeSession()!.id) },
    { id: 'python.restart', title: 'Restart Session', category: 'Python', when: hasSession, run: () => restartSession(activeSession()!.id) },
    { id: 'python.stop', title: 'Stop Session', category: 'Python', when: hasSession, run: () => stopSession(activeSession()!.id) },
    { id: 'python.rename', title: 'Rename Session…', category: 'Python', when: hasSession, run: () => renameSessionPrompt(activeSession()!) },
    { id: 'python.selectInterpreter', title: 'Select Interpreter…', category: 'Python', when: hasProject, run: showInterpreterPick },
    {
      id: 'view.showTerminal',
      title: 'Show Terminal',
      category: 'View',
      keys: ['ctrl+`'],
      when: hasProject,
      run: () => {
        showPanelTab('terminal');
        requestTerminalFocus();
      },
    },
    {
      id: 'view.showVariables',
      title: 'Show Variables',
      category: 'View',
      when: hasProject,
      run: () => {
        showPanelTab('variables');
        const session = activeSession();
        if (session) void refreshVariables(session.id);
      },
    },
  ];
  for (const command of all) commands.register(command);
}
