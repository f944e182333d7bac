/**
 * The workbench's own commands, and the one keyboard dispatcher that runs every command by its key.
 * Later features register theirs the same way (`commands.register`).
 */
import { call } from '../bridge/client';
import { commands } from '../commands/instance';
import { chordOf } from '../commands/keys';
import { closeDocument, dirtyPaths, openDocument, saveDocument } from '../editor/documents';
import { currentEditor } from '../editor/EditorArea';
import { collapseAll, deleteSelected, newEntry, refreshExplorer, renameSelected } from '../explorer/explorer-actions';
import { hideQuickPick, quickPickOpen, showQuickPick } from '../quickpick/QuickPick';
import { effectiveTheme, getApp, postMessage, setApp } from '../state/store';
import { dialogOpen, promptText } from '../ui/dialogs';
import { focusNotebook, isNotebookTab } from '../notebook/notebook-tabs';
import { showSideView } from '../models/side-view';
import { closeFolder, openFolder } from './project';

const hasProject = () => getApp().project !== null;
const hasTab = () => getApp().active !== null;
const explorerFocused = () => document.activeElement?.closest('[data-testid="file-tree"]') != null;

function cycleTab(step: number): void {
  const { tabs, active } = getApp();
  if (tabs.length === 0) return;
  const i = tabs.findIndex((t) => t.path === active);
  setApp({ active: tabs[(i + step + tabs.length) % tabs.length]!.path });
}

export function registerWorkbenchCommands(): void {
  const all = [
    { id: 'workbench.commandPalette', title: 'Show All Commands', category: 'View', keys: ['ctrl+shift+p', 'f1'], run: () => showQuickPick('commands') },
    { id: 'workbench.quickOpen', title: 'Go to File…', category: 'File', keys: ['ctrl+p'], when: hasProject, run: () => showQuickPick('files') },
    {
      id: 'file.openFolder',
      title: 'Open Folder…',
      category: 'File',
      keys: ['ctrl+o'],
      run: async () => {
        const picked = await call('app.pickFolder', {});
        if (picked.ok) {
          if (picked.value) await openFolder(picked.value);
          return;
        }
        const path = await promptText({ title: 'Open Folder', message: 'The folder\'s path on this machine:', placeholder: '/home/you/projects/my-model', okLabel: 'Open' });
        if (path) await openFolder(path);
      },
    },
    { id: 'file.closeFolder', title: 'Close Folder', category: 'File', when: hasProject, run: () => closeFolder() },
    { id: 'file.save', title: 'Save', category: 'File', keys: ['ctrl+s'], when: hasTab, run: () => void saveDocument(getApp().active!) },
    {
      id: 'file.saveAll',
      title: 'Save All',
      category: 'File',
      keys: ['ctrl+alt+s'],
      when: hasTab,
      run: async () => {
        for (const path of dirtyPaths()) await saveDocument(path);
      },
    },
    { id: 'file.newFile', title: 'New File…', category: 'File', keys: ['alt+n'], when: hasProject, run: () => newEntry('file') },
    { id: 'file.newFolder', title: 'New Folder…', category: 'File', when: hasProject, run: () => newEntry('directory') },
    { id: 'editor.closeTab', title: 'Close Editor', category: 'View', keys: ['ctrl+w', 'alt+w'], when: hasTab, run: () => void closeDocument(getApp().active!) },
    {
      id: 'editor.closeAll',
      title: 'Close All Editors',
      category: 'View',
      when: hasTab,
      run: async () => {
        for (const tab of [...getApp().tabs]) if (!(await closeDocument(tab.path))) return;
      },
    },
    { id: 'editor.nextTab', title: 'Next Editor', category: 'View', keys: ['ctrl+pagedown', 'alt+pagedown'], when: hasTab, run: () => cycleTab(1) },
    { id: 'editor.previousTab', title: 'Previous Editor', category: 'View', keys: ['ctrl+pageup', 'alt+pageup'], when: hasTab, run: () => cycleTab(-1) },
    {
      id: 'editor.focus',
      title: 'Focus Editor',
      category: 'View',
      keys: ['ctrl+1'],
      when: hasTab,
      run: () => (isNotebookTab(getApp().active) ? focusNotebook(getApp().active!) : currentEditor()?.focus()),
    },
    {
      id: 'view.toggleSidebar',
      title: 'Toggle Side Bar',
      category: 'View',
      keys: ['ctrl+b'],
      when: hasProject,
      run: () => setApp((s) => ({ layout: { ...s.layout, sidebarVisible: !s.layout.sidebarVisible } })),
    },
    {
      id: 'view.focusExplorer',
      title: 'Show Explorer',
      category: 'View',
      keys: ['ctrl+shift+e'],
      when: hasProject,
      run: () => {
        showSideView('explorer');
        requestAnimationFrame(() => document.querySelector<HTMLElement>('[data-testid="file-tree"]')?.focus());
      },
    },
    {
      id: 'view.togglePanel',
      title: 'Toggle Panel',
      category: 'View',
      keys: ['ctrl+j'],
      when: hasProject,
      run: () => setApp((s) => ({ layout: { ...s.layout, panelVisible: !s.layout.panelVisible } })),
    },
    {
      id: 'view.showOutput',
      title: 'Show Output',
      category: 'View',
      keys: ['ctrl+shift+u'],
      when: hasProject,
      run: () => setApp((s) => ({ layout: { ...s.layout, panelVisible: true }, panelTab: 'output' })),
    },
    {
      id: 'view.toggleTheme',
      title: 'Toggle Light/Dark Theme',
      category: 'Preferences',
      keys: ['ctrl+alt+t'],
      run: () => void call('settings.update', { patch: { 'workbench.theme': effectiveTheme(getApp()) === 'dark' ? 'light' : 'dark' } }),
    },
    { id: 'view.themeSystem', title: 'Theme: Follow the OS', category: 'Preferences', run: () => void call('settings.update', { patch: { 'workbench.theme': 'system' } }) },
    { id: 'preferences.openSettings', title: 'Open Settings (JSON)', category: 'Preferences', keys: ['ctrl+,'], run: () => void openDocument('user:settings.json') },
    { id: 'preferences.openKeybindings', title: 'Open Keyboard Shortcuts (JSON)', category: 'Preferences', run: () => void openDocument('user:keybindings.json') },
    { id: 'explorer.rename', title: 'Rename…', category: 'Explorer', keys: ['f2'], when: () => hasProject() && explorerFocused() && getApp().selected !== null, run: () => renameSelected() },
    { id: 'explorer.delete', title: 'Delete…', category: 'Explorer', keys: ['delete'], when: () => hasProject() && explorerFocused() && getApp().selected !== null, run: () => deleteSelected() },
    { id: 'explorer.refresh', title: 'Refresh Explorer', category: 'Explorer', when: hasProject, run: () => refreshExplorer() },
    { id: 'explorer.collapseAll', title: 'Collapse Folders in Explorer', category: 'Explorer', when: hasProject, run: collapseAll },
    { id: 'workbench.reload', title: 'Reload Window', category: 'Developer', run: () => location.reload() },
    {
      id: 'workbench.clearMessages',
      title: 'Clear Output',
      category: 'View',
      run: () => {
        setApp({ messages: [] });
        postMessage('info', 'Output cleared');
      },
    },
  ];
  for (const command of all) commands.register(command);
}

