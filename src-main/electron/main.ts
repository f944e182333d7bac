/**
 * The Electron entry (out/main/main.js). Thin: it builds the workbench and carries its handlers and events
 * over IPC; all state lives in the core.
 *
 *   electron out/main/main.js [folder]     (what `lathe [folder]` runs)
 */
import { join } from 'node:path';
import { app, BrowserWindow, dialog, protocol } from 'electron';
import { DisposableStore } from '../common/disposable';
import { defaultUserDir } from '../core/settings/user-dir';
import { createWorkbench, type Workbench } from '../core/workbench';
import { registerAppSchemePrivileges } from './app-protocol';
import { folderFromArgv, folderFromInstanceData } from './argv';
import { forwardEvents, registerIpc } from './ipc';
import { installAppMenu } from './menu';
import { createMainWindow, hardenWebContents, isTrustedSender } from './window';

const userDir = defaultUserDir();
const folder = folderFromArgv(process.argv, { defaultApp: process.defaultApp === true, cwd: process.cwd() });

app.setName('Lathe');
// Chromium's own profile (caches, local storage, the single-instance lock) goes in a subfolder of the user
// dir: Electron's default userData would be the user dir itself (~/.config/lathe), cluttering settings.json's
// folder. A different LATHE_USER_DIR is therefore also a separate instance.
app.setPath('userData', join(userDir, 'electron'));
app.enableSandbox();
// app:// (the built renderer's origin) must be privileged before 'ready'; its handler comes with the window.
registerAppSchemePrivileges(protocol);

if (!app.requestSingleInstanceLock({ folder: folder ?? null })) {
  // Another Lathe runs with this user dir: it gets our folder through 'second-instance'.
  app.quit();
} else {
  run();
}

function run(): void {
  const store = new DisposableStore();
  let workbench: Workbench | null = null;
  let mainWindow: BrowserWindow | null = null;
  let shutdownStarted = false;

  const report = (text: string) => workbench?.hub.emit('app.message', { level: 'error', text });

  const pickFolder = async (): Promise<string | null> => {
    const options = { title: 'Open Folder', properties: ['openDirectory' as const, 'createDirectory' as const] };
    const result = mainWindow ? await dialog.showOpenDialog(mainWindow, options) : await dialog.showOpenDialog(options);
    return result.canceled ? null : (result.filePaths[0] ?? null);
  };

  const openFolder = async (root: string) => {
    if (!workbench) return;
    const opened = await workbench.handlers['workspace.open']({ root });
    if (!opened.ok) report(`Could not open ${root}: ${opened.message}`);
  };

  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));

  app.on('second-instance', (_event, argv, workingDirectory, additionalData) => {
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
    const requested =
      folderFromInstanceData(additionalData) ?? folderFromArgv(argv, { defaultApp: process.defaultApp === true, cwd: workingDirectory });
    if (requested !== undefined) void openFolder(requested);
  });

  app.on('window-all-closed', () => app.quit());

  // Cmd+Q / Quit, or the last window closed: dispose the core (flushes state, stops watchers), then quit.
  app.on('will-quit', (event) => {
    if (shutdownStarted) return;
    shutdownStarted = true;
    event.preventDefault();
    void (async () => {
      try {
        await store.dispose();
        await workbench?.dispose();
      } catch (e) {
        console.error('[lathe] shutdown failed', e);
      } finally {
        app.quit();
      }
    })();
  });

  app
    .whenReady()
    .then(async () => {
      const wb = await createWorkbench({
        host: 'electron',
        version: app.getVersion(),
        userDir,
        pickFolder,
        // Children are built next to this entry (out/main/).
        ptyHostEntry: join(__dirname, 'pty-host.js'),
        onnxRunnerEntry: join(__dirname, 'onnx-runner.js'),
        ...(folder !== undefined ? { folder } : {}),
      });
      workbench = wb;
      store.add(registerIpc(wb.handlers, isTrustedSender));
      store.add(forwardEvents(wb.hub, () => BrowserWindow.getAllWindows()));
      installAppMenu({
        handlers: wb.handlers,
        hub: wb.hub,
        pickFolder,
        focusedWindow: () => BrowserWindow.getFocusedWindow() ?? mainWindow,
      });
      const win = createMainWindow();
      mainWindow = win;
      win.on('closed', () => {
        if (mainWindow === win) mainWindow = null;
      });
      const atStart = wb.openedAtStart;
      if (atStart && !atStart.ok) {
        win.once('ready-to-show', () => {
          void dialog.showMessageBox(win, {
            type: 'warning',
            title: 'Lathe',
            message: `Could not open ${folder ?? 'the folder'}`,
            detail: atStart.message,
            noLink: true,
          });
        });
      }
    })
    .catch((e: unknown) => {
      console.error('[lathe] failed to start', e);
      dialog.showErrorBox('Lathe could not start', e instanceof Error ? (e.stack ?? e.message) : String(e));
      app.exit(1);
    });
}
