/**
 * The application menu. Menu items either call the core's handlers directly (Open Folder, Close Folder)
 * or hand a command to the renderer's command registry as an `app.command` event (Save, Command Palette).
 */
import { app, dialog, Menu, type BrowserWindow, type MenuItemConstructorOptions } from 'electron';
import type { Handlers } from '../common/contract';
import type { EventHub } from '../core/event-hub';

export interface AppMenuDeps {
  readonly handlers: Handlers;
  readonly hub: EventHub;
  /** The native Open Folder dialog (the same one `app.pickFolder` uses). */
  readonly pickFolder: () => Promise<string | null>;
  readonly focusedWindow: () => BrowserWindow | null;
}

const isMac = process.platform === 'darwin';

export function buildAppMenu(deps: AppMenuDeps): Menu {
  const { handlers, hub } = deps;
  const command = (id: string) => () => hub.emit('app.command', { command: id });
  const report = (text: string) => hub.emit('app.message', { level: 'error', text });

  const openFolder = async () => {
    const root = await deps.pickFolder();
    if (root === null) return;
    const opened = await handlers['workspace.open']({ root });
    if (!opened.ok) report(`Could not open ${root}: ${opened.message}`);
  };
  const closeFolder = async () => {
    const closed = await handlers['workspace.close']({});
    if (!closed.ok) report(closed.message);
  };
  const about = () => {
    const options = {
      type: 'info' as const,
      title: 'About Lathe',
      message: `Lathe ${app.getVersion()}`,
      detail: [
        'A workbench for Python ML engineers.',
        '',
        `Electron ${process.versions.electron ?? '?'}`,
        `Chromium ${process.versions.chrome ?? '?'}`,
        `Node.js ${process.versions.node}`,
        `${process.platform} ${process.arch}`,
      ].join('\n'),
      buttons: ['OK'],
      noLink: true,
    };
    const win = deps.focusedWindow();
    void (win ? dialog.showMessageBox(win, options) : dialog.showMessageBox(options));
  };
  const run = (fn: () => Promise<void>) => () => {
    fn().catch((e: unknown) => {
      console.error('[lathe] menu command failed', e);
      report(e instanceof Error ? e.message : String(e));
    });
  };

  // On Linux and Windows the page handles undo/redo itself (Monaco keeps its own undo stack): show the
  // keys without intercepting them. macOS needs the Edit roles for its standard shortcuts.
  const pageKeys = isMac ? {} : { registerAccelerator: false };

  const template: MenuItemConstructorOptions[] = [
    ...(isMac
      ? [
          {
            label: 'Lathe',
            submenu: [
              { label: 'About Lathe', click: about },
              { type: 'separator' },
              { role: 'services' },
              { type: 'separator' },
              { role: 'hide' },
              { role: 'hideOthers' },
              { role: 'unhide' },
              { type: 'separator' },
              { role: 'quit' },
            ],
          } satisfies MenuItemConstructorOptions,
        ]
      : []),
    {
      label: '&File',
      submenu: [
        { label: 'Open Folder…', accelerator: 'CmdOrCtrl+O', click: run(openFolder) },
        { label: 'Close Folder', click: run(closeFolder) },
        { type: 'separator' },
        { label: 'Save', accelerator: 'CmdOrCtrl+S', click: command('file.save') },
        ...(isMac ? [] : [{ type: 'separator' } as const, { role: 'quit' } as const]),
      ],
    },
    {
      label: '&Edit',
      submenu: [
        { role: 'undo', ...pageKeys },
        { role: 'redo', ...pageKeys },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: '&View',
      submenu: [
        { label: 'Command Palette…', accelerator: 'CmdOrCtrl+Shift+P', click: command('workbench.commandPalette') },
        { type: 'separator' },
        { role: 'reload' },
        { role: 'toggleDevTools' },
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    ...(isMac ? [{ role: 'windowMenu' } satisfies MenuItemConstructorOptions] : []),
    {
      label: '&Help',
      role: 'help',
      submenu: [{ label: 'About Lathe', click: about }],
    },
  ];
  return Menu.buildFromTemplate(template);
}

export function installAppMenu(deps: AppMenuDeps): void {
  Menu.setApplicationMenu(buildAppMenu(deps));
}