/** Runs commands by key. Capture phase, so the workbench's keys win over Monaco's and the browser's. */
export function installKeyboardDispatcher(): () => void {
  const onKeyDown = (e: KeyboardEvent) => {
    if (dialogOpen()) return;
    if (quickPickOpen() && e.key === 'Escape') {
      hideQuickPick();
      e.preventDefault();
      return;
    }
    const chord = chordOf(e);
    if (!chord) return;
    // Plain keys (Delete, F2...) typed into a text field belong to the field.
    const inField = (e.target as HTMLElement | null)?.closest('input, textarea, [contenteditable="true"]') && !(e.target as HTMLElement).closest('.monaco-editor');
    if (inField && !e.ctrlKey && !e.altKey && !e.metaKey && !/^f\d+$/.test(chord)) return;
    if (quickPickOpen() && !chord.startsWith('ctrl+') && !/^f\d+$/.test(chord)) return;
    // In a terminal, Ctrl+letter belongs to the program (readline's ^W, ^P, ^R…, ^C, ^D); chords with
    // Shift or Alt, Ctrl+digit and function keys still reach the workbench.
    if (/^ctrl\+[a-z]$/.test(chord) && (e.target as HTMLElement | null)?.closest('.xterm')) return;
    const command = commands.resolve(chord);
    if (!command) return;
    e.preventDefault();
    e.stopPropagation();
    void Promise.resolve(command.run()).catch((error: unknown) => postMessage('error', `${command.title} failed: ${String(error)}`));
  };
  window.addEventListener('keydown', onKeyDown, true);
  return () => window.removeEventListener('keydown', onKeyDown, true);
}
